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
import { matmul, matvec } from "../nmr/expm.ts";
import { createEigWorkspace, eigDecompose } from "../nmr/eig.ts";
import {
  complexEigen,
  createComplexEigen,
  createFrechetApplyScratch,
  divDiff,
  eigenDirection,
  frechetTime,
} from "../nmr/frechet_eig.ts";
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
  if (mode === "abt") {
    for (let i = 0; i < n; i++) {
      const io = i * n;
      for (let j = 0; j < n; j++) {
        const jo = j * n;
        let s = 0;
        for (let k = 0; k < n; k++) s += a[io + k] * b[jo + k];
        out[io + j] = s;
      }
    }
    return out;
  }
  if (mode === "ab") {
    matmul(out, a, b, n);
    return out;
  }
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const io = i * n;
    for (let k = 0; k < n; k++) {
      const x = a[k * n + i];
      if (x === 0) continue;
      const ko = k * n;
      for (let j = 0; j < n; j++) out[io + j] += x * b[ko + j];
    }
  }
  return out;
}

/**
 * For s = wᵀ·E^count·v: g += weight·∂s/∂E = weight·Σ_{i<count} ((Eᵀ)^{count−1−i}·w)·(E^i·v)ᵀ,
 * by one forward and one backward sweep of vectors (O(count·n²), no matrix powers). Returns
 * E^count·v and (E^count)ᵀ·w (new arrays). Pass the same `scratch` to successive calls to
 * reuse the sweep's buffer.
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
  scratch: { phis: Float64Array } = { phis: new Float64Array(0) },
): { forward: Float64Array; adjoint: Float64Array } {
  if (count >= 4 * n) return powerCotangentDoubling(g, e, count, v, w, weight, n);
  // φ_i = E^i·v for i = 0…count, flat; `scratch` keeps the buffer from one call to the next.
  const size = (count + 1) * n;
  if (scratch.phis.length < size) scratch.phis = new Float64Array(size);
  const phis = scratch.phis;
  phis.set(v);
  for (let i = 1; i <= count; i++) {
    const prev = (i - 1) * n;
    const cur = i * n;
    for (let r = 0; r < n; r++) {
      const ro = r * n;
      let s = 0;
      for (let c = 0; c < n; c++) s += e[ro + c] * phis[prev + c];
      phis[cur + r] = s;
    }
  }
  let beta = w.slice();
  let next = new Float64Array(n);
  for (let j = 0; j < count; j++) {
    // β_j = (Eᵀ)^j·w pairs with φ_{count−1−j}: g += weight·β_j·φᵀ.
    const po = (count - 1 - j) * n;
    for (let r = 0; r < n; r++) {
      const x = weight * beta[r];
      if (x === 0) continue;
      const ro = r * n;
      for (let c = 0; c < n; c++) g[ro + c] += x * phis[po + c];
    }
    transposeMatvec(next, e, beta, n);
    [beta, next] = [next, beta];
  }
  return { forward: phis.slice(count * n), adjoint: beta };
}

/**
 * {@link powerCotangent} for long trains, by doubling (O(n³·log count)): with A = Eᵀ and
 * C = w·vᵀ, G_m = Σ_{i<m} A^{m−1−i}·C·A^i obeys G_{2m} = A^m·G_m + G_m·A^m and
 * G_{m+1} = A·G_m + C·A^m, followed along the bits of count.
 */
function powerCotangentDoubling(
  g: Float64Array,
  e: Float64Array,
  count: number,
  v: Float64Array,
  w: Float64Array,
  weight: number,
  n: number,
): { forward: Float64Array; adjoint: Float64Array } {
  const nn = n * n;
  const a = new Float64Array(nn);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) a[r * n + c] = e[c * n + r];
  let p = a.slice();
  let acc = new Float64Array(nn);
  addOuter(acc, w, v, weight, n);
  let t1 = new Float64Array(nn);
  let t2 = new Float64Array(nn);
  const u = new Float64Array(n);
  for (let bit = 31 - Math.clz32(count) - 1; bit >= 0; bit--) {
    mulT(t1, p, acc, n, "ab");
    mulT(t2, acc, p, n, "ab");
    for (let i = 0; i < nn; i++) t1[i] += t2[i];
    [acc, t1] = [t1, acc];
    mulT(t2, p, p, n, "ab");
    [p, t2] = [t2, p];
    if ((count >> bit) & 1) {
      mulT(t1, a, acc, n, "ab");
      transposeMatvec(u, p, v, n);
      addOuter(t1, w, u, weight, n);
      [acc, t1] = [t1, acc];
      mulT(t2, a, p, n, "ab");
      [p, t2] = [t2, p];
    }
  }
  for (let i = 0; i < nn; i++) g[i] += acc[i];
  const forward = transposeMatvec(new Float64Array(n), p, v, n);
  const adjoint = new Float64Array(n);
  matvec(adjoint, p, w, n);
  return { forward, adjoint };
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
  if (!eigDecompose(a, ws)) {
    const fw = createFrechetWorkspace(n);
    return dirs.map((dir) => {
      if (!dir.dl) return null;
      const d = new Float64Array(n * n);
      expmFrechet(null, d, a, dir.dl, t, fw);
      return d;
    });
  }
  const ce = createComplexEigen(n);
  complexEigen(ws, ce);
  // Φ once (divided differences that never form e^{(λ_a − λ_b)t} alone, which overflows for
  // long delays of well-separated modes), then dD = Re(V·(Φ ∘ Ẽ)·V⁻¹) per direction.
  const s = createFrechetApplyScratch(n);
  frechetTime(t, ce, s);
  const pr = new Float64Array(n * n);
  const pi = new Float64Array(n * n);
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      divDiff(p, q, t, ce, s);
      pr[p * n + q] = s.p[0];
      pi[p * n + q] = s.p[1];
    }
  }
  const { vr, vi, ur, ui } = ce;
  const xr = new Float64Array(n * n);
  const xi = new Float64Array(n * n);
  return dirs.map((dir) => {
    if (!dir.dl) return null;
    const et = eigenDirection(dir.dl, ce);
    // X = V·(Φ ∘ Ẽ).
    xr.fill(0);
    xi.fill(0);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < n; p++) {
        const yr = vr[i * n + p];
        const yi = vi[i * n + p];
        if (yr === 0 && yi === 0) continue;
        for (let q = 0; q < n; q++) {
          const o = p * n + q;
          const mr = pr[o] * et.re[o] - pi[o] * et.im[o];
          const mi = pr[o] * et.im[o] + pi[o] * et.re[o];
          xr[i * n + q] += yr * mr - yi * mi;
          xi[i * n + q] += yr * mi + yi * mr;
        }
      }
    }
    // dD = Re(X·V⁻¹).
    const d = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let q = 0; q < n; q++) {
        const zr = xr[i * n + q];
        const zi = xi[i * n + q];
        if (zr === 0 && zi === 0) continue;
        for (let j = 0; j < n; j++) d[i * n + j] += zr * ur[q * n + j] - zi * ui[q * n + j];
      }
    }
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
