/**
 * One plain shape for every profile plot of the report: points with asymmetric error bars, the
 * model at the points (for residuals) and the model curve, whatever the experiment family.
 * Converters take the plot data the run already computes (`src/plot/`).
 *
 * @module
 */
import type { CpmgPlotData } from "../plot/cpmg.ts";
import type { CestPlotData } from "../plot/cest.ts";
import type { DecayPanel } from "../plot/relaxation.ts";
import type { ShiftPoint } from "../plot/shift.ts";
import type { R1rhoPlotData } from "../plot/r1rho.ts";
import { groupOf, parseSpinSystem } from "../params/spin_system.ts";
import { smoothCurve } from "../plot/smooth.ts";

/** One point of a profile figure: data value, error bar ends and the model at the same x. */
export interface FigurePoint {
  x: number;
  y: number;
  lo: number;
  hi: number;
  calc: number;
  used: boolean;
}

/** A profile figure: data, model curve and axis titles; `reverseX` for ppm axes. */
export interface ProfileFigure {
  name: string;
  /** Experiment file stem the profile belongs to. */
  experiment: string;
  /** Residue label used for filtering ("G23"), "" when the name has none. */
  residue: string;
  xTitle: string;
  yTitle: string;
  reverseX: boolean;
  points: FigurePoint[];
  curve: { x: number; y: number }[];
  /** Vertical marks (CEST state positions). */
  rules: number[];
}

/**
 * Residue label of a spin-system name, e.g. "G23" for "G23N-H"; "" when there is none.
 *
 * @example
 * ```ts
 * residueOf("G23N-HN"); // "G23"
 * ```
 */
export function residueOf(name: string): string {
  try {
    const g = groupOf(parseSpinSystem(name));
    return g ? `${g.symbol}${g.number}${g.suffix}` : "";
  } catch {
    return "";
  }
}

const finite = (p: FigurePoint) =>
  Number.isFinite(p.x) && Number.isFinite(p.y) && Number.isFinite(p.calc);

function base(name: string, experiment: string) {
  return { name, experiment, residue: residueOf(name) };
}

/**
 * Report figures of CPMG profiles (R2,eff against ν_CPMG); points whose rate is not finite are
 * left out, infinite error bars are drawn as none; `smooth` interpolates the model between
 * allowed ncyc for display (`src/plot/smooth.ts`).
 *
 * @example
 * ```ts
 * const figs = cpmgFigures("800mhz", data); // data: CpmgPlotData[]
 * ```
 */
export function cpmgFigures(
  experiment: string,
  data: CpmgPlotData[],
  smooth = true,
): ProfileFigure[] {
  return data.map((d) => ({
    ...base(d.name, experiment),
    xTitle: "ν_CPMG (Hz)",
    yTitle: "R₂,eff (s⁻¹)",
    reverseX: false,
    rules: [],
    points: d.points.map((p) => ({
      x: p.nuCpmgHz,
      y: p.r2Exp,
      lo: Number.isFinite(p.errLow) ? p.r2Exp - p.errLow : p.r2Exp,
      hi: Number.isFinite(p.errHigh) ? p.r2Exp + p.errHigh : p.r2Exp,
      calc: p.r2Calc,
      used: p.used,
    })).filter(finite),
    curve: smoothIf(smooth, d.curve.map((c) => ({ x: c.nuCpmgHz, y: c.r2Calc }))),
  }));
}

function smoothIf(smooth: boolean, curve: { x: number; y: number }[]): { x: number; y: number }[] {
  const finiteCurve = curve.filter((c) => Number.isFinite(c.x) && Number.isFinite(c.y));
  return smooth ? smoothCurve(finiteCurve) : finiteCurve;
}

/**
 * Report figures of CEST profiles (I/I0 against the B1 position in ppm, reversed axis).
 *
 * @example
 * ```ts
 * const figs = cestFigures("cest_26hz", data); // data: CestPlotData[]
 * ```
 */
export function cestFigures(experiment: string, data: CestPlotData[]): ProfileFigure[] {
  return data.map((d) =>
    ratioFigure(d, experiment, "ppm", {
      xTitle: "B₁ position (ppm)",
      reverseX: true,
      rules: d.statesPpm.filter(Number.isFinite),
    })
  );
}

/**
 * Report figures of relaxation and EXSY panels (I/I0 against the delay).
 *
 * @example
 * ```ts
 * const figs = decayFigures("relax_nz", panels); // panels: DecayPanel[]
 * ```
 */
