/**
 * Scales and axes of one chart panel (private to `src/plot/`): domain from the data or the
 * panel's own, d3-style nice ticks, grid lines, the axis line with outward ticks, labels thinned
 * where they would overlap, and the axis title.
 *
 * @module
 */
import type { Shape } from "./shapes.ts";
import { formatTick, linearTicks, niceDomain, tickStep } from "./ticks.ts";

/** How one axis of a panel is scaled and titled. */
export interface AxisSpec {
  title: string;
  /** Fixed domain (no zero, no nice); from the data when absent. */
  domain?: [number, number];
  /** Include 0 in a domain taken from the data (default true, as Vega-Lite). */
  zero?: boolean;
  /** Extend a domain taken from the data to whole tick steps (default true). */
  nice?: boolean;
  /** Larger values to the left (ppm axes). */
  reverse?: boolean;
}

/** A resolved axis: domain, tick values and the value → px map, px = scale·v + offset. */
export interface Scale {
  domain: [number, number];
  ticks: number[];
  step: number;
  px: (v: number) => number;
  /** px per data unit (negative for an axis that grows the other way). */
  scale: number;
  /** px of the value 0. */
  offset: number;
}

export const AXIS_GREY = "#888";
export const GRID_GREY = "#ddd";
const LABEL_SIZE = 10;
const TITLE_SIZE = 11;
const TICK_LENGTH = 5;

/** Width of a label in px at `size`: digits are 0.56–0.64 em in the usual sans-serif fonts, separators half that. */
export function labelWidth(text: string, size: number): number {
  let em = 0;
  for (const c of text) em += c === "," || c === "." ? 0.3 : 0.6;
  return em * size;
}

/**
 * The scale of an axis over `values` (non-finite ones ignored) mapped to [0, lengthPx]; an empty
 * or one-valued domain is widened so the map stays finite.
 */
