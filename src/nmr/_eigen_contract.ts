/**
 * The contraction both adjoint routes start with (`frechet_adjoint.ts`, `frechet_sensitivity.ts`):
 * a real cotangent C times the transposed inverse eigenvector matrix, kept split in real and
 * imaginary parts. Zero entries of C are skipped: cotangents of propagated vectors are sparse.
 *
 * @module
 */

/**
 * T = C·Uᵀ with U = V⁻¹ (n × n, row-major): T_rb = Σ_q C_rq·U_bq, into (tr, ti).
 *
 * @example
 * ```ts
 * cotangentTimesInverseT(2, c, ur, ui, tr, ti);
 * ```
 */
export function cotangentTimesInverseT(
  n: number,
  c: Float64Array,
  ur: Float64Array,
  ui: Float64Array,
  tr: Float64Array,
  ti: Float64Array,
): void {
  for (let r = 0; r < n; r++) {
    const ro = r * n;
    for (let b = 0; b < n; b++) {
      const bo = b * n;
      let sr = 0;
      let si = 0;
      for (let q = 0; q < n; q++) {
        const cv = c[ro + q];
        if (cv === 0) continue;
        sr += cv * ur[bo + q];
        si += cv * ui[bo + q];
      }
      tr[ro + b] = sr;
      ti[ro + b] = si;
    }
  }
}
