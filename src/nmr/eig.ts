/**
 * Real eigendecomposition of small dense non-symmetric matrices, for exponentials at many times.
 *
 * A profile needs exp(L·t) of one Liouvillian L for 15–40 delays (CPMG) or one per offset
 * (CEST). Padé costs ~10 matrix products per delay; once L = X·B·X⁻¹ is known, every further
 * delay costs O(n²) plus one product. The decomposition is kept real: X holds, for a real
 * eigenvalue, its eigenvector, and for a conjugate pair a ± ib with eigenvector x + iy, the two
 * real columns x and y, so that B is block diagonal with 1×1 blocks λ and 2×2 blocks
 * [[a, b], [−b, a]], whose exponential is e^{at}·[[cos bt, sin bt], [−sin bt, cos bt]].
 * This halves the work of the complex form and needs only a real LU for X⁻¹.
 *
 * Steps: diagonal balancing by powers of two (exact, reduces the norm so eigenvalues of
 * badly scaled Liouvillians — rates ~1 s⁻¹ next to offsets ~10⁴ rad/s — keep their accuracy),
 * Householder reduction to upper Hessenberg form, Francis double-shift QR to real Schur form
 * with accumulated transformations, eigenvectors by back-substitution on the quasi-triangular
 * factor (after EISPACK hqr2 / JAMA, public domain), then X⁻¹ and an exact 1-norm condition
 * number of X with unit-norm eigenvectors. The reconstruction X·B·X⁻¹ is only as good as
 * ε·cond(X)·‖L‖, and exp(L·t) inherits that error about max(1, ‖L‖·t) times over; an
 * ill-conditioned X (near-defective, coalescing eigenvalues: symmetric exchange at an
 * exceptional point) is therefore refused above a threshold and callers fall back to Padé.
 *
 * Everything runs on flat row-major Float64Arrays preallocated in an {@link EigWorkspace}.
 *
 * Kept in one file (over 600 lines) because the steps share the workspace layout and follow
 * hqr2's numbering, so they read best next to each other and beside `benchmarks/eig_bench.ts`.
 *
 * @module
 */

import { expm, type ExpmWorkspace } from "./expm.ts";
import {
  createEigBlocks,
  decomposeBlocks,
  type EigBlocks,
  findBlocks,
  MIN_SPLIT_SIZE,
} from "./_eig_blocks.ts";
import { float64Blocks } from "../math/float64_blocks.ts";

const EPS = Number.EPSILON;
/** Default refusal threshold on the 1-norm condition number of the eigenvector matrix. */
export const DEFAULT_EIG_COND_MAX = 1e8;
// Francis iterations allowed per deflated eigenvalue before declaring failure; LAPACK allows 30
// per eigenvalue on average, the exceptional shifts at 10 and 30 need some room after them.
const MAX_ITER = 60;

/**
 * Preallocated state for {@link eigDecompose} / {@link expFromEig} on n×n matrices. After a
 * successful decomposition `wr[k] + i·wi[k]` are the eigenvalues (a conjugate pair occupies
 * k, k+1 with `wi[k] > 0`), `x` the real eigenvector matrix described in the module notes, `xinv`
 * its inverse, and `cond` the 1-norm condition number of `x`.
 */
export interface EigWorkspace {
  readonly n: number;
  /** Refuse decompositions whose eigenvector matrix has a larger 1-norm condition number. */
  condMax: number;
  /** Condition number of the last decomposition (Infinity when it failed before computing it). */
  cond: number;
  /** Whether the stored decomposition is usable by {@link expFromEig}. */
  ok: boolean;
  readonly wr: Float64Array;
  readonly wi: Float64Array;
  readonly x: Float64Array;
  readonly xinv: Float64Array;
  /** Working matrix: Hessenberg, then Schur form, then Schur-basis eigenvectors. */
  readonly h: Float64Array;
  /** LU factors of x. */
  readonly lu: Float64Array;
  /** x·exp(B·t), rebuilt for each time; during a decomposition, the transposed Schur vectors. */
  readonly u: Float64Array;
  /** x⁻¹·v for {@link expFromEigApply}. */
  readonly cv: Float64Array;
  readonly scale: Float64Array;
  readonly ort: Float64Array;
  readonly piv: Int32Array;
  /** Result slot of the small complex division. */
  readonly c2: Float64Array;
  /** A Francis step's shift data (xx, y, w), through its exceptional shifts. */
  readonly shift: Float64Array;
  /**
   * The coupled blocks of the last decomposed matrix (`_eig_blocks.ts`): X and X⁻¹ are zero
   * outside them, which products with them may skip.
   */
  readonly blocks: EigBlocks;
}

/**
 * Allocate the workspace for n×n decompositions.
 *
 * @example
 * ```ts
 * const ws = createEigWorkspace(6);
 * ws.condMax = 1e6; // stricter than the default 1e8
 * ```
 */
