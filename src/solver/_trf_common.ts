/**
 * Building blocks of the Trust Region Reflective solver: the trust-region
 * subproblem, bound handling (Coleman–Li scaling, step-to-bound, strict
 * feasibility) and the one-dimensional quadratic models used to pick a step.
 * They mirror the helpers of SciPy's `scipy/optimize/_lsq/common.py` so that
 * `trf.ts` can follow SciPy's iteration exactly.
 *
 * Matrices are row-major `Float64Array`s.
 *
 * @module
 */

import { EPS } from "./_linalg.ts";
import { nextAfter } from "../math/float.ts";

/** Plain dot product (summed left to right). */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Euclidean norm, unscaled like numpy's `norm` for vectors. */
export function norm2(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/** Max-abs norm; NaN propagates. */
export function normInf(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const t = Math.abs(a[i]);
    // NaN must propagate, as numpy's max does.
    if (t > s || Number.isNaN(t)) s = t;
  }
  return s;
}

/** `J·s` for a row-major `m × n` matrix. */
export function matVec(j: Float64Array, m: number, n: number, s: Float64Array): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let acc = 0;
    const off = i * n;
    for (let k = 0; k < n; k++) acc += j[off + k] * s[k];
    out[i] = acc;
  }
  return out;
}

/** `Jᵀ·f` for a row-major `m × n` matrix. */
export function matTVec(j: Float64Array, m: number, n: number, f: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const fi = f[i];
    if (fi === 0) continue;
    const off = i * n;
    for (let k = 0; k < n; k++) out[k] += j[off + k] * fi;
  }
  return out;
}

/**
 * Solve `min ‖J p + f‖` subject to `‖p‖ ≤ Delta` from a precomputed SVD of J
 * (Moré's Levenberg–Marquardt parameter iteration, using the SVD so that each
 * trial `alpha` costs O(n²)).
 */
export function solveLsqTrustRegion(
  n: number,
  m: number,
  uf: Float64Array,
  s: Float64Array,
  v: Float64Array,
  delta: number,
  initialAlpha: number,
  rtol = 0.01,
  maxIter = 10,
): { p: Float64Array; alpha: number } {
  const k = s.length;
  const suf = new Float64Array(k);
  for (let i = 0; i < k; i++) suf[i] = s[i] * uf[i];

  const phiAndDerivative = (alpha: number): [number, number] => {
    let pn2 = 0, acc = 0;
    for (let i = 0; i < k; i++) {
      const denom = s[i] * s[i] + alpha;
      const t = suf[i] / denom;
      pn2 += t * t;
      acc += (suf[i] * suf[i]) / (denom * denom * denom);
    }
    const pNorm = Math.sqrt(pn2);
    return [pNorm - delta, -acc / pNorm];
  };

  const fullRank = m >= n && k > 0 && s[k - 1] > EPS * m * s[0];
  if (fullRank) {
    const w = new Float64Array(k);
    for (let i = 0; i < k; i++) w[i] = uf[i] / s[i];
    const p = combine(v, n, k, w, -1);
    if (norm2(p) <= delta) return { p, alpha: 0 };
  }

  let alphaUpper = norm2(suf) / delta;
  let alphaLower = 0;
  if (fullRank) {
    const [phi, phiPrime] = phiAndDerivative(0);
    alphaLower = -phi / phiPrime;
  }
  const restart = () => Math.max(0.001 * alphaUpper, Math.sqrt(alphaLower * alphaUpper));
  let alpha = !fullRank && initialAlpha === 0 ? restart() : initialAlpha;

  for (let it = 0; it < maxIter; it++) {
    if (alpha < alphaLower || alpha > alphaUpper) alpha = restart();
    const [phi, phiPrime] = phiAndDerivative(alpha);
    if (phi < 0) alphaUpper = alpha;
    const ratio = phi / phiPrime;
    alphaLower = Math.max(alphaLower, alpha - ratio);
    alpha -= ((phi + delta) * ratio) / delta;
    if (Math.abs(phi) < rtol * delta) break;
  }

  const w = new Float64Array(k);
  for (let i = 0; i < k; i++) w[i] = suf[i] / (s[i] * s[i] + alpha);
  const p = combine(v, n, k, w, -1);
  // Land exactly on the boundary so that later bound/trust-region geometry
  // never sees a point slightly outside the region.
  const pn = norm2(p);
  if (pn > 0) {
    const f = delta / pn;
    for (let i = 0; i < n; i++) p[i] *= f;
  }
  return { p, alpha };
}

/** `sign · V·w` with V stored `n × k` row-major. */
function combine(
  v: Float64Array,
  n: number,
  k: number,
  w: Float64Array,
  sign: number,
): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    const off = i * k;
    for (let j = 0; j < k; j++) acc += v[off + j] * w[j];
    out[i] = sign * acc;
  }
  return out;
}

