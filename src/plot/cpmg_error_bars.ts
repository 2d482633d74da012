/**
 * ChemEx's CPMG error bars (chemex-compat 8.4): 10 000 draws z, z0 shared by all points of a
 * profile (I + σ·z, Ī0 + σ0·z0), the 15.9th and 84.1st percentiles of (sampled − nominal) R2,eff.
 * They depend on the data and the seed only, not on the fit, so {@link CpmgErrorBars} keeps them
 * for the run: the later steps of a method (the methyl example plots 84 profiles over 3 steps, 32
 * of them distinct) reuse them instead of drawing 20 000 normals and sorting 10 000 samples per
 * point again.
 *
 * @module
 */
import { createRng, standardNormals } from "../math/random.ts";

const ERROR_SAMPLES = 10_000;
/** ChemEx parks infinite sampled rates here because percentiles cannot take infinity. */
const INFINITE_RATE_STANDIN = 1e16;
const LARGE_ERROR = 1e15;

/**
 * Rearrange a[left..right] so that a[k] is the value of rank k there, smaller ones before it and
 * larger ones after (Floyd–Rivest selection: a sampled pivot range first, then partitions; about
 * half the work of median-of-three quickselect on 10 000 draws). NaN-free input only.
 */
function selectInPlace(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      // Narrow to a window that holds rank k with high probability, select there first.
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      selectInPlace(a, k, newLeft, newRight);
    }
    const store = partition(a, k, left, right);
    if (store === k) return;
    if (store > k) {
      right = store - 1;
    } else if (store > left) {
      left = store + 1;
    } else {
      // Nothing below the pivot: it may have copies (equal draws, e.g. a point with no error),
      // which gather next to it, and rank k may be one of them; otherwise a run of equal values
      // would shrink by one per pass.
      const run = gatherEqual(a, store, right);
      if (k < run) return;
      left = run;
    }
  }
}

/**
 * Lomuto partition of a[left..right] around a[k]; returns the pivot's final index. It is a
 * function of its own, not a loop inside `selectInPlace`'s: V8 compiled that inner loop on its
 * own (on-stack replacement) and threw the code away at every exit from it, about 400 times in a
 * run of the methyl example, each time going back to the interpreter.
 *
 * No branch on the comparison: every element is swapped and the boundary moves by the
 * comparison's 0 or 1. On random draws half the comparisons of a branching partition are
 * mispredicted, which cost more than the swaps: 10.8 µs for 10 000 draws against 61 µs written
 * as `v < pivot ? 1 : 0`, which V8 compiles to a branch, and 65 µs for the Hoare partition this
 * replaced (V8 15, pinned, varied data).
 */
function partition(a: Float64Array, k: number, left: number, right: number): number {
  const pivot = a[k];
  a[k] = a[right];
  a[right] = pivot;
  let store = left;
  for (let i = left; i < right; i++) {
    const v = a[i];
    a[i] = a[store];
    a[store] = v;
    store += Number(v < pivot);
  }
  a[right] = a[store];
  a[store] = pivot;
  return store;
}

/** Move the copies of the pivot a[store] in a[store+1..right] next to it; returns the index
 * after the last copy. */
function gatherEqual(a: Float64Array, store: number, right: number): number {
  const pivot = a[store];
  let run = store + 1;
  for (let i = store + 1; i <= right; i++) {
    const v = a[i];
    a[i] = a[run];
    a[run] = v;
    run += Number(v === pivot);
  }
  return run;
}

/** Index of `percent` in a sorted array of length n (numpy's "linear" method) and its rank in
 * the reversed order a decreasing map gives. */
function percentileRank(
  n: number,
  percent: number,
): { index: number; below: number; rank: number } {
  const index = (percent / 100) * (n - 1);
  const below = Math.floor(index);
  return { index, below, rank: n - 1 - below };
}

