/**
 * The drawing primitives every exfit figure is made of — lines, rectangles, circles, polylines and
 * text, in px from the top left with SVG conventions — so one layout can be written as SVG text
 * (`svg_writer.ts`) or as PDF pages (`pdf_writer.ts`) without a chart library.
 *
 * @module
 */

/** A shape of a figure; coordinates in px from the top left, SVG conventions. */
export type Shape =
  | {
    kind: "line";
    x1: number;
    y1: number;
    x2: number;
    y2: number;
    stroke: string;
    /** Stroke width in px (default 1 in SVG, 0.75 in PDF as before). */
    width?: number;
    dash?: number[];
    cls?: string;
  }
  | {
    kind: "rect";
    x: number;
    y: number;
    w: number;
    h: number;
    /** Outline colour; none when absent. */
    stroke?: string;
    /** Fill colour; none when absent. */
    fill?: string;
    cls?: string;
  }
  | {
    kind: "circle";
    cx: number;
    cy: number;
    r: number;
    /** Fill colour; "none" for a hollow marker. */
    fill: string;
    stroke?: string;
    /** Outline width in px (default 0.75). */
    width?: number;
    cls?: string;
  }
  | { kind: "path"; points: [number, number][]; stroke: string; width: number; cls?: string }
  | {
    kind: "text";
    x: number;
    y: number;
    text: string;
    anchor: "start" | "middle" | "end";
    size: number;
    bold?: boolean;
    /** Rotated by −90° about (x, y) (vertical axis titles). */
    vertical?: boolean;
    cls?: string;
  };

/** A page of shapes: its size in px (= pt in PDF) and what is drawn on it, in order. */
export interface Drawing {
  width: number;
  height: number;
  shapes: Shape[];
}

/**
 * A polyline without the vertices that lie within `minStepPx` (in x and in y) of the last one
 * kept; the first and last vertices always stay. Model curves are computed far denser than a
 * figure's pixels (a smooth CPMG curve has 8 vertices per allowed ncyc); what is closer than a
 * pixel changes nothing drawn and only costs text.
 *
 * @example
 * ```ts
 * thinPolyline([[0, 0], [0.2, 0.1], [1, 1], [1.1, 1]], 0.75); // [[0, 0], [1, 1], [1.1, 1]]
 * ```
 */
export function thinPolyline(points: [number, number][], minStepPx: number): [number, number][] {
  if (points.length < 3) return points;
  const out: [number, number][] = [points[0]];
  let lx = points[0][0];
  let ly = points[0][1];
  const last = points.length - 1;
  for (let k = 1; k < last; k++) {
    const p = points[k];
    if (Math.abs(p[0] - lx) >= minStepPx || Math.abs(p[1] - ly) >= minStepPx) {
      out.push(p);
      lx = p[0];
      ly = p[1];
    }
  }
  out.push(points[last]);
  return out;
}
