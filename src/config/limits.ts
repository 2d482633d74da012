/**
 * Size limits on user input: they turn a runaway (a 2·10⁷-character name, a 10⁶-row data file,
 * `MC = 1000000000`, a constraint nested 10⁵ deep) into one clear error naming the file, the key
 * and the limit. Each limit can be raised with an environment variable
 * `EXFIT_LIMIT_<NAME>` (e.g. `EXFIT_LIMIT_DATA_ROWS=500000`); README "Limits" lists them.
 *
 * @module
 */

import { ConfigError } from "./errors.ts";
import {
  EXPRESSION_LIMITS,
  type ExpressionError,
  type ExpressionLimits,
  MAX_EXPRESSION_DEPTH,
} from "../params/expr.ts";

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
  /** Characters in one constraint expression. */
  EXPRESSION_LENGTH: EXPRESSION_LIMITS.length,
  /** Nesting depth (parentheses, operators, calls) of one constraint expression. */
  EXPRESSION_DEPTH: EXPRESSION_LIMITS.depth,
  /** Monte-Carlo or bootstrap replicates of one STATISTICS table. */
  STATISTICS_COUNT: 100_000,
  /** Values of one GRID axis. */
  GRID_VALUES: 10_000,
  /** MCMC sampler steps times walkers of one STATISTICS table. */
  MCMC_SAMPLES: 10_000_000,
} as const;

/** Name of a limit. */
export type LimitName = keyof typeof LIMITS;

/** Ceilings of limits whose overrides could otherwise crash instead of failing clearly. */
const CEILINGS: Partial<Record<LimitName, { max: number; why: string }>> = {
  EXPRESSION_DEPTH: {
    max: MAX_EXPRESSION_DEPTH,
    why: "deeper expressions exhaust the call stack; split the constraint instead",
  },
};

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
  const ceiling = CEILINGS[name];
  if (ceiling && v > ceiling.max) {
    throw new Error(`${variable} must be at most ${ceiling.max} (${ceiling.why}), got "${text}"`);
  }
  return v;
}

/**
 * The expression limits in force (`EXFIT_LIMIT_EXPRESSION_LENGTH`, `EXFIT_LIMIT_EXPRESSION_DEPTH`),
 * as the plain data `compileExpression` takes.
 *
 * @example
 * ```ts
 * compileExpression("[KEX_AB] * 2", "brackets", expressionLimits());
 * ```
 */
export function expressionLimits(): ExpressionLimits {
  return { length: limit("EXPRESSION_LENGTH"), depth: limit("EXPRESSION_DEPTH") };
}

/**
 * How to raise the limit an {@link ExpressionError} ran into (`""` when it ran into none).
 *
 * @example
 * ```ts
 * `${e.message}${raiseHint(e)}`; // "… at most 10000 are allowed (raise with EXFIT_LIMIT_EXPRESSION_LENGTH)"
 * ```
 */
export function raiseHint(e: ExpressionError): string {
  if (e.limit === undefined) return "";
  const name: LimitName = e.limit === "length" ? "EXPRESSION_LENGTH" : "EXPRESSION_DEPTH";
  return ` (raise with EXFIT_LIMIT_${name})`;
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
