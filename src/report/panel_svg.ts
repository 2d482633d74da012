/**
 * Small-multiple SVG of one profile for the HTML report (layout in `profile_shapes.ts`). Written
 * directly as SVG text: the report may hold hundreds of profiles, and a chart library's start-up
 * and per-figure cost would dominate the run.
 *
 * @module
 */
import type { ProfileFigure } from "./figures.ts";
import { FIGURE_SIZE, profileShapes, type Shape } from "./profile_shapes.ts";

export { niceTicks } from "./profile_shapes.ts";

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const r = (v: number) => v.toFixed(1);

function shapeSvg(s: Shape): string {
  const cls = "cls" in s && s.cls ? ` class="${s.cls}"` : "";
  switch (s.kind) {
    case "line":
      return `<line${cls} x1="${r(s.x1)}" x2="${r(s.x2)}" y1="${r(s.y1)}" y2="${r(s.y2)}" ` +
        `stroke="${s.stroke}"${s.dash ? ` stroke-dasharray="${s.dash.join(" ")}"` : ""}/>`;
    case "rect":
      return `<rect x="${r(s.x)}" y="${r(s.y)}" width="${r(s.w)}" height="${r(s.h)}" ` +
        `fill="none" stroke="${s.stroke}"/>`;
    case "circle":
      return `<circle${cls} cx="${r(s.cx)}" cy="${r(s.cy)}" r="${s.r}" fill="${s.fill}"` +
        `${s.stroke ? ` stroke="${s.stroke}"` : ""}/>`;
    case "path":
      return `<path${cls} d="${
        s.points.map(([x, y], k) => `${k ? "L" : "M"}${r(x)},${r(y)}`).join("")
      }" fill="none" stroke="${s.stroke}" stroke-width="${s.width}"/>`;
    case "text": {
      const at = s.vertical
        ? `transform="translate(${r(s.x)} ${r(s.y)}) rotate(-90)"`
        : `x="${r(s.x)}" y="${r(s.y)}"`;
      const style = (s.size !== 9 ? ` font-size="${s.size}"` : "") +
        (s.bold ? ` font-weight="bold"` : "");
      return `<text ${at} text-anchor="${s.anchor}"${style}>${esc(s.text)}</text>`;
    }
  }
}

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
    `<title>${esc(fig.name)}</title>` + profileShapes(fig).map(shapeSvg).join("") + "</svg>";
}
