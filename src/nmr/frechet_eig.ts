/**
 * The Fréchet derivative of exp(A·t) along E from A's eigendecomposition A = V·Λ·V⁻¹ (the one
 * `eig.ts` already computes for the delays): with Ẽ = V⁻¹·E·V,
 *
 *     L(A·t, E·t) = V·(Φ ∘ Ẽ)·V⁻¹,   Φ_ab = (e^{λ_a t} − e^{λ_b t}) / (λ_a − λ_b)  (t·e^{λ_a t} if equal)
 *
 * (Najfeld & Havel, "Derivatives of the matrix exponential and their computation", Adv. Appl.
 * Math. 16, 1995; Higham, "Functions of Matrices", 2008, §3.2). The divided differences are
 * taken as t·e^{λ_b t}·φ₁((λ_a − λ_b)·t), φ₁(z) = (e^z − 1)/z by its series near 0, so close
 * eigenvalues lose no digits. One decomposition serves every direction E and every time t, so
 * a derivative costs a few matrix products instead of a new exponential: this is what makes
 * exact Jacobians cheaper than differences. Where the eigenvectors are ill-conditioned
 * ({@link eigDecompose} refuses), callers use the block-triangular route of `frechet.ts`.
 *
 * Complex quantities are stored as separate real and imaginary `Float64Array`s.
 *
 * @module
 */
import type { EigWorkspace } from "./eig.ts";
import { inverseTTimes } from "./_eigen_contract.ts";

/** Complex eigenvectors, their inverse and the eigenvalues, with scratch for the products. */
export interface ComplexEigen {
  readonly n: number;
  readonly vr: Float64Array;
  readonly vi: Float64Array;
  readonly ur: Float64Array;
  readonly ui: Float64Array;
  readonly lr: Float64Array;
  readonly li: Float64Array;
  readonly ar: Float64Array;
  readonly ai: Float64Array;
  readonly br: Float64Array;
  readonly bi: Float64Array;
}

/**
 * Workspace for n × n complex eigendecompositions.
 *
 * @example
 * ```ts
 * const ce = createComplexEigen(6);
 * ```
 */
export function createComplexEigen(n: number): ComplexEigen {
  const nn = n * n;
  const m = () => new Float64Array(nn);
  return {
    n,
    vr: m(),
    vi: m(),
    ur: m(),
    ui: m(),
    lr: new Float64Array(n),
    li: new Float64Array(n),
    ar: m(),
    ai: m(),
    br: m(),
    bi: m(),
  };
}

/**
 * Complex V, V⁻¹ and λ from the real form of a successful {@link eigDecompose}: a conjugate
 * pair stored as columns (Re v, Im v) becomes v and v̄, and the rows of V⁻¹ follow as
 * ½(x⁻¹_j ∓ i·x⁻¹_{j+1}).
 *
 * @example
 * ```ts
 * if (eigDecompose(a, ws)) complexEigen(ws, ce);
 * ```
 */
export function complexEigen(ws: EigWorkspace, ce: ComplexEigen): void {
  const { n, x, xinv, wr, wi } = ws;
  const { vr, vi, ur, ui, lr, li } = ce;
  for (let j = 0; j < n; j++) {
    if (wi[j] > 0 && j + 1 < n) {
      lr[j] = lr[j + 1] = wr[j];
      li[j] = wi[j];
      li[j + 1] = -wi[j];
      for (let i = 0; i < n; i++) {
        const re = x[i * n + j];
        const im = x[i * n + j + 1];
        vr[i * n + j] = vr[i * n + j + 1] = re;
        vi[i * n + j] = im;
        vi[i * n + j + 1] = -im;
        const a = 0.5 * xinv[j * n + i];
        const b = 0.5 * xinv[(j + 1) * n + i];
        ur[j * n + i] = ur[(j + 1) * n + i] = a;
        ui[j * n + i] = -b;
        ui[(j + 1) * n + i] = b;
      }
      j++;
    } else {
      lr[j] = wr[j];
      li[j] = 0;
      for (let i = 0; i < n; i++) {
        vr[i * n + j] = x[i * n + j];
        vi[i * n + j] = 0;
        ur[j * n + i] = xinv[j * n + i];
        ui[j * n + i] = 0;
      }
    }
  }
}

