/**
 * Parameter value ± error against residue number (what `exfit plot_param` draws, and the
 * "along the sequence" figures of the report): series from ChemEx parameter files selected with
 * ChemEx's selector rules, drawn as one SVG with one colour per series.
 *
 * @module
 */
import type { ParameterRow } from "./parameter_rows.ts";
import { parseParamName, selectorMatches } from "../params/name.ts";
import { groupOf } from "../params/spin_system.ts";
import { niceTicks } from "./panel_svg.ts";

/** One series: a label and its points (residue number, value, error or null). */
export interface ParamSeries {
  label: string;
  points: { residue: number; name: string; value: number; error: number | null }[];
}

function targetOf(row: ParameterRow) {
  return row.section === "GLOBAL"
    ? parseParamName(row.key)
    : parseParamName(`${row.section}, NUC->${row.key}`);
}

/**
 * Series of the rows selected by `selector` (ChemEx's attribute rule): one per parameter file
 * section (e.g. `R2_A, B0->800.0MHZ`), keeping only rows with a residue number and a value.
 *
 * @example
 * ```ts
 * const series = paramSeries([{ label: "fit", rows }], "DW_AB");
 * ```
 */
export function paramSeries(
  files: { label: string; rows: ParameterRow[] }[],
  selector: string,
): ParamSeries[] {
  const sel = parseParamName(selector);
  const out: ParamSeries[] = [];
  for (const file of files) {
    const bySection = new Map<string, ParamSeries>();
    for (const row of file.rows) {
      if (row.value === null) continue;
      let target;
      try {
        target = targetOf(row);
      } catch {
        continue; // not a parameter name (e.g. a comment-only key)
      }
      if (!selectorMatches(sel, target, "attributes")) continue;
      const group = groupOf(target.spin);
      if (!group || group.number === null || !Number.isFinite(group.number)) continue;
      const label = files.length > 1 ? `${file.label}: ${row.section}` : row.section;
      if (!bySection.has(label)) bySection.set(label, { label, points: [] });
      bySection.get(label)!.points.push({
        residue: group.number,
        name: row.key,
        value: row.value,
        error: row.error,
      });
    }
    for (const s of bySection.values()) {
      s.points.sort((a, b) => a.residue - b.residue);
      out.push(s);
    }
  }
  return out;
}

const COLORS = ["#D32F2F", "#1976D2", "#388E3C", "#F57C00", "#7B1FA2", "#0097A7", "#5D4037"];

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * SVG document of the series: value ± error against residue number, series side by side
 * (shifted slightly so error bars do not hide each other), with a legend.
 *
 * @example
 * ```ts
 * const svg = paramSvg(paramSeries(files, "DW_AB"), "DW_AB");
 * ```
 */
export function paramSvg(series: ParamSeries[], title: string): string {
  const all = series.flatMap((s) => s.points);
  const rs = all.map((p) => p.residue);
  const ys = all.flatMap((p) =>
    p.error === null ? [p.value] : [p.value - p.error, p.value + p.error]
  ).filter(Number.isFinite);
  const rLo = rs.length ? Math.min(...rs) - 1 : 0;
  const rHi = rs.length ? Math.max(...rs) + 1 : 1;
  let yLo = ys.length ? Math.min(...ys, 0) : 0;
  let yHi = ys.length ? Math.max(...ys) : 1;
  if (yHi === yLo) yHi = yLo + 1;
  const pad = (yHi - yLo) * 0.05;
  yLo -= pad;
  yHi += pad;
  const width = Math.max(500, Math.min(1600, 12 * (rHi - rLo) + 120));
  const legendH = 14 * series.length + 8;
  const left = 60;
  const top = 28;
  const plotH = 260;
  const height = top + plotH + 40 + legendH;
  const x = (v: number) => left + (v - rLo) / (rHi - rLo) * (width - left - 12);
  const y = (v: number) => top + plotH - (v - yLo) / (yHi - yLo) * plotH;
  const f = (v: number) => v.toFixed(1);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${
      esc(title)
    }</text>`,
  ];
  for (const t of niceTicks(yLo, yHi, 6)) {
    parts.push(
      `<line x1="${left}" x2="${width - 12}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#eee"/>`,
      `<text x="${left - 4}" y="${f(y(t) + 3)}" text-anchor="end">${
        Number(t.toPrecision(6))
      }</text>`,
    );
  }
  for (const t of niceTicks(rLo, rHi, 10).filter((t) => Number.isInteger(t))) {
    parts.push(
      `<text x="${f(x(t))}" y="${top + plotH + 14}" text-anchor="middle">${t}</text>`,
    );
  }
  parts.push(
    `<rect x="${left}" y="${top}" width="${
      width - left - 12
    }" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${(left + width) / 2}" y="${
      top + plotH + 30
    }" text-anchor="middle">Residue number</text>`,
    `<text transform="translate(14 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${
      esc(title)
    }</text>`,
  );
  const shift = (k: number) => (k - (series.length - 1) / 2) * Math.min(0.6 / series.length, 0.2);
  series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    for (const p of s.points) {
      const px = f(x(p.residue + shift(k)));
      if (p.error !== null && Number.isFinite(p.error)) {
        parts.push(
          `<line x1="${px}" x2="${px}" y1="${f(y(p.value - p.error))}" y2="${
            f(y(p.value + p.error))
          }" stroke="${color}"/>`,
        );
      }
      parts.push(
        `<circle class="param" cx="${px}" cy="${f(y(p.value))}" r="3" fill="${color}">` +
          `<title>${esc(p.name)}: ${p.value}${
            p.error === null ? "" : ` ± ${p.error}`
          }</title></circle>`,
      );
    }
    const ly = top + plotH + 44 + 14 * k;
    parts.push(
      `<circle cx="${left + 6}" cy="${ly - 3}" r="3" fill="${color}"/>`,
      `<text x="${left + 14}" y="${ly}">${esc(s.label)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("");
}
