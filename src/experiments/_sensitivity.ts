/**
 * Reverse-mode pieces of the exact sequence derivatives (`docs/jacobians.md`, adjoint form) for
 * sequences that are products of propagators, matrix powers and phase-rotated copies (D-CEST,
 * COS-CEST, the in-phase/anti-phase ¹H CEST, EXSY): cotangents (∂s/∂factor) passed back through
 * products and powers, forward tangents of the fixed parts, and the per-offset accumulation of
 * K = ∂s/∂L_free and of the start and detection adjoints, contracted with every local value's
 * directions at the end.
 *
 * @module
 */
import { matvec } from "../nmr/expm.ts";
import { createEigWorkspace, eigDecompose } from "../nmr/eig.ts";
import { complexEigen, createComplexEigen, expFrechetFromEig } from "../nmr/frechet_eig.ts";
import { createFrechetWorkspace, expmFrechet } from "../nmr/frechet.ts";
import type { LocalDirection } from "./_derivatives.ts";
import type { SequenceDerivatives } from "./types.ts";

/**
 * out = mᵀ·v (n × n row-major m).
 *
 * @example
 * ```ts
 * transposeMatvec(a, propagator, detect, n); // the adjoint vector exp(L·t)ᵀ·detect
 * ```
 */
export function transposeMatvec(
  out: Float64Array,
  m: Float64Array,
  v: Float64Array,
  n: number,
): Float64Array {
  out.fill(0);
  for (let r = 0; r < n; r++) {
    const x = v[r];
    if (x === 0) continue;
    const ro = r * n;
    for (let c = 0; c < n; c++) out[c] += m[ro + c] * x;
  }
  return out;
}

/**
 * g += weight·a·bᵀ.
 *
 * @example
 * ```ts
 * addOuter(g, detect, start, 1, n); // the cotangent of wᵀ·P·v with respect to P
 * ```
 */
export function addOuter(
  g: Float64Array,
  a: Float64Array,
  b: Float64Array,
  weight: number,
  n: number,
): void {
  for (let r = 0; r < n; r++) {
    const x = weight * a[r];
    if (x === 0) continue;
    const ro = r * n;
    for (let c = 0; c < n; c++) g[ro + c] += x * b[c];
  }
}

/** out = a·b, out = aᵀ·b or out = a·bᵀ for n × n row-major matrices (out distinct from both). */
export function mulT(
  out: Float64Array,
  a: Float64Array,
  b: Float64Array,
  n: number,
  mode: "ab" | "atb" | "abt",
): Float64Array {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const x = mode === "atb" ? a[k * n + i] : a[i * n + k];
      if (x === 0) continue;
      for (let j = 0; j < n; j++) {
        out[i * n + j] += x * (mode === "abt" ? b[j * n + k] : b[k * n + j]);
      }
    }
  }
  return out;
}

/**
 * For s = wᵀ·E^count·v: g += weight·∂s/∂E = weight·Σ_{i<count} ((Eᵀ)^{count−1−i}·w)·(E^i·v)ᵀ,
 * by one forward and one backward sweep of vectors (O(count·n²), no matrix powers). Returns
 * E^count·v and (E^count)ᵀ·w (new arrays).
 *
 * @example
 * ```ts
 * const { forward, adjoint } = powerCotangent(g, element, 250, start, detect, 1, n);
 * ```
 */
export function powerCotangent(
  g: Float64Array,
  e: Float64Array,
  count: number,
  v: Float64Array,
  w: Float64Array,
  weight: number,
  n: number,
): { forward: Float64Array; adjoint: Float64Array } {
  const phis: Float64Array[] = [v.slice()];
  for (let i = 1; i <= count; i++) {
    const next = new Float64Array(n);
    matvec(next, e, phis[i - 1], n);
    phis.push(next);
  }
  let beta = w.slice();
  const next = new Float64Array(n);
  for (let j = 0; j < count; j++) {
    // β_j = (Eᵀ)^j·w pairs with φ_{count−1−j}.
    addOuter(g, beta, phis[count - 1 - j], weight, n);
    transposeMatvec(next, e, beta, n);
    beta = next.slice();
  }
  return { forward: phis[count], adjoint: beta };
}

