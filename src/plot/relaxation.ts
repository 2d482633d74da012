/**
 * Relaxation and EXSY plots: intensity versus delay for the data (with error bars) and a smooth
 * model curve, normalised by the data point of largest magnitude, as ChemEx plots them; the
 * `.exp` / `.fit` side files (chemex-compat 8.4); and the SVG figure
 * (`renderDecaySvg`).
 *
 * EXSY profiles are split into one panel per (start, detected) state pair, named
 * `<spin system>_<s1><s2>`.
 *
 * @module
 */
import { pyExp, pyFixed } from "../math/pyformat.ts";
import { linspace } from "./cest.ts";
import type { XYPanel } from "./chart.ts";
import { dataPanel } from "./_panels.ts";
import { renderPanelsSvg } from "./stack.ts";

/** One panel: points and curve sorted by time, intensities divided by I0. */
export interface DecayPanel {
  name: string;
  /** EXSY panels are side files in simulations too (ChemEx plots them as in a fit). */
  exsy: boolean;
  points: { timeS: number; ratioExp: number; errRatio: number; ratioCalc: number; used: boolean }[];
  curve: { timeS: number; ratioCalc: number }[];
}

/** Data and model of one panel, intensities as fitted (scaled like the data). */
export interface DecayPanelInput {
  name: string;
  exsy?: boolean;
  timesS: ArrayLike<number>;
  exp: ArrayLike<number>;
  err: ArrayLike<number>;
  calc: ArrayLike<number>;
  used: readonly boolean[];
  curveTimesS: ArrayLike<number>;
  curveCalc: ArrayLike<number>;
  /** Normalisation I0 (ChemEx: the profile's data point of largest |intensity|). */
  i0: number;
}

/**
 * The data point of largest magnitude (the first one on ties), ChemEx's I0 for these plots.
 *
 * @example
 * ```ts
 * largestMagnitude([3, -5, 5]); // -5
 * ```
 */
export function largestMagnitude(values: ArrayLike<number>): number {
  let best = values[0];
  for (let k = 1; k < values.length; k++) {
    if (Math.abs(values[k]) > Math.abs(best)) best = values[k];
  }
  return best;
}

/**
 * Delays of the smooth curve: 100 points from the smallest to the largest delay, extended on
 * both sides by `extension` of the range; relaxation curves keep only positive delays.
 *
 * @example
 * ```ts
 * decayCurveTimes(Float64Array.of(0, 1), 0.02, true)[0]; // 0.0103… (first positive point)
 * ```
 */
export function decayCurveTimes(
  timesS: ArrayLike<number>,
  extension: number,
  positiveOnly: boolean,
): Float64Array {
  const lo = Math.min(...Array.from(timesS));
  const hi = Math.max(...Array.from(timesS));
  const extra = (hi - lo) * extension;
  const grid = linspace(lo - extra, hi + extra, 100);
  return positiveOnly ? grid.filter((t) => t > 0) : grid;
}

/**
 * A plot panel: points sorted by delay (stable for equal delays) and the curve, divided by I0.
 *
 * @example
 * ```ts
 * const panel = decayPanel({ name: "G2N", timesS: [0.5, 0], exp: [5, 10], err: [1, 1], calc: [5, 10], used: [true, true], curveTimesS: [0.25], curveCalc: [7], i0: 10 });
 * panel.points[0].ratioExp; // 1
 * ```
 */
export function decayPanel(input: DecayPanelInput): DecayPanel {
  const i0 = input.i0;
  const order = Array.from(input.timesS, (_, k) => k)
    .sort((a, b) => input.timesS[a] - input.timesS[b] || a - b);
  const curve = Array.from(input.curveTimesS, (t, k) => ({ t, c: input.curveCalc[k] }))
    .sort((a, b) => a.t - b.t);
  return {
    name: input.name,
    exsy: input.exsy ?? false,
    points: order.map((k) => ({
      timeS: input.timesS[k],
      ratioExp: input.exp[k] / i0,
      errRatio: input.err[k] / Math.abs(i0),
      ratioCalc: input.calc[k] / i0,
      used: input.used[k],
    })),
    curve: curve.map(({ t, c }) => ({ timeS: t, ratioCalc: c / i0 })),
  };
}

const t12 = (t: number) => pyFixed(t, 6, { sign: " ", width: 12 });
const e17 = (x: number) => pyExp(x, 8, { sign: " ", width: 17 });