/** Radius update from the agreement between actual and predicted reduction. */
export function updateTrRadius(
  delta: number,
  actualReduction: number,
  predictedReduction: number,
  stepNorm: number,
  boundHit: boolean,
): { delta: number; ratio: number } {
  let ratio: number;
  if (predictedReduction > 0) ratio = actualReduction / predictedReduction;
  else if (predictedReduction === 0 && actualReduction === 0) ratio = 1;
  else ratio = 0;
  if (ratio < 0.25) delta = 0.25 * stepNorm;
  else if (ratio > 0.75 && boundHit) delta *= 2;
  return { delta, ratio };
}

/** Roots `t₋ ≤ t₊` of `‖x + t·s‖ = Delta`. */
export function intersectTrustRegion(
  x: Float64Array,
  s: Float64Array,
  delta: number,
): [number, number] {
  const a = dot(s, s);
  const b = dot(x, s);
  // Rounding can put x a hair outside the region; treat it as on the boundary.
  const c = Math.min(dot(x, x) - delta * delta, 0);
  if (a === 0) return [0, 0];
  const d = Math.sqrt(b * b - a * c);
  const q = -(b + (b >= 0 && !Object.is(b, -0) ? d : -d));
  if (q === 0) return [0, 0];
  const t1 = q / a;
  const t2 = c / q;
  return t1 < t2 ? [t1, t2] : [t2, t1];
}

/** Coefficients of `t ↦ ½(s0+t s)ᵀ(JᵀJ+diag)(s0+t s) + gᵀ(s0+t s)`. */
export function buildQuadratic1d(
  jh: Float64Array,
  m: number,
  n: number,
  g: Float64Array,
  s: Float64Array,
  diag: Float64Array | null,
  s0: Float64Array | null,
): [number, number, number] {
  const v = matVec(jh, m, n, s);
  let a = dot(v, v);
  if (diag !== null) {
    for (let i = 0; i < n; i++) a += s[i] * diag[i] * s[i];
  }
  a *= 0.5;
  let b = dot(g, s);
  let c = 0;
  if (s0 !== null) {
    const u = matVec(jh, m, n, s0);
    b += dot(u, v);
    c = 0.5 * dot(u, u) + dot(g, s0);
    if (diag !== null) {
      let bd = 0, cd = 0;
      for (let i = 0; i < n; i++) {
        bd += s0[i] * diag[i] * s[i];
        cd += s0[i] * diag[i] * s0[i];
      }
      b += bd;
      c += 0.5 * cd;
    }
  }
  return [a, b, c];
}

/** Minimum of `a t² + b t + c` on `[lb, ub]` (finite bounds). */
export function minimizeQuadratic1d(
  a: number,
  b: number,
  lb: number,
  ub: number,
  c = 0,
): [number, number] {
  const ts = [lb, ub];
  if (a !== 0) {
    const extremum = (-0.5 * b) / a;
    if (lb < extremum && extremum < ub) ts.push(extremum);
  }
  // Same tie/NaN behaviour as numpy.argmin: the first minimum wins, NaN counts as minimal.
  const ys = ts.map((t) => t * (a * t + b) + c);
  let best = 0;
  for (let i = 1; i < ys.length && !Number.isNaN(ys[best]); i++) {
    if (Number.isNaN(ys[i]) || ys[i] < ys[best]) best = i;
  }
  return [ts[best], ys[best]];
}

/** `½ sᵀ(JᵀJ + diag)s + gᵀs`. */
export function evaluateQuadratic(
  jh: Float64Array,
  m: number,
  n: number,
  g: Float64Array,
  s: Float64Array,
  diag: Float64Array | null,
): number {
  // ‖J·s‖² row by row, in the order dot(J·s, J·s) sums it, without forming J·s.
  let q = 0;
  for (let i = 0; i < m; i++) {
    let acc = 0;
    const off = i * n;
    for (let k = 0; k < n; k++) acc += jh[off + k] * s[k];
    q += acc * acc;
  }
  return 0.5 * addDiagonalTerm(q, s, diag, n) + dot(s, g);
}

/**
 * q + Σ sᵢ·dᵢ·sᵢ (q when there is no diagonal). Called whether or not there is one: with the
 * loop inside {@link evaluateQuadratic}, or called only when needed, V8 compiled that function
 * before the loop (or the call) had ever run — TRF passes `diag` only once a bound is near — and
 * threw the code away on reaching it (9 times in a CPMG_15N_IP run).
 */
function addDiagonalTerm(q: number, s: Float64Array, diag: Float64Array | null, n: number): number {
  if (diag === null) return q;
  for (let i = 0; i < n; i++) q += s[i] * diag[i] * s[i];
  return q;
}

/** Whether `lb ≤ x ≤ ub` holds component-wise. */
export function inBounds(x: Float64Array, lb: Float64Array, ub: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] >= lb[i] && x[i] <= ub[i])) return false;
  }
  return true;
}

/**
 * Smallest `t ≥ 0` with `x + t·s` on a bound, and which components hit it
 * (-1 lower, 1 upper, 0 none).
 */
