/**
 * CPMG plot quantities (physics-conventions 5, chemex-compat 8.4): R2,eff versus ν_CPMG for the
 * data and the smooth model curve, and the `.exp` / `.fit` side files.
 *
 * @module
 */

import { CpmgErrorBars, rate } from "./cpmg_error_bars.ts";
import { pyExp, pyFixed } from "../math/pyformat.ts";

/** One CPMG profile as fitted: data (scaled calc) and the model on a dense ncyc grid. */
export interface CpmgPlotInput {
  name: string;
  /** Constant-time relaxation delay T (s). */
  timeT2S: number;
  ncyc: Float64Array;
  exp: Float64Array;
  err: Float64Array;
  /** Calculated intensities, scaled like the data. */
  calc: Float64Array;
  used: boolean[];
  /** ncyc of the smooth curve (see {@link cpmgCurveNcyc}); 0 entries are ignored. */
  curveNcyc: Float64Array;
  /** Calculated, scaled intensities at `curveNcyc`. */
  curveCalc: Float64Array;
}

/** Plot-ready CPMG profile; points and curve sorted by ν_CPMG. */
export interface CpmgPlotData {
  name: string;
  /**
   * Non-reference points. `r2Exp`/`r2Calc` are `Infinity` when I/Ī0 ≤ 0 (kept so the `.exp` file
   * matches ChemEx; plots drop them). `errLow`/`errHigh` are distances below/above `r2Exp`,
   * `Infinity` when the sampled rate blows up.
   */
  points: {
    nuCpmgHz: number;
    r2Exp: number;
    errLow: number;
    errHigh: number;
    r2Calc: number;
    used: boolean;
  }[];
  curve: { nuCpmgHz: number; r2Calc: number }[];
}

function nuCpmg(ncyc: number, timeT2S: number): number {
  return (ncyc === -1 ? 0.5 : ncyc) / timeT2S;
}

