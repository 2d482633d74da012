/**
 * The layout of one profile figure as plain shapes (lines, rectangles, circles, polylines, text)
 * in px: a residual panel ((data − model) with the data's error bars) above the data panel
 * (points with error bars, model curve, state rules). Rendered as SVG for the report
 * (`panel_svg.ts`) and drawn straight into PDF pages (`pdf.ts`), so both show the same
 * figure.
 *
 * @module
 */
import type { ProfileFigure } from "./figures.ts";
import { type Shape, thinPolyline } from "../plot/shapes.ts";
import { niceTicks } from "../plot/ticks.ts";

export type { Shape } from "../plot/shapes.ts";
export { niceTicks } from "../plot/ticks.ts";

const W = 300;
const LEFT = 46;
const RIGHT = 8;
const TOP = 18;
const RES_H = 44;
const GAP = 8;
const DATA_H = 130;
const BOTTOM = 30;
/** Size of a profile figure in px. */
export const FIGURE_SIZE = { width: W, height: TOP + RES_H + GAP + DATA_H + BOTTOM };

const RED = "#D32F2F";
const CURVE = "#E57373";
const GREY = "#9E9E9E";

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1);
  return String(Number(v.toPrecision(6)));
}

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - (Math.abs(lo) || 1) * 0.05, hi + (Math.abs(hi) || 1) * 0.05];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

function scale(domain: [number, number], range: [number, number]): (v: number) => number {
  const k = (range[1] - range[0]) / (domain[1] - domain[0]);
  return (v) => range[0] + (v - domain[0]) * k;
}

function yAxis(out: Shape[], ticks: number[], y: (v: number) => number, right: number): void {
  for (const t of ticks) {
    out.push(
      { kind: "line", x1: LEFT, x2: right, y1: y(t), y2: y(t), stroke: "#eeeeee" },
      { kind: "text", x: LEFT - 3, y: y(t) + 3, text: fmt(t), anchor: "end", size: 9 },
    );
  }
}

/**
 * The shapes of one profile figure, in drawing order.
 *
 * @example
 * ```ts
 * const shapes = profileShapes(figure); // figure: ProfileFigure
 * shapes.some((s) => s.kind === "path"); // true when the figure has a curve
 * ```
 */
export function profileShapes(fig: ProfileFigure): Shape[] {
  const [xa, xb] = extent([...fig.points.map((p) => p.x), ...fig.curve.map((c) => c.x)]);
  const right = W - RIGHT;
  const x = scale(fig.reverseX ? [xb, xa] : [xa, xb], [LEFT, right]);
  const yd = extent([
    ...fig.points.flatMap((p) => [p.lo, p.hi, p.y]),
    ...fig.curve.map((c) => c.y),
  ]);
  const dataTop = TOP + RES_H + GAP;
  const dataBottom = dataTop + DATA_H;
  const y = scale(yd, [dataBottom, dataTop]);
  const res = fig.points.map((p) => ({
    x: p.x,
    d: p.y - p.calc,
    lo: p.lo - p.calc,
    hi: p.hi - p.calc,
  }));
  const rd = extent([0, ...res.flatMap((q) => [q.lo, q.hi])]);
  const ry = scale(rd, [TOP + RES_H, TOP]);
  const out: Shape[] = [
    { kind: "text", x: W / 2, y: 12, text: fig.name, anchor: "middle", size: 11, bold: true },
  ];
  // Residual panel.
  yAxis(out, niceTicks(rd[0], rd[1], 3), ry, right);
  out.push(
    { kind: "line", x1: LEFT, x2: right, y1: ry(0), y2: ry(0), stroke: "#999999" },
    { kind: "rect", x: LEFT, y: TOP, w: right - LEFT, h: RES_H, stroke: "#888888" },
  );
  for (const q of res) {
    out.push(
      { kind: "line", x1: x(q.x), x2: x(q.x), y1: ry(q.lo), y2: ry(q.hi), stroke: GREY },
      { kind: "circle", cx: x(q.x), cy: ry(q.d), r: 1.8, fill: "#555555" },
    );
  }
  // Data panel.
  yAxis(out, niceTicks(yd[0], yd[1], 4), y, right);
  for (const t of niceTicks(xa, xb, 5)) {
    out.push(
      { kind: "line", x1: x(t), x2: x(t), y1: dataBottom, y2: dataBottom + 3, stroke: "#888888" },
      { kind: "text", x: x(t), y: dataBottom + 12, text: fmt(t), anchor: "middle", size: 9 },
    );
  }
  for (const s of fig.rules) {
    if (s >= xa && s <= xb) {
      out.push({
        kind: "line",
        x1: x(s),
        x2: x(s),
        y1: dataTop,
        y2: dataBottom,
        stroke: "#BDBDBD",
        dash: [4, 2],
        cls: "state",
      });
    }
  }
  out.push({ kind: "rect", x: LEFT, y: dataTop, w: right - LEFT, h: DATA_H, stroke: "#888888" });
  if (fig.curve.length > 1) {
    out.push({
      kind: "path",
      points: thinPolyline(fig.curve.map((c) => [x(c.x), y(c.y)]), 0.75),
      stroke: CURVE,
      width: 1.5,
      cls: "curve",
    });
  }
  for (const p of fig.points) {
    const color = p.used ? RED : GREY;
    out.push(
      { kind: "line", x1: x(p.x), x2: x(p.x), y1: y(p.lo), y2: y(p.hi), stroke: color },
      p.used ? { kind: "circle", cx: x(p.x), cy: y(p.y), r: 2.5, fill: RED, cls: "point" } : {
        kind: "circle",
        cx: x(p.x),
        cy: y(p.y),
        r: 2.5,
        fill: "#ffffff",
        stroke: GREY,
        cls: "point",
      },
    );
  }
  out.push(
    {
      kind: "text",
      x: (LEFT + right) / 2,
      y: FIGURE_SIZE.height - 4,
      text: fig.xTitle,
      anchor: "middle",
      size: 9,
    },
    {
      kind: "text",
      x: 10,
      y: dataTop + DATA_H / 2,
      text: fig.yTitle,
      anchor: "middle",
      size: 9,
      vertical: true,
    },
    {
      kind: "text",
      x: 10,
      y: TOP + RES_H / 2,
      text: "Δ",
      anchor: "middle",
      size: 9,
      vertical: true,
    },
  );
  return out;
}
