/**
 * Size limits on user input: they turn a runaway (a 2·10⁷-character name, a 10⁶-row data file,
 * `MC = 1000000000`, a constraint nested 10⁵ deep) into one clear error naming the file, the key
 * and the limit. Each limit can be raised with an environment variable
 * `EXFIT_LIMIT_<NAME>` (e.g. `EXFIT_LIMIT_DATA_ROWS=500000`); README "Limits" lists them.
 *
 * @module
 */

import { ConfigError } from "./errors.ts";

/** The configurable limits and their defaults. */
export const LIMITS = {
  /** Characters in an experiment name, profile key, parameter name or section name. */
  NAME_LENGTH: 256,
  /** Data rows in one profile or shift file. */
  DATA_ROWS: 100_000,
  /** Bytes of one data file. */
  FILE_BYTES: 64 * 1024 * 1024,
  /** Bytes of one TOML file (experiment, parameters, method). */
  TOML_BYTES: 8 * 1024 * 1024,
  /** Characters in one constraint or parameter expression. */
  EXPRESSION_LENGTH: 10_000,
  /** Nesting depth (parentheses, unary operators, calls) of one expression. */
  EXPRESSION_DEPTH: 64,
  /** Monte-Carlo or bootstrap replicates of one STATISTICS table. */
  STATISTICS_COUNT: 100_000,
  /** Values of one GRID axis. */
  GRID_VALUES: 10_000,
  /** MCMC sampler steps times walkers of one STATISTICS table. */
  MCMC_SAMPLES: 10_000_000,
} as const;

/** Name of a limit. */
export type LimitName = keyof typeof LIMITS;

/**
 * The value of a limit: `EXFIT_LIMIT_<NAME>` when set to a positive integer, else the default.
 * A malformed value of the variable is an error (a silently ignored override would surprise).
 *
 * @example
 * ```ts
 * limit("DATA_ROWS"); // 100000 unless EXFIT_LIMIT_DATA_ROWS is set
 * ```
 */
export function limit(name: LimitName): number {
  const variable = `EXFIT_LIMIT_${name}`;
  let text: string | undefined;
  try {
    text = Deno.env.get(variable);
  } catch {
    text = undefined; // no --allow-env: the defaults apply
  }
  if (text === undefined || text.trim() === "") return LIMITS[name];
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new Error(`${variable} must be a positive integer, got "${text}"`);
  }
  return v;
}

/**
 * Throw a {@link ConfigError} when a name is longer than the `NAME_LENGTH` limit; the message
 * quotes only the start of the name.
 *
 * @example
 * ```ts
 * checkNameLength("1N", "exp.toml", "profile key", { line: 3 }); // ok
 * ```
 */
export function checkNameLength(
  name: string,
  file: string,
  what: string,
  where: { line?: number; column?: number; key?: string } = {},
): void {
  const max = limit("NAME_LENGTH");
  if (name.length <= max) return;
  throw new ConfigError(
    file,
    `${what} "${name.slice(0, 32)}…" is ${name.length} characters long; at most ${max} are ` +
      `allowed (raise with EXFIT_LIMIT_NAME_LENGTH)`,
    { ...where, key: where.key ?? name.slice(0, 32) },
  );
}

/**
 * Throw a {@link ConfigError} when `count` exceeds a limit.
 *
 * @example
 * ```ts
 * checkCount(5000, "DATA_ROWS", "data.out", "data rows"); // ok
 * ```
 */
export function checkCount(
  count: number,
  name: LimitName,
  file: string,
  what: string,
  where: { line?: number; column?: number; key?: string } = {},
): void {
  const max = limit(name);
  if (count <= max) return;
  throw new ConfigError(
    file,
    `${what}: ${count} exceeds the limit of ${max} (raise with EXFIT_LIMIT_${name})`,
    where,
  );
}