/** c = a·b for complex n × n matrices (a or b may have a zero imaginary part: pass null). */
function cmatmul(
  cr: Float64Array,
  ci: Float64Array,
  ar: Float64Array,
  ai: Float64Array | null,
  br: Float64Array,
  bi: Float64Array | null,
  n: number,
): void {
  cr.fill(0);
  ci.fill(0);
  for (let i = 0; i < n; i++) {
    const io = i * n;
    for (let k = 0; k < n; k++) {
      const xr = ar[io + k];
      const xi = ai ? ai[io + k] : 0;
      if (xr === 0 && xi === 0) continue;
      const ko = k * n;
      for (let j = 0; j < n; j++) {
        const yr = br[ko + j];
        const yi = bi ? bi[ko + j] : 0;
        cr[io + j] += xr * yr - xi * yi;
        ci[io + j] += xr * yi + xi * yr;
      }
    }
  }
}

/** φ₁(z) = (e^z − 1)/z for complex z, into out[0], out[1]. */
function phi1(zr: number, zi: number, out: Float64Array): void {
  if (zr * zr + zi * zi < 0.25) {
    // Σ z^k/(k+1)!, k = 0…16: below 1e-17 relative for |z| < 0.5.
    let tr = 1;
    let ti = 0;
    let sr = 1;
    let si = 0;
    for (let k = 1; k <= 16; k++) {
      const f = 1 / (k + 1);
      const nr = (tr * zr - ti * zi) * f;
      const ni = (tr * zi + ti * zr) * f;
      tr = nr;
      ti = ni;
      sr += tr;
      si += ti;
    }
    out[0] = sr;
    out[1] = si;
    return;
  }
  const e = Math.exp(zr);
  // Re(e^z − 1) without cancellation: expm1(zr)·cos(zi) − 2·sin²(zi/2).
  const s = Math.sin(0.5 * zi);
  const nr = Math.expm1(zr) * Math.cos(zi) - 2 * s * s;
  const ni = e * Math.sin(zi);
  const d = zr * zr + zi * zi;
  out[0] = (nr * zr + ni * zi) / d;
  out[1] = (ni * zr - nr * zi) / d;
}

/**
 * dOut = L(A·t, E·t) = d/dε exp((A + ε·E)·t) at ε = 0 from the decomposition in `ce` (see
 * {@link complexEigen}); `e` and `dOut` are real n × n row-major.
 *
 * @example
 * ```ts
 * if (eigDecompose(a, ws)) {
 *   complexEigen(ws, ce);
 *   expFrechetFromEig(dOut, e, 0.01, ce);
 * }
 * ```
 */
export function expFrechetFromEig(
  dOut: Float64Array,
  e: Float64Array,
  t: number,
  ce: ComplexEigen,
): void {
  const { n, vr, vi, ur, ui, lr, li, ar, ai, br, bi } = ce;
  // Ẽ = V⁻¹·(E·V).
  cmatmul(ar, ai, e, null, vr, vi, n);
  cmatmul(br, bi, ur, ui, ar, ai, n);
  // Φ ∘ Ẽ.
  const p = new Float64Array(2);
  for (let b = 0; b < n; b++) {
    for (let a = 0; a < n; a++) {
      const at = a * n + b;
      const xr = br[at];
      const xi = bi[at];
      if (xr === 0 && xi === 0) continue;
      // Φ_ab = t·e^{λ_b t}·φ₁((λ_a − λ_b)·t) = t·e^{λ_a t}·φ₁((λ_b − λ_a)·t): taken from the end
      // whose φ₁ argument has no positive real part, so that a long delay between fast- and
      // slow-relaxing modes cannot overflow e^z into ∞·0 (which gave NaN at (λ_a − λ_b)·t ≳ 709).
      const from = lr[a] > lr[b] ? b : a;
      const to = lr[a] > lr[b] ? a : b;
      phi1((lr[from] - lr[to]) * t, (li[from] - li[to]) * t, p);
      const e = Math.exp(lr[to] * t);
      const er = e * Math.cos(li[to] * t);
      const ei = e * Math.sin(li[to] * t);
      const fr = t * (er * p[0] - ei * p[1]);
      const fi = t * (er * p[1] + ei * p[0]);
      br[at] = fr * xr - fi * xi;
      bi[at] = fr * xi + fi * xr;
    }
  }
  // dOut = Re(V·(Φ ∘ Ẽ)·V⁻¹).
  cmatmul(ar, ai, vr, vi, br, bi, n);
  dOut.fill(0);
  for (let i = 0; i < n; i++) {
    const io = i * n;
    for (let k = 0; k < n; k++) {
      const xr = ar[io + k];
      const xi = ai[io + k];
      const ko = k * n;
      for (let j = 0; j < n; j++) dOut[io + j] += xr * ur[ko + j] - xi * ui[ko + j];
    }
  }
}

/**
 * Ẽ = V⁻¹·E·V of a direction E, once per direction: {@link frechetApply} then gives
 * L(A·t, E·t)·v for any t and v in O(n²).
 *
 * @example
 * ```ts
 * const et = eigenDirection(dl, ce);
 * ```
 */
