/**
 * R1ρ rate plots: per profile, R1ρ versus the spin-lock offset from the observed state's
 * resonance and versus the effective field at that state, measured points with error bars and
 * the model as a smooth curve; plus the `.exp` / `.fit` side files of the plotted values.
 *
 * @module
 */
import { dataPanel } from "./_panels.ts";
import type { XYPanel } from "./chart.ts";
import { renderPanelsSvg } from "./stack.ts";

/** One plotted point or curve sample. */
export interface R1rhoSample {
  /** Spin-lock frequency minus the observed state's resonance (Hz). */
  offsetHz: number;
  /** Spin-lock field ν1 (Hz). */
  b1Hz: number;
  /** Effective field at the observed state, √(ν1² + offset²) (Hz). */
  weffHz: number;
}

/** Plot data of one profile. */
export interface R1rhoPlotData {
  name: string;
  points: (R1rhoSample & { exp: number; err: number; calc: number; used: boolean })[];
  curve: (R1rhoSample & { r1rho: number })[];
}

/** What {@link r1rhoPlotData} needs. */
export interface R1rhoPlotInput {
  name: string;
  /** What x holds: the spin-lock offset from the carrier or the spin-lock field (Hz). */
  xAxis: "offset" | "b1_frq";
  x: ArrayLike<number>;
  /** Field of the file when x holds offsets (Hz). */
  b1Hz?: number;
  /** Resonance of the observed state minus the carrier (Hz). */
  stateFromCarrierHz: number;
  exp: ArrayLike<number>;
  err: ArrayLike<number>;
  calc: ArrayLike<number>;
  used: readonly boolean[];
  curveX: ArrayLike<number>;
  curveCalc: ArrayLike<number>;
}

/**
 * Dense x values for the smooth curve: 201 points over the data range widened by 10 % on each
 * side (fields stay positive).
 *
 * @example
 * ```ts
 * r1rhoCurveX([-100, 300], "offset").length; // 201
 * ```
 */
export function r1rhoCurveX(x: ArrayLike<number>, xAxis: "offset" | "b1_frq"): Float64Array {
  const values = Array.from(x);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const span = hi - lo || Math.max(Math.abs(hi), 1);
  lo -= 0.1 * span;
  hi += 0.1 * span;
  if (xAxis === "b1_frq") lo = Math.max(lo, 0.01 * Math.min(...values));
  return Float64Array.from({ length: 201 }, (_, k) => lo + ((hi - lo) * k) / 200);
}

function sample(input: R1rhoPlotInput, x: number): R1rhoSample {
  const b1Hz = input.xAxis === "offset" ? input.b1Hz ?? 0 : x;
  const lockFromCarrierHz = input.xAxis === "offset" ? x : 0;
  const offsetHz = lockFromCarrierHz - input.stateFromCarrierHz;
  return { offsetHz, b1Hz, weffHz: Math.hypot(b1Hz, offsetHz) };
}

/**
 * Plot data of one profile.
 *
 * @example
 * ```ts
 * const data = r1rhoPlotData({ name: "14N", xAxis: "offset", x: [0], b1Hz: 50, stateFromCarrierHz: 0,
 *   exp: [27], err: [0.5], calc: [26.8], used: [true], curveX: [0], curveCalc: [26.8] });
 * data.points[0].weffHz; // 50
 * ```
 */
export function r1rhoPlotData(input: R1rhoPlotInput): R1rhoPlotData {
  const points = Array.from(input.x, (x, k) => ({
    ...sample(input, x),
    exp: input.exp[k],
    err: input.err[k],
    calc: input.calc[k],
    used: input.used[k],
  }));
  const curve = Array.from(input.curveX, (x, k) => ({
    ...sample(input, x),
    r1rho: input.curveCalc[k],
  }));
  return { name: input.name, points, curve };
}

function panel(data: R1rhoPlotData, field: "offsetHz" | "weffHz", title: string): XYPanel {
  const finite = (v: number) => Number.isFinite(v);
  const points = data.points.filter((p) => finite(p[field]) && finite(p.exp));
  const curve = data.curve.filter((c) => finite(c[field]) && finite(c.r1rho));
  // Versus the effective field each side of the resonance is its own branch: one line per
  // side, each drawn in effective-field order.
  const branch = (keep: (c: R1rhoSample) => boolean) =>
    curve.filter(keep).sort((a, b) => a.weffHz - b.weffHz).map((c) => ({
      x: c.weffHz,
      y: c.r1rho,
    }));
  const curves = field === "weffHz"
    ? [branch((c) => c.offsetHz >= 0), branch((c) => c.offsetHz < 0)]
    : [curve.map((c) => ({ x: c.offsetHz, y: c.r1rho }))];
  return dataPanel({
    title: data.name,
    x: { title, zero: false },
    y: { title: "R1ρ (s⁻¹)", zero: false },
    curves,
    bars: points.filter((p) => finite(p.err)).map((p) => ({
      x: p[field],
      lo: p.exp - p.err,
      hi: p.exp + p.err,
      used: p.used,
    })),
    points: points.map((p) => ({ x: p[field], y: p.exp, used: p.used })),
    pointSize: 30,
  });
}

/**
 * The figure's rows: per profile, R1ρ versus offset (left) and versus effective field (right;
 * one curve branch for each side of the observed state's resonance).
 *
 * @example
 * ```ts
 * const rows = r1rhoPanels([data]);
 * rows[0].length; // 2
 * ```
 */
export function r1rhoPanels(plots: R1rhoPlotData[]): XYPanel[][] {
  return plots.map((d) => [
    panel(d, "offsetHz", "spin-lock offset from the observed state (Hz)"),
    panel(d, "weffHz", "effective field at the observed state (Hz)"),
  ]);
}

/**
 * SVG figure of R1ρ profiles, one row of two panels per profile (see {@link r1rhoPanels}).
 *
 * @example
 * ```ts
 * const svg = renderR1rhoSvg([data], "600mhz_50hz");
 * svg.includes("effective field"); // true
 * ```
 */
export function renderR1rhoSvg(plots: R1rhoPlotData[], title: string): string {
  return renderPanelsSvg(r1rhoPanels(plots), title);
}

function fmt(v: number): string {
  return v.toExponential(8).padStart(17);
}

/**
 * `.exp` (measured, with errors) or `.fit` (smooth curve) text of the plotted values.
 *
 * @example
 * ```ts
 * formatR1rho([data], "fit"); // "[14N]\n# OFFSET_HZ B1_HZ WEFF_HZ R1RHO\n..."
 * ```
 */
export function formatR1rho(plots: R1rhoPlotData[], kind: "exp" | "fit"): string {
  let out = "";
  for (const d of plots) {
    out += `[${d.name}]\n`;
    if (kind === "exp") {
      out += `#${
        ["OFFSET (HZ)", "B1 (HZ)", "WEFF (HZ)", "R1RHO (EXP)", "ERROR (EXP)"].map((h) =>
          h.padStart(17)
        ).join("")
      }\n`;
      for (const p of d.points) {
        out += ` ${[p.offsetHz, p.b1Hz, p.weffHz, p.exp, p.err].map(fmt).join("")}\n`;
      }
    } else {
      out += `#${
        ["OFFSET (HZ)", "B1 (HZ)", "WEFF (HZ)", "R1RHO (CALC)"].map((h) => h.padStart(17))
          .join("")
      }\n`;
      for (const c of d.curve) {
        out += ` ${[c.offsetHz, c.b1Hz, c.weffHz, c.r1rho].map(fmt).join("")}\n`;
      }
    }
    out += "\n";
  }
  return out;
}
