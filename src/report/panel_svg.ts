/**
 * Small-multiple SVG of one profile for the HTML report: a residual panel ((data − model), with
 * the data's error bars) above the data panel (points with error bars, model curve). Written
 * directly as SVG text: the report may hold hundreds of profiles, and a chart library's start-up
 * and per-figure cost would dominate the run.
 *
 * @module
 */
import type { ProfileFigure } from "./figures.ts";

const W = 300;
const LEFT = 46;
const RIGHT = 8;
const TOP = 18;
const RES_H = 44;
const GAP = 8;
const DATA_H = 130;
const BOTTOM = 30;
/** Total height of a profile figure in px. */
export const FIGURE_HEIGHT = TOP + RES_H + GAP + DATA_H + BOTTOM;
/** Width of a profile figure in px. */
export const FIGURE_WIDTH = W;

const RED = "#D32F2F";
const CURVE = "#E57373";
const GREY = "#9E9E9E";

/**
 * "Nice" tick values (1, 2, 5 × 10^k steps) covering [lo, hi], about `count` of them.
 *
 * @example
 * ```ts
 * niceTicks(0, 10, 5); // [0, 2, 4, 6, 8, 10]
 * ```
 */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1);
  return String(Number(v.toPrecision(6)));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
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

type Scale = (v: number) => number;

function scale(domain: [number, number], range: [number, number]): Scale {
  const k = (range[1] - range[0]) / (domain[1] - domain[0]);
  return (v) => range[0] + (v - domain[0]) * k;
}

function r(v: number): string {
  return v.toFixed(1);
}

function yAxis(ticks: number[], y: Scale, x0: number, x1: number): string {
  return ticks.map((t) =>
    `<line x1="${x0}" x2="${x1}" y1="${r(y(t))}" y2="${r(y(t))}" stroke="#eee"/>` +
    `<text x="${x0 - 3}" y="${r(y(t) + 3)}" text-anchor="end">${fmt(t)}</text>`
  ).join("");
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
  const xs = [...fig.points.map((p) => p.x), ...fig.curve.map((c) => c.x)];
  const [xa, xb] = extent(xs);
  const x = scale(fig.reverseX ? [xb, xa] : [xa, xb], [LEFT, W - RIGHT]);
  const yd = extent([
    ...fig.points.flatMap((p) => [p.lo, p.hi, p.y]),
    ...fig.curve.map((c) => c.y),
  ]);
  const dataTop = TOP + RES_H + GAP;
  const y = scale(yd, [dataTop + DATA_H, dataTop]);
  const res = fig.points.map((p) => ({
    x: p.x,
    d: p.y - p.calc,
    lo: p.lo - p.calc,
    hi: p.hi - p.calc,
  }));
  const rd = extent([0, ...res.flatMap((q) => [q.lo, q.hi])]);
  const ry = scale(rd, [TOP + RES_H, TOP]);
  const parts: string[] = [];
  const right = W - RIGHT;
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="profile" width="${W}" height="${FIGURE_HEIGHT}" ` +
      `viewBox="0 0 ${W} ${FIGURE_HEIGHT}" font-family="sans-serif" font-size="9">`,
    `<title>${escapeXml(fig.name)}</title>`,
    `<text x="${W / 2}" y="12" text-anchor="middle" font-size="11" font-weight="bold">${
      escapeXml(fig.name)
    }</text>`,
  );
  // Residual panel.
  parts.push(yAxis(niceTicks(rd[0], rd[1], 3), ry, LEFT, right));
  parts.push(
    `<line x1="${LEFT}" x2="${right}" y1="${r(ry(0))}" y2="${r(ry(0))}" stroke="#999"/>`,
    `<rect x="${LEFT}" y="${TOP}" width="${
      right - LEFT
    }" height="${RES_H}" fill="none" stroke="#888"/>`,
  );
  for (const q of res) {
    parts.push(
      `<line x1="${r(x(q.x))}" x2="${r(x(q.x))}" y1="${r(ry(q.lo))}" y2="${
        r(ry(q.hi))
      }" stroke="${GREY}"/>`,
      `<circle cx="${r(x(q.x))}" cy="${r(ry(q.d))}" r="1.8" fill="#555"/>`,
    );
  }
  // Data panel.
  parts.push(yAxis(niceTicks(yd[0], yd[1], 4), y, LEFT, right));
  for (const t of niceTicks(xa, xb, 5)) {
    parts.push(
      `<line x1="${r(x(t))}" x2="${r(x(t))}" y1="${dataTop + DATA_H}" y2="${
        dataTop + DATA_H + 3
      }" stroke="#888"/>`,
      `<text x="${r(x(t))}" y="${dataTop + DATA_H + 12}" text-anchor="middle">${fmt(t)}</text>`,
    );
  }
  for (const s of fig.rules) {
    if (s >= xa && s <= xb) {
      parts.push(
        `<line class="state" x1="${r(x(s))}" x2="${r(x(s))}" y1="${dataTop}" y2="${
          dataTop + DATA_H
        }" stroke="#BDBDBD" stroke-dasharray="4 2"/>`,
      );
    }
  }
  parts.push(
    `<rect x="${LEFT}" y="${dataTop}" width="${
      right - LEFT
    }" height="${DATA_H}" fill="none" stroke="#888"/>`,
  );
  if (fig.curve.length > 1) {
    const d = fig.curve.map((c, k) => `${k ? "L" : "M"}${r(x(c.x))},${r(y(c.y))}`).join("");
    parts.push(`<path class="curve" d="${d}" fill="none" stroke="${CURVE}" stroke-width="1.5"/>`);
  }
  for (const p of fig.points) {
    const color = p.used ? RED : GREY;
    parts.push(
      `<line x1="${r(x(p.x))}" x2="${r(x(p.x))}" y1="${r(y(p.lo))}" y2="${
        r(y(p.hi))
      }" stroke="${color}"/>`,
      `<circle class="point" cx="${r(x(p.x))}" cy="${r(y(p.y))}" r="2.5" ` +
        (p.used ? `fill="${RED}"/>` : `fill="white" stroke="${GREY}"/>`),
    );
  }
  parts.push(
    `<text x="${(LEFT + right) / 2}" y="${FIGURE_HEIGHT - 4}" text-anchor="middle">${
      escapeXml(fig.xTitle)
    }</text>`,
    `<text transform="translate(10 ${dataTop + DATA_H / 2}) rotate(-90)" text-anchor="middle">${
      escapeXml(fig.yTitle)
    }</text>`,
    `<text transform="translate(10 ${TOP + RES_H / 2}) rotate(-90)" text-anchor="middle">Δ</text>`,
    "</svg>",
  );
  return parts.join("");
}
