/**
 * Distribution functions needed for goodness-of-fit reporting and B1 grids: log Γ, the χ²
 * survival function, the exact two-sided one-sample Kolmogorov–Smirnov test against N(0, 1), and
 * the beta CDF and quantile. The normal distribution itself is in `./normal.ts`.
 *
 * Everything aims at near double precision and stays accurate in the far tails.
 *
 * Methods:
 * - χ² tail: regularised incomplete gamma function Q(a, x) by series or
 *   Legendre's continued fraction, with the prefactor `xᵃe⁻ˣ/Γ(a)` written in
 *   Temme's form so that large degrees of freedom do not lose digits.
 * - Kolmogorov–Smirnov: the exact distribution of Dₙ following the selection
 *   rules of Simard & L'Ecuyer (J. Stat. Softw. 39(11), 2011) as used by SciPy's
 *   `kstwo`: Ruben–Gambino closed forms at the extremes, the Durbin matrix
 *   (Marsaglia–Tsang–Wang 2003), twice the one-sided Smirnov tail for large
 *   deviations, and the Pelz–Good asymptotic series for large n.
 *
 * @module
 */
import { normalCdf } from "./normal.ts";

const LN_SQRT_2PI = 0.9189385332046728; // ½·ln(2π)
const SQRT_2PI = 2.5066282746310002;

// ---------------------------------------------------------------------------
// Gamma-function helpers

/**
 * `log Γ*(a)` with `Γ(a) = √(2π/a)·aᵃ·e⁻ᵃ·Γ*(a)`, from the Stirling series;
 * valid (to < 1e-16) for a ≥ 10.
 */
function logGammaStarLarge(a: number): number {
  const r = 1 / a;
  const r2 = r * r;
  // Bernoulli-number coefficients B₂ₖ/(2k(2k−1)).
  return r * (1 / 12 + r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 +
                    r2 * (-691 / 360360 + r2 * (1 / 156 + r2 * (-3617 / 122400))))))));
}

/**
 * log Γ(x) for x > 0, from Stirling's series after shifting x above 10.
 *
 * @example
 * ```ts
 * logGamma(5); // ≈ Math.log(24)
 * ```
 */
export function logGamma(x: number): number {
  let shift = 0;
  let y = x;
  let prod = 1;
  while (y < 10) {
    prod *= y;
    y += 1;
    shift++;
  }
  const base = (y - 0.5) * Math.log(y) - y + LN_SQRT_2PI + logGammaStarLarge(y);
  return shift > 0 ? base - Math.log(prod) : base;
}

/** `log(1 + u) − u` without cancellation for small |u|. */
function log1pmx(u: number): number {
  if (Math.abs(u) < 0.5) {
    // −u²/2 + u³/3 − u⁴/4 + …
    let term = u;
    let sum = 0;
    for (let k = 2; k < 200; k++) {
      term *= -u;
      const add = term / k;
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return sum;
  }
  return Math.log1p(u) - u;
}

/**
 * `xᵃ·e⁻ˣ/Γ(a)`. For a ≥ 10 it is evaluated as
 * `√(a/2π)·exp(a·log1pmx(x/a − 1))/Γ*(a)`, whose exponent is formed without
 * cancellation; smaller a are lifted above 10 with `Γ(a + 1) = a·Γ(a)`.
 */
function gammaPrefactor(a: number, x: number): number {
  if (a >= 10) {
    const t = x / a;
    // t − 1 is exact for t in [½, 2] (Sterbenz); outside it there is no cancellation to avoid.
    const shape = t >= 0.5 && t <= 2 ? log1pmx(t - 1) : Math.log(t) - t + 1;
    return Math.sqrt(a / (2 * Math.PI)) * Math.exp(a * shape - logGammaStarLarge(a));
  }
  let k = 0;
  while (a + k < 10) k++;
  const lifted = gammaPrefactor(a + k, x);
  if (lifted === 0 || !Number.isFinite(lifted)) {
    return Math.exp(a * Math.log(x) - x - logGamma(a));
  }
  let factor = 1;
  for (let i = 0; i < k; i++) factor *= (a + i) / x;
  return lifted * factor;
}

/** Regularised upper incomplete gamma function Q(a, x), relative accuracy in the tail. */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) {
    // P(a, x) = prefactor/a · Σ xⁿ/((a+1)…(a+n)); Q = 1 − P is well conditioned here.
    let term = 1;
    let sum = 1;
    for (let k = 1; k < 100000; k++) {
      term *= x / (a + k);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 1 - (gammaPrefactor(a, x) / a) * sum;
  }
  // Legendre's continued fraction for Γ(a, x)·eˣ·x⁻ᵃ, modified Lentz.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const pref = gammaPrefactor(a, x);
  return pref === 0 ? 0 : pref * h;
}

