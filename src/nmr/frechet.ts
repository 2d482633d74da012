/**
 * Derivatives of propagators: the Fréchet derivative of the matrix exponential,
 * L(A·t, E·t) = d/dε exp((A + εE)·t) at ε = 0, which is the derivative of a delay's or a
 * pulse's propagator along a change E of its Liouvillian (for a local parameter p of a profile,
 * E = ∂L/∂p, see {@link Spectrometer.dLiouvillian}).
 *
 * It is computed from the block-triangular identity (Najfeld & Havel 1995; Higham, "Functions of
 * Matrices", 2008, Thm 3.6; the basis of Al-Mohy & Higham 2009)
 *
 *     exp([[A, E], [0, A]]·t) = [[exp(A·t), L(A·t, E·t)], [0, exp(A·t)]]
 *
 * with the scaling-and-squaring Padé exponential of `expm.ts` on the 2n × 2n matrix. E is first
 * scaled to the norm of A (L is linear in E) so that the Padé degree and squarings are the ones
 * A alone would need; the result is scaled back. This route is exact to the accuracy of `expm`
 * whatever the conditioning of A's eigenvectors (it needs none), which is why it is the one used:
 * near exceptional points, where exchange makes the eigenbasis ill-conditioned, divided
 * differences in the eigenbasis lose digits.
 *
 * @module
 */
import { createExpmWorkspace, expm, type ExpmWorkspace } from "./expm.ts";

/** Scratch space of {@link expmFrechet} for n × n matrices. */
export interface FrechetWorkspace {
  readonly n: number;
  readonly big: Float64Array;
  readonly bigOut: Float64Array;
  readonly ws: ExpmWorkspace;
}

/**
 * Workspace for {@link expmFrechet} on n × n matrices.
 *
 * @example
 * ```ts
 * const fw = createFrechetWorkspace(6);
 * ```
 */
export function createFrechetWorkspace(n: number): FrechetWorkspace {
  const m = 2 * n;
  return {
    n,
    big: new Float64Array(m * m),
    bigOut: new Float64Array(m * m),
    ws: createExpmWorkspace(m),
  };
}

function norm1(a: Float64Array, n: number): number {
  let best = 0;
  for (let c = 0; c < n; c++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += Math.abs(a[r * n + c]);
    if (s > best) best = s;
  }
  return best;
}

/**
 * dOut = L(a·t, e·t) = d/dε exp((a + ε·e)·t) at ε = 0 (n × n row-major), and, when `out` is
 * given, out = exp(a·t) from the same computation. `dOut` and `out` must not alias the inputs.
 *
 * @example
 * ```ts
 * // d/dr exp(−r·t) = −t·exp(−r·t) for 1 × 1 matrices.
 * const d = new Float64Array(1);
 * expmFrechet(null, d, Float64Array.of(-2), Float64Array.of(-1), 0.5, createFrechetWorkspace(1));
 * // d[0] ≈ −0.5·e^{−1}
 * ```
 */
export function expmFrechet(
  out: Float64Array | null,
  dOut: Float64Array,
  a: Float64Array,
  e: Float64Array,
  t: number,
  fw: FrechetWorkspace,
): void {
  const n = fw.n;
  const m = 2 * n;
  const { big, bigOut } = fw;
  const na = norm1(a, n);
  const ne = norm1(e, n);
  // L is linear in E: scale E to A's norm (or 1) so that it does not change Padé's choices.
  const c = ne === 0 ? 0 : (na > 0 ? na : 1) / ne;
  big.fill(0);
  for (let r = 0; r < n; r++) {
    const ro = r * m;
    const ao = r * n;
    const lo = (r + n) * m + n;
    for (let k = 0; k < n; k++) {
      big[ro + k] = a[ao + k];
      big[ro + n + k] = c * e[ao + k];
      big[lo + k] = a[ao + k];
    }
  }
  expm(bigOut, big, t, fw.ws);
  const inv = c === 0 ? 0 : 1 / c;
  for (let r = 0; r < n; r++) {
    const ro = r * m;
    for (let k = 0; k < n; k++) {
      dOut[r * n + k] = inv * bigOut[ro + n + k];
      if (out) out[r * n + k] = bigOut[ro + k];
    }
  }
}
