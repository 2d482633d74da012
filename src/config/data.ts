/**
 * Profile data files (section 5 of the compatibility spec): whitespace-separated columns, `#`
 * starts a comment (anywhere on a line, as with NumPy's `loadtxt`), blank lines are skipped,
 * extra trailing columns are ignored.
 *
 * @module
 */

import { ConfigError } from "./errors.ts";
import { checkNameLength, limit } from "./limits.ts";
import { parseFloatText, readTextFile } from "./toml.ts";

/** Rows of one profile file, in file order. */
export interface ProfileData {
  /** Path of the data file. */
  file: string;
  /** Column 1: ncyc (CPMG), offset in Hz (CEST-type), delay or mixing time in s. */
  x: Float64Array;
  /** Intensity column. */
  intensity: Float64Array;
  /** Uncertainty column (σ) as given in the file. */
  error: Float64Array;
  /** EXSY only: the start and detected state of each row (lower-case letters). */
  states?: { start: string[]; detect: string[] };
}

/** One row of a shift-experiment data file. */
export interface ShiftRow {
  /** Spin-system name as written (upper-cased). */
  spinSystem: string;
  /** Shift difference, ppb. */
  value: number;
  /** Its uncertainty, ppb. */
  error: number;
  /** 1-based line number in the file. */
  line: number;
}

interface Token {
  text: string;
  column: number;
}

/**
 * The line number of data row `max + 1`, or 0 when the file has at most `max` data rows; a cheap
 * scan (no tokens) so that a runaway file is refused before it is split.
 */
function lineOverLimit(text: string, max: number): number {
  let rows = 0;
  let line = 0;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    line++;
    for (let k = start; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c === 35) break; // '#': the rest is a comment
      if (c !== 32 && c !== 9 && c !== 13) {
        if (++rows > max) return line;
        break;
      }
    }
    start = end + 1;
  }
  return 0;
}

/**
 * Split the data lines of a text file, dropping comments and blank lines; an error when the file
 * has more data rows than the `DATA_ROWS` limit.
 */
function dataLines(text: string, file: string): { line: number; tokens: Token[] }[] {
  const out: { line: number; tokens: Token[] }[] = [];
  const max = limit("DATA_ROWS");
  const over = lineOverLimit(text, max);
  if (over > 0) {
    throw new ConfigError(
      file,
      `the file has more than ${max} data rows (raise with EXFIT_LIMIT_DATA_ROWS)`,
      { line: over },
    );
  }
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const hash = lines[i].indexOf("#");
    const body = hash >= 0 ? lines[i].slice(0, hash) : lines[i];
    const tokens: Token[] = [];
    const re = /\S+/g;
    for (let m = re.exec(body); m !== null; m = re.exec(body)) {
      tokens.push({ text: m[0], column: m.index + 1 });
    }
    if (tokens.length > 0) out.push({ line: i + 1, tokens });
  }
  return out;
}

function columnsError(
  file: string,
  line: number,
  tokens: Token[],
  expected: string,
): never {
  const text = tokens.map((t) => t.text).join(" ");
  throw new ConfigError(
    file,
    `expected ${expected}, found ${tokens.length} column(s): "${text}"`,
    { line, column: tokens[0]?.column },
  );
}

function numberAt(file: string, line: number, token: Token, what: string): number {
  const v = parseFloatText(token.text);
  if (v === undefined) {
    throw new ConfigError(file, `${what} is not a number: "${token.text}"`, {
      line,
      column: token.column,
    });
  }
  if (!Number.isFinite(v) || Math.abs(v) > MAX_MAGNITUDE) {
    throw new ConfigError(
      file,
      `${what} must be a finite number of magnitude at most ${MAX_MAGNITUDE}, got "${token.text}"`,
      { line, column: token.column },
    );
  }
  return v;
}

// Intensities, delays and offsets beyond this are not measurements; they would overflow squares.
const MAX_MAGNITUDE = 1e100;

function errorAt(file: string, line: number, token: Token, what: string): number {
  const v = numberAt(file, line, token, what);
  if (v < 0) {
    throw new ConfigError(file, `${what} must be >= 0, got "${token.text}"`, {
      line,
      column: token.column,
    });
  }
  return v;
}

