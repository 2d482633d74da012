/**
 * One data panel of exfit's figures as plain shapes: measured points with error bars (points
 * excluded from the fit hollow and grey, those used filled and red), model curves, vertical state
 * rules, grid, axes and a title — the content Vega-Lite drew for these figures, written directly
 * (`benchmarks/plot_bench.ts` has the comparison).
 *
 * @module
 */
import { type Shape, thinPolyline } from "./shapes.ts";
import {
  type AxisSpec,
  GRID_GREY,
  resolveScale,
  xAxisShapes,
  yAxisShapes,
  yAxisWidth,
} from "./_axis.ts";

export type { AxisSpec } from "./_axis.ts";

export const RED = "#D32F2F";
export const CURVE_RED = "#E57373";
export const GREY = "#9E9E9E";

/** What one panel shows, in data units. */
export interface XYPanel {
  title: string;
  /** Plot area in px. */
  width: number;
  height: number;
  x: AxisSpec;
  y: AxisSpec;
  /** Vertical rules under the data (CEST state positions), with their dash pattern. */
  rules?: { x: number; dash: number[] }[];
  /** Model curves (polylines in x order) and other lines, under the data. */
  lines: { points: { x: number; y: number }[]; color: string; width: number }[];
  /** Error bars: from `lo` to `hi` at `x`. */
  bars: { x: number; lo: number; hi: number; used: boolean }[];
  points: { x: number; y: number; used: boolean }[];
  /** Marker area in px² (a circle of diameter √size). */
  pointSize: number;
}

/** Space a panel needs around its plot area: the left axis, the title above, the x axis below. */
export interface PanelMargins {
  left: number;
  top: number;
  bottom: number;
}

const TITLE_SIZE = 13;
/** Curve vertices closer than this to the previous one are dropped (see thinPolyline). */
const MIN_STEP_PX = 0.75;

/** The panel's x and y scales (from its data unless its axes fix them). */
export type PanelScales = ReturnType<typeof panelScales>;

/**
 * Resolve both scales of a panel once, for {@link panelMargins} and {@link panelShapes}.
 *
 * @example
 * ```ts
 * panelScales(panel).y.ticks; // e.g. [14, 15, 16, 17]
 * ```
 */
export function panelScales(panel: XYPanel) {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const l of panel.lines) {
    for (const p of l.points) {
      xs.push(p.x);
      ys.push(p.y);
    }
  }
  for (const b of panel.bars) xs.push(b.x), ys.push(b.lo, b.hi);
  for (const p of panel.points) xs.push(p.x), ys.push(p.y);
  for (const r of panel.rules ?? []) xs.push(r.x);
  return {
    x: resolveScale(panel.x, xs, panel.width, false),
    y: resolveScale(panel.y, ys, panel.height, true),
  };
}

/** Curve vertices in px: a plain loop over the linear maps (curves are most of a figure's points). */
function toPx(
  points: { x: number; y: number }[],
  s: PanelScales,
  ox: number,
  oy: number,
): [number, number][] {
  const ax = s.x.scale;
  const bx = ox + s.x.offset;
  const ay = s.y.scale;
  const by = oy + s.y.offset;
  const out: [number, number][] = new Array(points.length);
  for (let k = 0; k < points.length; k++) out[k] = [ax * points[k].x + bx, ay * points[k].y + by];
  return out;
}

/**
 * The margins a panel needs (its y-axis labels decide the left one).
 *
 * @example
 * ```ts
 * panelMargins(panel).left; // about 50 px for labels such as "12.5"
 * ```
 */
export function panelMargins(panel: XYPanel, scales = panelScales(panel)): PanelMargins {
  return { left: yAxisWidth(scales.y), top: 22, bottom: 36 };
}

/**
 * The shapes of one panel whose plot area's top-left corner is at (ox, oy), in drawing order:
 * frame and grid, axes, rules, curves, error bars, hollow then filled points, title.
 *
 * @example
 * ```ts
 * const shapes = panelShapes({ title: "G23N", width: 400, height: 220,
 *   x: { title: "x" }, y: { title: "y", zero: false }, lines: [],
 *   bars: [{ x: 1, lo: 1.9, hi: 2.1, used: true }], points: [{ x: 1, y: 2, used: true }],
 *   pointSize: 30 }, 60, 45);
 * shapes.filter((s) => s.cls === "point").length; // 1
 * ```
 */
export function panelShapes(
  panel: XYPanel,
  ox: number,
  oy: number,
  scales = panelScales(panel),
): Shape[] {
  const { width: w, height: h } = panel;
  const s = scales;
  const X = (v: number) => ox + s.x.px(v);
  const Y = (v: number) => oy + s.y.px(v);
  const out: Shape[] = [
    { kind: "rect", x: ox, y: oy, w, h, stroke: GRID_GREY, cls: "frame" },
    ...xAxisShapes(s.x, panel.x.title, ox, oy, w, h),
    ...yAxisShapes(s.y, panel.y.title, ox, oy, w, h),
  ];
  for (const r of panel.rules ?? []) {
    out.push({
      kind: "line",
      x1: X(r.x),
      y1: oy,
      x2: X(r.x),
      y2: oy + h,
      stroke: "#BDBDBD",
      width: 0.75,
      dash: r.dash,
      cls: "state",
    });
  }
  for (const l of panel.lines) {
    out.push({
      kind: "path",
      points: thinPolyline(toPx(l.points, s, ox, oy), MIN_STEP_PX),
      stroke: l.color,
      width: l.width,
      cls: "curve",
    });
  }
  for (const used of [false, true]) {
    for (const b of panel.bars) {
      if (b.used !== used) continue;
      const x = X(b.x);
      out.push({
        kind: "line",
        x1: x,
        y1: Y(b.lo),
        x2: x,
        y2: Y(b.hi),
        stroke: used ? RED : GREY,
        cls: "bar",
      });
    }
  }
  const r = Math.sqrt(panel.pointSize) / 2;
  for (const p of panel.points) {
    if (!p.used) {
      out.push({
        kind: "circle",
        cx: X(p.x),
        cy: Y(p.y),
        r,
        fill: "none",
        stroke: GREY,
        width: 2,
        cls: "point",
      });
    }
  }
  for (const p of panel.points) {
    if (p.used) out.push({ kind: "circle", cx: X(p.x), cy: Y(p.y), r, fill: RED, cls: "point" });
  }
  out.push({
    kind: "text",
    x: ox + w / 2,
    y: oy - 8,
    text: panel.title,
    anchor: "middle",
    size: TITLE_SIZE,
    bold: true,
    cls: "panel-title",
  });
  return out;
}