/**
 * Survival function of the χ² distribution, `P(χ²_dof > x)` = Q(dof/2, x/2).
 * Keeps relative accuracy far into the tail and underflows to 0 only below
 * the smallest double.
 *
 * @example
 * ```ts
 * chi2Sf(3.841458820694124, 1); // ≈ 0.05
 * ```
 */
export function chi2Sf(x: number, dof: number): number {
  if (Number.isNaN(x) || Number.isNaN(dof) || !(dof > 0)) return NaN;
  if (x <= 0) return 1;
  return Math.min(1, Math.max(0, gammaQ(0.5 * dof, 0.5 * x)));
}

// ---------------------------------------------------------------------------
// Kolmogorov–Smirnov

/**
 * Two-sided Kolmogorov–Smirnov statistic `Dₙ = sup |Fₙ(t) − Φ(t)|` of a sample
 * against the standard normal distribution.
 *
 * @example
 * ```ts
 * ksStatistic([-1, 0, 1]); // ≈ 0.174678
 * ```
 */
export function ksStatistic(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  let d = 0;
  for (let i = 0; i < n; i++) {
    const cdf = normalCdf(sorted[i]);
    const dPlus = (i + 1) / n - cdf;
    const dMinus = cdf - i / n;
    if (dPlus > d) d = dPlus;
    if (dMinus > d) d = dMinus;
    if (Number.isNaN(cdf)) return NaN;
  }
  return d;
}

/** `log(n!/nⁿ)`. */
function logFactorialOverPower(n: number): number {
  if (n >= 10) return 0.5 * Math.log(n) - n + LN_SQRT_2PI + logGammaStarLarge(n);
  return logGamma(n + 1) - n * Math.log(n);
}

/** `log n!` for integer n ≥ 0. */
function logFactorial(n: number): number {
  return n < 2 ? 0 : logGamma(n + 1);
}

/**
 * One-sided Smirnov tail `P(Dₙ⁺ ≥ d)` from the Birnbaum–Tingey sum
 * `d·Σⱼ C(n, j)(1 − d − j/n)ⁿ⁻ʲ(d + j/n)ʲ⁻¹`, j = 0…⌊n(1 − d)⌋. All terms are
 * positive; they are accumulated in log space to survive extreme n and d.
 */
function smirnovSf(n: number, d: number): number {
  if (d <= 0) return 1;
  if (d >= 1) return 0;
  const nd = n * d;
  let jMax = Math.floor(n - nd);
  // Terms with 1 − d − j/n ≤ 0 vanish (0⁰ = 1 only when j = n, excluded by d > 0).
  while (jMax >= 0 && n - jMax - nd <= 0) jMax--;
  const logN = Math.log(n);
  const logFactN = logFactorial(n);
  const logs = new Float64Array(jMax + 1);
  let maxLog = -Infinity;
  for (let j = 0; j <= jMax; j++) {
    const logC = logFactN - logFactorial(j) - logFactorial(n - j);
    const lower = Math.log(n - j - nd) - logN; // log(1 − d − j/n)
    const upper = Math.log(nd + j) - logN; // log(d + j/n)
    const t = logC + (n - j) * lower + (j - 1) * upper;
    logs[j] = t;
    if (t > maxLog) maxLog = t;
  }
  if (maxLog === -Infinity) return 0;
  let sum = 0;
  for (let j = 0; j <= jMax; j++) sum += Math.exp(logs[j] - maxLog);
  return Math.min(1, d * Math.exp(maxLog + Math.log(sum)));
}

