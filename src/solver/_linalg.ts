/**
 * Small dense linear-algebra kernels shared by the least-squares solver and
 * the covariance estimate.
 *
 * The singular value decomposition used here reduces a tall matrix with
 * Householder QR first and then diagonalises the small triangular factor with
 * one-sided (Hestenes) Jacobi rotations. Jacobi is slower than Golub–Kahan for
 * large square matrices but it is short, robust and gives singular values with
 * high relative accuracy, which matters for the rank tests downstream. The QR
 * stage keeps memory at O(rows·cols) and makes the cost O(rows·cols²), so a
 * one-parameter problem with thousands of residuals stays cheap.
 *
 * @module
 */

/** IEEE double machine epsilon, 2^-52. */
export const EPS = 2.220446049250313e-16;

/** A thin SVD `A = U·diag(s)·Vᵀ` where `U` itself is never formed. */
export interface ThinSvd {
  /** Singular values in descending order, length `cols`. */
  s: Float64Array;
  /** Right singular vectors, `cols × cols` row-major: column `k` is the k-th vector. */
  v: Float64Array;
  /** `Uᵀ·b` for the right-hand side passed in (zeros when none was given). */
  utb: Float64Array;
}

/**
 * Scratch of {@link thinSvd} for one shape, reused across calls (a solver's iterations): the
 * column-major copy and the right-hand side, the two large arrays of every call.
 */
export interface SvdWorkspace {
  w: Float64Array;
  rhs: Float64Array;
  /** The n×n factors and the results: a result read from a workspace is overwritten by the
   * next {@link thinSvd} call on it. */
  rm: Float64Array;
  vc: Float64Array;
  norms: Float64Array;
  s: Float64Array;
  v: Float64Array;
  utb: Float64Array;
}

/**
 * A {@link thinSvd} workspace for `rows × cols` matrices.
 *
 * @example
 * ```ts
 * const work = svdWorkspace(m + n, n);
 * const { s } = thinSvd(aug, m + n, n, fAug, work);
 * ```
 */
export function svdWorkspace(rows: number, cols: number): SvdWorkspace {
  const r = Math.max(rows, cols);
  const nn = cols * cols;
  // One buffer for the n×n and length-n arrays: each separate array over 64 bytes is a
  // backing store of its own, allocated and freed outside V8's heap.
  const small = new Float64Array(3 * nn + 3 * cols);
  const at = (k: number, len: number) => small.subarray(k, k + len);
  return {
    w: new Float64Array(r * cols),
    rhs: new Float64Array(r),
    rm: at(0, nn),
    vc: at(nn, nn),
    v: at(2 * nn, nn),
    norms: at(3 * nn, cols),
    s: at(3 * nn + cols, cols),
    utb: at(3 * nn + 2 * cols, cols),
  };
}

/**
 * Thin SVD of a row-major `rows × cols` matrix, optionally projecting a vector
 * `b` (length `rows`) onto the left singular vectors.
 *
 * When `rows < cols` the matrix is padded with zero rows, which only appends
 * zero singular values; callers that care about the true rank must account
 * for that themselves.
 *
 * @example
 * ```ts
 * const { s } = thinSvd(new Float64Array([3, 0, 0, 4]), 2, 2);
 * // s = [4, 3]
 * ```
 */
export function thinSvd(
  a: Float64Array,
  rows: number,
  cols: number,
  b?: Float64Array,
  work?: SvdWorkspace,
): ThinSvd {
  const n = cols;
  const r = Math.max(rows, cols);
  // Column-major copy so that each Householder update streams contiguous memory.
  const w = work && work.w.length === r * n ? work.w : new Float64Array(r * n);
  toColumnMajor(a, rows, n, r, w);
  const rhs = work && work.rhs.length === r ? work.rhs : new Float64Array(r);
  if (b !== undefined) rhs.set(b.subarray(0, rows));
  else rhs.fill(0, 0, rows);
  rhs.fill(0, rows);

  for (let k = 0; k < n; k++) householderColumn(w, rhs, r, n, k);

  // Upper-triangular factor R (n×n, column-major) and the leading part of Qᵀb.
  const own = work !== undefined && work.rm.length === n * n;
  const rm = own ? work.rm.fill(0) : new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= j; i++) rm[j * n + i] = w[j * r + i];
  }
  const vc = own ? work.vc.fill(0) : new Float64Array(n * n);
  for (let j = 0; j < n; j++) vc[j * n + j] = 1;
  jacobiRotate(rm, vc, n);
  const out = {
    s: own ? work.s : new Float64Array(n),
    v: own ? work.v : new Float64Array(n * n),
    utb: own ? work.utb.fill(0) : new Float64Array(n),
  };
  sortedFactors(rm, vc, rhs.subarray(0, n), n, own ? work.norms : new Float64Array(n), out);
  return out;
}