export function createEigWorkspace(n: number, condMax = DEFAULT_EIG_COND_MAX): EigWorkspace {
  const nn = n * n;
  const [wr, wi, x, xinv, h, lu, u, cv, scale, ort, c2, shift] = float64Blocks(
    n,
    n,
    nn,
    nn,
    nn,
    nn,
    nn,
    n,
    n,
    n,
    2,
    3,
  );
  return {
    n,
    condMax,
    cond: Infinity,
    ok: false,
    wr,
    wi,
    x,
    xinv,
    h,
    lu,
    u,
    cv,
    scale,
    ort,
    piv: new Int32Array(n),
    c2,
    shift,
    blocks: createEigBlocks(n),
  };
}

/** (xr + i·xi) / (yr + i·yi) into c[0], c[1], scaled to avoid overflow (Smith's method). */
function cdiv(xr: number, xi: number, yr: number, yi: number, c: Float64Array): void {
  if (Math.abs(yr) > Math.abs(yi)) {
    const r = yi / yr;
    const d = yr + r * yi;
    c[0] = (xr + r * xi) / d;
    c[1] = (xi - r * xr) / d;
  } else {
    const r = yr / yi;
    const d = yi + r * yr;
    c[0] = (r * xr + xi) / d;
    c[1] = (r * xi - xr) / d;
  }
}

/**
 * h ← D⁻¹·h·D with D = diag(scale), powers of two so that the similarity is exact. Rows or
 * columns without off-diagonal entries (e.g. the constant "ie" component) are left alone.
 */
function balance(h: Float64Array, scale: Float64Array, n: number): void {
  scale.fill(1);
  let again = true;
  for (let sweep = 0; again && sweep < 20; sweep++) {
    again = false;
    for (let i = 0; i < n; i++) {
      let c = 0;
      let r = 0;
      const io = i * n;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        c += Math.abs(h[j * n + i]);
        r += Math.abs(h[io + j]);
      }
      if (c === 0 || r === 0) continue;
      const s = c + r;
      let f = 1;
      let g = r / 2;
      while (c < g) {
        f *= 2;
        c *= 4;
      }
      g = r * 2;
      while (c >= g) {
        f /= 2;
        c /= 4;
      }
      if ((c + r) / f < 0.95 * s) {
        scale[i] *= f;
        again = true;
        const fi = 1 / f;
        for (let j = 0; j < n; j++) h[io + j] *= fi;
        for (let j = 0; j < n; j++) h[j * n + i] *= f;
      }
    }
  }
}

/**
 * Reduce h to upper Hessenberg form by Householder similarities; their product Q goes into qt
 * TRANSPOSED (row k of qt is column k of Q), which keeps every later update of it contiguous.
 * `w` is scratch of length n.
 */
function hessenberg(
  h: Float64Array,
  qt: Float64Array,
  v: Float64Array,
  w: Float64Array,
  n: number,
): void {
  const hi = n - 1;
  for (let m = 1; m < hi; m++) {
    let scale = 0;
    for (let i = m; i <= hi; i++) scale += Math.abs(h[i * n + m - 1]);
    if (scale === 0) continue;
    // Reflector P = I − v·vᵀ/hh zeroing column m−1 below the subdiagonal.
    let hh = 0;
    for (let i = hi; i >= m; i--) {
      const x = h[i * n + m - 1] / scale;
      v[i] = x;
      hh += x * x;
    }
    let g = Math.sqrt(hh);
    if (v[m] > 0) g = -g;
    hh -= v[m] * g;
    v[m] -= g;
    // h ← P·h, row by row: w = vᵀ·h / hh, then h −= v·w.
    for (let j = m; j < n; j++) w[j] = 0;
    for (let i = m; i <= hi; i++) {
      const vi = v[i];
      const io = i * n;
      for (let j = m; j < n; j++) w[j] += vi * h[io + j];
    }
    const ihh = 1 / hh;
    for (let j = m; j < n; j++) w[j] *= ihh;
    for (let i = m; i <= hi; i++) {
      const vi = v[i];
      const io = i * n;
      for (let j = m; j < n; j++) h[io + j] -= vi * w[j];
    }
    for (let i = 0; i <= hi; i++) {
      const io = i * n;
      let f = 0;
      for (let j = m; j <= hi; j++) f += v[j] * h[io + j];
      f *= ihh;
      for (let j = m; j <= hi; j++) h[io + j] -= f * v[j];
    }
    v[m] *= scale;
    h[m * n + m - 1] = scale * g;
  }
  // Accumulate the reflectors backwards; each one's vector is still stored in column m−1 of h
  // below the subdiagonal, and its leading entry in v[m].
  qt.fill(0);
  for (let i = 0; i < n; i++) qt[i * n + i] = 1;
  for (let m = hi - 1; m >= 1; m--) {
    const sub = h[m * n + m - 1];
    if (sub === 0) continue;
    for (let i = m + 1; i <= hi; i++) v[i] = h[i * n + m - 1];
    const f = 1 / (v[m] * sub);
    for (let j = m; j <= hi; j++) {
      const jo = j * n;
      let g = 0;
      for (let i = m; i <= hi; i++) g += v[i] * qt[jo + i];
      g *= f;
      for (let i = m; i <= hi; i++) qt[jo + i] += g * v[i];
    }
  }
  // The reflector vectors are no longer needed: make h exactly Hessenberg.
  for (let i = 2; i < n; i++) {
    for (let j = 0; j < i - 1; j++) h[i * n + j] = 0;
  }
}