/**
 * `P(Dₙ < d)` by the Durbin matrix method in the Marsaglia–Tsang–Wang form:
 * the (k,k) entry of Hⁿ times n!/nⁿ, with k = ⌈nd⌉. Powers are rescaled by
 * powers of two as they grow and the scale is carried as a log.
 */
function durbinCdf(n: number, d: number): number {
  const nd = n * d;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const invFact = new Float64Array(m + 1);
  invFact[0] = 1;
  for (let i = 1; i <= m; i++) invFact[i] = invFact[i - 1] / i;

  const hm = new Float64Array(m * m);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < m; c++) {
      const q = r - c + 1;
      if (q >= 0) hm[r * m + c] = invFact[q];
    }
  }
  for (let r = 0; r < m; r++) {
    hm[r * m] = (1 - Math.pow(h, r + 1)) * invFact[r + 1];
    hm[(m - 1) * m + (m - 1 - r)] = (1 - Math.pow(h, r + 1)) * invFact[r + 1];
  }
  hm[(m - 1) * m] = (1 - 2 * Math.pow(h, m) + Math.pow(Math.max(0, 2 * h - 1), m)) * invFact[m];

  const matMul = (a: Float64Array, b: Float64Array): Float64Array => {
    const out = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let l = 0; l < m; l++) {
        const ail = a[i * m + l];
        if (ail === 0) continue;
        for (let j = 0; j < m; j++) out[i * m + j] += ail * b[l * m + j];
      }
    }
    return out;
  };
  const rescale = (a: Float64Array): number => {
    let big = 0;
    for (let i = 0; i < a.length; i++) if (a[i] > big) big = a[i];
    if (big < 1e100) return 0;
    const e = Math.floor(Math.log2(big));
    const s = Math.pow(2, -e);
    for (let i = 0; i < a.length; i++) a[i] *= s;
    return e;
  };

  let power: Float64Array | null = null;
  let powerExp = 0;
  let base: Float64Array = hm;
  let baseExp = 0;
  let e = n;
  while (e > 0) {
    if (e & 1) {
      if (power === null) {
        power = base.slice();
        powerExp = baseExp;
      } else {
        power = matMul(power, base);
        powerExp += baseExp;
        powerExp += rescale(power);
      }
    }
    e = Math.floor(e / 2);
    if (e > 0) {
      base = matMul(base, base);
      baseExp *= 2;
      baseExp += rescale(base);
    }
  }
  const entry = power![(k - 1) * m + (k - 1)];
  if (!(entry > 0)) return 0;
  return Math.exp(Math.log(entry) + powerExp * Math.LN2 + logFactorialOverPower(n));
}

/**
 * Pelz–Good asymptotic expansion of `P(Dₙ ≤ d)` to order n^(-3/2), written in
 * theta-function form that converges fast for small √n·d.
 */
function pelzGoodCdf(n: number, d: number): number {
  const z = Math.sqrt(n) * d;
  const z2 = z * z, z4 = z2 * z2, z6 = z4 * z2;
  const pi2 = Math.PI * Math.PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
  const qlog = -pi2 / (8 * z2);
  if (qlog < -708) return 0;
  const k1a = -z2, k1b = pi2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3a = -30 * z6 - 90 * z4 * z4;
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const maxK = Math.ceil((16 * z) / Math.PI);

  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let k = maxK; k >= 1; k--) {
    const mm = 2 * k - 1;
    const m2 = mm * mm, m4 = m2 * m2, m6 = m4 * m2;
    const w = Math.exp(m2 * qlog); // exp(−(2k−1)²π²/(8z²))
    s0 += w;
    s1 += w * (k1a + k1b * m2);
    s2 += w * (k2a + k2b * m2 + k2c * m4);
    s3 += w * (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const k0 = (SQRT_2PI * s0) / z;
  let k1 = (SQRT_2PI * s1) / (6 * z4);
  let k2 = (SQRT_2PI * s2) / (72 * z6 * z);
  let k3 = (SQRT_2PI * s3) / (6480 * z6 * z4);

  let e2 = 0, e3 = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxK; k >= 1; k--) {
    const k2 = k * k;
    const w = Math.exp((-pi2 * k2) / (2 * z2));
    e2 += k2 * w;
    const kpi = Math.PI * k;
    e3 += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * w;
  }
  k2 += (e2 * pi2 * SQRT_2PI) / (-36 * z2 * z);
  k3 += (e3 * pi2 * SQRT_2PI) / (216 * z6);

  const rn = Math.sqrt(n);
  k1 /= rn;
  k2 /= n;
  k3 /= n * rn;
  return k0 + k1 + k2 + k3;
}

