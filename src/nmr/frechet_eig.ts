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
    const eb = Math.exp(lr[b] * t);
    const ebr = eb * Math.cos(li[b] * t);
    const ebi = eb * Math.sin(li[b] * t);
    for (let a = 0; a < n; a++) {
      const at = a * n + b;
      const xr = br[at];
      const xi = bi[at];
      if (xr === 0 && xi === 0) continue;
      phi1((lr[a] - lr[b]) * t, (li[a] - li[b]) * t, p);
      // Φ_ab = t·e^{λ_b t}·φ₁((λ_a − λ_b)·t).
      const fr = t * (ebr * p[0] - ebi * p[1]);
      const fi = t * (ebr * p[1] + ebi * p[0]);
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
  return { er: v(), ei: v(), cr: v(), ci: v(), yr: v(), yi: v(), p: new Float64Array(2) };
}

/**
 * e^{λ_a t} of every eigenvalue into the scratch: call once per t before {@link frechetApply}.
 */
export function frechetTime(t: number, ce: ComplexEigen, s: FrechetApplyScratch): void {
  for (let a = 0; a < ce.n; a++) {
    const e = Math.exp(ce.lr[a] * t);
    s.er[a] = e * Math.cos(ce.li[a] * t);
    s.ei[a] = e * Math.sin(ce.li[a] * t);
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
  const { n, vr, vi, ur, ui, lr, li } = ce;
  const { er, ei, cr, ci, yr, yi, p } = s;
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
      const dr = lr[a] - lr[b];
      const di = li[a] - li[b];
      let fr: number;
      let fi: number;
      if (dr === 0 && di === 0) {
        // Equal eigenvalues (common: uncoupled states relaxing alike): Φ = t·e^{λt}.
        fr = t * er[b];
        fi = t * ei[b];
      } else if ((dr * dr + di * di) * t * t < 0.25) {
        phi1(dr * t, di * t, p);
        fr = t * (er[b] * p[0] - ei[b] * p[1]);
        fi = t * (er[b] * p[1] + ei[b] * p[0]);
      } else {
        const nr = er[a] - er[b];
        const ni = ei[a] - ei[b];
        const d = dr * dr + di * di;
        fr = (nr * dr + ni * di) / d;
        fi = (ni * dr - nr * di) / d;
      }
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
