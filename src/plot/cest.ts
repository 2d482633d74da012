/**
 * CEST plot quantities (chemex-compat 8.4): I/I0 versus the saturation position in ppm for the
 * data and a smooth model curve, the chemical shifts of the states, and the `.exp` / `.fit`
 * side files.
 *
 * I0 is the mean experimental intensity of the reference points (|offset| > 10 kHz), used for
 * both data and model. With a finite `sw`, positions are folded into a window of one sw centred
 * on the mean state shift (as ChemEx's plots do for D-CEST/COS-CEST aliasing).
 *
 * @module
 */
import { pyExp, pyFixed } from "../math/pyformat.ts";

/** One CEST profile, as fitted or simulated. */
export interface CestPlotInput {
  name: string;
  /** Saturation offsets (Hz) of the data, references included. */
  offsetsHz: Float64Array;
  exp: Float64Array;
  err: Float64Array;
  /** Calculated intensities, scaled like the data. */
  calc: Float64Array;
  used: boolean[];
  /** Offsets of the smooth curve (see {@link cestCurveOffsets}) and the scaled model there. */
  curveOffsetsHz: Float64Array;
  curveCalc: Float64Array;
  /** Which data points are references. */
  isReference: (offsetHz: number) => boolean;
  /** I-spin carrier (ppm). */
  carrierPpm: number;
  /** |ppm → rad/s| factor of the I spin (2π·ν_H·Ξ). */
  radPerSPerPpm: number;
  /** Chemical shift (ppm) of each state, in state order. */
  statesPpm: number[];
  /** Spectral width (Hz); Infinity for no folding. */
  swHz: number;
}

/** Plot-ready CEST profile, points and curve sorted by position. */
export interface CestPlotData {
  name: string;
  /** Non-reference points: position (ppm), I/I0 and σ/|I0| of the data, I/I0 of the model. */
  points: { ppm: number; ratioExp: number; errRatio: number; ratioCalc: number; used: boolean }[];
  curve: { ppm: number; ratioCalc: number }[];
  /** State positions (ppm), folded like the points. */
  statesPpm: number[];
  /** Whether each state position was folded (ChemEx marks those with "*"). */
  statesFolded: boolean[];
}

/**
 * numpy's `linspace(start, stop, num)`: k·step + start, last point exactly `stop`.
 *
 * @example
 * ```ts
 * linspace(0, 1, 3); // Float64Array [0, 0.5, 1]
 * ```
 */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let k = 0; k < num; k++) out[k] = k * step + start;
  out[num - 1] = stop;
  return out;
}

/**
 * Offsets of ChemEx's smooth CEST curve: 400 points spanning the non-reference offsets extended
 * by 2 % of their range on each side.
 *
 * @example
 * ```ts
 * cestCurveOffsets(Float64Array.of(-2e4, -100, 100), (x) => Math.abs(x) > 1e4)[0]; // -104
 * ```
 */
export function cestCurveOffsets(
  offsetsHz: Float64Array,
  isReference: (offsetHz: number) => boolean,
  size = 400,
): Float64Array {
  const xs = Array.from(offsetsHz).filter((x) => !isReference(x));
  if (xs.length === 0) return new Float64Array(0);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const extra = (hi - lo) * 0.02;
  return linspace(lo - extra, hi + extra, size);
}

/** numpy's float `%` (floor semantics). */
function floorMod(a: number, b: number): number {
  let m = a % b;
  if (m !== 0 && (b < 0) !== (m < 0)) m += b;
  return m;
}

