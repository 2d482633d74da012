/**
 * R1ρ rate plots: per profile, R1ρ versus the spin-lock offset from the observed state's
 * resonance and versus the effective field at that state, measured points with error bars and
 * the model as a smooth curve; plus the `.exp` / `.fit` side files of the plotted values.
 *
 * @module
 */
import { dataPanelSpec } from "./_panels.ts";

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

function panel(data: R1rhoPlotData, field: "offsetHz" | "weffHz", title: string): object {
  const x = { field, type: "quantitative", title, scale: { zero: false } };
  const y = { field: "r1rho", type: "quantitative", title: "R1ρ (s⁻¹)", scale: { zero: false } };
  // Versus the effective field each side of the resonance is its own branch: one line per
  // side (`detail`), each drawn in effective-field order.
  const curve = field === "weffHz"
    ? data.curve
      .map((c) => ({ ...c, side: c.offsetHz < 0 ? "below" : "above" }))
      .sort((a, b) => a.side.localeCompare(b.side) || a.weffHz - b.weffHz)
    : data.curve;
  const spec = dataPanelSpec({
    title: data.name,
    x,
    y,
    curve,
    bars: data.points.map((p) => ({
      [field]: p[field],
      lo: p.exp - p.err,
      hi: p.exp + p.err,
      used: p.used,
    })),
    marks: (used) =>
      data.points.filter((p) => p.used === used).map((p) => ({ [field]: p[field], r1rho: p.exp })),
    pointSize: 30,
  }) as { layer: { encoding: Record<string, unknown> }[] };
  if (field === "weffHz") spec.layer[0].encoding.detail = { field: "side" };
  return spec;
}

/**
 * Vega-Lite figure: one row per profile, R1ρ versus offset (left) and versus effective field
 * (right; one curve branch for each side of the observed state's resonance).
 *
 * @example
 * ```ts
 * const spec = r1rhoFigureSpec([data], "600mhz_50hz");
 * ```
 */
export function r1rhoFigureSpec(plots: R1rhoPlotData[], title: string): object {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    background: "white",
    vconcat: plots.map((d) => ({
      hconcat: [
        panel(d, "offsetHz", "spin-lock offset from the observed state (Hz)"),
        panel(d, "weffHz", "effective field at the observed state (Hz)"),
      ],
    })),
    resolve: { scale: { x: "independent", y: "independent" } },
    config: { aria: false },
  };
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
