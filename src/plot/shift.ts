/**
 * Shift-experiment plot: experimental versus calculated shift (ppb) of every spin system of an
 * experiment file, with error bars and the diagonal, as ChemEx draws it (`renderShiftSvg`). ChemEx writes no side files for shifts.
 *
 * @module
 */

/** One spin system of a shift experiment (ppb). */
export interface ShiftPoint {
  name: string;
  exp: number;
  err: number;
  calc: number;
}

import type { XYPanel } from "./chart.ts";
import { renderPanelsSvg } from "./stack.ts";

/**
 * The figure's panel: Δδ_exp (y, with ±σ bars) against Δδ_fit (x) on equal square axes spanning
 * every value and bar with a 5 % margin, the diagonal as a thin black line.
 *
 * @example
 * ```ts
 * shiftPanel([{ name: "G2N", exp: 10, err: 1, calc: 9 }], "shift_15n").points.length; // 1
 * ```
 */
export function shiftPanel(points: ShiftPoint[], title: string): XYPanel {
  const finite = points.filter((p) => Number.isFinite(p.exp) && Number.isFinite(p.calc));
  const values = finite.flatMap((p) => [
    p.calc,
    p.exp - (Number.isFinite(p.err) ? p.err : 0),
    p.exp + (Number.isFinite(p.err) ? p.err : 0),
  ]);
  const lo = values.length > 0 ? Math.min(...values) : -1;
  const hi = values.length > 0 ? Math.max(...values) : 1;
  const margin = 0.05 * (hi - lo || 1);
  const domain: [number, number] = [lo - margin, hi + margin];
  return {
    title,
    width: 360,
    height: 360,
    x: { title: "Δδ fit (ppb)", domain },
    y: { title: "Δδ exp (ppb)", domain },
    lines: [{
      points: [{ x: domain[0], y: domain[0] }, { x: domain[1], y: domain[1] }],
      color: "black",
      width: 0.5,
    }],
    bars: finite.filter((p) => Number.isFinite(p.err)).map((p) => ({
      x: p.calc,
      lo: p.exp - p.err,
      hi: p.exp + p.err,
      used: true,
    })),
    points: finite.map((p) => ({ x: p.calc, y: p.exp, used: true })),
    pointSize: 30,
  };
}

/**
 * SVG figure of a shift experiment (one panel, see {@link shiftPanel}).
 *
 * @example
 * ```ts
 * const svg = renderShiftSvg([{ name: "G2N", exp: 10, err: 1, calc: 9 }], "shift_15n");
 * svg.includes("Δδ fit (ppb)"); // true
 * ```
 */
export function renderShiftSvg(points: ShiftPoint[], title: string): string {
  return renderPanelsSvg([[shiftPanel(points, title)]], title);
}
