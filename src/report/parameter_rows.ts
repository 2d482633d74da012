/**
 * Parameter rows of the report, read back from the step's own `Parameters/*.toml` texts, so the
 * report shows exactly what the files say (value, ± error, and any flag text of the comment).
 *
 * @module
 */

/** One parameter of one step's result files. */
export interface ParameterRow {
  /** "fitted", "fixed" or "constrained". */
  kind: string;
  section: string;
  key: string;
  value: number | null;
  error: number | null;
  /** Comment text other than the error, e.g. "(fixed)", "(error unavailable: …)". */
  flags: string;
}

const LINE = /^\s*("?)(.*?)\1\s*=\s*(\S*)\s*(?:#\s*(.*))?$/;

/**
 * Rows of one ChemEx parameter file text (`[section]` headers, `KEY = value # comment` lines).
 *
 * @example
 * ```ts
 * parameterRows("fitted", "[GLOBAL]\nKEX_AB =  3.8e+02 # ±6.2e+00\n");
 * // [{ kind: "fitted", section: "GLOBAL", key: "KEX_AB", value: 380, error: 6.2, flags: "" }]
 * ```
 */
export function parameterRows(kind: string, text: string): ParameterRow[] {
  const rows: ParameterRow[] = [];
  let section = "";
  for (const line of text.split("\n")) {
    const head = /^\s*\[\s*"?(.*?)"?\s*\]\s*$/.exec(line);
    if (head) {
      section = head[1];
      continue;
    }
    const m = LINE.exec(line);
    if (!m || m[2] === "") continue;
    const value = m[3] === "" ? null : Number(m[3]);
    const comment = (m[4] ?? "").trim();
    const err = /^±\s*(\S+)/.exec(comment);
    const error = err ? Number(err[1]) : null;
    rows.push({
      kind,
      section,
      key: m[2],
      value: value !== null && Number.isFinite(value) ? value : null,
      error: error !== null && Number.isFinite(error) ? error : null,
      flags: (err ? comment.slice(err[0].length) : comment).trim(),
    });
  }
  return rows;
}

/**
 * All rows of a step's files map (`Parameters/fitted.toml`, `fixed.toml`, `constrained.toml`).
 *
 * @example
 * ```ts
 * stepParameterRows(out.files).length;
 * ```
 */
export function stepParameterRows(files: ReadonlyMap<string, string>): ParameterRow[] {
  return ["fitted", "constrained", "fixed"].flatMap((kind) => {
    const text = files.get(`Parameters/${kind}.toml`);
    return text ? parameterRows(kind, text) : [];
  });
}
