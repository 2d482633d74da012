/**
 * SVG figure of CEST profiles: one panel per profile, stacked vertically.
 *
 * @module
 */

import type { CestPlotData } from "./cest.ts";
import { renderVegaLiteSvg } from "./svg.ts";

const RED = "#D32F2F";
const CURVE_RED = "#E57373";
const GREY = "#9E9E9E";
const STATE_GREY = "#BDBDBD";
const STATE_DASHES = [[], [5, 1], [5, 5], [5, 10], [1, 1], [1, 5], [1, 10]];

const X_TITLE = "B₁ position (ppm)";
const Y_TITLE = "I/I₀";

/** One profile's panel: ppm axis reversed (NMR convention), states as dashed vertical rules. */
function panelSpec(profile: CestPlotData): object {
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
  const barLayer = (used: boolean) => ({
    data: { values: bars.filter((b) => b.used === used) },
    mark: { type: "rule", color: used ? RED : GREY },
    encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" } },
  });
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
  return {
    title: profile.name,
    width: 400,
    height: 220,
    layer: [
      ...stateLayers,
      {
        data: { values: curve.map((c) => ({ ppm: c.ppm, ratio: c.ratioCalc })) },
        mark: { type: "line", color: CURVE_RED },
        encoding: { x, y },
      },
      barLayer(false),
      barLayer(true),
      {
        data: { values: marks(false) },
        mark: { type: "point", filled: false, color: GREY, size: 20 },
        encoding: { x, y },
      },
      {
        data: { values: marks(true) },
        mark: { type: "point", filled: true, color: RED, size: 20, opacity: 1 },
        encoding: { x, y },
      },
    ],
  };
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
  return renderVegaLiteSvg({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    background: "white",
    vconcat: data.map(panelSpec),
    resolve: { scale: { x: "independent", y: "independent" } },
    // Per-mark ARIA descriptions would triple the file size of a many-panel figure.
    config: { aria: false },
  });
}
