/**
 * Dense real matrix exponential on flat row-major `Float64Array`s.
 *
 * Scaling and squaring with diagonal Padé approximants of degree 3, 5, 7, 9 or 13 chosen from the
 * 1-norm, following N. J. Higham, "The scaling and squaring method for the matrix exponential
 * revisited", SIAM J. Matrix Anal. Appl. 26(4), 1179–1193 (2005), Algorithm 2.3.
 *
 * The Liouvillians of exchange problems are small (6 to ~60) and evaluated millions of times in a
 * fit, so this works in place on caller-owned workspaces instead of allocating `ml-matrix`
 * objects (see `benchmarks/expm_bench.ts` for the comparison that motivated it).
 *
 * @module
 */
import { loadSimdKernels, type SimdKernels } from "./_simd.ts";
import { float64Copies } from "../math/float64_blocks.ts";

const THETA = [
  1.495585217958292e-2,
  2.539398330063230e-1,
  9.504178996162932e-1,
  2.097847961257068,
  5.371920351148152,
] as const;

const PADE: Record<number, readonly number[]> = {
  3: [120, 60, 12, 1],
  5: [30240, 15120, 3360, 420, 30, 1],
  7: [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1],
  9: [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1],
  13: [
    64764752532480000,
    32382376266240000,
    7771770303897600,
    1187353796428800,
    129060195264000,
    10559470521600,
    670442572800,
    33522128640,
    1323241920,
    40840800,
    960960,
    16380,
    182,
    1,
  ],
};

/** Reusable scratch space for {@link expm} on n×n matrices. */
export interface ExpmWorkspace {
  readonly n: number;
  readonly bufs: Float64Array[];
  readonly piv: Int32Array;
}

/**
 * Allocate scratch space for exponentials of n×n matrices.
 *
 * @example
 * ```ts
 * const ws = createExpmWorkspace(6);
 * ```
 */
export function createExpmWorkspace(n: number): ExpmWorkspace {
  return { n, bufs: float64Copies(9, n * n), piv: new Int32Array(n) };
}

/**
 * The SIMD kernels (`_simd.ts`), loaded on the first product large enough to use them: a compiled
 * module and its scratch memory, the same for every caller (no call leaves anything there that
 * the next one reads).
 */
let simd: SimdKernels | null | undefined;

/**
 * From this size on the SIMD product is the faster one, the copies in and out of its memory
 * included (n = 7: 0.13 µs against 0.18; n = 12: 0.27 against 0.57; benchmarks/kernels_bench.ts).
 */
const SIMD_MATMUL_MIN_N = 7;

/** out = a·b for n×n row-major matrices; out must not alias a or b. */
export function matmul(out: Float64Array, a: Float64Array, b: Float64Array, n: number): void {
  if (n >= SIMD_MATMUL_MIN_N) {
    if (simd === undefined) simd = loadSimdKernels();
    if (simd !== null && 3 * n * n <= simd.capacity) {
      simd.matmul(out, a, b, n);
      return;
    }
  }
  matmulJs(out, a, b, n);
}

/** {@link matmul} in JavaScript: the fallback, and the reference the SIMD kernel is tested against. */
export function matmulJs(out: Float64Array, a: Float64Array, b: Float64Array, n: number): void {
  // 2×4 register blocks: each element is still summed over k in order (same rounding as the plain
  // triple loop), but every load of a feeds four products and every load of b two; 2–4× faster
  // than the plain loop for n = 6..30, and 10–15 % faster than 2×2 blocks at n = 12..30
  // (benchmarks/kernels_bench.ts).
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const io = i * n;
    const i1 = io + n;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let k = 0, kj = j; k < n; k++, kj += n) {
        const b0 = b[kj];
        const b1 = b[kj + 1];
        const b2 = b[kj + 2];
        const b3 = b[kj + 3];
        const a0 = a[io + k];
        const a1 = a[i1 + k];
        s00 += a0 * b0;
        s01 += a0 * b1;
        s02 += a0 * b2;
        s03 += a0 * b3;
        s10 += a1 * b0;
        s11 += a1 * b1;
        s12 += a1 * b2;
        s13 += a1 * b3;
      }
      out[io + j] = s00;
      out[io + j + 1] = s01;
      out[io + j + 2] = s02;
      out[io + j + 3] = s03;
      out[i1 + j] = s10;
      out[i1 + j + 1] = s11;
      out[i1 + j + 2] = s12;
      out[i1 + j + 3] = s13;
    }
    for (; j < n; j++) {
      let s0 = 0;
      let s1 = 0;
      for (let k = 0, kj = j; k < n; k++, kj += n) {
        s0 += a[io + k] * b[kj];
        s1 += a[i1 + k] * b[kj];
      }
      out[io + j] = s0;
      out[i1 + j] = s1;
    }
  }
  for (; i < n; i++) {
    const io = i * n;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0, kj = j; k < n; k++, kj += n) s += a[io + k] * b[kj];
      out[io + j] = s;
    }
  }
}