// thinSvd's loops live in functions of their own: as inner loops of one function, V8 compiled
// them by on-stack replacement and threw the code away at each exit from them (28 times in a
// CPMG_15N_IP run), so that the solver's SVD ran mostly unoptimised.

/** w (r × n, column-major, padding rows zero) = a (rows × n, row-major). */
function toColumnMajor(a: Float64Array, rows: number, n: number, r: number, w: Float64Array) {
  for (let i = 0; i < rows; i++) {
    const rowOff = i * n;
    for (let j = 0; j < n; j++) w[j * r + i] = a[rowOff + j];
  }
  // A reused buffer: the padding rows must be zero, as in a fresh one.
  if (rows < r) { for (let j = 0; j < n; j++) w.fill(0, j * r + rows, (j + 1) * r); }
}

/** Householder reflection k of the QR factorisation of w, applied to the columns after it and
 * to rhs. */
function householderColumn(w: Float64Array, rhs: Float64Array, r: number, n: number, k: number) {
  const ck = k * r;
  let big = 0;
  for (let i = k; i < r; i++) {
    const t = Math.abs(w[ck + i]);
    if (t > big) big = t;
  }
  if (big === 0 || !Number.isFinite(big)) return;
  let sum = 0;
  for (let i = k; i < r; i++) {
    const t = w[ck + i] / big;
    sum += t * t;
  }
  const norm = big * Math.sqrt(sum);
  const x0 = w[ck + k];
  const alpha = x0 > 0 ? -norm : norm;
  const v0 = x0 - alpha;
  // With v = x - alpha·e1 one has vᵀv = -2·alpha·v0, hence tau = -1/(alpha·v0) > 0.
  const tau = -1 / (alpha * v0);
  w[ck + k] = v0;
  for (let j = k + 1; j < n; j++) reflect(w, ck, j * r, k, r, tau);
  reflect2(w, ck, rhs, k, r, tau);
  w[ck + k] = alpha;
  for (let i = k + 1; i < r; i++) w[ck + i] = 0;
}

/** Column at cj of w minus its reflection along the vector at ck (rows k…r−1). */
function reflect(w: Float64Array, ck: number, cj: number, k: number, r: number, tau: number) {
  let s = 0;
  for (let i = k; i < r; i++) s += w[ck + i] * w[cj + i];
  s *= tau;
  if (s !== 0) { for (let i = k; i < r; i++) w[cj + i] -= s * w[ck + i]; }
}

/** {@link reflect} applied to a separate vector. */
function reflect2(w: Float64Array, ck: number, x: Float64Array, k: number, r: number, tau: number) {
  let s = 0;
  for (let i = k; i < r; i++) s += w[ck + i] * x[i];
  s *= tau;
  if (s !== 0) { for (let i = k; i < r; i++) x[i] -= s * w[ck + i]; }
}

/** Singular values (column norms of the rotated R) in decreasing order, V's columns in the same
 * order, and Uᵀb = (rotated R)ᵀc / σ. */
function sortedFactors(
  rm: Float64Array,
  vc: Float64Array,
  c: Float64Array,
  n: number,
  norms: Float64Array,
  out: ThinSvd,
) {
  for (let j = 0; j < n; j++) {
    let s = 0;
    const cj = j * n;
    for (let i = 0; i < n; i++) s += rm[cj + i] * rm[cj + i];
    norms[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: n }, (_, j) => j);
  order.sort((p, q) => norms[q] - norms[p]);
  const { s, v, utb } = out;
  for (let kk = 0; kk < n; kk++) {
    const j = order[kk];
    const sigma = norms[j];
    s[kk] = sigma;
    const cj = j * n;
    for (let i = 0; i < n; i++) v[i * n + kk] = vc[cj + i];
    if (sigma > 0) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += rm[cj + i] * c[i];
      utb[kk] = dot / sigma;
    }
  }
}

/**
 * One-sided Jacobi: rotate column pairs of the column-major `n × n` matrix `a`
 * until all columns are mutually orthogonal, applying the same rotations to
 * `v`. Afterwards `a = U·Σ` (columns scaled by singular values).
 *
 * Squared column norms are carried along and updated in closed form after each
 * rotation (refreshed every sweep to shed drift), and each sweep starts by
 * moving the largest remaining column forward (de Rijk's pivoting), which
 * noticeably cuts the number of sweeps.
 */
