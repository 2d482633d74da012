/**
 * The data panel shared by the CPMG, CEST, relaxation and R1ρ figures (private to `src/plot/`):
 * a 400 × 220 px plot of measured points with error bars over the model curve(s).
 *
 * @module
 */
import { type AxisSpec, CURVE_RED, type XYPanel } from "./chart.ts";

/** What one data panel shows, in data units. */
export interface DataPanel {
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  /** Vertical rules drawn first, under the data (CEST's state positions). */
  rules?: { x: number; dash: number[] }[];
  /** Branches of the model curve, each in x order. */
  curves: { x: number; y: number }[][];
  /** Error bars: `lo` to `hi` at `x`, and whether the point is used in the fit. */
  bars: { x: number; lo: number; hi: number; used: boolean }[];
  points: { x: number; y: number; used: boolean }[];
  /** Marker area in px². */
  pointSize: number;
}

/** The panel: curves as 2 px lines in light red, 400 × 220 px. */
export function dataPanel(panel: DataPanel): XYPanel {
  return {
    title: panel.title,
    width: 400,
    height: 220,
    x: panel.x,
    y: panel.y,
    rules: panel.rules,
    lines: panel.curves.filter((c) => c.length > 0).map((points) => ({
      points,
      color: CURVE_RED,
      width: 2,
    })),
    bars: panel.bars,
    points: panel.points,
    pointSize: panel.pointSize,
  };
}
