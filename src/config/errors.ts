/**
 * Errors raised while reading ChemEx-style input files (experiments, parameters, methods, data).
 *
 * Every message starts with `file:line:col:` (line/col omitted when unknown) so that editors and
 * terminals can jump to the offending spot.
 *
 * @module
 */

/**
 * A problem in a user-supplied input file.
 *
 * The message reads `"<file>:<line>:<col>: <what is wrong and what was expected>"`; the location
 * prefix is shortened to `"<file>:<line>: "` or `"<file>: "` when the position is not known.
 *
 * @example
 * ```ts
 * const err = new ConfigError("exp.toml", "unknown key 'tme_t2'; did you mean 'time_t2'?", {
 *   line: 3,
 *   column: 1,
 *   key: "tme_t2",
 * });
 * err.message; // "exp.toml:3:1: unknown key 'tme_t2'; did you mean 'time_t2'?"
 * ```
 */
export class ConfigError extends Error {
  /** File the problem was found in. */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  /** Offending key, when relevant. */
  readonly key?: string;
  /** The message without the location prefix. */
  readonly detail: string;

  constructor(
    file: string,
    detail: string,
    where: { line?: number; column?: number; key?: string } = {},
  ) {
    super(`${formatLocation(file, where.line, where.column)}${detail}`);
    this.name = "ConfigError";
    this.file = file;
    this.line = where.line;
    this.column = where.column;
    this.key = where.key;
    this.detail = detail;
  }
}

function formatLocation(file: string, line?: number, column?: number): string {
  if (line === undefined) return `${file}: `;
  if (column === undefined) return `${file}:${line}: `;
  return `${file}:${line}:${column}: `;
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), because typing
 * `nmae` for `name` is the most common key typo and should count as one edit.
 */
function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  const d: number[][] = [];
  for (let i = 0; i <= n; i++) {
    d.push(new Array<number>(m + 1).fill(0));
    d[i][0] = i;
  }
  for (let j = 0; j <= m; j++) d[0][j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2][j - 2] + 1);
      }
      d[i][j] = v;
    }
  }
  return d[n][m];
}

/**
 * The candidate closest to `word` (case-insensitive), for "did you mean" hints; `undefined` when
 * nothing is close enough. The tolerance grows with the word length (at most 3 edits) so that
 * short keys such as `sw` do not attract unrelated suggestions.
 *
 * @example
 * ```ts
 * closestMatch("tme_t2", ["time_t2", "carrier", "pw90"]); // "time_t2"
 * closestMatch("zzz", ["time_t2", "carrier"]); // undefined
 * ```
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  // Hints only make sense for typed words; a huge name would make the distance table explode.
  if (word.length > 64) return undefined;
  const target = word.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(target.length / 2)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const distance = editDistance(target, lower);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/**
 * A " did you mean 'x'?" suffix for an error message, or an empty string.
 *
 * @example
 * ```ts
 * didYouMean("carier", ["carrier", "pw90"]); // "; did you mean 'carrier'?"
 * ```
 */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? "" : `; did you mean '${match}'?`;
}