/**
 * Cotangents of the factors of a product P = F₀·F₁·…·F_{m−1} from the product's cotangent g:
 * out[k] += (F₀…F_{k−1})ᵀ·g·(F_{k+1}…F_{m−1})ᵀ (prefix and suffix products, O(m·n³)).
 *
 * @example
 * ```ts
 * productCotangents([pTaue, s180, d2Taue, s180, pTaue], g, [gp, null, gd, null, gp], n);
 * ```
 */
export function productCotangents(
  factors: readonly Float64Array[],
  g: Float64Array,
  out: readonly (Float64Array | null)[],
  n: number,
): void {
  const m = factors.length;
  const nn = n * n;
  // left[k] = F₀…F_{k−1}ᵀ·g, built up; right[k] = F_{k+1}…F_{m−1}.
  const right: Float64Array[] = new Array(m);
  right[m - 1] = identity(n);
  for (let k = m - 2; k >= 0; k--) {
    right[k] = mulT(new Float64Array(nn), factors[k + 1], right[k + 1], n, "ab");
  }
  let left: Float64Array = g.slice();
  const tmp = new Float64Array(nn);
  for (let k = 0; k < m; k++) {
    const o = out[k];
    if (o) {
      mulT(tmp, left, right[k], n, "abt");
      for (let i = 0; i < nn; i++) o[i] += tmp[i];
    }
    if (k + 1 < m) left = mulT(new Float64Array(nn), factors[k], left, n, "atb");
  }
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

/**
 * Forward tangents of a fixed propagator D = exp(A·t): ∂D along every direction's ∂L (null
 * where it has none), from A's eigenbasis or by the block-triangular route where that is
 * refused.
 *
 * @example
 * ```ts
 * const dd = propagatorTangents(sp.lFree, 0.5, dirs, n); // dd[q] = L(A·t, ∂L_q·t)
 * ```
 */
export function propagatorTangents(
  a: Float64Array,
  t: number,
  dirs: readonly LocalDirection[],
  n: number,
): (Float64Array | null)[] {
  const ws = createEigWorkspace(n);
  const eigen = eigDecompose(a, ws);
  const ce = eigen ? createComplexEigen(n) : null;
  if (ce) complexEigen(ws, ce);
  const fw = eigen ? null : createFrechetWorkspace(n);
  return dirs.map((dir) => {
    if (!dir.dl) return null;
    const d = new Float64Array(n * n);
    if (ce) expFrechetFromEig(d, dir.dl, t, ce);
    else expmFrechet(null, d, a, dir.dl, t, fw!);
    return d;
  });
}

/**
 * Per distinct x of a profile: the signal, K = ∂s/∂L_free, and the adjoints of the start
 * (∂s/∂start) and of the detection (∂s/∂detect, i.e. the propagated vector), accumulated over
 * the sequence's grid; {@link SensitivityRows.result} contracts them with the directions.
 */
export class SensitivityRows {
  readonly values: Float64Array;
  readonly k: Float64Array[];
  readonly a: Float64Array[];
  readonly m: Float64Array[];
  readonly slot: Map<number, number>;

  constructor(readonly distinct: readonly number[], readonly n: number) {
    this.slot = new Map(distinct.map((x, q) => [x, q]));
    this.values = new Float64Array(distinct.length);
    this.k = distinct.map(() => new Float64Array(n * n));
    this.a = distinct.map(() => new Float64Array(n));
    this.m = distinct.map(() => new Float64Array(n));
  }

  /**
   * Intensities at x and ∂/∂local (row-major x.length × nLocal): Σ K∘∂L + a·dStart[q] +
   * m·dDetect[q], with the start and detection tangents per direction (null: none).
   */
  result(
    x: Float64Array,
    dirs: readonly LocalDirection[],
    nLocal: number,
    dStart: readonly (Float64Array | null)[],
    dDetect: readonly (Float64Array | null)[] = [],
  ): SequenceDerivatives {
    const n = this.n;
    const perSlot = this.distinct.map((_, q) =>
      dirs.map((dir, d) => {
        let s = 0;
        if (dir.dl) {
          const kq = this.k[q];
          for (let i = 0; i < n * n; i++) if (dir.dl[i] !== 0) s += dir.dl[i] * kq[i];
        }
        const ds = dStart[d];
        if (ds) { for (let i = 0; i < n; i++) s += this.a[q][i] * ds[i]; }
        const dd = dDetect[d];
        if (dd) { for (let i = 0; i < n; i++) s += this.m[q][i] * dd[i]; }
        return s;
      })
    );
    const jac = new Float64Array(x.length * nLocal);
    const values = new Float64Array(x.length);
    x.forEach((xv, i) => {
      const q = this.slot.get(xv)!;
      values[i] = this.values[q];
      dirs.forEach((dir, d) => jac[i * nLocal + dir.local] = perSlot[q][d]);
    });
    return { values, jac };
  }
}

/**
 * The product F₀·F₁·…·F_{m−1} and, per direction, its forward tangent
 * Σ_k F₀…F_{k−1}·T_k·F_{k+1}…F_{m−1} from the factors' tangents (`tangents[k][d]`, null where
 * factor k does not move along direction d, or `null` for a constant factor).
 *
 * @example
 * ```ts
 * const { product, tangents } = productTangents([p90my, dTaua, flip, dTaua, p90x],
 *   [null, tauaTangents, null, tauaTangents, null], dirs.length, n);
 * ```
 */
export function productTangents(
  factors: readonly Float64Array[],
  tangents: readonly ((Float64Array | null)[] | null)[],
  directions: number,
  n: number,
): { product: Float64Array; tangents: (Float64Array | null)[] } {
  const nn = n * n;
  const m = factors.length;
  // prefix[k] = F₀…F_{k−1}, suffix[k] = F_{k+1}…F_{m−1}.
  const prefix: Float64Array[] = [identity(n)];
  for (let k = 0; k < m; k++) {
    prefix.push(mulT(new Float64Array(nn), prefix[k], factors[k], n, "ab"));
  }
  const suffix: Float64Array[] = new Array(m);
  suffix[m - 1] = identity(n);
  for (let k = m - 2; k >= 0; k--) {
    suffix[k] = mulT(new Float64Array(nn), factors[k + 1], suffix[k + 1], n, "ab");
  }
  const tmp = new Float64Array(nn);
  const out = Array.from({ length: directions }, (_, d) => {
    let sum: Float64Array | null = null;
    for (let k = 0; k < m; k++) {
      const t = tangents[k]?.[d];
      if (!t) continue;
      mulT(tmp, t, suffix[k], n, "ab");
      const term = mulT(new Float64Array(nn), prefix[k], tmp, n, "ab");
      if (sum) { for (let i = 0; i < nn; i++) sum[i] += term[i]; }
      else sum = term;
    }
    return sum;
  });
  return { product: prefix[m], tangents: out };
}

/**
 * Start of the in-phase/anti-phase ¹H sequences, keep∘(D(t)·v₀) (a recovery delay, then a
 * z-filter), and its tangent along every direction (v₀ linear in the populations).
 *
 * @example
 * ```ts
 * const { start, tangents } = filteredStart(dRec, recTangents, v0, dirs, keep, n);
 * ```
 */
export function filteredStart(
  d: Float64Array,
  dTangents: readonly (Float64Array | null)[],
  v0: Float64Array,
  dirs: readonly LocalDirection[],
  keep: Float64Array,
  n: number,
): { start: Float64Array; tangents: Float64Array[] } {
  const start = new Float64Array(n);
  matvec(start, d, v0, n);
  for (let i = 0; i < n; i++) start[i] *= keep[i];
  const t = new Float64Array(n);
  const tangents = dirs.map((dir, q) => {
    const dv = new Float64Array(n);
    const dd = dTangents[q];
    if (dd) matvec(dv, dd, v0, n);
    if (dir.dstart) {
      matvec(t, d, dir.dstart, n);
      for (let i = 0; i < n; i++) dv[i] += t[i];
    }
    for (let i = 0; i < n; i++) dv[i] *= keep[i];
    return dv;
  });
  return { start, tangents };
}
