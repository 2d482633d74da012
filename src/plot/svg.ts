/**
 * Headless Vega-Lite rendering to SVG text (no canvas, no DOM).
 *
 * Vega names the gradients and clip paths of a figure from counters that live as long as the
 * process (`gradient_7`, `clip12`), so the same figure drawn after others had other ids: two
 * identical runs wrote different SVG files depending on what their process had drawn before
 * (a resumed coordinator, a reprocessing service). {@link renumberSvgIds} numbers them per
 * document instead.
 *
 * @module
 */

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** Options of {@link renderVegaLiteSvg}. */
export interface SvgRenderOptions {
  /**
   * Prefix of the document's gradient and clip-path ids: documents inlined into one HTML page
   * need distinct ones (default none: standalone files).
   */
  idPrefix?: string;
}

/**
 * Compile a Vega-Lite spec and render it to an SVG document string; the same spec always gives
 * the same text, whatever was rendered before in the process.
 *
 * @example
 * ```ts
 * const svg = await renderVegaLiteSvg({
 *   data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
 *   mark: "line",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * svg.startsWith("<svg"); // true
 * ```
 */
export async function renderVegaLiteSvg(
  spec: object,
  opts: SvgRenderOptions = {},
): Promise<string> {
  const vegaSpec = compile(spec as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vegaSpec), { renderer: "none" });
  try {
    return renumberSvgIds(await view.toSVG(), opts.idPrefix ?? "");
  } finally {
    view.finalize();
  }
}

/** Vega's generated ids where they are defined (`id="…"`) or referenced (`url(#…)`, `href="#…"`). */
const GENERATED_ID = /(id="|url\(#|href="#)(p_)?(gradient_|clip)(\d+)(?=["')])/g;

/**
 * Number Vega's gradient (`gradient_N`, radial ones `p_gradient_N`) and clip-path (`clipN`) ids
 * in order of first appearance in the document — gradients from 0 and clips from 1, as Vega does
 * in a fresh process — optionally with a prefix. Definitions and references are renamed alike.
 *
 * @example
 * ```ts
 * renumberSvgIds('<rect fill="url(#gradient_7)"/><linearGradient id="gradient_7"/>');
 * // '<rect fill="url(#gradient_0)"/><linearGradient id="gradient_0"/>'
 * ```
 */
export function renumberSvgIds(svg: string, prefix = ""): string {
  const names = new Map<string, string>();
  const next = { gradient_: 0, clip: 1 };
  return svg.replace(
    GENERATED_ID,
    (_, lead: string, radial: string | undefined, kind: "gradient_" | "clip", n: string) => {
      const old = kind + n;
      let name = names.get(old);
      if (name === undefined) {
        name = `${prefix}${kind}${next[kind]++}`;
        names.set(old, name);
      }
      return lead + (radial ?? "") + name;
    },
  );
}
