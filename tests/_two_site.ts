/**
 * Closed-form two-site exchange line positions for shift-experiment tests: the eigenvalues of
 * the 2×2 complex matrix [[iω_a − k_ab, k_ba], [k_ab, iω_b − k_ba]] (equal R2 in both sites).
 *
 * @module
 */

/** Imaginary parts (rad/s) of the two eigenvalues, the one closer to ω_a first. */
export function twoSiteLines(wa: number, wb: number, kab: number, kba: number): [number, number] {
  // λ = ½(tr ± √z), z = δ² + 4·kab·kba, δ = i(ωa − ωb) − kab + kba; only Im λ is needed.
  const dRe = kba - kab;
  const dIm = wa - wb;
  const zRe = dRe * dRe - dIm * dIm + 4 * kab * kba;
  const zIm = 2 * dRe * dIm;
  const sIm = (zIm < 0 ? -1 : 1) * Math.sqrt((Math.hypot(zRe, zIm) - zRe) / 2);
  const l1 = 0.5 * (wa + wb + sIm);
  const l2 = 0.5 * (wa + wb - sIm);
  return Math.abs(l1 - wa) <= Math.abs(l2 - wa) ? [l1, l2] : [l2, l1];
}