function stableOrderBy<T>(items: T[], key: (item: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((p, q) => key(p.item) - key(q.item) || p.index - q.index)
    .map(({ item }) => item);
}

/**
 * Convert a CEST profile to plot quantities: ppm = carrier + 2π·offset/|P|, I/I0 with I0 the
 * mean experimental reference intensity (NaN when the profile has none), references dropped.
 *
 * @example
 * ```ts
 * const data = cestPlotData({
 *   name: "G23N", offsetsHz: Float64Array.of(-2e4, 0), exp: Float64Array.of(100, 40),
 *   err: Float64Array.of(2, 2), calc: Float64Array.of(100, 41), used: [true, true],
 *   curveOffsetsHz: Float64Array.of(0), curveCalc: Float64Array.of(41),
 *   isReference: (x) => Math.abs(x) > 1e4, carrierPpm: 118, radPerSPerPpm: 2 * Math.PI * 60.8,
 *   statesPpm: [118, 120], swHz: Infinity,
 * });
 * data.points[0]; // { ppm: 118, ratioExp: 0.4, errRatio: 0.02, ratioCalc: 0.41, used: true }
 * ```
 */
export function cestPlotData(input: CestPlotInput): CestPlotData {
  const n = input.offsetsHz.length;
  for (const [label, len] of Object.entries({ exp: input.exp.length, err: input.err.length })) {
    if (len !== n) throw new RangeError(`${label} has ${len} values for ${n} offsets`);
  }
  if (input.calc.length !== n || input.used.length !== n) {
    throw new RangeError("calc/used do not match the offsets");
  }
  const toPpm = (x: number) => input.carrierPpm + 2.0 * Math.PI * x / input.radPerSPerPpm;
  const refs: number[] = [];
  const rows: number[] = [];
  for (let i = 0; i < n; i++) (input.isReference(input.offsetsHz[i]) ? refs : rows).push(i);
  const i0 = refs.reduce((s, i) => s + input.exp[i], 0) / refs.length;

  let fold = (ppm: number) => ppm;
  let statesPpm = input.statesPpm.slice();
  let statesFolded = statesPpm.map(() => false);
  if (Number.isFinite(input.swHz) && statesPpm.length > 0) {
    const swPpm = toPpm(input.swHz) - toPpm(0.0);
    const centre = statesPpm.reduce((s, v) => s + v, 0) / statesPpm.length;
    const csMin = centre - swPpm / 2.0;
    fold = (ppm: number) => floorMod(ppm - csMin, swPpm) + csMin;
    const folded = statesPpm.map(fold);
    statesFolded = folded.map((v, k) => v !== statesPpm[k]);
    statesPpm = folded;
  }

  const points = rows.map((i) => ({
    ppm: fold(toPpm(input.offsetsHz[i])),
    ratioExp: input.exp[i] / i0,
    errRatio: input.err[i] / Math.abs(i0),
    ratioCalc: input.calc[i] / i0,
    used: input.used[i],
  }));
  const curve = Array.from(input.curveOffsetsHz, (x, k) => ({
    ppm: fold(toPpm(x)),
    ratioCalc: input.curveCalc[k] / i0,
  }));
  return {
    name: input.name,
    points: stableOrderBy(points, (p) => p.ppm),
    curve: stableOrderBy(curve, (p) => p.ppm),
    statesPpm,
    statesFolded,
  };
}

function e17(x: number): string {
  return pyExp(x, 8, { sign: " ", width: 17 });
}

function ppm12(x: number): string {
  return pyFixed(x, 5, { sign: " ", width: 12 });
}

/**
 * The `Plots/<stem>.exp` text: per profile `[name]`, a header, then the position (`% 12.5f` ppm),
 * I/I0 and σ/I0 (`% 17.8e`); unused points start with `#` and end with
 * `" # NOT USED IN THE FIT"`.
 *
 * @example
 * ```ts
 * formatCestExp([{ name: "G23N", points: [{ ppm: 118, ratioExp: 0.4, errRatio: 0.02, ratioCalc: 0.41, used: true }], curve: [], statesPpm: [], statesFolded: [] }]);
 * // "[G23N]\n# OFFSET (PPM)   INTENSITY (EXP)       ERROR (EXP)\n" +
 * // "     118.00000    4.00000000e-01    2.00000000e-02\n\n"
 * ```
 */
export function formatCestExp(data: CestPlotData[]): string {
  const header = `# ${"OFFSET (PPM)".padStart(12)} ${"INTENSITY (EXP)".padStart(17)} ${
    "ERROR (EXP)".padStart(17)
  }`;
  return data.map((profile) => {
    const lines = [`[${profile.name}]`, header];
    for (const p of profile.points) {
      lines.push(
        `${p.used ? " " : "#"} ${ppm12(p.ppm)} ${e17(p.ratioExp)} ${e17(p.errRatio)}` +
          (p.used ? "" : " # NOT USED IN THE FIT"),
      );
    }
    return lines.join("\n") + "\n\n";
  }).join("");
}

/**
 * The `Plots/<stem>.fit` text (also the `.sim` text of simulations): per profile `[name]`, a
 * header, then the position (`% 12.5f` ppm) and the model I/I0 of the smooth curve (`% 17.8e`).
 *
 * @example
 * ```ts
 * formatCestFit([{ name: "G23N", points: [], curve: [{ ppm: 118, ratioCalc: 0.41 }], statesPpm: [], statesFolded: [] }]);
 * // "[G23N]\n# OFFSET (PPM)  INTENSITY (CALC)\n     118.00000    4.10000000e-01\n\n"
 * ```
 */
export function formatCestFit(data: CestPlotData[]): string {
  const header = `# ${"OFFSET (PPM)".padStart(12)} ${"INTENSITY (CALC)".padStart(17)}`;
  return data.map((profile) => {
    const lines = [`[${profile.name}]`, header];
    for (const c of profile.curve) lines.push(`  ${ppm12(c.ppm)} ${e17(c.ratioCalc)}`);
    return lines.join("\n") + "\n\n";
  }).join("");
}
