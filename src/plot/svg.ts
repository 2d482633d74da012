/**
 * Headless Vega-Lite rendering to SVG text (no canvas, no DOM).
 *
 * @module
 */

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/**
 * Compile a Vega-Lite spec and render it to an SVG document string.
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
export async function renderVegaLiteSvg(spec: object): Promise<string> {
  const vegaSpec = compile(spec as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vegaSpec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
