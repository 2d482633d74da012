/**
 * SVG figure of CPMG dispersion profiles: one panel per profile, stacked vertically.
 *
 * @module
 */

import type { CpmgPlotData } from "./cpmg.ts";
import type { XYPanel } from "./chart.ts";
import { dataPanel } from "./_panels.ts";
import { renderPanelsSvg } from "./stack.ts";
import { smoothCurve } from "./smooth.ts";

const X_TITLE = "ν_CPMG (Hz)";
const Y_TITLE = "R₂,eff (s⁻¹)";

/**
 * One profile's panel; non-finite rates (I/Ī0 ≤ 0) and infinite error bars are left out. With
 * `smooth`, the curve through the model at every allowed ncyc is interpolated for display
 * (`smooth.ts`); without, straight lines join the computed points.
 *
 * @example
 * ```ts
 * const panel = cpmgPanel(data[0]); // data: CpmgPlotData[]
 * panel.points.length; // the profile's finite points
 * ```
 */
export function cpmgPanel(profile: CpmgPlotData, smooth = true): XYPanel {
  const points = profile.points.filter((p) =>
    Number.isFinite(p.r2Exp) && Number.isFinite(p.nuCpmgHz)
  );
  const computed = profile.curve
    .filter((c) => Number.isFinite(c.r2Calc) && Number.isFinite(c.nuCpmgHz))
    .map((c) => ({ x: c.nuCpmgHz, y: c.r2Calc }));
  const curve = smooth ? smoothCurve(computed) : computed;
  // ChemEx's x range: 0 to max + min of the curve's ν, leaving a margin on the right.
  const xs = curve.length > 0 ? curve.map((c) => c.x) : points.map((p) => p.nuCpmgHz);
  const domain: [number, number] | undefined = xs.length > 0
    ? [0, Math.max(...xs) + Math.min(...xs)]
    : undefined;
  return dataPanel({
    title: profile.name,
    x: { title: X_TITLE, domain, nice: false },
    y: { title: Y_TITLE, zero: false },
    curves: [curve],
    bars: points
      .filter((p) => Number.isFinite(p.errLow) && Number.isFinite(p.errHigh))
      .map((p) => ({
        x: p.nuCpmgHz,
        lo: p.r2Exp - p.errLow,
        hi: p.r2Exp + p.errHigh,
        used: p.used,
      })),
    points: points.map((p) => ({ x: p.nuCpmgHz, y: p.r2Exp, used: p.used })),
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
 * const svg = renderCpmgSvg(
 *   [cpmgPlotData(input, 1)], // see cpmgPlotData
 *   "800mhz",
 * );
 * await Deno.writeTextFile("Plots/800mhz.svg", svg);
 * ```
 */
export function renderCpmgSvg(data: CpmgPlotData[], title: string, smooth = true): string {
  return renderPanelsSvg(data.map((d) => [cpmgPanel(d, smooth)]), title);
}
