/**
 * PDF of profile figures: `figuresToPdf` draws report profile figures (`profile_shapes.ts`) one
 * per page with exfit's own small PDF writer (`src/plot/pdf_writer.ts`), which every run that
 * plots uses. PDFKit's start-up (about 0.22 s) and its per-document TrueType subsetting
 * (80–150 ms) were most of a plotted methyl run's plotting time (`benchmarks/plot_bench.ts`).
 * Arbitrary SVG documents go through PDFKit in `svg_pdf.ts` (`exfit plot_param`).
 *
 * @module
 */
import type { ProfileFigure } from "./figures.ts";
import { FIGURE_SIZE, profileShapes } from "./profile_shapes.ts";
import { drawingsToPdf } from "../plot/pdf_writer.ts";

/**
 * One PDF page per profile figure (residuals above data and model curve), drawn as vectors by
 * exfit's own writer (`src/plot/pdf_writer.ts`: no PDFKit start-up, no font parsing).
 *
 * @example
 * ```ts
 * const pdf = await figuresToPdf(cpmgFigures("800mhz", data), "800mhz");
 * ```
 */
export function figuresToPdf(figures: ProfileFigure[], title = "exfit"): Promise<Uint8Array> {
  const { width, height } = FIGURE_SIZE;
  return drawingsToPdf(figures.map((f) => ({ width, height, shapes: profileShapes(f) })), title);
}