export function stepSizeToBound(
  x: Float64Array,
  s: Float64Array,
  lb: Float64Array,
  ub: Float64Array,
): { step: number; hits: Int8Array } {
  const n = x.length;
  const steps = new Float64Array(n).fill(Infinity);
  let minStep = Infinity;
  for (let i = 0; i < n; i++) {
    if (s[i] !== 0) {
      steps[i] = Math.max((lb[i] - x[i]) / s[i], (ub[i] - x[i]) / s[i]);
    }
    if (steps[i] < minStep || Number.isNaN(steps[i])) minStep = steps[i];
  }
  const hits = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    if (steps[i] === minStep) hits[i] = s[i] > 0 ? 1 : s[i] < 0 ? -1 : 0;
  }
  return { step: minStep, hits };
}

/** Which bounds are active at x, using a relative tolerance per bound. */
export function findActiveConstraints(
  x: Float64Array,
  lb: Float64Array,
  ub: Float64Array,
  rtol = 1e-10,
): Int8Array {
  const n = x.length;
  const active = new Int8Array(n);
  if (rtol === 0) {
    for (let i = 0; i < n; i++) {
      if (x[i] <= lb[i]) active[i] = -1;
      if (x[i] >= ub[i]) active[i] = 1;
    }
    return active;
  }
  for (let i = 0; i < n; i++) {
    const lowerDist = x[i] - lb[i];
    const upperDist = ub[i] - x[i];
    const lowerThreshold = rtol * Math.max(1, Math.abs(lb[i]));
    const upperThreshold = rtol * Math.max(1, Math.abs(ub[i]));
    if (Number.isFinite(lb[i]) && lowerDist <= Math.min(upperDist, lowerThreshold)) {
      active[i] = -1;
    }
    if (Number.isFinite(ub[i]) && upperDist <= Math.min(lowerDist, upperThreshold)) {
      active[i] = 1;
    }
  }
  return active;
}

/**
 * Push components that sit on (or within `rstep` of) a bound into the
 * interior; `rstep = 0` moves them by one ulp.
 */
export function makeStrictlyFeasible(
  x: Float64Array,
  lb: Float64Array,
  ub: Float64Array,
  rstep = 1e-10,
): Float64Array {
  const out = x.slice();
  const active = findActiveConstraints(x, lb, ub, rstep);
  for (let i = 0; i < x.length; i++) {
    if (active[i] === -1) {
      out[i] = rstep === 0 ? nextAfter(lb[i], ub[i]) : lb[i] + rstep * Math.max(1, Math.abs(lb[i]));
    } else if (active[i] === 1) {
      out[i] = rstep === 0 ? nextAfter(ub[i], lb[i]) : ub[i] - rstep * Math.max(1, Math.abs(ub[i]));
    }
    if (out[i] < lb[i] || out[i] > ub[i]) out[i] = 0.5 * (lb[i] + ub[i]);
  }
  return out;
}

/**
 * Coleman–Li scaling vector v and its derivative dv: the distance to the
 * bound the anti-gradient points at (1 when that bound is infinite).
 */
export function clScalingVector(
  x: Float64Array,
  g: Float64Array,
  lb: Float64Array,
  ub: Float64Array,
): { v: Float64Array; dv: Float64Array } {
  const n = x.length;
  const v = new Float64Array(n).fill(1);
  const dv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (g[i] < 0 && Number.isFinite(ub[i])) {
      v[i] = ub[i] - x[i];
      dv[i] = -1;
    }
    if (g[i] > 0 && Number.isFinite(lb[i])) {
      v[i] = x[i] - lb[i];
      dv[i] = 1;
    }
  }
  return { v, dv };
}

/** SciPy's termination test: 2 ftol, 3 xtol, 4 both, null neither. */
export function checkTermination(
  dF: number,
  F: number,
  dxNorm: number,
  xNorm: number,
  ratio: number,
  ftol: number,
  xtol: number,
): number | null {
  const ftolOk = dF < ftol * F && ratio > 0.25;
  const xtolOk = dxNorm < xtol * (xtol + xNorm);
  if (ftolOk && xtolOk) return 4;
  if (ftolOk) return 2;
  if (xtolOk) return 3;
  return null;
}

/** Whether every entry is finite. */
export function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** `J·diag(d)`, row-major, into the first m·n entries of `out` (default: a new matrix). */
export function scaleColumns(
  j: Float64Array,
  m: number,
  n: number,
  d: Float64Array,
  out: Float64Array = new Float64Array(m * n),
): Float64Array {
  for (let i = 0; i < m; i++) {
    const off = i * n;
    for (let k = 0; k < n; k++) out[off + k] = j[off + k] * d[k];
  }
  return out;
}

/**
 * Whether the last step and the model at the new point both say χ² is within the tolerance of
 * its minimum: `tol` times the reduced χ² where that is below 1, so that on data fitted better
 * than their errors say (synthetic data without noise) the rule keeps to the errors the data
 * support, √(χ²/dof)·σ, and keeps converging where they are fitted to rounding.
 */
export function chi2Converged(
  lastDrop: number,
  uf: Float64Array,
  ctx: { chi2Tol: number; m: number; n: number },
  cost: number,
): boolean {
  const tol = ctx.chi2Tol * Math.min(1, (2 * cost) / Math.max(1, ctx.m - ctx.n));
  return tol > 0 && lastDrop <= tol && dot(uf, uf) <= tol;
}
