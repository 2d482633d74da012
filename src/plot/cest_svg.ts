/**
 * SVG figure of CEST profiles: one panel per profile, stacked vertically.
 *
 * @module
 */

import type { CestPlotData } from "./cest.ts";
import type { XYPanel } from "./chart.ts";
import { dataPanel } from "./_panels.ts";
import { renderPanelsSvg } from "./stack.ts";

const STATE_DASHES = [[], [5, 1], [5, 5], [5, 10], [1, 1], [1, 5], [1, 10]];

const X_TITLE = "B₁ position (ppm)";
const Y_TITLE = "I/I₀";

/**
 * One profile's panel: ppm axis reversed (NMR convention), states as dashed vertical rules.
 *
 * @example
 * ```ts
 * const panel = cestPanel(cestPlotData(input)); // see cestPlotData
 * panel.x.reverse; // true
 * ```
 */
export function cestPanel(profile: CestPlotData): XYPanel {
  const finite = (v: number) => Number.isFinite(v);
  const points = profile.points.filter((p) => finite(p.ppm) && finite(p.ratioExp));
  const curve = profile.curve.filter((c) => finite(c.ppm) && finite(c.ratioCalc));
  const xs = [...curve.map((c) => c.ppm), ...points.map((p) => p.ppm)];
  const lo = xs.length ? Math.min(...xs) : 0;
  const hi = xs.length ? Math.max(...xs) : 1;
  const pad = (hi - lo) * 0.02 || 0.5;
  return dataPanel({
    title: profile.name,
    x: { title: X_TITLE, domain: [lo - pad, hi + pad], reverse: true },
    y: { title: Y_TITLE, zero: false },
    rules: profile.statesPpm
      .filter(finite)
      .map((ppm, k) => ({ x: ppm, dash: STATE_DASHES[k % STATE_DASHES.length] })),
    curves: [curve.map((c) => ({ x: c.ppm, y: c.ratioCalc }))],
    bars: points
      .filter((p) => finite(p.errRatio))
      .map((p) => ({
        x: p.ppm,
        lo: p.ratioExp - p.errRatio,
        hi: p.ratioExp + p.errRatio,
        used: p.used,
      })),
    points: points.map((p) => ({ x: p.ppm, y: p.ratioExp, used: p.used })),
    pointSize: 20,
  });
}

/**
 * Render CEST profiles as an SVG document: per profile, I/I0 versus the saturation position
 * (ppm, decreasing to the right) with error bars (points excluded from the fit hollow and grey),
 * the model curve as a line and the chemical shift of each state as a dashed vertical rule.
 *
 * @example
 * ```ts
 * const svg = renderCestSvg([cestPlotData(input)], "13hz"); // see cestPlotData
 * await Deno.writeTextFile("Plots/13hz.svg", svg);
 * ```
 */
export function renderCestSvg(data: CestPlotData[], title: string): string {
  return renderPanelsSvg(data.map((d) => [cestPanel(d)]), title);
}