/**
 * Francis double-shift QR on the Hessenberg matrix ws.h, its transformations accumulated into
 * the transposed Schur vectors ws.u; then eigenvectors by back-substitution, written to ws.x as
 * the real eigenvector matrix of the (balanced) input. Returns false when an eigenvalue fails to
 * converge.
 */
function schurVectors(ws: EigWorkspace): boolean {
  const { n, h, x } = ws;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    for (let j = Math.max(i - 1, 0); j < n; j++) norm += Math.abs(h[i * n + j]);
  }
  if (!schurForm(ws, norm)) return false;
  // A zero matrix: the accumulated (identity) transformation already holds the eigenvectors.
  if (norm === 0) {
    x.fill(0);
    for (let i = 0; i < n; i++) x[i * n + i] = 1;
    return true;
  }
  // Eigenvectors of the quasi-triangular factor, overwriting its upper part column by column.
  const wi = ws.wi;
  for (let c = n - 1; c >= 0; c--) {
    if (wi[c] === 0) realEigenvector(ws, c, norm);
    else if (wi[c] < 0) complexEigenvector(ws, c, norm);
  }
  toOriginalBasis(ws);
  return true;
}

/**
 * Reduce ws.h from Hessenberg to real Schur form (quasi-triangular: 1×1 and 2×2 diagonal
 * blocks), deflating eigenvalues into ws.wr/ws.wi from the bottom up. `norm` is the 1-norm of
 * the Hessenberg matrix, the scale of "negligible". Returns false after MAX_ITER Francis steps
 * without a deflation.
 */
function schurForm(ws: EigWorkspace, norm: number): boolean {
  const { n, h, wr, wi } = ws;
  // Sum of the shifts already subtracted from the diagonal, added back on deflation.
  let exshift = 0;
  let iter = 0;
  let hi = n - 1;
  while (hi >= 0) {
    const l = splitRow(h, n, hi, norm);
    if (l === hi) {
      // One real eigenvalue deflated.
      h[hi * n + hi] += exshift;
      wr[hi] = h[hi * n + hi];
      wi[hi] = 0;
      hi--;
      iter = 0;
    } else if (l === hi - 1) {
      deflateBlock(ws, hi, exshift);
      hi -= 2;
      iter = 0;
    } else {
      if (iter >= MAX_ITER) return false;
      exshift = francisStep(ws, l, hi, iter, exshift);
      iter++;
    }
  }
  return true;
}

/**
 * The first row l ≤ hi of the trailing unreduced block: the row below a negligible subdiagonal
 * entry (or 0).
 */
function splitRow(h: Float64Array, n: number, hi: number, norm: number): number {
  let l = hi;
  while (l > 0) {
    let s = Math.abs(h[(l - 1) * n + l - 1]) + Math.abs(h[l * n + l]);
    if (s === 0) s = norm;
    const sub = Math.abs(h[l * n + l - 1]);
    if (sub === 0 || sub < EPS * s) break;
    l--;
  }
  return l;
}

/**
 * A 2×2 block deflated at rows hi−1, hi: split it into two real eigenvalues (rotating the block
 * to upper triangular form) or keep a conjugate pair.
 */
