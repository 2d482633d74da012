/**
 * Noise (σ) estimation for the `[data] error` modes `file`, `duplicates` and `scatter`, with
 * `global_error` pooling (compatibility spec §4.6, physics conventions §7).
 *
 * The algorithms follow ChemEx 2026.06.1 operation by operation, including NumPy's pairwise
 * summation order, so that estimates agree to the last few bits. Two ChemEx behaviours are
 * reproduced on purpose:
 *
 * * `duplicates`: a profile without any repeated x contributes mean(σ_file²) (ChemEx 2026.09,
 *   #759); with `--compat 2026.06`, mean(σ_file) **as a variance** (ChemEx 2026.06.1 returns
 *   `np.mean(err)` from a function that otherwise returns variances). It only matters when other profiles of the same file do have
 *   duplicates; when no profile has any, the file σ are kept and a notice is returned.
 * * `scatter`: a port of MATLAB's EstimateNoise exactly as ChemEx runs it (14 percent levels,
 *   "valid" convolution, median over the six filter orders, small-sample correction, variance
 *   floor 1e-8). Very short profiles give `NaN`, as in ChemEx; a notice reports it.
 *
 * @module
 */

import type { ProfileData } from "./data.ts";

/** Error modes of `[data] error`. */
import type { CompatVersion } from "./compat.ts";

export type NoiseMode = "file" | "duplicates" | "scatter";

/**
 * Sum in NumPy's order (`np.add.reduce` on a contiguous float64 array: pairwise summation with
 * an 8-way unrolled inner block of up to 128 elements), so that means and variances round like
 * ChemEx's.
 *
 * @example
 * ```ts
 * numpySum([0.1, 0.2, 0.3]); // 0.6000000000000001 (sequential for fewer than 8 values)
 * ```
 */
export function numpySum(values: ArrayLike<number>): number {
  return 0 + pairwiseSum(values, 0, values.length);
}

function pairwiseSum(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    const r = [
      a[start],
      a[start + 1],
      a[start + 2],
      a[start + 3],
      a[start + 4],
      a[start + 5],
      a[start + 6],
      a[start + 7],
    ];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    }
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

function mean(values: ArrayLike<number>): number {
  return numpySum(values) / values.length;
}