/**
 * The two percentiles of every bar, for the fixed number of draws: computed once. (Per call, the
 * object and the closures that mapped a ratio to a rate left the sampling functions without type
 * feedback where the optimising compilers met them, and V8 threw their code away dozens of times
 * in a run: about 50 ms of the methyl example's plots.)
 */
const LOW = percentileRank(ERROR_SAMPLES, 15.9);
const HIGH = percentileRank(ERROR_SAMPLES, 84.1);

/** (Sampled − nominal) rate of a sampled I/Ī0, with ChemEx's stand-in for an infinite rate. */
function shift(ratio: number, t2: number, r2Exp: number): number {
  const r = rate(ratio, 1, t2);
  return (r === Infinity ? INFINITE_RATE_STANDIN : r) - r2Exp;
}

/**
 * numpy's default ("linear") percentile (`at`: index, the index below it and its rank in the
 * reversed order) of the rate shift of the sampled ratios, lerp rounding included. The rate is
 * a decreasing function of the ratio, so selecting two order statistics of the raw ratios and
 * mapping only those gives the same result as mapping everything and sorting (values must be
 * NaN-free). Values at or below index `right` must already hold the ranks up to `right` (a
 * previous selection of a higher rank leaves them so), which lets the second percentile of a pair
 * select in the lower part only.
 */
function percentileOfShift(
  values: Float64Array,
  at: { index: number; below: number; rank: number },
  right: number,
  t2: number,
  r2Exp: number,
): number {
  const rank = at.rank;
  selectInPlace(values, rank, 0, right);
  const a = shift(values[rank], t2, r2Exp);
  let b = a;
  if (rank > 0) {
    let next = -Infinity;
    for (let i = 0; i < rank; i++) if (values[i] > next) next = values[i];
    b = shift(next, t2, r2Exp);
  }
  const t = at.index - at.below;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** An error-bar distance as ChemEx writes it: beyond 1e15 it is infinite. */
function bound(e: number): number {
  return Math.abs(e > LARGE_ERROR ? Infinity : e);
}

/**
 * samples[k] = (I + σ·z[k])/(Ī0 + σ0·z0[k]), the I/Ī0 draws (the rate is a decreasing function of
 * them, see {@link percentileOfShift}); false when one is NaN. A function of its own: V8 compiles
 * the first call's long loop on the stack, and code after such a loop in the same function has
 * no type feedback yet, so each later call left that code for the interpreter (in a methyl run,
 * every point's two selections ran unoptimised).
 */
function sampleRatios(
  intensity: number,
  sigma: number,
  z: Float64Array,
  i0Samples: Float64Array,
  samples: Float64Array,
): boolean {
  let sawNaN = false;
  for (let k = 0; k < samples.length; k++) {
    const ratio = (intensity + sigma * z[k]) / i0Samples[k];
    samples[k] = ratio;
    if (ratio !== ratio) sawNaN = true;
  }
  return !sawNaN;
}

/**
 * Distances below and above `r2Exp` of the 15.9th and 84.1st percentiles of the rate of sampled
 * I/Ī0 = (I + σ·z)/(Ī0 + σ0·z0) (`samples` is scratch space of the draws' length), written to
 * out[at], out[at + 1].
 */
function errorBar(
  intensity: number,
  sigma: number,
  r2Exp: number,
  t2: number,
  z: Float64Array,
  i0Samples: Float64Array,
  samples: Float64Array,
  out: Float64Array,
  at: number,
): void {
  // numpy's percentile propagates NaN.
  if (!sampleRatios(intensity, sigma, z, i0Samples, samples)) {
    out[at] = NaN;
    out[at + 1] = NaN;
    return;
  }
  // 15.9 % of the rate is the higher rank of the ratio: select it first, then 84.1 % below it.
  const n = samples.length;
  const low = percentileOfShift(samples, LOW, n - 1, t2, r2Exp);
  const right = HIGH.rank < LOW.rank ? LOW.rank - 1 : n - 1;
  const up = percentileOfShift(samples, HIGH, right, t2, r2Exp);
  out[at] = bound(low);
  out[at + 1] = bound(up);
}

/**
 * R2,eff = −ln(I/Ī0)/T; Infinity where I/Ī0 ≤ 0, NaN for a NaN ratio.
 *
 * @example
 * ```ts
 * rate(700, 1000, 0.04); // -ln(0.7)/0.04 ≈ 8.917
 * ```
 */
export function rate(intensity: number, intensity0: number, timeT2S: number): number {
  const ratio = intensity / intensity0;
  return ratio > 0 ? -Math.log(ratio) / timeT2S : ratio <= 0 ? Infinity : NaN;
}

/** The data the bars of one profile were drawn from, to tell a reused entry is still valid. */
interface Entry {
  name: string;
  timeT2S: number;
  ncyc: Float64Array;
  exp: Float64Array;
  err: Float64Array;
  bars: Float64Array;
}

function same(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * Error bars of CPMG profiles, kept for one run: the same profile data and seed give the same
 * bars, so a later step gets them without sampling. Create one per run (never shared between
 * runs or studies); an entry whose data differ is drawn again.
 *
 * @example
 * ```ts
 * const cache = new CpmgErrorBars();
 * const first = cpmgPlotData(input, 7, cache); // draws
 * const again = cpmgPlotData(input, 7, cache); // same bars, no draws
 * ```
 */
export class CpmgErrorBars {
  #entries = new Map<number, Entry>();

  /**
   * Lower and upper distance of each of `rows` (indices of non-reference points, in order) as
   * pairs [low0, high0, low1, high1, …]; `ref` is the mean reference intensity and error.
   */
  of(
    input: {
      name: string;
      timeT2S: number;
      ncyc: Float64Array;
      exp: Float64Array;
      err: Float64Array;
    },
    rows: number[],
    ref: { i0: number; sigma0: number },
    seed: number,
  ): Float64Array {
    const hit = this.#entries.get(seed);
    if (
      hit && hit.name === input.name && hit.timeT2S === input.timeT2S &&
      same(hit.ncyc, input.ncyc) && same(hit.exp, input.exp) && same(hit.err, input.err)
    ) return hit.bars;
    const bars = drawErrorBars(input, rows, ref, seed);
    this.#entries.set(seed, {
      name: input.name,
      timeT2S: input.timeT2S,
      ncyc: input.ncyc.slice(),
      exp: input.exp.slice(),
      err: input.err.slice(),
      bars,
    });
    return bars;
  }
}