function deflateBlock(ws: EigWorkspace, hi: number, exshift: number): void {
  const { n, h, u: zt, wr, wi } = ws;
  const a = (hi - 1) * n;
  const b = hi * n;
  const w = h[b + hi - 1] * h[a + hi];
  let p = (h[a + hi - 1] - h[b + hi]) / 2;
  let q = p * p + w;
  let zz = Math.sqrt(Math.abs(q));
  h[b + hi] += exshift;
  h[a + hi - 1] += exshift;
  let xx = h[b + hi];
  if (q < 0) {
    wr[hi - 1] = xx + p;
    wr[hi] = xx + p;
    wi[hi - 1] = zz;
    wi[hi] = -zz;
    return;
  }
  zz = p >= 0 ? p + zz : p - zz;
  wr[hi - 1] = xx + zz;
  wr[hi] = zz !== 0 ? xx - w / zz : xx + zz;
  wi[hi - 1] = 0;
  wi[hi] = 0;
  // Rotate the block to upper triangular form so that back-substitution sees it as two
  // separate real eigenvalues.
  xx = h[b + hi - 1];
  const s = Math.abs(xx) + Math.abs(zz);
  p = xx / s;
  q = zz / s;
  const r = Math.sqrt(p * p + q * q);
  p /= r;
  q /= r;
  for (let j = hi - 1; j < n; j++) {
    const t = h[a + j];
    h[a + j] = q * t + p * h[b + j];
    h[b + j] = q * h[b + j] - p * t;
  }
  for (let i = 0; i <= hi; i++) {
    const io = i * n;
    const t = h[io + hi - 1];
    h[io + hi - 1] = q * t + p * h[io + hi];
    h[io + hi] = q * h[io + hi] - p * t;
  }
  for (let i = 0, i1 = a; i < n; i++, i1++) {
    const t = zt[i1];
    zt[i1] = q * t + p * zt[i1 + n];
    zt[i1 + n] = q * zt[i1 + n] - p * t;
  }
}

/**
 * One Francis double-shift step on the unreduced block l..hi (iteration `iter` since the last
 * deflation): the shifts, where the bulge starts, then the chase with 3×3 Householder
 * reflectors, applied to ws.h and accumulated into the transposed Schur vectors ws.u. Returns
 * the updated sum of exceptional shifts. Kept as one loop nest: the step runs a few times per
 * eigenvalue and calls inside it cost measurably on 6×6 matrices (benchmarks/eig_bench.ts).
 */
function francisStep(
  ws: EigWorkspace,
  l: number,
  hi: number,
  iter: number,
  exshift: number,
): number {
  const { n, h, u: zt, shift } = ws;
  // Shifts from the trailing 2×2 block (implicitly: its trace and determinant).
  let xx = h[hi * n + hi];
  let y = h[(hi - 1) * n + hi - 1];
  let w = h[hi * n + hi - 1] * h[(hi - 1) * n + hi];
  if (iter === 10 || iter === 30) {
    shift[0] = xx;
    shift[1] = y;
    shift[2] = w;
    exshift = exceptionalShift(ws, hi, iter, exshift);
    xx = shift[0];
    y = shift[1];
    w = shift[2];
  }
  // Find where the bulge can start: two consecutive small subdiagonal entries.
  let m = hi - 2;
  let p = 0;
  let q = 0;
  let r = 0;
  let s = 0;
  let zz = 0;
  while (m >= l) {
    const mo = m * n;
    zz = h[mo + m];
    r = xx - zz;
    s = y - zz;
    p = (r * s - w) / h[mo + n + m] + h[mo + m + 1];
    q = h[mo + n + m + 1] - zz - r - s;
    r = h[mo + 2 * n + m + 1];
    s = Math.abs(p) + Math.abs(q) + Math.abs(r);
    p /= s;
    q /= s;
    r /= s;
    if (m === l) break;
    const lhs = Math.abs(h[mo + m - 1]) * (Math.abs(q) + Math.abs(r));
    const rhs = EPS *
      (Math.abs(p) *
        (Math.abs(h[mo - n + m - 1]) + Math.abs(zz) + Math.abs(h[mo + n + m + 1])));
    if (lhs < rhs) break;
    m--;
  }
  for (let i = m + 2; i <= hi; i++) {
    h[i * n + i - 2] = 0;
    if (i > m + 2) h[i * n + i - 3] = 0;
  }
  // Chase the bulge down: reflector I − v·uᵀ with v = (1, q, r), u = (xx, y, zz).
  for (let k = m; k <= hi - 1; k++) {
    const notlast = k !== hi - 1;
    if (k !== m) {
      p = h[k * n + k - 1];
      q = h[(k + 1) * n + k - 1];
      r = notlast ? h[(k + 2) * n + k - 1] : 0;
      xx = Math.abs(p) + Math.abs(q) + Math.abs(r);
      if (xx === 0) continue;
      p /= xx;
      q /= xx;
      r /= xx;
    }
    s = Math.sqrt(p * p + q * q + r * r);
    if (p < 0) s = -s;
    if (s === 0) continue;
    if (k !== m) h[k * n + k - 1] = -s * xx;
    else if (l !== m) h[k * n + k - 1] = -h[k * n + k - 1];
    p += s;
    xx = p / s;
    y = q / s;
    zz = r / s;
    q /= p;
    r /= p;
    const k0 = k * n;
    const k1 = k0 + n;
    const k2 = k1 + n;
    for (let j = k; j < n; j++) {
      let t = h[k0 + j] + q * h[k1 + j];
      if (notlast) {
        t += r * h[k2 + j];
        h[k2 + j] -= t * zz;
      }
      h[k0 + j] -= t * xx;
      h[k1 + j] -= t * y;
    }
    const imax = Math.min(hi, k + 3);
    for (let i = 0; i <= imax; i++) {
      const io = i * n;
      let t = xx * h[io + k] + y * h[io + k + 1];
      if (notlast) {
        t += zz * h[io + k + 2];
        h[io + k + 2] -= t * r;
      }
      h[io + k] -= t;
      h[io + k + 1] -= t * q;
    }
    if (notlast) {
      for (let i = 0; i < n; i++) {
        const t = xx * zt[k0 + i] + y * zt[k1 + i] + zz * zt[k2 + i];
        zt[k0 + i] -= t;
        zt[k1 + i] -= t * q;
        zt[k2 + i] -= t * r;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const t = xx * zt[k0 + i] + y * zt[k1 + i];
        zt[k0 + i] -= t;
        zt[k1 + i] -= t * q;
      }
    }
  }
  return exshift;
}

