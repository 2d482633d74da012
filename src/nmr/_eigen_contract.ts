/**
 * The eigenbasis contractions shared by the adjoint routes (`frechet_adjoint.ts`,
 * `frechet_sensitivity.ts`, `frechet_eig.ts`): products with the transposed inverse eigenvector
 * matrix, kept split in real and imaginary parts. Zero entries are skipped: cotangents of
 * propagated vectors are sparse.
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

/**
 * X = Uᵀ·M with U = V⁻¹ (complex, split): X_rb = Σ_a U_ar·M_ab, into (xr, xi), which are
 * overwritten. Zero entries of U are skipped.
 *
 * @example
 * ```ts
 * inverseTTimes(2, ur, ui, mr, mi, xr, xi);
 * ```
 */
export function inverseTTimes(
  n: number,
  ur: Float64Array,
  ui: Float64Array,
  mr: Float64Array,
  mi: Float64Array,
  xr: Float64Array,
  xi: Float64Array,
): void {
  xr.fill(0);
  xi.fill(0);
  for (let a = 0; a < n; a++) {
    const ao = a * n;
    for (let r = 0; r < n; r++) {
      const pr = ur[ao + r];
      const pi = ui[ao + r];
      if (pr === 0 && pi === 0) continue;
      const ro = r * n;
      for (let b = 0; b < n; b++) {
        xr[ro + b] += pr * mr[ao + b] - pi * mi[ao + b];
        xi[ro + b] += pr * mi[ao + b] + pi * mr[ao + b];
      }
    }
  }
}