/** Draw the error bars of one profile's `rows` (see {@link CpmgErrorBars.of}). */
function drawErrorBars(
  input: { timeT2S: number; exp: Float64Array; err: Float64Array },
  rows: number[],
  ref: { i0: number; sigma0: number },
  seed: number,
): Float64Array {
  const t2 = input.timeT2S;
  const rng = createRng(seed);
  const z = standardNormals(rng, ERROR_SAMPLES);
  const z0 = standardNormals(rng, ERROR_SAMPLES);
  // Mean over references of (I0_j + σ0_j·z0) equals Ī0 + mean(σ0)·z0: one number per draw.
  const i0Samples = z0.map((v) => ref.i0 + ref.sigma0 * v);
  const samples = new Float64Array(ERROR_SAMPLES);
  const bars = new Float64Array(2 * rows.length);
  // The sampling loop lives in its own function (errorBar), out of the loop that builds the
  // point objects: with both in one callback, Maglev (V8 15.0, Deno 2.9) entering the hot
  // sampling loop by on-stack replacement sometimes gave the first rows a later row's values
  // (the "duplicated plot rows" of issue 14).
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    const r2Exp = rate(input.exp[i], ref.i0, t2);
    errorBar(input.exp[i], input.err[i], r2Exp, t2, z, i0Samples, samples, bars, 2 * k);
  }
  return bars;
}
