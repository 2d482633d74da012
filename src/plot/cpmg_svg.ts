/**
 * SVG figure of CPMG dispersion profiles: one panel per profile, stacked vertically.
 *
 * @module
 */

import type { CpmgPlotData } from "./cpmg.ts";
import { dataPanelSpec, renderStackedSvg } from "./_panels.ts";
import { smoothCurve } from "./smooth.ts";

const X_TITLE = "ν_CPMG (Hz)";
const Y_TITLE = "R₂,eff (s⁻¹)";

/**
 * One profile's panel; non-finite rates (I/Ī0 ≤ 0) and infinite error bars are left out. With
 * `smooth`, the curve through the model at every allowed ncyc is interpolated for display
 * (`smooth.ts`); without, straight lines join the computed points.
 */
export function cpmgPanelSpec(profile: CpmgPlotData, smooth = true): object {
  const points = profile.points.filter((p) => Number.isFinite(p.r2Exp));
  const computed = profile.curve.filter((c) => Number.isFinite(c.r2Calc));
  const curve = smooth
    ? smoothCurve(computed.map((c) => ({ x: c.nuCpmgHz, y: c.r2Calc })))
      .map((c) => ({ nuCpmgHz: c.x, r2Calc: c.y }))
    : computed;
  const bars = points
    .filter((p) => Number.isFinite(p.errLow) && Number.isFinite(p.errHigh))
    .map((p) => ({
      nu: p.nuCpmgHz,
      lo: p.r2Exp - p.errLow,
      hi: p.r2Exp + p.errHigh,
      used: p.used,
    }));
  const marks = (used: boolean) =>
    points.filter((p) => p.used === used)
      .map((p) => ({ nu: p.nuCpmgHz, r2: p.r2Exp }));

  // ChemEx's x range: 0 to max + min of the curve's ν, leaving a margin on the right.
  const xs = (curve.length > 0 ? curve.map((c) => c.nuCpmgHz) : points.map((p) => p.nuCpmgHz))
    .filter((x) => Number.isFinite(x));
  const xScale = xs.length > 0
    ? { domain: [0, Math.max(...xs) + Math.min(...xs)], nice: false }
    : { zero: true };
  const x = { field: "nu", type: "quantitative", title: X_TITLE, scale: xScale };
  const y = { field: "r2", type: "quantitative", title: Y_TITLE, scale: { zero: false } };

  return dataPanelSpec({
    title: profile.name,
    x,
    y,
    curve: curve.map((c) => ({ nu: c.nuCpmgHz, r2: c.r2Calc })),
    bars,
    marks,
    pointSize: 30,
  });
}

/**
 * Render CPMG profiles as an SVG document: per profile, R2,eff versus ν_CPMG with error bars
 * (points excluded from the fit hollow and grey) and the model curve as a line; profile names are
 * the panel titles.
 *
 * @example
 * ```ts
 * const svg = await renderCpmgSvg(
 *   [cpmgPlotData(input, 1)], // see cpmgPlotData
 *   "800mhz",
 * );
 * await Deno.writeTextFile("Plots/800mhz.svg", svg);
 * ```
 */
export function renderCpmgSvg(
  data: CpmgPlotData[],
  title: string,
  smooth = true,
): Promise<string> {
  return renderStackedSvg(data.map((d) => cpmgPanelSpec(d, smooth)), title);
}