function jacobiRotate(a: Float64Array, v: Float64Array, n: number): void {
  const maxSweeps = 60;
  const tol = EPS * Math.max(1, Math.sqrt(n));
  const sq = new Float64Array(n);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    squaredColumnNorms(a, sq, n);
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      pivotLargest(a, v, sq, p, n);
      for (let q = p + 1; q < n; q++) {
        if (rotatePair(a, v, sq, p, q, n, tol)) rotated = true;
      }
    }
    if (!rotated) break;
  }
}

// jacobiRotate's loops live in functions of their own, as thinSvd's do: V8 compiled its inner
// loops by on-stack replacement and threw the code away at each exit (11 times in a CPMG_15N_IP
// run). Every sum runs in the same order as before: the same results, bit for bit.

/** sq[j] = ‖column j of a‖² (a column-major n × n). */
function squaredColumnNorms(a: Float64Array, sq: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let s = 0;
    const cj = j * n;
    for (let i = 0; i < n; i++) s += a[cj + i] * a[cj + i];
    sq[j] = s;
  }
}

/** de Rijk's pivoting: the largest of columns p…n−1 of a (and v, sq) moved to p. */
function pivotLargest(a: Float64Array, v: Float64Array, sq: Float64Array, p: number, n: number) {
  let best = p;
  for (let q = p + 1; q < n; q++) if (sq[q] > sq[best]) best = q;
  if (best === p) return;
  swapColumns(a, p, best, n);
  swapColumns(v, p, best, n);
  const t = sq[p];
  sq[p] = sq[best];
  sq[best] = t;
}

/** Columns p and q of the column-major n × n matrix m exchanged. */
function swapColumns(m: Float64Array, p: number, q: number, n: number): void {
  const cp = p * n, cq = q * n;
  for (let i = 0; i < n; i++) {
    const t = m[cp + i];
    m[cp + i] = m[cq + i];
    m[cq + i] = t;
  }
}

/** The rotation of columns p and q that makes them orthogonal; false when they already are. */
function rotatePair(
  a: Float64Array,
  v: Float64Array,
  sq: Float64Array,
  p: number,
  q: number,
  n: number,
  tol: number,
): boolean {
  const cp = p * n;
  const cq = q * n;
  const alpha = sq[p], beta = sq[q];
  let gamma = 0;
  for (let i = 0; i < n; i++) gamma += a[cp + i] * a[cq + i];
  if (gamma === 0 || !(Math.abs(gamma) > tol * Math.sqrt(alpha * beta))) return false;
  const zeta = (beta - alpha) / (2 * gamma);
  const az = Math.abs(zeta);
  // For huge |zeta| the textbook formula overflows; its limit is 1/(2·zeta).
  const t = az > 1e150 ? 0.5 / zeta : (zeta >= 0 ? 1 : -1) / (az + Math.sqrt(1 + zeta * zeta));
  const cs = 1 / Math.sqrt(1 + t * t);
  const sn = cs * t;
  rotateColumns(a, cp, cq, n, cs, sn);
  rotateColumns(v, cp, cq, n, cs, sn);
  sq[p] = Math.max(alpha - t * gamma, 0);
  sq[q] = Math.max(beta + t * gamma, 0);
  return true;
}

/** (m[cp…], m[cq…]) ← (cs·p − sn·q, sn·p + cs·q), n entries each. */
function rotateColumns(m: Float64Array, cp: number, cq: number, n: number, cs: number, sn: number) {
  for (let i = 0; i < n; i++) {
    const mp = m[cp + i], mq = m[cq + i];
    m[cp + i] = cs * mp - sn * mq;
    m[cq + i] = sn * mp + cs * mq;
  }
}

/**
 * Cholesky factor of a symmetric `n × n` row-major matrix, in place (lower triangle); false when
 * it is not positive definite.
 *
 * @example
 * ```ts
 * const a = new Float64Array([4, 2, 2, 3]);
 * cholesky(a, 2); // true, a = [2, 2, 1, 1.414…] (lower triangle holds L)
 * ```
 */
export function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const l = Math.sqrt(d);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / l;
    }
  }
  return true;
}

/**
 * Solve `L·Lᵀ·x = b` in place for the factor of {@link cholesky} (b: `n × cols` row-major).
 *
 * @example
 * ```ts
 * cholSolve(l, 2, b, 1);
 * ```
 */
export function cholSolve(l: Float64Array, n: number, b: Float64Array, cols: number): void {
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < n; i++) {
      let s = b[i * cols + c];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * b[k * cols + c];
      b[i * cols + c] = s / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = b[i * cols + c];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k * cols + c];
      b[i * cols + c] = s / l[i * n + i];
    }
  }
}