/**
 * The exceptional shifts that break cycles of a Francis iteration that does not converge:
 * EISPACK's at iteration 10, MATLAB's second one at 30. Reads and replaces the shift data
 * (xx, y, w) in ws.shift, shifts the diagonal of rows 0..hi, and returns the updated sum of
 * shifts.
 */
function exceptionalShift(ws: EigWorkspace, hi: number, iter: number, exshift: number): number {
  const { n, h, shift } = ws;
  let xx = shift[0];
  let y = shift[1];
  let w = shift[2];
  let s = 0;
  if (iter === 10) {
    // Ad hoc shift to break cycles (EISPACK's exceptional shift).
    exshift += xx;
    for (let i = 0; i <= hi; i++) h[i * n + i] -= xx;
    s = Math.abs(h[hi * n + hi - 1]) + Math.abs(h[(hi - 1) * n + hi - 2]);
    xx = 0.75 * s;
    y = xx;
    w = -0.4375 * s * s;
  }
  if (iter === 30) {
    // MATLAB's second exceptional shift.
    s = (y - xx) / 2;
    s = s * s + w;
    if (s > 0) {
      s = Math.sqrt(s);
      if (y < xx) s = -s;
      s = xx - w / ((y - xx) / 2 + s);
      for (let i = 0; i <= hi; i++) h[i * n + i] -= s;
      exshift += s;
      xx = 0.964;
      y = 0.964;
      w = 0.964;
    }
  }
  shift[0] = xx;
  shift[1] = y;
  shift[2] = w;
  return exshift;
}

/**
 * Column c of the quasi-triangular factor's eigenvector for the real eigenvalue wr[c], by
 * back-substitution in place (rows solved one by one, 2×2 blocks two together).
 */
function realEigenvector(ws: EigWorkspace, c: number, norm: number): void {
  const { n, h, wr, wi } = ws;
  const p = wr[c];
  // The second row of a 2×2 block leaves (zz, s) for its first row, solved on the next step.
  let zz = 0;
  let s = 0;
  let l = c;
  h[c * n + c] = 1;
  for (let i = c - 1; i >= 0; i--) {
    const io = i * n;
    const w = h[io + i] - p;
    let r = 0;
    for (let j = l; j <= c; j++) r += h[io + j] * h[j * n + c];
    if (wi[i] < 0) {
      // Second row of a 2×2 block: solved together with the first on the next step.
      zz = w;
      s = r;
      continue;
    }
    l = i;
    if (wi[i] === 0) {
      // Equal eigenvalues give w = 0: perturb, as a defective pair then shows up as a
      // huge, nearly parallel vector that the condition test rejects.
      h[io + c] = w !== 0 ? -r / w : -r / (EPS * norm);
    } else {
      const xx = h[io + i + 1];
      const y = h[io + n + i];
      const q = (wr[i] - p) * (wr[i] - p) + wi[i] * wi[i];
      const t = (xx * s - zz * r) / q;
      h[io + c] = t;
      h[io + n + c] = Math.abs(xx) > Math.abs(zz) ? (-r - w * t) / xx : (-s - y * t) / zz;
    }
    // Rescale to keep the growing vector representable.
    const t = Math.abs(h[io + c]);
    if (EPS * t * t > 1) {
      for (let j = i; j <= c; j++) h[j * n + c] /= t;
    }
  }
}

/**
 * Columns c−1 (real part) and c (imaginary part) of the quasi-triangular factor's eigenvector
 * for the eigenvalue wr[c] − i·wi[c] of a conjugate pair (wi[c] < 0: positive imaginary part),
 * by complex back-substitution in place.
 */
