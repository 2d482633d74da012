/**
 * Parameter covariance from the Jacobian of a least-squares fit, following
 * ChemEx (2026.06): `C = (JᵀJ)⁻¹` computed through a column-equilibrated thin
 * SVD with an explicit rank test, and no reduced-χ² rescaling (residuals are
 * expected to be already divided by their uncertainties).
 *
 * @module
 */

import { EPS, thinSvd } from "./_linalg.ts";

/** Covariance matrix (n×n row-major) or `null` with the reason it is not defined. */
export interface CovarianceResult {
  covariance: Float64Array | null;
  /** Numerical rank of the Jacobian. */
  rank: number;
  reason?: string;
  /**
   * Singular values of the column-equilibrated Jacobian (descending) and its right singular
   * vectors (n×n row-major, column k for value k): what diagnostics need to find flat directions.
   */
  singular?: Float64Array;
  vectors?: Float64Array;
}

/**
 * `(JᵀJ)⁻¹` for a row-major `m × n` Jacobian, or `null` when J is rank deficient.
 *
 * Columns are first scaled to unit norm (D = diag(1/‖J_col‖)) so that the rank
 * test is insensitive to parameter units; then `J·D = U·Σ·Vᵀ`, the rank counts
 * singular values above `σ_max·max(m, n)·eps`, and `C = D·V·Σ⁻²·Vᵀ·D`.
 *
 * @example
 * ```ts
 * // J = [[2, 0], [0, 4], [0, 0]] → C = diag(1/4, 1/16)
 * const { covariance } = covarianceFromJacobian(new Float64Array([2, 0, 0, 4, 0, 0]), 3, 2);
 * ```
 */
export function covarianceFromJacobian(
  jac: Float64Array,
  m: number,
  n: number,
): CovarianceResult {
  if (n === 0) return { covariance: new Float64Array(0), rank: 0 };
  if (jac.length !== m * n) {
    return {
      covariance: null,
      rank: 0,
      reason: `Jacobian has ${jac.length} entries, expected ${m}×${n}`,
    };
  }
  for (let i = 0; i < jac.length; i++) {
    if (!Number.isFinite(jac[i])) {
      return { covariance: null, rank: 0, reason: "non-finite Jacobian" };
    }
  }

  const d = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let big = 0;
    for (let i = 0; i < m; i++) big = Math.max(big, Math.abs(jac[i * n + j]));
    let s = 0;
    if (big > 0) {
      for (let i = 0; i < m; i++) {
        const t = jac[i * n + j] / big;
        s += t * t;
      }
    }
    const norm = big * Math.sqrt(s);
    // A zero column stays zero and shows up as a zero singular value below.
    d[j] = norm > 0 ? 1 / norm : 1;
  }
  const jd = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) jd[i * n + j] = jac[i * n + j] * d[j];
  }

  const { s, v } = thinSvd(jd, m, n);
  // thinSvd pads short matrices with zero rows, which only adds zero singular values.
  const k = Math.min(m, n);
  const threshold = (s[0] ?? 0) * Math.max(m, n) * EPS;
  let rank = 0;
  for (let i = 0; i < k; i++) if (s[i] > threshold) rank++;
  const singular = s.slice(0, n);
  if (rank < n) {
    return {
      covariance: null,
      rank,
      reason: `rank-deficient Jacobian (rank ${rank} < ${n})`,
      singular,
      vectors: v,
    };
  }

  const w = new Float64Array(n);
  for (let kk = 0; kk < n; kk++) w[kk] = 1 / (s[kk] * s[kk]);
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let acc = 0;
      for (let kk = 0; kk < n; kk++) acc += v[i * n + kk] * v[j * n + kk] * w[kk];
      const c = d[i] * d[j] * acc;
      cov[i * n + j] = c;
      cov[j * n + i] = c;
    }
  }
  return { covariance: cov, rank, singular, vectors: v };
}

/**
 * Variance of a derived quantity by linear propagation, `g·C·gᵀ`, for a
 * gradient `g` (length n) and a covariance `C` (n×n row-major).
 *
 * @example
 * ```ts
 * propagateVariance(new Float64Array([1, 1]), new Float64Array([1, 0.5, 0.5, 2]), 2); // 4
 * ```
 */
export function propagateVariance(
  gradient: Float64Array,
  covariance: Float64Array,
  n: number,
): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const gi = gradient[i];
    if (gi === 0) continue;
    let acc = 0;
    for (let j = 0; j < n; j++) acc += covariance[i * n + j] * gradient[j];
    total += gi * acc;
  }
  return total;
}