function ncycAt(file: string, line: number, token: Token): number {
  const v = numberAt(file, line, token, "ncyc (column 1)");
  if (!Number.isInteger(v) || v > 1e6) {
    throw new ConfigError(
      file,
      `ncyc (column 1) must be a whole number of cycles from -1 to 1000000, got "${token.text}"`,
      { line, column: token.column },
    );
  }
  return v;
}

const STATE_LETTER = /^[a-fA-F]$/;

function stateAt(file: string, line: number, token: Token, what: string): string {
  if (!STATE_LETTER.test(token.text)) {
    throw new ConfigError(
      file,
      `${what} must be a state letter (a-f), found "${token.text}"`,
      { line, column: token.column },
    );
  }
  return token.text.toLowerCase();
}

/**
 * Read one profile data file. CPMG, CEST-type and relaxation files have three numeric columns
 * (x, intensity, σ); EXSY files have five (mixing time, start state, detected state, intensity,
 * σ). Rows are returned in file order. A row that is too short or has a non-numeric value, or a
 * file without data rows, gives a {@link ConfigError} with the file, line and offending text.
 *
 * @example
 * ```ts
 * const p = readProfileFile("Data/800MHz/15N-HN.out", "cpmg");
 * p.x[0]; // 0 (the reference, ncyc = 0)
 * p.intensity.length === p.error.length; // true
 * ```
 */
export function readProfileFile(
  path: string,
  family: "cpmg" | "cest" | "relaxation" | "exsy" | "r1rho",
): ProfileData {
  const rows = dataLines(readTextFile(path), path);
  if (rows.length === 0) {
    throw new ConfigError(path, "the data file contains no data rows");
  }
  const n = rows.length;
  const x = new Float64Array(n);
  const intensity = new Float64Array(n);
  const error = new Float64Array(n);
  if (family === "exsy") {
    const start: string[] = [];
    const detect: string[] = [];
    rows.forEach(({ line, tokens }, i) => {
      if (tokens.length < 5) {
        columnsError(
          path,
          line,
          tokens,
          "5 columns (mixing time, start state, detected state, intensity, error)",
        );
      }
      x[i] = numberAt(path, line, tokens[0], "mixing time (column 1)");
      start.push(stateAt(path, line, tokens[1], "start state (column 2)"));
      detect.push(stateAt(path, line, tokens[2], "detected state (column 3)"));
      intensity[i] = numberAt(path, line, tokens[3], "intensity (column 4)");
      error[i] = errorAt(path, line, tokens[4], "error (column 5)");
    });
    return { file: path, x, intensity, error, states: { start, detect } };
  }
  const xName = family === "cpmg"
    ? "ncyc"
    : family === "cest"
    ? "offset"
    : family === "r1rho"
    ? "spin-lock offset or field"
    : "delay";
  rows.forEach(({ line, tokens }, i) => {
    if (tokens.length < 3) {
      columnsError(path, line, tokens, `3 columns (${xName}, intensity, error)`);
    }
    x[i] = family === "cpmg"
      ? ncycAt(path, line, tokens[0])
      : numberAt(path, line, tokens[0], `${xName} (column 1)`);
    intensity[i] = numberAt(path, line, tokens[1], "intensity (column 2)");
    error[i] = errorAt(path, line, tokens[2], "error (column 3)");
  });
  return { file: path, x, intensity, error };
}

/**
 * Read a shift-experiment data file: one row per spin system with name, shift difference (ppb)
 * and its uncertainty (ppb). Rows come back in file order.
 *
 * @example
 * ```ts
 * const rows = readShiftFile("Data/sqmq_500.txt");
 * rows[0]; // { spinSystem: "11N-HN", value: 1, error: 3.347767, line: 2 }
 * ```
 */
export function readShiftFile(path: string): ShiftRow[] {
  const rows = dataLines(readTextFile(path), path);
  if (rows.length === 0) {
    throw new ConfigError(path, "the shift file contains no data rows");
  }
  return rows.map(({ line, tokens }) => {
    if (tokens.length < 3) {
      columnsError(path, line, tokens, "3 columns (spin system, shift in ppb, error in ppb)");
    }
    checkNameLength(tokens[0].text, path, "spin system", { line, column: tokens[0].column });
    return {
      spinSystem: tokens[0].text.toUpperCase(),
      value: numberAt(path, line, tokens[1], "shift (column 2)"),
      error: errorAt(path, line, tokens[2], "error (column 3)"),
      line,
    };
  });
}