/** out = a·v for an n×n matrix and a vector; out must not alias v. */
export function matvec(out: Float64Array, a: Float64Array, v: Float64Array, n: number): void {
  // Four rows per pass share each load of v; per-element summation order is unchanged
  // (~15 % faster than two rows at n = 12..30).
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const i0 = i * n;
    const i1 = i0 + n;
    const i2 = i1 + n;
    const i3 = i2 + n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < n; j++) {
      const x = v[j];
      s0 += a[i0 + j] * x;
      s1 += a[i1 + j] * x;
      s2 += a[i2 + j] * x;
      s3 += a[i3 + j] * x;
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
  }
  for (; i < n; i++) {
    const io = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += a[io + j] * v[j];
    out[i] = s;
  }
}

function norm1(a: Float64Array, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]);
    if (s > best) best = s;
  }
  return best;
}

/** Solve Q·X = P in place (P is overwritten by X) with partial-pivoting LU of Q (Q destroyed). */
function solveInPlace(q: Float64Array, p: Float64Array, n: number, piv: Int32Array): void {
  for (let k = 0; k < n; k++) {
    let pmax = k;
    let vmax = Math.abs(q[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(q[i * n + k]);
      if (v > vmax) {
        vmax = v;
        pmax = i;
      }
    }
    piv[k] = pmax;
    if (pmax !== k) {
      for (let j = 0; j < n; j++) {
        let t = q[k * n + j];
        q[k * n + j] = q[pmax * n + j];
        q[pmax * n + j] = t;
        t = p[k * n + j];
        p[k * n + j] = p[pmax * n + j];
        p[pmax * n + j] = t;
      }
    }
    const d = q[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = q[i * n + k] / d;
      if (f === 0) continue;
      q[i * n + k] = f;
      for (let j = k + 1; j < n; j++) q[i * n + j] -= f * q[k * n + j];
      for (let j = 0; j < n; j++) p[i * n + j] -= f * p[k * n + j];
    }
  }
  // Back substitution by rows (contiguous inner loops); each element still subtracts the terms
  // i = k+1, k+2, … in order, so the rounding is that of the column-wise loop.
  for (let k = n - 1; k >= 0; k--) {
    const ko = k * n;
    for (let i = k + 1; i < n; i++) {
      const f = q[ko + i];
      const io = i * n;
      for (let j = 0; j < n; j++) p[ko + j] -= f * p[io + j];
    }
    const d = q[ko + k];
    for (let j = 0; j < n; j++) p[ko + j] /= d;
  }
}

/**
 * out = exp(a·t) for an n×n row-major matrix `a`. `out` must not alias `a`.
 *
 * @example
 * ```ts
 * const a = new Float64Array([0, -1, 1, 0]);
 * const out = new Float64Array(4);
 * expm(out, a, Math.PI / 2, createExpmWorkspace(2)); // rotation by 90°
 * ```
 */
export function expm(out: Float64Array, a: Float64Array, t: number, ws: ExpmWorkspace): void {
  const n = ws.n;
  const nn = n * n;
  const [A, A2, A4, A6, U, V, T1, T2] = ws.bufs;
  for (let i = 0; i < nn; i++) A[i] = a[i] * t;
  const nrm = norm1(A, n);
  if (nrm === 0) {
    out.fill(0);
    for (let i = 0; i < n; i++) out[i * n + i] = 1;
    return;
  }
  let degree = 13;
  let s = 0;
  for (let k = 0; k < 4; k++) {
    if (nrm <= THETA[k]) {
      degree = 3 + 2 * k;
      break;
    }
  }
  if (degree === 13 && nrm > THETA[4]) {
    s = Math.max(0, Math.ceil(Math.log2(nrm / THETA[4])));
    const f = 2 ** -s;
    for (let i = 0; i < nn; i++) A[i] *= f;
  }
  const c = PADE[degree];
  matmul(A2, A, A, n);
  if (degree === 13) {
    matmul(A4, A2, A2, n);
    matmul(A6, A4, A2, n);
    // U = A·[A6(c13 A6 + c11 A4 + c9 A2) + c7 A6 + c5 A4 + c3 A2 + c1 I]
    for (let i = 0; i < nn; i++) T1[i] = c[13] * A6[i] + c[11] * A4[i] + c[9] * A2[i];
    matmul(T2, A6, T1, n);
    for (let i = 0; i < nn; i++) T2[i] += c[7] * A6[i] + c[5] * A4[i] + c[3] * A2[i];
    for (let i = 0; i < n; i++) T2[i * n + i] += c[1];
    matmul(U, A, T2, n);
    for (let i = 0; i < nn; i++) T1[i] = c[12] * A6[i] + c[10] * A4[i] + c[8] * A2[i];
    matmul(V, A6, T1, n);
    for (let i = 0; i < nn; i++) V[i] += c[6] * A6[i] + c[4] * A4[i] + c[2] * A2[i];
    for (let i = 0; i < n; i++) V[i * n + i] += c[0];
  } else {
    // Accumulate even and odd powers of A up to the chosen degree.
    T1.fill(0);
    V.fill(0);
    for (let i = 0; i < n; i++) {
      T1[i * n + i] = c[1];
      V[i * n + i] = c[0];
    }
    // P holds A^(2k) as k increases: reuse A4 as the running power.
    A4.set(A2);
    for (let k = 1; 2 * k <= degree; k++) {
      for (let i = 0; i < nn; i++) {
        T1[i] += c[2 * k + 1] * A4[i];
        V[i] += c[2 * k] * A4[i];
      }
      if (2 * (k + 1) <= degree) {
        matmul(A6, A4, A2, n);
        A4.set(A6);
      }
    }
    matmul(U, A, T1, n);
  }
  // exp(A) ≈ (V − U)⁻¹ (V + U)
  for (let i = 0; i < nn; i++) {
    T1[i] = V[i] - U[i];
    out[i] = V[i] + U[i];
  }
  solveInPlace(T1, out, n, ws.piv);
  for (let k = 0; k < s; k++) {
    matmul(T2, out, out, n);
    out.set(T2);
  }
}

/**
 * out = a^p for a non-negative integer p by repeated squaring. `out` must not alias `a`.
 *
 * @example
 * ```ts
 * const out = new Float64Array(4);
 * matpow(out, new Float64Array([1, 1, 0, 1]), 3, createExpmWorkspace(2)); // [1, 3, 0, 1]
 * ```
 */
export function matpow(out: Float64Array, a: Float64Array, p: number, ws: ExpmWorkspace): void {
  matpowMany([out], a, [p], ws);
}

/**
 * outs[k] = a^ps[k] for non-negative integers, sharing one chain of squares a, a², a⁴, …: e.g.
 * a³ and a⁸ in four products instead of five. Each power is accumulated as {@link matpow} does
 * it alone (same products in the same order, so the same rounding). No `outs[k]` may alias `a`
 * or another.
 *
 * @example
 * ```ts
 * const [p3, p8] = [new Float64Array(4), new Float64Array(4)];
 * matpowMany([p3, p8], new Float64Array([1, 1, 0, 1]), [3, 8], createExpmWorkspace(2));
 * // p3 = [1, 3, 0, 1], p8 = [1, 8, 0, 1]
 * ```
 */
export function matpowMany(
  outs: readonly Float64Array[],
  a: Float64Array,
  ps: readonly number[],
  ws: ExpmWorkspace,
): void {
  const n = ws.n;
  const base = ws.bufs[6];
  const tmp = ws.bufs[7];
  const left = ps.map((p) => Math.max(0, p));
  const first = left.map(() => true);
  outs.forEach((out) => {
    out.fill(0);
    for (let i = 0; i < n; i++) out[i * n + i] = 1;
  });
  base.set(a);
  while (left.some((e) => e > 0)) {
    left.forEach((e, k) => {
      if (!(e & 1)) return;
      if (first[k]) {
        outs[k].set(base);
        first[k] = false;
      } else {
        matmul(tmp, outs[k], base, n);
        outs[k].set(tmp);
      }
    });
    for (let k = 0; k < left.length; k++) left[k] >>= 1;
    if (left.some((e) => e > 0)) {
      matmul(tmp, base, base, n);
      base.set(tmp);
    }
  }
}
