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
