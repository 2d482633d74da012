/**
 * SVG figure of CEST profiles: one panel per profile, stacked vertically.
 *
 * @module
 */

import type { CestPlotData } from "./cest.ts";
import { dataPanelSpec, renderStackedSvg } from "./_panels.ts";

const STATE_GREY = "#BDBDBD";
const STATE_DASHES = [[], [5, 1], [5, 5], [5, 10], [1, 1], [1, 5], [1, 10]];

const X_TITLE = "B₁ position (ppm)";
const Y_TITLE = "I/I₀";

/** One profile's panel: ppm axis reversed (NMR convention), states as dashed vertical rules. */
export function cestPanelSpec(profile: CestPlotData): object {
  const finite = (v: number) => Number.isFinite(v);
  const points = profile.points.filter((p) => finite(p.ppm) && finite(p.ratioExp));
  const curve = profile.curve.filter((c) => finite(c.ppm) && finite(c.ratioCalc));
  const xs = [...curve.map((c) => c.ppm), ...points.map((p) => p.ppm)];
  const lo = xs.length ? Math.min(...xs) : 0;
  const hi = xs.length ? Math.max(...xs) : 1;
  const pad = (hi - lo) * 0.02 || 0.5;
  const x = {
    field: "ppm",
    type: "quantitative",
    title: X_TITLE,
    scale: { domain: [lo - pad, hi + pad], reverse: true, nice: false, zero: false },
  };
  const y = { field: "ratio", type: "quantitative", title: Y_TITLE, scale: { zero: false } };
  const bars = points
    .filter((p) => finite(p.errRatio))
    .map((p) => ({
      ppm: p.ppm,
      lo: p.ratioExp - p.errRatio,
      hi: p.ratioExp + p.errRatio,
      used: p.used,
    }));
  const marks = (used: boolean) =>
    points.filter((p) => p.used === used).map((p) => ({ ppm: p.ppm, ratio: p.ratioExp }));
  const stateLayers = profile.statesPpm.filter(finite).map((ppm, k) => ({
    data: { values: [{ ppm, label: profile.statesFolded[k] ? "*" : "" }] },
    mark: {
      type: "rule",
      color: STATE_GREY,
      strokeWidth: 0.75,
      strokeDash: STATE_DASHES[k % STATE_DASHES.length],
    },
    encoding: { x },
  }));
  return dataPanelSpec({
    title: profile.name,
    x,
    y,
    background: stateLayers,
    curve: curve.map((c) => ({ ppm: c.ppm, ratio: c.ratioCalc })),
    bars,
    marks,
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
 * const svg = await renderCestSvg([cestPlotData(input)], "13hz"); // see cestPlotData
 * await Deno.writeTextFile("Plots/13hz.svg", svg);
 * ```
 */
export function renderCestSvg(data: CestPlotData[], title: string): Promise<string> {
  return renderStackedSvg(data.map(cestPanelSpec), title);
}
