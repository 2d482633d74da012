/**
 * The plot files of one step: `Plots/<stem>.svg` (all profiles stacked), `Plots/<stem>.pdf` (one
 * page per profile: the report's figure of it, residuals above data and model, drawn as PDF
 * vectors), ChemEx's `.exp`/`.fit`/`.sim` side files and the grid/statistics figures. Imported
 * only when a run plots. Profile figures are written directly (`src/plot/stack.ts`,
 * `src/plot/pdf_writer.ts`); Vega is loaded only for a step with grid or statistics figures
 * (`StepOutput.figures`, Vega-Lite specs).
 *
 * @module
 */
import type { StepOutput } from "../run/run.ts";
import { renderCpmgSvg } from "../plot/cpmg_svg.ts";
import { formatCpmgExp, formatCpmgFit } from "../plot/cpmg.ts";
import { renderCestSvg } from "../plot/cest_svg.ts";
import { formatCestExp, formatCestFit } from "../plot/cest.ts";
import { decaySideFiles, renderDecaySvg } from "../plot/relaxation.ts";
import { renderShiftSvg } from "../plot/shift.ts";
import { formatR1rho, renderR1rhoSvg } from "../plot/r1rho.ts";
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
  if (out.figures?.size) {
    // A URL built at run time: `deno run` loads the graph of every `import("literal")` at start.
    const { renderVegaLiteSvg } = await (import(
      new URL("../plot/svg.ts", import.meta.url).href
    ) as Promise<typeof import("../plot/svg.ts")>);
    for (const [path, spec] of out.figures) files.set(path, await renderVegaLiteSvg(spec));
  }
  for (const [stem, data] of out.cestPlots ?? []) {
    files.set(`Plots/${stem}.svg`, renderCestSvg(data, stem));
    if (pdf) files.set(`Plots/${stem}.pdf`, await figuresToPdf(cestFigures(stem, data), stem));
    if (simulate) files.set(`Plots/${stem}.sim`, formatCestFit(data));
    else {
      files.set(`Plots/${stem}.exp`, formatCestExp(data));
      files.set(`Plots/${stem}.fit`, formatCestFit(data));
    }
  }
  for (const [stem, panels] of out.decayPlots ?? []) {
    files.set(`Plots/${stem}.svg`, renderDecaySvg(panels, stem));
    if (pdf) files.set(`Plots/${stem}.pdf`, await figuresToPdf(decayFigures(stem, panels), stem));
    for (const [path, text] of decaySideFiles(stem, panels, simulate)) files.set(path, text);
  }
  for (const [stem, points] of out.shiftPlots ?? []) {
    files.set(`Plots/${stem}.svg`, renderShiftSvg(points, stem));
    if (pdf) files.set(`Plots/${stem}.pdf`, await figuresToPdf([shiftFigure(stem, points)], stem));
  }
  for (const [stem, data] of out.r1rhoPlots ?? []) {
    files.set(`Plots/${stem}.svg`, renderR1rhoSvg(data, stem));
    if (pdf) files.set(`Plots/${stem}.pdf`, await figuresToPdf(r1rhoFigures(stem, data), stem));
    if (simulate) files.set(`Plots/${stem}.sim`, formatR1rho(data, "fit"));
    else {
      files.set(`Plots/${stem}.exp`, formatR1rho(data, "exp"));
      files.set(`Plots/${stem}.fit`, formatR1rho(data, "fit"));
    }
  }
  for (const [stem, data] of out.plots) {
    files.set(`Plots/${stem}.svg`, renderCpmgSvg(data, stem, smooth));
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