export function decayFigures(experiment: string, panels: DecayPanel[]): ProfileFigure[] {
  return panels.map((d) =>
    ratioFigure(d, experiment, "timeS", { xTitle: "Time (s)", reverseX: false, rules: [] })
  );
}

/** A measured I/I₀ ratio with its error and the model's, as CEST and decay plot data have. */
interface RatioPoint {
  ratioExp: number;
  errRatio: number;
  ratioCalc: number;
  used: boolean;
}

/**
 * A figure of I/I₀ ratios against the plot data's `x` field (the same name in points and curve),
 * finite points and curve samples only.
 */
function ratioFigure<K extends string>(
  d: {
    name: string;
    points: (RatioPoint & Record<K, number>)[];
    curve: ({ ratioCalc: number } & Record<K, number>)[];
  },
  experiment: string,
  x: K,
  axis: { xTitle: string; reverseX: boolean; rules: number[] },
): ProfileFigure {
  return {
    ...base(d.name, experiment),
    xTitle: axis.xTitle,
    yTitle: "I/I₀",
    reverseX: axis.reverseX,
    rules: axis.rules,
    points: d.points.map((p) => symmetricPoint(p[x], p.ratioExp, p.errRatio, p.ratioCalc, p.used))
      .filter(finite),
    curve: d.curve.map((c) => ({ x: c[x], y: c.ratioCalc })).filter((c) => Number.isFinite(c.y)),
  };
}

/** A data point `y ± err` at `x` with the model's value `calc`. */
function symmetricPoint(
  x: number,
  y: number,
  err: number,
  calc: number,
  used: boolean,
): FigurePoint {
  return { x, y, lo: y - err, hi: y + err, calc, used };
}

/**
 * One figure for a shift experiment: observed against calculated shift, one point per spin
 * system, the diagonal as the curve.
 *
 * @example
 * ```ts
 * const fig = shiftFigure("shift_15n", [{ name: "G2N", exp: 10, err: 1, calc: 9 }]);
 * fig.points.length; // 1
 * ```
 */
export function shiftFigure(experiment: string, points: ShiftPoint[]): ProfileFigure {
  const xs = points.flatMap((p) => [p.exp, p.calc]).filter(Number.isFinite);
  const lo = xs.length ? Math.min(...xs) : 0;
  const hi = xs.length ? Math.max(...xs) : 1;
  return {
    name: experiment,
    experiment,
    residue: "",
    xTitle: "Δδ fit (ppb)",
    yTitle: "Δδ exp (ppb)",
    reverseX: false,
    rules: [],
    points: points.map((p) => symmetricPoint(p.calc, p.exp, p.err, p.calc, true)).filter(finite),
    curve: [{ x: lo, y: lo }, { x: hi, y: hi }],
  };
}

/**
 * Report figures of R1ρ rate profiles: R1ρ against the spin-lock offset from the observed
 * state's resonance, or against the spin-lock field when every point has the same offset
 * (`x_axis = "b1_frq"` data).
 *
 * @example
 * ```ts
 * const figs = r1rhoFigures("600mhz_50hz", data); // data: R1rhoPlotData[]
 * ```
 */
export function r1rhoFigures(experiment: string, data: R1rhoPlotData[]): ProfileFigure[] {
  return data.map((d) => {
    // Against the field only when the field varies at one offset (on-resonance series); a
    // single point or a series of offsets at one field is drawn against the offset.
    const same = (f: (p: { offsetHz: number; b1Hz: number }) => number) =>
      d.points.every((p) => Math.abs(f(p) - f(d.points[0])) < 1e-9);
    const byField = same((p) => p.offsetHz) && !same((p) => p.b1Hz);
    const xOf = (p: { offsetHz: number; b1Hz: number }) => byField ? p.b1Hz : p.offsetHz;
    return {
      ...base(d.name, experiment),
      xTitle: byField ? "spin-lock field (Hz)" : "spin-lock offset from the observed state (Hz)",
      yTitle: "R₁ρ (s⁻¹)",
      reverseX: false,
      rules: [],
      points: d.points.map((p) => symmetricPoint(xOf(p), p.exp, p.err, p.calc, p.used))
        .filter(finite),
      curve: d.curve.map((c) => ({ x: xOf(c), y: c.r1rho }))
        .filter((c) => Number.isFinite(c.x) && Number.isFinite(c.y))
        .sort((a, b) => a.x - b.x),
    };
  });
}