function stableOrderBy<T>(items: T[], key: (item: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((p, q) => key(p.item) - key(q.item) || p.index - q.index)
    .map(({ item }) => item);
}

/**
 * Convert a CPMG profile to plot quantities. ν = ncyc/T (ncyc −1 → 0.5/T); reference rows
 * (ncyc 0) are not plotted; Ī0 = mean experimental reference intensity, used for both exp and calc
 * R2,eff = −ln(I/Ī0)/T. Error bars follow ChemEx: 10 000 draws z, z0 shared by all points of the
 * profile (I + σ·z, I0 + σ0·z0), 15.9/84.1 percentiles of (sampled − nominal) rate; ChemEx uses an
 * unseeded generator, here `seed` makes them reproducible (`cpmg_error_bars.ts`; with `cache`, a
 * profile already drawn in this run with the same data and seed reuses its bars).
 *
 * @example
 * ```ts
 * const data = cpmgPlotData({
 *   name: "G23N", timeT2S: 0.04,
 *   ncyc: new Float64Array([0, 1, 10]), exp: new Float64Array([1000, 700, 900]),
 *   err: new Float64Array([10, 10, 10]), calc: new Float64Array([1000, 710, 890]),
 *   used: [true, true, true],
 *   curveNcyc: new Float64Array([1, 2, 10]), curveCalc: new Float64Array([710, 800, 890]),
 * }, 42);
 * data.points[0].nuCpmgHz; // 25
 * data.points[0].r2Exp; // -ln(0.7)/0.04 ≈ 8.917
 * ```
 */
export function cpmgPlotData(
  input: CpmgPlotInput,
  seed: number,
  cache?: CpmgErrorBars,
): CpmgPlotData {
  const { timeT2S: t2 } = input;
  const n = input.ncyc.length;
  const lengths = {
    exp: input.exp.length,
    err: input.err.length,
    calc: input.calc.length,
    used: input.used.length,
  };
  for (const [label, length] of Object.entries(lengths)) {
    if (length !== n) throw new RangeError(`${label} has ${length} values for ${n} ncyc`);
  }
  if (input.curveCalc.length !== input.curveNcyc.length) {
    throw new RangeError("curveNcyc and curveCalc differ in length");
  }

  const refs: number[] = [];
  const rows: number[] = [];
  for (let i = 0; i < n; i++) (input.ncyc[i] === 0 ? refs : rows).push(i);
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  const i0 = mean(refs.map((i) => input.exp[i]));
  const sigma0 = mean(refs.map((i) => input.err[i]));

  const bars = (cache ?? new CpmgErrorBars()).of(input, rows, { i0, sigma0 }, seed);
  const points: CpmgPlotData["points"] = [];
  for (const i of rows) {
    const r2Exp = rate(input.exp[i], i0, t2);
    const k = points.length;
    points.push({
      nuCpmgHz: nuCpmg(input.ncyc[i], t2),
      r2Exp,
      errLow: bars[2 * k],
      errHigh: bars[2 * k + 1],
      r2Calc: rate(input.calc[i], i0, t2),
      used: input.used[i],
    });
  }

  const curve: CpmgPlotData["curve"] = [];
  input.curveNcyc.forEach((ncyc, i) => {
    if (ncyc !== 0) {
      curve.push({ nuCpmgHz: nuCpmg(ncyc, t2), r2Calc: rate(input.curveCalc[i], i0, t2) });
    }
  });

  return {
    name: input.name,
    points: stableOrderBy(points, (p) => p.nuCpmgHz),
    curve: stableOrderBy(curve, (p) => p.nuCpmgHz),
  };
}

/**
 * ncyc values of ChemEx's smooth CPMG curve: 2, 2+step, … ≤ max(ncyc) (step 2 with `even_ncycs`),
 * united with the non-reference data ncyc, ascending and without duplicates.
 *
 * @example
 * ```ts
 * cpmgCurveNcyc(new Float64Array([0, -1, 1, 6]), false); // Float64Array [-1, 1, 2, 3, 4, 5, 6]
 * ```
 */
export function cpmgCurveNcyc(ncyc: Float64Array, evenNcycs: boolean): Float64Array {
  const values = new Set<number>();
  const max = ncyc.reduce((m, v) => Math.max(m, v), -Infinity);
  for (let v = 2; v < max + 1; v += evenNcycs ? 2 : 1) values.add(v);
  for (const v of ncyc) if (v !== 0) values.add(v);
  return Float64Array.from(values).sort();
}

function e17(x: number): string {
  return pyExp(x, 8, { sign: " ", width: 17 });
}

function nu12(x: number): string {
  return pyFixed(x, 5, { sign: " ", width: 12 });
}

/**
 * The `Plots/<stem>.exp` text: per profile `[name]`, a header, then ν_CPMG (`% 12.5f`), R2,eff and
 * the lower/upper errors (`% 17.8e`); unused points start with `#` and end with
 * `" # NOT USED IN THE FIT"`.
 *
 * @example
 * ```ts
 * formatCpmgExp([{ name: "G23N", points: [{ nuCpmgHz: 25, r2Exp: 8.9, errLow: 0.4, errHigh: 0.5, r2Calc: 8.6, used: true }], curve: [] }]);
 * // "[G23N]\n# NU_CPMG (Hz)          R2 (EXP)  ERROR DOWN (EXP)    ERROR UP (EXP)\n" +
 * // "      25.00000    8.90000000e+00    4.00000000e-01    5.00000000e-01\n\n"
 * ```
 */
export function formatCpmgExp(data: CpmgPlotData[]): string {
  const header = "# " + ["NU_CPMG (Hz)".padStart(12), "R2 (EXP)".padStart(17)].join(" ") + " " +
    ["ERROR DOWN (EXP)", "ERROR UP (EXP)"].map((h) => h.padStart(17)).join(" ");
  return data.map((profile) => {
    const lines = [`[${profile.name}]`, header];
    for (const p of profile.points) {
      lines.push(
        `${p.used ? " " : "#"} ${nu12(p.nuCpmgHz)} ${e17(p.r2Exp)} ${e17(p.errLow)} ` +
          `${e17(p.errHigh)}${p.used ? "" : " # NOT USED IN THE FIT"}`,
      );
    }
    return lines.join("\n") + "\n\n";
  }).join("");
}

/**
 * The `Plots/<stem>.fit` text (also the `.sim` text of simulations): per profile `[name]`, a
 * header, then ν_CPMG (`% 12.5f`) and the calculated R2,eff of the smooth curve (`% 17.8e`).
 *
 * @example
 * ```ts
 * formatCpmgFit([{ name: "G23N", points: [], curve: [{ nuCpmgHz: 50, r2Calc: 7.5 }] }]);
 * // "[G23N]\n# NU_CPMG (Hz)         R2 (CALC)\n      50.00000    7.50000000e+00\n\n"
 * ```
 */
export function formatCpmgFit(data: CpmgPlotData[]): string {
  const header = `# ${"NU_CPMG (Hz)".padStart(12)} ${"R2 (CALC)".padStart(17)}`;
  return data.map((profile) => {
    const lines = [`[${profile.name}]`, header];
    for (const p of profile.curve) lines.push(`  ${nu12(p.nuCpmgHz)} ${e17(p.r2Calc)}`);
    return lines.join("\n") + "\n\n";
  }).join("");
}
