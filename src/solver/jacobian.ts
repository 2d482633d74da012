/**
 * Finite-difference Jacobians with SciPy's "2-point" rule and SciPy's `x_scale="jac"` variable
 * scaling: the pieces of the TRF (`trf.ts`) that only look at the Jacobian.
 *
 * @module
 */
import { EPS } from "./_linalg.ts";

const SQRT_EPS = Math.sqrt(EPS);

/**
 * Step of SciPy's "2-point" rule for one coordinate: `±sqrt(eps)·max(1, |x|)` (negative for
 * negative x), reversed or shortened where it would leave the bounds.
 *
 * @example
 * ```ts
 * forwardDifferenceStep(0, 0, 1); // 1.4901161193847656e-8
 * ```
 */
export function forwardDifferenceStep(xj: number, lower: number, upper: number): number {
  let h = SQRT_EPS * (xj >= 0 ? 1 : -1) * Math.max(1, Math.abs(xj));
  const lowerDist = xj - lower;
  const upperDist = upper - xj;
  const trial = xj + h;
  if (Math.abs(h) <= Math.max(lowerDist, upperDist)) {
    if (trial < lower || trial > upper) h = -h;
  } else {
    h = upperDist >= lowerDist ? upperDist : -lowerDist;
  }
  return h;
}

/**
 * Forward-difference Jacobian with SciPy's "2-point" rule: step
 * `h_j = ±sqrt(eps)·max(1, |x_j|)` (negative for negative `x_j`), reversed or
 * shortened where it would leave the bounds, divided by the representable
 * step `(x_j + h_j) − x_j`.
 *
 * @example
 * ```ts
 * const f = (x: Float64Array) => new Float64Array([x[0] * x[0]]);
 * const x = new Float64Array([3]);
 * const j = forwardDifferenceJacobian(f, x, f(x),
 *   new Float64Array([-Infinity]), new Float64Array([Infinity]));
 * // j[0] ≈ 6
 * ```
 */
export function forwardDifferenceJacobian(
  fun: (x: Float64Array) => Float64Array,
  x: Float64Array,
  f0: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
): Float64Array {
  const n = x.length;
  const m = f0.length;
  const jac = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const xj = x[j];
    const h = forwardDifferenceStep(xj, lower[j], upper[j]);
    const xh = x.slice();
    xh[j] = xj + h;
    const dx = xh[j] - xj;
    const fh = fun(xh);
    for (let i = 0; i < m; i++) jac[i * n + j] = (fh[i] - f0[i]) / dx;
  }
  return jac;
}

/**
 * SciPy's `compute_jac_scale`: `scaleInv_j = ‖J[:, j]‖₂`, zero norms replaced by 1 at the start
 * and, given the previous `scaleInv`, never decreasing (`max(old, new)`).
 *
 * @example
 * ```ts
 * jacobianScale(new Float64Array([3, 0, 4, 0]), 2, 2, null).scale; // [0.2, 1]
 * ```
 */
export function jacobianScale(
  jac: Float64Array,
  m: number,
  n: number,
  scaleInvOld: Float64Array | null,
): { scale: Float64Array; scaleInv: Float64Array } {
  const sq = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const off = i * n;
    for (let k = 0; k < n; k++) sq[k] += jac[off + k] * jac[off + k];
  }
  const scaleInv = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const v = Math.sqrt(sq[k]);
    scaleInv[k] = scaleInvOld === null ? (v === 0 ? 1 : v) : Math.max(v, scaleInvOld[k]);
  }
  return { scale: scaleInv.map((v) => 1 / v), scaleInv };
}
