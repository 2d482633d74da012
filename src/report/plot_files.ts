/**
 * The plot files of one step: `Plots/<stem>.svg` (all profiles stacked), `Plots/<stem>.pdf` (one
 * page per profile: the report's figure of it, residuals above data and model, drawn as PDF
 * vectors), ChemEx's `.exp`/`.fit`/`.sim` side files and the grid/statistics figures. Imported
 * only when a run plots (it pulls in Vega and PDFKit).
 *
 * @module
 */
import type { StepOutput } from "../run/run.ts";
import { renderVegaLiteSvg } from "../plot/svg.ts";
import { renderCpmgSvg } from "../plot/cpmg_svg.ts";
import { formatCpmgExp, formatCpmgFit } from "../plot/cpmg.ts";
import { renderCestSvg } from "../plot/cest_svg.ts";
import { formatCestExp, formatCestFit } from "../plot/cest.ts";
import { decayFigureSpec, decaySideFiles } from "../plot/relaxation.ts";
import { shiftFigureSpec } from "../plot/shift.ts";
import { formatR1rho, r1rhoFigureSpec } from "../plot/r1rho.ts";
import { figuresToPdf } from "./pdf.ts";
import { cestFigures, cpmgFigures, decayFigures, r1rhoFigures, shiftFigure } from "./figures.ts";

/** Options of {@link plotFiles}. */
export interface PlotFileOptions {
  /** Side files of a simulation (`.sim`) instead of a fit (`.exp`, `.fit`). */
  simulate: boolean;
  /** Interpolate CPMG curves between allowed ncyc for display (default true; `smooth.ts`). */
  smooth?: boolean;
  /** Write `Plots/<stem>.pdf` too (default true). */
  pdf?: boolean;
}

/**
 * Rendered plot files of a step (path in the step folder → text or PDF bytes).
 *
 * @example
 * ```ts
 * const files = await plotFiles(out, { simulate: false });
 * files.has("Plots/800mhz.pdf"); // true for a CPMG experiment "800mhz"
 * ```
 */
export async function plotFiles(
  out: StepOutput,
  opts: PlotFileOptions,
): Promise<Map<string, string | Uint8Array>> {
  const { simulate } = opts;
  const smooth = opts.smooth ?? true;
  const pdf = opts.pdf ?? true;
  const files = new Map<string, string | Uint8Array>();
  for (const [path, spec] of out.figures ?? []) files.set(path, await renderVegaLiteSvg(spec));
  for (const [stem, data] of out.cestPlots ?? []) {
    files.set(`Plots/${stem}.svg`, await renderCestSvg(data, stem));
    if (pdf) files.set(`Plots/${stem}.pdf`, await figuresToPdf(cestFigures(stem, data), stem));
    if (simulate) files.set(`Plots/${stem}.sim`, formatCestFit(data));
    else {
      files.set(`Plots/${stem}.exp`, formatCestExp(data));
      files.set(`Plots/${stem}.fit`, formatCestFit(data));
    }
  }
  for (const [stem, panels] of out.decayPlots ?? []) {
    files.set(`Plots/${stem}.svg`, await renderVegaLiteSvg(decayFigureSpec(panels, stem)));
    if (pdf) files.set(`Plots/${stem}.pdf`, await figuresToPdf(decayFigures(stem, panels), stem));
    for (const [path, text] of decaySideFiles(stem, panels, simulate)) files.set(path, text);
  }
  for (const [stem, points] of out.shiftPlots ?? []) {
    const svg = await renderVegaLiteSvg(shiftFigureSpec(points, stem));
    files.set(`Plots/${stem}.svg`, svg);
    if (pdf) files.set(`Plots/${stem}.pdf`, await figuresToPdf([shiftFigure(stem, points)], stem));
  }
  for (const [stem, data] of out.r1rhoPlots ?? []) {
    const svg = await renderVegaLiteSvg(r1rhoFigureSpec(data, stem));
    files.set(`Plots/${stem}.svg`, svg);
    if (pdf) files.set(`Plots/${stem}.pdf`, await figuresToPdf(r1rhoFigures(stem, data), stem));
    if (simulate) files.set(`Plots/${stem}.sim`, formatR1rho(data, "fit"));
    else {
      files.set(`Plots/${stem}.exp`, formatR1rho(data, "exp"));
      files.set(`Plots/${stem}.fit`, formatR1rho(data, "fit"));
    }
  }
  for (const [stem, data] of out.plots) {
    files.set(`Plots/${stem}.svg`, await renderCpmgSvg(data, stem, smooth));
    if (pdf) {
      files.set(`Plots/${stem}.pdf`, await figuresToPdf(cpmgFigures(stem, data, smooth), stem));
    }
    if (simulate) files.set(`Plots/${stem}.sim`, formatCpmgFit(data));
    else {
      files.set(`Plots/${stem}.exp`, formatCpmgExp(data));
      files.set(`Plots/${stem}.fit`, formatCpmgFit(data));
    }
  }
  return files;
}

/**
 * Whether a step has anything to plot (so callers can skip importing this module).
 *
 * @example
 * ```ts
 * if (hasPlots(out)) files = await plotFiles(out, { simulate: false });
 * ```
 */
export function hasPlots(out: StepOutput): boolean {
  return Boolean(
    out.plots.size || out.figures?.size || out.cestPlots?.size || out.decayPlots?.size ||
      out.shiftPlots?.size || out.r1rhoPlots?.size,
  );
}