function complexEigenvector(ws: EigWorkspace, c: number, norm: number): void {
  const { n, h, wr, wi, c2 } = ws;
  const p = wr[c];
  const q = wi[c];
  let l = c - 1;
  const a = (c - 1) * n;
  const b = c * n;
  if (Math.abs(h[b + c - 1]) > Math.abs(h[a + c])) {
    h[a + c - 1] = q / h[b + c - 1];
    h[a + c] = -(h[b + c] - p) / h[b + c - 1];
  } else {
    cdiv(0, -h[a + c], h[a + c - 1] - p, q, c2);
    h[a + c - 1] = c2[0];
    h[a + c] = c2[1];
  }
  h[b + c - 1] = 0;
  h[b + c] = 1;
  // The second row of a 2×2 block leaves (zz, r, s) for its first row, solved on the next step.
  let zz = 0;
  let r = 0;
  let s = 0;
  for (let i = c - 2; i >= 0; i--) {
    const io = i * n;
    let ra = 0;
    let sa = 0;
    for (let j = l; j <= c; j++) {
      ra += h[io + j] * h[j * n + c - 1];
      sa += h[io + j] * h[j * n + c];
    }
    const w = h[io + i] - p;
    if (wi[i] < 0) {
      zz = w;
      r = ra;
      s = sa;
      continue;
    }
    l = i;
    if (wi[i] === 0) {
      cdiv(-ra, -sa, w, q, c2);
      h[io + c - 1] = c2[0];
      h[io + c] = c2[1];
    } else {
      const xx = h[io + i + 1];
      const y = h[io + n + i];
      let vr = (wr[i] - p) * (wr[i] - p) + wi[i] * wi[i] - q * q;
      const vi = (wr[i] - p) * 2 * q;
      if (vr === 0 && vi === 0) {
        vr = EPS * norm *
          (Math.abs(w) + Math.abs(q) + Math.abs(xx) + Math.abs(y) + Math.abs(zz));
      }
      cdiv(xx * r - zz * ra + q * sa, xx * s - zz * sa - q * ra, vr, vi, c2);
      h[io + c - 1] = c2[0];
      h[io + c] = c2[1];
      if (Math.abs(xx) > Math.abs(zz) + Math.abs(q)) {
        h[io + n + c - 1] = (-ra - w * h[io + c - 1] + q * h[io + c]) / xx;
        h[io + n + c] = (-sa - w * h[io + c] - q * h[io + c - 1]) / xx;
      } else {
        cdiv(-r - y * h[io + c - 1], -s - y * h[io + c], zz, q, c2);
        h[io + n + c - 1] = c2[0];
        h[io + n + c] = c2[1];
      }
    }
    const t = Math.max(Math.abs(h[io + c - 1]), Math.abs(h[io + c]));
    if (EPS * t * t > 1) {
      for (let j = i; j <= c; j++) {
        h[j * n + c - 1] /= t;
        h[j * n + c] /= t;
      }
    }
  }
}

/**
 * Back to the original basis: ws.x = Z·T with T the upper triangle of ws.h (the Schur-basis
 * eigenvectors) and Zᵀ in ws.u.
 */
function toOriginalBasis(ws: EigWorkspace): void {
  const { n, h, u: zt, x } = ws;
  // In transposed form row j of Xᵀ is Σ_{k≤j} T[k][j]·(row k of Zᵀ); going from the last row
  // up, every row is overwritten only after its last use.
  for (let j = n - 1; j >= 0; j--) {
    const jo = j * n;
    const d = h[jo + j];
    for (let i = 0; i < n; i++) zt[jo + i] *= d;
    for (let k = 0; k < j; k++) {
      const f = h[k * n + j];
      if (f === 0) continue;
      const ko = k * n;
      for (let i = 0; i < n; i++) zt[jo + i] += f * zt[ko + i];
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0, o = i; j < n; j++, o += n) x[i * n + j] = zt[o];
  }
}

/**
 * LU with partial pivoting of x into ws.lu, then ws.xinv = x⁻¹ and ws.cond = ‖x‖₁‖x⁻¹‖₁.
 * Returns false on an exactly singular pivot.
 */
