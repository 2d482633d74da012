/**
 * SVG text of a {@link Drawing}: each shape one element, coordinates rounded to 0.1 px, shapes
 * with a non-finite coordinate left out (a figure never carries NaN into a file).
 *
 * @module
 */
import type { Drawing, Shape } from "./shapes.ts";
import { allFinite, tenths } from "./_num.ts";

/**
 * Text escaped for SVG/XML content and attribute values.
 *
 * @example
 * ```ts
 * escapeXml('a<b & "c"'); // "a&lt;b &amp; &quot;c&quot;"
 * ```
 */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const n = tenths;

/**
 * One shape as an SVG element ("" when a coordinate is not finite).
 *
 * @example
 * ```ts
 * shapeSvg({ kind: "line", x1: 0, y1: 0, x2: 10, y2: 0, stroke: "#888" });
 * // '<line x1="0" y1="0" x2="10" y2="0" stroke="#888"/>'
 * ```
 */
export function shapeSvg(s: Shape): string {
  const cls = "cls" in s && s.cls ? ` class="${s.cls}"` : "";
  switch (s.kind) {
    case "line":
      if (!allFinite(s.x1, s.y1, s.x2, s.y2)) return "";
      return `<line${cls} x1="${n(s.x1)}" y1="${n(s.y1)}" x2="${n(s.x2)}" y2="${n(s.y2)}" ` +
        `stroke="${s.stroke}"${s.width !== undefined ? ` stroke-width="${s.width}"` : ""}` +
        `${s.dash?.length ? ` stroke-dasharray="${s.dash.join(" ")}"` : ""}/>`;
    case "rect":
      if (!allFinite(s.x, s.y, s.w, s.h)) return "";
      return `<rect${cls} x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" ` +
        `fill="${s.fill ?? "none"}"${s.stroke ? ` stroke="${s.stroke}"` : ""}/>`;
    case "circle":
      if (!allFinite(s.cx, s.cy, s.r)) return "";
      return `<circle${cls} cx="${n(s.cx)}" cy="${n(s.cy)}" r="${n(s.r)}" fill="${s.fill}"` +
        `${s.stroke ? ` stroke="${s.stroke}"` : ""}` +
        `${s.stroke && s.width !== undefined ? ` stroke-width="${s.width}"` : ""}/>`;
    case "path": {
      let d = "";
      for (let k = 0; k < s.points.length; k++) {
        const x = s.points[k][0];
        const y = s.points[k][1];
        if (allFinite(x, y)) d += `${d ? "L" : "M"}${n(x)},${n(y)}`;
      }
      if (!d) return "";
      return `<path${cls} d="${d}" fill="none" stroke="${s.stroke}" stroke-width="${s.width}"/>`;
    }
    case "text": {
      if (!allFinite(s.x, s.y)) return "";
      const at = s.vertical
        ? `transform="translate(${n(s.x)} ${n(s.y)}) rotate(-90)"`
        : `x="${n(s.x)}" y="${n(s.y)}"`;
      const style = ` font-size="${s.size}"` + (s.bold ? ` font-weight="bold"` : "");
      return `<text${cls} ${at} text-anchor="${s.anchor}"${style}>${escapeXml(s.text)}</text>`;
    }
  }
}

/**
 * A standalone SVG document of a drawing: white background, sans-serif text, a `<title>`.
 *
 * @example
 * ```ts
 * const svg = drawingSvg({ width: 100, height: 50, shapes: [] }, "empty");
 * svg.startsWith("<svg"); // true
 * ```
 */
export function drawingSvg(drawing: Drawing, title: string): string {
  const { width, height } = drawing;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" ` +
    `viewBox="0 0 ${n(width)} ${n(height)}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  for (const s of drawing.shapes) {
    const element = shapeSvg(s);
    if (element) parts.push(element);
  }
  parts.push("</svg>\n");
  return parts.join("\n");
}