export function eigenDirection(e: Float64Array, ce: ComplexEigen): {
  re: Float64Array;
  im: Float64Array;
} {
  const { n, vr, vi, ur, ui, ar, ai } = ce;
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  cmatmul(ar, ai, e, null, vr, vi, n);
  cmatmul(re, im, ur, ui, ar, ai, n);
  return { re, im };
}

/** Per-time scratch of {@link frechetApply}: e^{λt} and the vectors' eigen coordinates. */
export interface FrechetApplyScratch {
  /** Per eigenvalue, the factor its exponential runs at (1; ChemEx's dephasing mode: 1e9). */
  fac: Float64Array;
  er: Float64Array;
  ei: Float64Array;
  cr: Float64Array;
  ci: Float64Array;
  yr: Float64Array;
  yi: Float64Array;
  p: Float64Array;
}

/** Scratch for {@link frechetApply} on length-n vectors. */
export function createFrechetApplyScratch(n: number): FrechetApplyScratch {
  const v = () => new Float64Array(n);
  return {
    fac: v().fill(1),
    er: v(),
    ei: v(),
    cr: v(),
    ci: v(),
    yr: v(),
    yi: v(),
    p: new Float64Array(2),
  };
}

/**
 * e^{λ_a t} of every eigenvalue into the scratch: call once per t before {@link frechetApply}.
 */
export function frechetTime(
  t: number,
  ce: ComplexEigen,
  s: FrechetApplyScratch,
  dephase?: { imMin: number; factor: number },
): void {
  for (let a = 0; a < ce.n; a++) {
    // Dephasing (ChemEx): f(λ) = e^{F·λ·t} for the oscillating modes, e^{λ·t} for the others;
    // the divided differences below are then those of f (Daleckii–Krein), exact as long as no
    // eigenvalue sits on the |Im λ| threshold.
    const f = dephase && Math.abs(ce.li[a]) >= dephase.imMin ? dephase.factor : 1;
    s.fac[a] = f;
    const e = Math.exp(ce.lr[a] * f * t);
    s.er[a] = e * Math.cos(ce.li[a] * f * t);
    s.ei[a] = e * Math.sin(ce.li[a] * f * t);
  }
}

/**
 * out += L(A·t, E·t)·v = Re(V·(Φ(t) ∘ Ẽ)·V⁻¹·v) in O(n²), with Ẽ from {@link eigenDirection}
 * and e^{λt} from {@link frechetTime} (same t). Divided differences use the exponentials directly
 * where the eigenvalues are apart, φ₁ where they are close.
 *
 * @example
 * ```ts
 * frechetTime(t, ce, s);
 * frechetApply(dv, et, t, v, ce, s);
 * ```
 */
export function frechetApply(
  out: Float64Array,
  et: { re: Float64Array; im: Float64Array },
  t: number,
  v: Float64Array,
  ce: ComplexEigen,
  s: FrechetApplyScratch,
): void {
  const { n, vr, vi, ur, ui } = ce;
  const { cr, ci, yr, yi, p } = s;
  // c = V⁻¹·v.
  for (let a = 0; a < n; a++) {
    let sr = 0;
    let si = 0;
    const ao = a * n;
    for (let j = 0; j < n; j++) {
      sr += ur[ao + j] * v[j];
      si += ui[ao + j] * v[j];
    }
    cr[a] = sr;
    ci[a] = si;
  }
  // y = (Φ ∘ Ẽ)·c.
  for (let a = 0; a < n; a++) {
    let sr = 0;
    let si = 0;
    const ao = a * n;
    for (let b = 0; b < n; b++) {
      const xr = et.re[ao + b];
      const xi = et.im[ao + b];
      if (xr === 0 && xi === 0) continue;
      divDiff(a, b, t, ce, s);
      const fr = p[0];
      const fi = p[1];
      const hr = fr * xr - fi * xi;
      const hi = fr * xi + fi * xr;
      sr += hr * cr[b] - hi * ci[b];
      si += hr * ci[b] + hi * cr[b];
    }
    yr[a] = sr;
    yi[a] = si;
  }
  // out += Re(V·y).
  for (let i = 0; i < n; i++) {
    let sr = 0;
    const io = i * n;
    for (let a = 0; a < n; a++) sr += vr[io + a] * yr[a] - vi[io + a] * yi[a];
    out[i] += sr;
  }
}

/**
 * Φ_ab(t) = (e^{λ_a t} − e^{λ_b t})/(λ_a − λ_b) (t·e^{λ t} when equal; t·e^{λ_b t}·φ₁ when
 * close) into s.p, with e^{λt} from {@link frechetTime}.
 *
 * @example
 * ```ts
 * frechetTime(t, ce, s);
 * divDiff(0, 1, t, ce, s); // s.p = [Re Φ_01, Im Φ_01]
 * ```
 */