function invert(ws: EigWorkspace): boolean {
  const { n, x, lu, xinv, piv } = ws;
  lu.set(x);
  for (let k = 0; k < n; k++) {
    let pmax = k;
    let vmax = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > vmax) {
        vmax = v;
        pmax = i;
      }
    }
    if (vmax === 0 || !Number.isFinite(vmax)) return false;
    piv[k] = pmax;
    if (pmax !== k) {
      const ko = k * n;
      const po = pmax * n;
      for (let j = 0; j < n; j++) {
        const t = lu[ko + j];
        lu[ko + j] = lu[po + j];
        lu[po + j] = t;
      }
    }
    const ko = k * n;
    const d = 1 / lu[ko + k];
    for (let i = k + 1; i < n; i++) {
      const io = i * n;
      const f = lu[io + k] * d;
      lu[io + k] = f;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[io + j] -= f * lu[ko + j];
    }
  }
  // Solve L·U·X⁻¹ = P: start from the permuted identity, row-oriented so inner loops are
  // contiguous.
  xinv.fill(0);
  for (let i = 0; i < n; i++) xinv[i * n + i] = 1;
  for (let k = 0; k < n; k++) {
    const p = piv[k];
    if (p !== k) {
      const ko = k * n;
      const po = p * n;
      for (let j = 0; j < n; j++) {
        const t = xinv[ko + j];
        xinv[ko + j] = xinv[po + j];
        xinv[po + j] = t;
      }
    }
  }
  for (let i = 1; i < n; i++) {
    const io = i * n;
    for (let k = 0; k < i; k++) {
      const f = lu[io + k];
      if (f === 0) continue;
      const ko = k * n;
      for (let j = 0; j < n; j++) xinv[io + j] -= f * xinv[ko + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const io = i * n;
    for (let k = i + 1; k < n; k++) {
      const f = lu[io + k];
      if (f === 0) continue;
      const ko = k * n;
      for (let j = 0; j < n; j++) xinv[io + j] -= f * xinv[ko + j];
    }
    const d = 1 / lu[io + i];
    for (let j = 0; j < n; j++) xinv[io + j] *= d;
  }
  let nx = 0;
  let ni = 0;
  for (let j = 0; j < n; j++) {
    let sx = 0;
    let si = 0;
    for (let i = 0; i < n; i++) {
      sx += Math.abs(x[i * n + j]);
      si += Math.abs(xinv[i * n + j]);
    }
    if (sx > nx) nx = sx;
    if (si > ni) ni = si;
  }
  ws.cond = nx * ni;
  return Number.isFinite(ws.cond);
}

/**
 * Decompose `a` (n×n, row-major, real) as a = X·B·X⁻¹ into the workspace. Returns false when
 * the eigenvector matrix is too ill-conditioned for the eigen route to be accurate (1-norm
 * condition number with unit eigenvectors above `ws.condMax`, as near coalescing eigenvalues),
 * when QR fails to converge, or for non-finite input; callers then fall back to Padé.
 *
 * @example
 * ```ts
 * const ws = createEigWorkspace(2);
 * eigDecompose(new Float64Array([-1, -5, 5, -1]), ws); // true; ws.wr = [-1, -1], ws.wi = [5, -5]
 * ```
 */
export function eigDecompose(a: Float64Array, ws: EigWorkspace): boolean {
  const { n, h, x, scale, wi } = ws;
  const nn = n * n;
  ws.ok = false;
  ws.cond = Infinity;
  // A reducible matrix (no RF field) is decomposed block by block.
  if (n >= MIN_SPLIT_SIZE && findBlocks(a, n, ws.blocks) > 1) {
    return decomposeBlocks(a, ws, ws.blocks, eigDecompose, createEigWorkspace);
  }
  for (let i = 0; i < nn; i++) {
    const v = a[i];
    if (v - v !== 0) return false; // NaN or ±Infinity
    h[i] = v;
  }
  balance(h, scale, n);
  hessenberg(h, ws.u, ws.ort, ws.wr, n);
  if (!schurVectors(ws)) return false;
  // Undo the balancing (eigenvectors of D⁻¹AD are D⁻¹ times those of A) and normalise each
  // eigenvector — both columns of a pair together — so that cond(x) measures conditioning, not
  // arbitrary scaling.
  for (let i = 0; i < n; i++) {
    const f = scale[i];
    if (f === 1) continue;
    const io = i * n;
    for (let j = 0; j < n; j++) x[io + j] *= f;
  }
  for (let j = 0; j < n; j++) {
    const pair = wi[j] > 0 && j + 1 < n;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i * n + j];
      s += v * v;
      if (pair) {
        const u = x[i * n + j + 1];
        s += u * u;
      }
    }
    if (s === 0) return false;
    const f = 1 / Math.sqrt(s);
    for (let i = 0; i < n; i++) {
      x[i * n + j] *= f;
      if (pair) x[i * n + j + 1] *= f;
    }
    if (pair) j++;
  }
  if (!invert(ws)) return false;
  ws.ok = ws.cond <= ws.condMax;
  return ws.ok;
}

/**
 * out = exp(a·t) = X·exp(B·t)·X⁻¹ from the last successful {@link eigDecompose} (n×n
 * row-major). Costs n exponentials (plus a sine and cosine per conjugate pair) and one matrix
 * product. Throws if the last decomposition failed.
 *
 * @example
 * ```ts
 * const ws = createEigWorkspace(2);
 * const out = new Float64Array(4);
 * if (eigDecompose(new Float64Array([0, -1, 1, 0]), ws)) expFromEig(out, Math.PI / 2, ws);
 * // out ≈ [0, -1, 1, 0]
 * ```
 */
