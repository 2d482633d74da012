/**
 * Small-multiple SVG of one profile for the HTML report (layout in `profile_shapes.ts`). Written
 * directly as SVG text: the report may hold hundreds of profiles, and a chart library's start-up
 * and per-figure cost would dominate the run.
 *
 * @module
 */
import type { ProfileFigure } from "./figures.ts";
import { FIGURE_SIZE, profileShapes } from "./profile_shapes.ts";
import { escapeXml, shapeSvg } from "../plot/svg_writer.ts";

export { niceTicks } from "./profile_shapes.ts";

/**
 * The SVG element of one profile figure (no XML declaration: meant to be inlined in HTML).
 *
 * @example
 * ```ts
 * const svg = profileSvg({ name: "G23N", experiment: "800mhz", residue: "G23", xTitle: "x",
 *   yTitle: "y", reverseX: false, rules: [], curve: [{ x: 0, y: 1 }, { x: 1, y: 2 }],
 *   points: [{ x: 0.5, y: 1.6, lo: 1.5, hi: 1.7, calc: 1.5, used: true }] });
 * svg.startsWith("<svg"); // true
 * ```
 */
export function profileSvg(fig: ProfileFigure): string {
  const { width, height } = FIGURE_SIZE;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="profile" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="9">` +
    `<title>${escapeXml(fig.name)}</title>` + profileShapes(fig).map(shapeSvg).join("") + "</svg>";
}