export function divDiff(
  a: number,
  b: number,
  t: number,
  ce: ComplexEigen,
  s: FrechetApplyScratch,
): void {
  const { lr, li } = ce;
  const { er, ei, p, fac } = s;
  const dr = lr[a] - lr[b];
  const di = li[a] - li[b];
  const same = fac[a] === fac[b];
  const tf = t * fac[b];
  if (same && dr === 0 && di === 0) {
    // Equal eigenvalues (common: uncoupled states relaxing alike): Φ = t·e^{λt}.
    p[0] = tf * er[b];
    p[1] = tf * ei[b];
  } else if (same && (dr * dr + di * di) * tf * tf < 0.25) {
    phi1(dr * tf, di * tf, p);
    const pr = p[0];
    const pi = p[1];
    p[0] = tf * (er[b] * pr - ei[b] * pi);
    p[1] = tf * (er[b] * pi + ei[b] * pr);
  } else {
    const nr = er[a] - er[b];
    const ni = ei[a] - ei[b];
    const d = dr * dr + di * di;
    p[0] = (nr * dr + ni * di) / d;
    p[1] = (ni * dr - nr * di) / d;
  }
}

/**
 * For the scalar s = wᵀ·exp(A·t)·v: K = ∂s/∂A (K_rs = ∂s/∂A_rs, so that a change E of A
 * changes s by Σ K_rs·E_rs) and the adjoint vector a = exp(A·t)ᵀ·w, from A's decomposition in
 * `ce` (the same t must have been given to {@link frechetTime}). K = Re(V⁻ᵀ·M·Vᵀ) with
 * M_ab = (Vᵀw)_a·Φ_ab·(V⁻¹v)_b: one K serves every parameter direction, so the derivatives of a
 * propagated signal cost two complex products whatever the number of parameters (the reverse,
 * or adjoint, form of {@link frechetApply}).
 *
 * @example
 * ```ts
 * frechetTime(t, ce, s);
 * expBilinearSensitivity(k, a, detect, start, t, ce, s);
 * ```
 */
export function expBilinearSensitivity(
  kOut: Float64Array,
  aOut: Float64Array,
  w: Float64Array,
  v: Float64Array,
  t: number,
  ce: ComplexEigen,
  s: FrechetApplyScratch,
): void {
  const { n, vr, vi, ur, ui, ar, ai, br, bi } = ce;
  const { er, ei, cr, ci, yr, yi, p } = s;
  // g = Vᵀ·w into (yr, yi); c = V⁻¹·v into (cr, ci).
  for (let a = 0; a < n; a++) {
    let gr = 0;
    let gi = 0;
    let sr = 0;
    let si = 0;
    const ao = a * n;
    for (let i = 0; i < n; i++) {
      gr += w[i] * vr[i * n + a];
      gi += w[i] * vi[i * n + a];
      sr += ur[ao + i] * v[i];
      si += ui[ao + i] * v[i];
    }
    yr[a] = gr;
    yi[a] = gi;
    cr[a] = sr;
    ci[a] = si;
  }
  // a = Re(V⁻ᵀ·(e^{λt} ∘ g)).
  aOut.fill(0);
  for (let a = 0; a < n; a++) {
    const hr = er[a] * yr[a] - ei[a] * yi[a];
    const hi = er[a] * yi[a] + ei[a] * yr[a];
    const ao = a * n;
    for (let j = 0; j < n; j++) aOut[j] += ur[ao + j] * hr - ui[ao + j] * hi;
  }
  // M = g ∘ Φ ∘ cᵀ into (br, bi).
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      divDiff(a, b, t, ce, s);
      const gr = yr[a] * p[0] - yi[a] * p[1];
      const gi = yr[a] * p[1] + yi[a] * p[0];
      br[a * n + b] = gr * cr[b] - gi * ci[b];
      bi[a * n + b] = gr * ci[b] + gi * cr[b];
    }
  }
  // X = V⁻ᵀ·M into (ar, ai): X_rb = Σ_a U_ar·M_ab.
  inverseTTimes(n, ur, ui, br, bi, ar, ai);
  // K = Re(X·Vᵀ): K_rs = Σ_b X_rb·V_sb.
  for (let r = 0; r < n; r++) {
    const ro = r * n;
    for (let q = 0; q < n; q++) {
      const so = q * n;
      let sum = 0;
      for (let b = 0; b < n; b++) sum += ar[ro + b] * vr[so + b] - ai[ro + b] * vi[so + b];
      kOut[ro + q] = sum;
    }
  }
}
