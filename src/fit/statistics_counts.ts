/**
 * Degrees of freedom of `statistics.toml` (ChemEx 2026.09 spec §3, #758): profiles with an
 * analytic scale (G) count as fitted, so ν = N − P − G and AIC/BIC use K = P + G; "number of
 * variables" stays P. `--compat 2026.06` keeps ChemEx 2026.06.1's ν = N − P, K = P.
 *
 * @module
 */
import type { CompatVersion } from "../config/compat.ts";
import { chi2Sf } from "../math/distributions.ts";
import type { FitStatistics } from "./step.ts";

/**
 * Statistics with the counts of the given release. With ν ≤ 0 the reduced χ² and the χ² test are
 * NaN, which `statistics.toml` prints as ChemEx's literal ` nan` (valid TOML).
 *
 * @example
 * ```ts
 * withCounts(stats, 10, "2026.09").aic; // χ² + 2·(P + 10)
 * ```
 */
export function withCounts(
  stats: FitStatistics,
  scaledProfiles: number,
  compat: CompatVersion,
): FitStatistics {
  if (compat === "2026.06") return stats;
  const { ndata, nvarys, chisqr } = stats;
  const k = nvarys + scaledProfiles;
  const dof = ndata - k;
  return {
    ...stats,
    scaledProfiles,
    redchi: dof > 0 ? chisqr / dof : NaN,
    chisqrTest: dof > 0 ? chi2Sf(chisqr, dof) : NaN,
    aic: chisqr + 2 * k,
    bic: chisqr + Math.log(ndata) * k,
  };
}
