/**
 * `statistics.toml` writer in the layout of the reference ChemEx outputs (chemex-compat 8.5,
 * legacy column: keys padded to a common width, floats as `"% .5e"`).
 *
 * @module
 */

import type { FitStatistics } from "../fit/step.ts";
import { pyExp } from "../math/pyformat.ts";

/** Goodness-of-fit summary of one fit step (defined with the fit). */
export type { FitStatistics };

/**
 * Render the eight statistics lines; counts print as integers, other values as `"% .5e"`. When
 * some fitted parameters have no meaningful standard error (`undetermined`, parameter ids), a
 * ninth line lists them (a TOML array of strings), so the file says so beside the χ²; groups
 * whose fit stopped at its evaluation budget (`notConverged`) get one more such line.
 *
 * @example
 * ```ts
 * formatStatisticsToml({ ndata: 230, nvarys: 17, chisqr: 434.555, redchi: 2.04017,
 *   chisqrTest: 0, ksTest: 0.0666954, aic: 468.555, bic: 527.003 });
 * // '"number of data points"                = 230\n"number of variables"                  = 17\n' …
 * ```
 */
export function formatStatisticsToml(
  s: FitStatistics,
  undetermined: string[] = [],
  notConverged: string[] = [],
): string {
  const items: [string, string][] = [
    ["number of data points", intText(s.ndata)],
    ["number of variables", intText(s.nvarys)],
    ["chi-square", e5(s.chisqr)],
    ["reduced-chi-square", e5(s.redchi)],
    ["chi-squared test", e5(s.chisqrTest)],
    ["Kolmogorov-Smirnov test", e5(s.ksTest)],
    ["Akaike Information Criterion (AIC)", e5(s.aic)],
    ["Bayesian Information Criterion (BIC)", e5(s.bic)],
  ];
  if (undetermined.length > 0) {
    items.push([
      "parameters without a meaningful error",
      `[${undetermined.map((id) => JSON.stringify(id)).join(", ")}]`,
    ]);
  }
  if (notConverged.length > 0) {
    // Groups whose fit stopped at its evaluation budget (`src/fit/budget.ts`).
    items.push([
      "not converged (stopped at the evaluation budget)",
      `[${notConverged.map((g) => JSON.stringify(g)).join(", ")}]`,
    ]);
  }
  const width = Math.max(...items.slice(0, 8).map(([key]) => key.length + 2));
  return items.map(([key, value]) => `${`"${key}"`.padEnd(width)} = ${value}\n`).join("");
}

function e5(x: number): string {
  return pyExp(x, 5, { sign: " " });
}

function intText(n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`expected an integer count, got ${n}`);
  return String(n);
}
