/**
 * A figure of panels in rows (one profile a row), with the figure's title at the top left, as one
 * drawing and as an SVG document: the `Plots/<stem>.svg` files.
 *
 * @module
 */
import type { Drawing, Shape } from "./shapes.ts";
import { panelMargins, panelScales, panelShapes, type XYPanel } from "./chart.ts";
import { drawingSvg } from "./svg_writer.ts";

const PAD = 5;
const SPACING = 20;
const TITLE_SIZE = 13;

/**
 * Lay panels out in rows (columns aligned on their plot areas) under a title.
 *
 * @example
 * ```ts
 * const drawing = stackedDrawing([[panelA], [panelB]], "800mhz");
 * drawing.height > 2 * panelA.height; // true
 * ```
 */
export function stackedDrawing(rows: XYPanel[][], title: string): Drawing {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const scales = rows.map((row) => row.map((p) => panelScales(p)));
  const margins = rows.map((row, r) => row.map((p, c) => panelMargins(p, scales[r][c])));
  const left: number[] = [];
  const width: number[] = [];
  for (let c = 0; c < columns; c++) {
    left.push(Math.max(0, ...margins.map((m) => m[c]?.left ?? 0)));
    width.push(Math.max(0, ...rows.map((r) => r[c]?.width ?? 0)));
  }
  const originX: number[] = [];
  let x = PAD;
  for (let c = 0; c < columns; c++) {
    originX.push(x + left[c]);
    x += left[c] + width[c] + SPACING;
  }
  const shapes: Shape[] = [
    {
      kind: "text",
      x: PAD,
      y: PAD + TITLE_SIZE,
      text: title,
      anchor: "start",
      size: TITLE_SIZE,
      bold: true,
      cls: "figure-title",
    },
  ];
  let y = PAD + TITLE_SIZE + 4;
  rows.forEach((row, r) => {
    const top = Math.max(0, ...margins[r].map((m) => m.top));
    const height = Math.max(0, ...row.map((p) => p.height));
    const bottom = Math.max(0, ...margins[r].map((m) => m.bottom));
    row.forEach((panel, c) =>
      shapes.push(...panelShapes(panel, originX[c], y + top, scales[r][c]))
    );
    y += top + height + bottom + SPACING;
  });
  return { width: Math.max(x - SPACING + PAD + 10, 100), height: y - SPACING + PAD, shapes };
}

/**
 * The SVG document of panels in rows under a title.
 *
 * @example
 * ```ts
 * const svg = renderPanelsSvg([[panel]], "800mhz");
 * svg.includes(">800mhz</text>"); // true
 * ```
 */
export function renderPanelsSvg(rows: XYPanel[][], title: string): string {
  return drawingSvg(stackedDrawing(rows, title), title);
}