/**
 * `.exp` side file: per panel `[name]`, a header, then time, I/I0 and σ/|I0|; points excluded
 * from the fit start with `#` and end with `# NOT USED IN THE FIT`.
 *
 * @example
 * ```ts
 * formatDecayExp([panel]); // "[G2N]\n#     TIME (S)   INTENSITY (EXP)       ERROR (EXP)\n  ..."
 * ```
 */
export function formatDecayExp(panels: DecayPanel[]): string {
  let out = "";
  for (const p of panels) {
    const lines = [
      `[${p.name}]`,
      `# ${"TIME (S)".padStart(12)} ${"INTENSITY (EXP)".padStart(17)} ${
        "ERROR (EXP)".padStart(17)
      }`,
    ];
    for (const q of p.points) {
      const line = `${q.used ? " " : "#"} ${t12(q.timeS)} ${e17(q.ratioExp)} ${e17(q.errRatio)}`;
      lines.push(q.used ? line : `${line} # NOT USED IN THE FIT`);
    }
    out += lines.join("\n") + "\n\n";
  }
  return out;
}

/**
 * `.fit` (and `.sim`) side file: per panel `[name]`, a header, then the curve's time and I/I0.
 *
 * @example
 * ```ts
 * formatDecayFit([panel]); // "[G2N]\n#     TIME (S)  INTENSITY (CALC)\n    0.250000    7.00000000e-01\n\n"
 * ```
 */
export function formatDecayFit(panels: DecayPanel[]): string {
  let out = "";
  for (const p of panels) {
    const lines = [
      `[${p.name}]`,
      `# ${"TIME (S)".padStart(12)} ${"INTENSITY (CALC)".padStart(17)}`,
    ];
    for (const c of p.curve) lines.push(`  ${t12(c.timeS)} ${e17(c.ratioCalc)}`);
    out += lines.join("\n") + "\n\n";
  }
  return out;
}

function decayXYPanel(p: DecayPanel): XYPanel {
  const finite = p.points.filter((q) => Number.isFinite(q.ratioExp) && Number.isFinite(q.timeS));
  const curve = p.curve.filter((c) => Number.isFinite(c.timeS) && Number.isFinite(c.ratioCalc));
  const tMax = Math.max(0, ...finite.map((q) => q.timeS));
  const tMinCurve = curve.length > 0 ? Math.min(...curve.map((c) => c.timeS)) : 0;
  return dataPanel({
    title: p.name,
    // ChemEx's x range: 0 to the last delay plus the first curve delay, a small right margin.
    x: { title: "Time (s)", domain: [0, tMax + Math.max(tMinCurve, 0)] },
    y: { title: "Intensity", zero: false },
    curves: [curve.map((c) => ({ x: c.timeS, y: c.ratioCalc }))],
    bars: finite.filter((q) => Number.isFinite(q.errRatio)).map((q) => ({
      x: q.timeS,
      lo: q.ratioExp - q.errRatio,
      hi: q.ratioExp + q.errRatio,
      used: q.used,
    })),
    points: finite.map((q) => ({ x: q.timeS, y: q.ratioExp, used: q.used })),
    pointSize: 30,
  });
}

/**
 * SVG figure of relaxation/EXSY panels, stacked vertically: I/I0 versus delay with error bars
 * (points excluded from the fit hollow and grey) and the model curve as a line.
 *
 * @example
 * ```ts
 * const svg = renderDecaySvg([panel], "800mhz");
 * svg.includes(">800mhz</text>"); // true
 * ```
 */
export function renderDecaySvg(panels: DecayPanel[], title: string): string {
  return renderPanelsSvg(panels.map((p) => [decayXYPanel(p)]), title);
}

/**
 * Side files of one experiment's panels under `Plots/`: `.exp` and `.fit` after a fit, `.sim`
 * in a simulation (EXSY: `.exp` and `.fit` in both, as ChemEx does).
 *
 * @example
 * ```ts
 * decaySideFiles("800mhz", panels, true); // Map { "Plots/800mhz.sim" => "[G2N]..." }
 * ```
 */
export function decaySideFiles(
  stem: string,
  panels: DecayPanel[],
  simulate: boolean,
): Map<string, string> {
  const out = new Map<string, string>();
  if (simulate && !panels.some((p) => p.exsy)) {
    out.set(`Plots/${stem}.sim`, formatDecayFit(panels));
  } else {
    out.set(`Plots/${stem}.exp`, formatDecayExp(panels));
    out.set(`Plots/${stem}.fit`, formatDecayFit(panels));
  }
  return out;
}