export function resolveScale(
  axis: AxisSpec,
  values: number[],
  lengthPx: number,
  vertical: boolean,
): Scale {
  const count = Math.ceil(lengthPx / 40);
  let lo: number;
  let hi: number;
  if (axis.domain) [lo, hi] = axis.domain;
  else {
    lo = Infinity;
    hi = -Infinity;
    for (const v of values) {
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (lo === Infinity) [lo, hi] = [0, 1];
    if (axis.zero ?? true) [lo, hi] = [Math.min(lo, 0), Math.max(hi, 0)];
  }
  if (!(hi > lo)) {
    const half = Math.abs(lo) * 0.05 || 0.5;
    [lo, hi] = [lo - half, hi + half];
  }
  if (!axis.domain && (axis.nice ?? true)) [lo, hi] = niceDomain(lo, hi, count);
  const k = lengthPx / (hi - lo);
  // Vertical axes grow upwards; a reversed horizontal one leftwards.
  const flip = vertical !== Boolean(axis.reverse);
  const scale = flip ? -k : k;
  const offset = flip ? hi * k : -lo * k;
  const px = flip ? (v: number) => (hi - v) * k : (v: number) => (v - lo) * k;
  return {
    domain: [lo, hi],
    ticks: linearTicks(lo, hi, count),
    step: tickStep(lo, hi, count),
    px,
    scale,
    offset,
  };
}

/** Indices of the labels to show: every other one dropped until none overlap (Vega's parity). */
function visibleLabels(extents: [number, number][]): number[] {
  let keep = extents.map((_, k) => k);
  const overlaps = (idx: number[]) =>
    idx.some((k, j) => j > 0 && extents[k][0] < extents[idx[j - 1]][1] + 1);
  while (keep.length > 2 && overlaps(keep)) keep = keep.filter((_, j) => j % 2 === 0);
  return keep;
}

/** Grid, axis line, ticks, labels and title of the bottom axis of a `w` × `h` panel at (ox, oy). */
export function xAxisShapes(
  scale: Scale,
  title: string,
  ox: number,
  oy: number,
  w: number,
  h: number,
) {
  const out: Shape[] = [];
  const labels = scale.ticks.map((t) => formatTick(t, scale.step));
  const xs = scale.ticks.map((t) => ox + scale.px(t));
  for (const x of xs) {
    out.push({ kind: "line", x1: x, y1: oy, x2: x, y2: oy + h, stroke: GRID_GREY });
  }
  out.push({ kind: "line", x1: ox, y1: oy + h, x2: ox + w, y2: oy + h, stroke: AXIS_GREY });
  const anchors = xs.map((x) =>
    x - ox < 1 ? "start" as const : ox + w - x < 1 ? "end" as const : "middle" as const
  );
  const extents = xs.map((x, k): [number, number] => {
    const width = labelWidth(labels[k], LABEL_SIZE);
    const left = anchors[k] === "start" ? x : anchors[k] === "end" ? x - width : x - width / 2;
    return [left, left + width];
  });
  const order = xs.map((_, k) => k).sort((a, b) => xs[a] - xs[b]);
  const shown = new Set(visibleLabels(order.map((k) => extents[k])).map((j) => order[j]));
  xs.forEach((x, k) => {
    out.push({
      kind: "line",
      x1: x,
      y1: oy + h,
      x2: x,
      y2: oy + h + TICK_LENGTH,
      stroke: AXIS_GREY,
    });
    if (shown.has(k)) {
      out.push({
        kind: "text",
        x,
        y: oy + h + 15,
        text: labels[k],
        anchor: anchors[k],
        size: LABEL_SIZE,
        cls: "tick-label",
      });
    }
  });
  out.push({
    kind: "text",
    x: ox + w / 2,
    y: oy + h + 30,
    text: title,
    anchor: "middle",
    size: TITLE_SIZE,
    bold: true,
    cls: "axis-title",
  });
  return out;
}

/** Width in px the left axis needs beside the panel (ticks, labels, title). */
export function yAxisWidth(scale: Scale): number {
  const widest = Math.max(
    0,
    ...scale.ticks.map((t) => labelWidth(formatTick(t, scale.step), LABEL_SIZE)),
  );
  return TICK_LENGTH + 2 + widest + 4 + TITLE_SIZE;
}

/** Grid, axis line, ticks, labels and title of the left axis of a `w` × `h` panel at (ox, oy). */
export function yAxisShapes(
  scale: Scale,
  title: string,
  ox: number,
  oy: number,
  w: number,
  h: number,
) {
  const out: Shape[] = [];
  const ys = scale.ticks.map((t) => oy + scale.px(t));
  for (const y of ys) {
    out.push({ kind: "line", x1: ox, y1: y, x2: ox + w, y2: y, stroke: GRID_GREY });
  }
  out.push({ kind: "line", x1: ox, y1: oy, x2: ox, y2: oy + h, stroke: AXIS_GREY });
  const order = ys.map((_, k) => k).sort((a, b) => ys[a] - ys[b]);
  const extents = order.map((k): [number, number] => [ys[k] - 5, ys[k] + 5]);
  const shown = new Set(visibleLabels(extents).map((j) => order[j]));
  ys.forEach((y, k) => {
    out.push({ kind: "line", x1: ox - TICK_LENGTH, y1: y, x2: ox, y2: y, stroke: AXIS_GREY });
    if (shown.has(k)) {
      out.push({
        kind: "text",
        x: ox - TICK_LENGTH - 2,
        y: y + 3.5,
        text: formatTick(scale.ticks[k], scale.step),
        anchor: "end",
        size: LABEL_SIZE,
        cls: "tick-label",
      });
    }
  });
  out.push({
    kind: "text",
    x: ox - yAxisWidth(scale) + TITLE_SIZE * 0.8,
    y: oy + h / 2,
    text: title,
    anchor: "middle",
    size: TITLE_SIZE,
    bold: true,
    vertical: true,
    cls: "axis-title",
  });
  return out;
}
