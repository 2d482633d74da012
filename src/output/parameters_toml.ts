/**
 * `Parameters/{fitted,fixed,constrained}.toml` writer (chemex-compat 8.2).
 *
 * @module
 */

import { pyExp } from "../math/pyformat.ts";

/** One parameter line of a ChemEx parameter result file. */
export interface ParameterLine {
  /** `"GLOBAL"` or a section such as `"R2_A, B0->800.0MHZ"` (unquoted). */
  section: string;
  /** `"KEX_AB"`, `"15N"`, `"G23N-H"` … (unquoted). */
  key: string;
  /** `null` for a constrained parameter without a value: ChemEx then writes `KEY = ` only. */
  value: number | null;
  /** Comment text without the leading `"# "`, e.g. `"±6.23431e+00"` or `"(fixed)"`. */
  comment: string;
}

const BARE_NAME = /^[A-Za-z0-9_-]+$/;

/** ChemEx trims stray separators before deciding whether a TOML name needs quotes. */
function quoteName(text: string): string {
  const trimmed = text.replace(/^[ ,]+|[ ,]+$/g, "");
  return BARE_NAME.test(trimmed) ? trimmed : `"${trimmed}"`;
}

/**
 * Render parameter lines as ChemEx does: `[GLOBAL]` first (when present), then the other sections
 * in order of first appearance; keys keep their given order, a repeated (section, key) replaces the
 * earlier value in place. Keys are left-aligned to the longest (quoted) key of their section, the
 * value uses `"% .5e"`, and every section is followed by one blank line, except that the file ends
 * with a single newline. Returns `""` when there are no lines (ChemEx then writes no file).
 *
 * @example
 * ```ts
 * formatParametersToml([
 *   { section: "GLOBAL", key: "KEX_AB", value: 381.709, comment: "±6.23431e+00" },
 *   { section: "GLOBAL", key: "PB", value: 0.0702971, comment: "±8.02441e-04" },
 * ]);
 * // "[GLOBAL]\nKEX_AB =  3.81709e+02 # ±6.23431e+00\nPB     =  7.02971e-02 # ±8.02441e-04\n"
 * ```
 */
export function formatParametersToml(lines: ParameterLine[]): string {
  const sections = new Map<string, Map<string, string>>();
  const global = lines.filter((line) => line.section === "GLOBAL");
  const local = lines.filter((line) => line.section !== "GLOBAL");
  for (const line of [...global, ...local]) {
    let entries = sections.get(line.section);
    if (entries === undefined) {
      entries = new Map();
      sections.set(line.section, entries);
    }
    entries.set(
      line.key,
      line.value === null ? "" : `${pyExp(line.value, 5, { sign: " " })} # ${line.comment}`,
    );
  }
  const out: string[] = [];
  for (const [section, entries] of sections) {
    out.push(`[${quoteName(section)}]`);
    const keys = [...entries.keys()].map(quoteName);
    const width = Math.max(...keys.map((key) => key.length));
    let i = 0;
    for (const value of entries.values()) out.push(`${keys[i++].padEnd(width)} = ${value}`);
    out.push("");
  }
  return out.join("\n");
}

/**
 * Comment for a fitted parameter: the standard error in `".5e"` form, or the reason it is missing.
 * `warning` is appended in parentheses (ChemEx: "boundary may make uncertainty asymmetric").
 *
 * @example
 * ```ts
 * formatErrorComment(0.0123456); // "±1.23456e-02"
 * formatErrorComment(null); // "(error not calculated)"
 * formatErrorComment(null, "rank deficient"); // "(error unavailable: rank deficient)"
 * ```
 */
export function formatErrorComment(
  stderr: number | null,
  reason?: string,
  warning?: string,
): string {
  if (stderr !== null) {
    return `±${pyExp(stderr, 5)}` + (warning === undefined ? "" : ` (${warning})`);
  }
  return reason === undefined ? "(error not calculated)" : `(error unavailable: ${reason})`;
}
