/**
 * `Data/<stem>.dat` writer (chemex-compat 8.3).
 *
 * @module
 */

import { pyExp, pyFixed } from "../math/pyformat.ts";

/** One observation of a profile. */
export interface DataRow {
  /** NCYC, offset (Hz) or time (s), depending on the experiment. */
  x: number;
  /** Experimental intensity (absent in simulations). */
  exp?: number;
  /** Experimental uncertainty after error estimation (absent in simulations). */
  err?: number;
  /** Calculated (scaled) intensity. */
  calc: number;
  /** Whether the point is part of the fit. */
  used: boolean;
  /** EXSY only: start and detected state, e.g. "ab". */
  states?: string;
}

/** One profile: a `[name]` block of the file. */
export interface DataBlock {
  name: string;
  rows: DataRow[];
}

/** Kind of first column: CPMG `NCYC`, CEST `OFFSET (HZ)` or relaxation `TIME (S)`. */
export type XKind = "ncyc" | "offset" | "time";

const X_COLUMNS: Record<XKind, { header: string; decimals: number }> = {
  ncyc: { header: "NCYC", decimals: 0 },
  offset: { header: "OFFSET (HZ)", decimals: 2 },
  time: { header: "TIME (S)", decimals: 2 },
};

const NOT_USED = "# NOT USED IN THE FIT";

function e17(x: number | undefined): string {
  return pyExp(x ?? NaN, 8, { sign: " ", width: 17 });
}

/**
 * Render profile blocks in the given order (the caller sorts them by spin system). Cells are
 * joined by single spaces like ChemEx does, which is why used rows end with a trailing space and
 * unused rows (first cell `#`) end with `"  # NOT USED IN THE FIT"`. Missing `exp`/`err` in a fit
 * print as `nan`.
 *
 * @example
 * ```ts
 * formatDataDat([{ name: "15N", rows: [{ x: 0, exp: 39309.702, err: 294.192298, calc: 39308.079, used: true }] }], "ncyc", false);
 * // "[15N]\n#         NCYC   INTENSITY (EXP)       ERROR (EXP)  INTENSITY (CALC)\n" +
 * // "             0    3.93097020e+04    2.94192298e+02    3.93080790e+04 \n\n"
 * ```
 */
export function formatDataDat(blocks: DataBlock[], xKind: XKind, simulate: boolean): string {
  const column = X_COLUMNS[xKind];
  const header = ["#", column.header.padStart(12)];
  if (!simulate) header.push("INTENSITY (EXP)".padStart(17), "ERROR (EXP)".padStart(17));
  header.push("INTENSITY (CALC)".padStart(17));
  const headerLine = header.join(" ");
  let out = "";
  for (const block of blocks) {
    const lines = [`[${block.name}]`, headerLine];
    for (const row of block.rows) {
      const cells = [row.used ? " " : "#", pyFixed(row.x, column.decimals, { width: 12 })];
      if (!simulate) cells.push(e17(row.exp), e17(row.err));
      cells.push(e17(row.calc), row.used ? "" : ` ${NOT_USED}`);
      lines.push(cells.join(" "));
    }
    out += lines.join("\n") + "\n\n";
  }
  return out;
}

/**
 * Render a chemical-shift experiment file (values in ppb, one row per spin system, given order).
 * ChemEx keeps the EXP and ERROR columns in simulations too (there exp := calc), so `simulate`
 * only supplies `calc` for a missing `exp`; a missing `err` prints as `nan`.
 *
 * @example
 * ```ts
 * formatShiftDat([{ name: "11N-H", exp: 2.164, err: 3.348, calc: 2.164 }], false);
 * // "#\n# Unit: PPB\n#\n#             NAME       SHIFT (EXP)       ERROR (EXP)      SHIFT (CALC)\n" +
 * // "             11N-H             2.164             3.348             2.164\n"
 * ```
 */
export function formatShiftDat(
  rows: { name: string; exp?: number; err?: number; calc: number }[],
  simulate: boolean,
): string {
  const f = (x: number) => pyFixed(x, 3, { sign: " ", width: 17 });
  let out = "#\n# Unit: PPB\n#\n# " +
    [
      "NAME".padStart(16),
      ...["SHIFT (EXP)", "ERROR (EXP)", "SHIFT (CALC)"].map((h) => h.padStart(17)),
    ].join(" ") + "\n";
  for (const row of rows) {
    const exp = row.exp ?? (simulate ? row.calc : NaN);
    out += `${row.name.padStart(18)} ${f(exp)} ${f(row.err ?? NaN)} ${f(row.calc)}\n`;
  }
  return out;
}

/**
 * Render EXSY profile blocks: `TIME (S)` with 6 decimals, then the start and detected states
 * (`STATE1`, `STATE2`, right-aligned in 12), then the intensity columns as in
 * {@link formatDataDat}. ChemEx prints the start state in both state columns (a slip in its
 * printer); the detected state is printed here.
 *
 * @example
 * ```ts
 * formatExsyDat([{ name: "G2H", rows: [{ x: 0.1, states: "ab", calc: 0.25, used: true }] }], true);
 * // "[G2H]\n#     TIME (S)       STATE1       STATE2  INTENSITY (CALC)\n" +
 * // "      0.100000            a            b    2.50000000e-01 \n\n"
 * ```
 */
export function formatExsyDat(blocks: DataBlock[], simulate: boolean): string {
  const header = ["#", "TIME (S)".padStart(12), "STATE1".padStart(12), "STATE2".padStart(12)];
  if (!simulate) header.push("INTENSITY (EXP)".padStart(17), "ERROR (EXP)".padStart(17));
  header.push("INTENSITY (CALC)".padStart(17));
  const headerLine = header.join(" ");
  let out = "";
  for (const block of blocks) {
    const lines = [`[${block.name}]`, headerLine];
    for (const row of block.rows) {
      const states = row.states ?? "??";
      const cells = [
        row.used ? " " : "#",
        pyFixed(row.x, 6, { sign: " ", width: 12 }),
        states[0].padStart(12),
        states[1].padStart(12),
      ];
      if (!simulate) cells.push(e17(row.exp), e17(row.err));
      cells.push(e17(row.calc), row.used ? "" : ` ${NOT_USED}`);
      lines.push(cells.join(" "));
    }
    out += lines.join("\n") + "\n\n";
  }
  return out;
}