function clip01(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/**
 * Survival function `P(Dₙ ≥ d)` of the two-sided one-sample
 * Kolmogorov–Smirnov statistic for a sample of size n (SciPy's
 * `kstwo.sf(d, n)`), clipped to [0, 1].
 *
 * @example
 * ```ts
 * ksTwoSidedSf(0.05, 230); // ≈ 0.59533
 * ```
 */
export function ksTwoSidedSf(d: number, n: number): number {
  if (Number.isNaN(d) || !Number.isInteger(n) || n <= 0) return NaN;
  if (d >= 1) return 0;
  if (d <= 0) return 1;
  const t = n * d;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    // Ruben–Gambino: P(Dₙ < d) = n!/nⁿ·(2t − 1)ⁿ for 1/(2n) < d ≤ 1/n.
    const cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * Math.pow(1 - d, n));
  if (d >= 0.5) return clip01(2 * smirnovSf(n, d));
  const ndd = t * d;
  if (n <= 140) {
    if (ndd <= 4) return clip01(1 - durbinCdf(n, d));
    return clip01(2 * smirnovSf(n, d));
  }
  if (ndd >= 370) return 0;
  if (ndd >= 2.2) return clip01(2 * smirnovSf(n, d));
  if (n <= 100000 && n * Math.pow(d, 1.5) <= 1.4) return clip01(1 - durbinCdf(n, d));
  return clip01(1 - pelzGoodCdf(n, d));
}

/**
 * p-value of the two-sided one-sample Kolmogorov–Smirnov test of `values`
 * against N(0, 1) with the exact null distribution (SciPy's
 * `kstest(values, "norm", method="exact").pvalue`).
 *
 * @example
 * ```ts
 * ksTestNormal([-1.2, -0.3, 0.1, 0.4, 1.5]); // ≈ 0.986: compatible with N(0, 1)
 * ```
 */
export function ksTestNormal(values: ArrayLike<number>): number {
  return ksTwoSidedSf(ksStatistic(values), values.length);
}

// ---------------------------------------------------------------------------
// Beta distribution (B1 grids)

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/**
 * Regularised incomplete beta function I_x(a, b).
 *
 * @example
 * ```ts
 * betaCdf(0.5, 2, 2); // 0.5
 * ```
 */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnPre = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) +
    b * Math.log1p(-x);
  const pre = Math.exp(lnPre);
  if (x < (a + 1) / (a + b + 2)) return pre * betaFraction(x, a, b) / a;
  return 1 - pre * betaFraction(1 - x, b, a) / b;
}

/**
 * Quantile of the beta distribution (SciPy's `stats.beta.ppf(p, a, b)`), by safeguarded
 * Newton–bisection on {@link betaCdf} to near machine precision.
 *
 * @example
 * ```ts
 * betaQuantile(0.5, 2, 2); // 0.5
 * ```
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let lo = 0;
  let hi = 1;
  let x = a / (a + b);
  const lnB = logGamma(a) + logGamma(b) - logGamma(a + b);
  for (let it = 0; it < 200; it++) {
    const f = betaCdf(x, a, b) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const dens = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnB);
    let next = x - f / dens;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-16 * Math.max(x, 1e-300) || hi - lo <= 2e-16 * hi) return next;
    x = next;
  }
  return x;
}