export function expFromEig(out: Float64Array, t: number, ws: EigWorkspace): void {
  if (!ws.ok) throw new Error("expFromEig: no successful eigendecomposition in workspace");
  const { n, x, xinv, u, wr, wi } = ws;
  for (let j = 0; j < n; j++) {
    const b = wi[j];
    if (b > 0 && j + 1 < n) {
      const e = Math.exp(wr[j] * t);
      const ec = e * Math.cos(b * t);
      const es = e * Math.sin(b * t);
      for (let i = 0, o = j; i < n; i++, o += n) {
        const xr = x[o];
        const xi = x[o + 1];
        u[o] = ec * xr - es * xi;
        u[o + 1] = es * xr + ec * xi;
      }
      j++;
    } else {
      const e = Math.exp(wr[j] * t);
      for (let i = 0, o = j; i < n; i++, o += n) u[o] = e * x[o];
    }
  }
  for (let i = 0; i < n; i++) {
    const io = i * n;
    const u0 = u[io];
    for (let j = 0; j < n; j++) out[io + j] = u0 * xinv[j];
    for (let k = 1; k < n; k++) {
      const uk = u[io + k];
      // Zero outside the blocks of a reducible matrix (_eig_blocks.ts).
      if (uk === 0) continue;
      const ko = k * n;
      for (let j = 0; j < n; j++) out[io + j] += uk * xinv[ko + j];
    }
  }
}

/**
 * out = exp(a·t)·v from the last successful {@link eigDecompose}, in O(n²) instead of the
 * O(n³) of forming the matrix: for propagating one magnetisation vector to many delays.
 * `out` must not alias `v`.
 *
 * @example
 * ```ts
 * const ws = createEigWorkspace(2);
 * const out = new Float64Array(2);
 * if (eigDecompose(new Float64Array([0, -1, 1, 0]), ws)) {
 *   expFromEigApply(out, Math.PI / 2, new Float64Array([1, 0]), ws); // ≈ [0, 1]
 * }
 * ```
 */
export function expFromEigApply(
  out: Float64Array,
  t: number,
  v: ArrayLike<number>,
  ws: EigWorkspace,
): void {
  if (!ws.ok) throw new Error("expFromEigApply: no successful eigendecomposition in workspace");
  const { n, x, xinv, cv, wr, wi } = ws;
  for (let i = 0; i < n; i++) {
    const io = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += xinv[io + j] * v[j];
    cv[i] = s;
  }
  for (let j = 0; j < n; j++) {
    const b = wi[j];
    const e = Math.exp(wr[j] * t);
    if (b > 0 && j + 1 < n) {
      // exp(B·t) on the pair's coordinates: e^{at}·[[cos bt, sin bt], [−sin bt, cos bt]].
      const c = e * Math.cos(b * t);
      const s = e * Math.sin(b * t);
      const c0 = cv[j];
      const c1 = cv[j + 1];
      cv[j] = c * c0 + s * c1;
      cv[j + 1] = c * c1 - s * c0;
      j++;
    } else {
      cv[j] *= e;
    }
  }
  for (let i = 0; i < n; i++) {
    const io = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += x[io + j] * cv[j];
    out[i] = s;
  }
}

/**
 * out[k] = exp(a·times[k]) for every k: one eigendecomposition and one cheap reconstruction per
 * time, or Padé ({@link expm}) for each time when the decomposition is refused. With `skip`,
 * the times k with skip[k] = 1 are left out when the eigen route is taken (the caller uses the
 * decomposition in `ws` for them instead). Returns whether the eigen route was taken.
 *
 * @example
 * ```ts
 * import { createExpmWorkspace } from "./expm.ts";
 * const a = new Float64Array([-1, -5, 5, -1]);
 * const out = [new Float64Array(4), new Float64Array(4)];
 * expmMany(out, a, [0.1, 0.2], createEigWorkspace(2), createExpmWorkspace(2)); // true
 * ```
 */
export function expmMany(
  out: Float64Array[],
  a: Float64Array,
  times: ArrayLike<number>,
  ws: EigWorkspace,
  expmWs: ExpmWorkspace,
  skip?: Uint8Array,
): boolean {
  const m = times.length;
  if (m === 0) return false;
  // A single time is cheaper with Padé than with a decomposition.
  if (m > 1 && eigDecompose(a, ws)) {
    for (let k = 0; k < m; k++) if (!skip || skip[k] === 0) expFromEig(out[k], times[k], ws);
    return true;
  }
  for (let k = 0; k < m; k++) expm(out[k], a, times[k], expmWs);
  return false;
}