/** `np.median`: NaN for an empty list or when any value is NaN. */
function median(values: number[]): number {
  if (values.length === 0 || values.some(Number.isNaN)) return NaN;
  const s = [...values].sort((p, q) => p - q);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Variance from duplicate points: points are grouped by exactly equal x (for EXSY also by start
 * and detected state); pooled variance Σ(n_g−1)·s_g² / Σ(n_g−1) over groups with n_g ≥ 2, s_g²
 * with ddof 1. Without duplicates, returns mean(σ_file²) (ChemEx 2026.09, #759); with compat
 * "2026.06", mean(σ_file) — ChemEx 2026.06.1's value, a σ used as a variance.
 *
 * @example
 * ```ts
 * const p = {
 *   file: "p.out",
 *   x: new Float64Array([0, 1, 1]),
 *   intensity: new Float64Array([5, 2, 4]),
 *   error: new Float64Array([1, 1, 1]),
 * };
 * varianceFromDuplicates(p); // 2 (the pair 2, 4 has variance 2)
 * ```
 */
export function varianceFromDuplicates(
  profile: ProfileData,
  compat: CompatVersion = "2026.09",
): number {
  const groups = new Map<string, number[]>();
  const n = profile.x.length;
  for (let i = 0; i < n; i++) {
    const x = profile.x[i];
    // Python dict keys: 0.0 and -0.0 are one key, every NaN is its own key.
    let key = Number.isNaN(x) ? `nan#${i}` : String(x === 0 ? 0 : x);
    if (profile.states) key += `|${profile.states.start[i]}|${profile.states.detect[i]}`;
    const group = groups.get(key);
    if (group) group.push(profile.intensity[i]);
    else groups.set(key, [profile.intensity[i]]);
  }
  const variances: number[] = [];
  const weights: number[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const m = mean(group);
    const sq = group.map((v) => (v - m) * (v - m));
    variances.push(numpySum(sq) / (group.length - 1));
    weights.push(group.length - 1);
  }
  if (variances.length === 0) {
    // ChemEx #759: the fallback is a variance, mean(σ²); 2026.06.1 returned mean(σ).
    return compat === "2026.06"
      ? mean(profile.error)
      : mean(Array.from(profile.error, (e) => e * e));
  }
  return numpySum(variances.map((v, i) => v * weights[i])) / numpySum(weights);
}

/** Whether any x repeats (NumPy `unique`, which treats all NaNs as one value). */
function hasDuplicates(profile: ProfileData): boolean {
  const seen = new Set<string>();
  for (let i = 0; i < profile.x.length; i++) {
    const x = profile.x[i];
    let key = Number.isNaN(x) ? "nan" : String(x === 0 ? 0 : x);
    if (profile.states) key += `|${profile.states.start[i]}|${profile.states.detect[i]}`;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/**
 * The 14 percent levels of EstimateNoise as ChemEx builds them: 0.05, then
 * `np.arange(0.1, 0.4, 0.025)` (13 values; NumPy fills element i ≥ 2 as start + i·(a₁ − a₀), and
 * the last one lands on 0.4 because of rounding in the length computation).
 *
 * @example
 * ```ts
 * const p = scatterPercents();
 * p.length; // 14
 * p[13]; // 0.3999999999999999
 * ```
 */
export function scatterPercents(): number[] {
  const start = 0.1;
  const step = 0.025;
  const length = Math.ceil((0.4 - start) / step);
  const values = [start, start + step];
  const delta = values[1] - values[0];
  for (let i = 2; i < length; i++) values.push(start + i * delta);
  return [0.05, ...values.slice(0, length)];
}

const SCATTER_PERCENTS = scatterPercents();

/**
 * Φ⁻¹(1 − p) for {@link SCATTER_PERCENTS}, as SciPy's `stats.norm.ppf` (Cephes `ndtri`) returns
 * them. Fixed values keep the estimate bit-compatible with ChemEx; `normalPpf`
 * (`src/math/normal.ts`) agrees with them to within 2 ulp (checked in tests).
 *
 * @example
 * ```ts
 * SCATTER_Z[0]; // 1.6448536269514722 = Φ⁻¹(0.95)
 * ```
 */
export const SCATTER_Z: readonly number[] = [
  1.6448536269514722,
  1.2815515655446004,
  1.1503493803760079,
  1.0364333894937898,
  0.93458929107348,
  0.8416212335729143,
  0.7554150263604693,
  0.6744897501960817,
  0.5977601260424787,
  0.524400512708041,
  0.45376219016987956,
  0.38532046640756773,
  0.3186393639643755,
  0.25334710313580006,
];

const SCATTER_FILTERS: number[][] = [
  [1, -1],
  [1, -2, 1],
  [1, -3, 3, -1],
  [1, -4, 6, -4, 1],
  [1, -5, 10, -10, 5, -1],
  [1, -6, 15, -20, 15, -6, 1],
].map((row) => {
  const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
  return row.map((v) => v / norm);
});

/**
 * `np.convolve(a, v, "valid")`: the longer input slides over the reversed shorter one, so the
 * output has |len(a) − len(v)| + 1 points even when the data are shorter than the filter.
 */
function convolveValid(a: ArrayLike<number>, v: ArrayLike<number>): number[] {
  const [longer, shorter] = v.length > a.length ? [v, a] : [a, v];
  const m = shorter.length;
  const out: number[] = [];
  for (let k = 0; k + m <= longer.length; k++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += longer[k + i] * shorter[m - 1 - i];
    out.push(s);
  }
  return out;
}

/** `np.interp` inside the table range (callers check the bounds). */
function interpolate(x: number, xp: number[], fp: number[]): number {
  const last = xp.length - 1;
  if (x === xp[last]) return fp[last];
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid] <= x) lo = mid;
    else hi = mid;
  }
  const j = lo;
  if (xp[j] === x) return fp[j];
  const slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
  let y = slope * (x - xp[j]) + fp[j];
  if (Number.isNaN(y)) {
    y = slope * (x - xp[j + 1]) + fp[j + 1];
    if (Number.isNaN(y) && fp[j] === fp[j + 1]) y = fp[j];
  }
  return y;
}

/**
 * Variance from the point-to-point scatter of an intensity sequence (file order): ChemEx's port
 * of MATLAB EstimateNoise. For each normalised difference filter of order 1…6 the sorted filtered
 * sequence is read at 14 percent levels p (both p and 1−p inside the interpolation range),
 * σ_p = (F(1−p) − F(p)) / (2·Φ⁻¹(1−p)); σ_k = median σ_p; variance = median_k(σ_k)² /
 * (1 + 15·(N + 1.225)^−1.245), floored at 1e-8. NaN when no level is usable.
 *
 * @example
 * ```ts
 * const v = varianceFromScatter(new Float64Array(64).map((_, i) => (i % 2 ? 1 : -1)));
 * v > 0; // true
 * ```
 */
export function varianceFromScatter(intensity: ArrayLike<number>): number {
  const percents = SCATTER_PERCENTS;
  const z = SCATTER_Z;
  const sigmaEst: number[] = [];
  for (const filter of SCATTER_FILTERS) {
    const noise = convolveValid(intensity, filter).sort((p, q) => p - q);
    const n = noise.length;
    if (n <= 1) continue;
    const xaxis = noise.map((_, j) => (0.5 + (j + 1)) / (n + 0.5));
    const sigmas: number[] = [];
    for (let k = 0; k < percents.length; k++) {
      const p = percents[k];
      const lo = xaxis[0];
      const hi = xaxis[n - 1];
      const inside = (t: number) => t >= lo && t <= hi;
      if (!inside(1 - p) || !inside(p)) continue;
      sigmas.push(
        (interpolate(1 - p, xaxis, noise) - interpolate(p, xaxis, noise)) / (2 * z[k]),
      );
    }
    sigmaEst.push(median(sigmas));
  }
  const m = median(sigmaEst);
  const variance = (m * m) / (1 + 15 * Math.pow(intensity.length + 1.225, -1.245));
  // np.max propagates NaN.
  return Number.isNaN(variance) ? NaN : Math.max(variance, 1e-8);
}

/**
 * σ for every point of every profile of one experiment file.
 *
 * * `file`: the file's σ (copied).
 * * `duplicates` / `scatter`: one variance per profile ({@link varianceFromDuplicates},
 *   {@link varianceFromScatter}) from all its points in file order (before any filtering);
 *   with `globalError` every point of every profile gets σ = sqrt(mean of the variances),
 *   otherwise each profile gets sqrt(its variance). The estimate replaces all file σ.
 * * `duplicates` when no profile has a repeated x: the file σ are kept and `notice` says so.
 *
 * Pass the profiles that are actually loaded (ChemEx estimates after the command-line
 * `--include/--exclude` selection, so that selection changes a global estimate).
 *
 * @example
 * ```ts
 * const { errors, notice } = estimateErrors("duplicates", profiles, true);
 * errors[0][0]; // e.g. 294.1922982314786 for refdata CPMG_15N_IP 800 MHz
 * ```
 */
export function estimateErrors(
  mode: NoiseMode,
  profiles: ProfileData[],
  globalError: boolean,
  compat: CompatVersion = "2026.09",
): { errors: Float64Array[]; notice?: string } {
  const fileErrors = () => profiles.map((p) => Float64Array.from(p.error));
  if (mode === "file" || profiles.length === 0) return { errors: fileErrors() };
  if (mode === "duplicates" && !profiles.some(hasDuplicates)) {
    return {
      errors: fileErrors(),
      notice: 'error = "duplicates" but no profile has repeated points; ' +
        "the uncertainties from the data files are used instead",
    };
  }
  const variances = profiles.map((p) =>
    mode === "duplicates" ? varianceFromDuplicates(p, compat) : varianceFromScatter(p.intensity)
  );
  const fill = (p: ProfileData, sigma: number) => new Float64Array(p.x.length).fill(sigma);
  let errors: Float64Array[];
  if (globalError) {
    const sigma = Math.sqrt(mean(variances));
    errors = profiles.map((p) => fill(p, sigma));
  } else {
    errors = profiles.map((p, i) => fill(p, Math.sqrt(variances[i])));
  }
  const bad = profiles.filter((_, i) => !Number.isFinite(variances[i]));
  if (bad.length > 0) {
    return {
      errors,
      notice: `error = "${mode}" gave no finite noise estimate for ` +
        `${bad.map((p) => p.file).join(", ")} (too few points?)`,
    };
  }
  return { errors };
}
