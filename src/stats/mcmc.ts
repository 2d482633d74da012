/**
 * MCMC posterior sampling of a fitted step: log-posterior −χ²/2 with uniform priors inside the
 * parameters' (finite) bounds, sampled with the affine-invariant ensemble sampler of Goodman &
 * Weare (the "stretch move", as emcee). Burn-in can be chosen from the integrated
 * autocorrelation time (2·max τ, as ChemEx), which is estimated like emcee's `integrated_time`
 * (walker-averaged autocorrelation, automatic window c = 5, reliable when the chain is longer
 * than 50 τ).
 *
 * Each half-ensemble update draws all its random numbers before evaluating the proposals, and
 * the proposals of a half are evaluated as one batch (`logProb(points)`), so a worker pool may
 * evaluate them in parallel without changing the chain.
 *
 * @module
 */
import { type Chunk, createChunkEvaluator } from "../fit/chunk.ts";
import { createGroupProblem } from "../fit/problem.ts";
import type { McmcSettings } from "../config/method.ts";
import type { Param, ParamStore } from "../params/store.ts";
import { nextAfter } from "../math/float.ts";
import {
  parseSeed,
  type RandomGenerator,
  standardNormals,
  STREAM,
  streamRng,
  uniform,
} from "../math/random.ts";

/** Log-density of a batch of points (−Infinity outside the support). */
export type BatchLogProb = (points: readonly Float64Array[]) => Float64Array;

/** Options of {@link sampleEnsemble}. */
export interface EnsembleOptions {
  steps: number;
  /** Stretch scale a (default 2). */
  a?: number;
  /** Called after every step with the number of steps done. */
  onStep?: (done: number) => void;
}

/** Raw output of the sampler. */
export interface EnsembleResult {
  walkers: number;
  ndim: number;
  steps: number;
  /** Positions, step-major: chain[(s·walkers + w)·ndim + d]. */
  chain: Float64Array;
  /** Log-density of each stored position: lnprob[s·walkers + w]. */
  lnprob: Float64Array;
  /** Accepted moves of each walker. */
  accepted: Int32Array;
}

/**
 * Run the stretch-move ensemble sampler from the given walker positions.
 *
 * @example
 * ```ts
 * const lp: BatchLogProb = (ps) => Float64Array.from(ps, (p) => -0.5 * p[0] * p[0]);
 * const init = Array.from({ length: 8 }, (_, k) => Float64Array.of(0.01 * k));
 * const res = sampleEnsemble(lp, init, streamRng(1n), { steps: 1000 });
 * ```
 */
export function sampleEnsemble(
  logProb: BatchLogProb,
  init: readonly Float64Array[],
  rng: RandomGenerator,
  opts: EnsembleOptions,
): EnsembleResult {
  const walkers = init.length;
  const ndim = init[0].length;
  const a = opts.a ?? 2;
  if (walkers < 2) throw new Error("the ensemble sampler needs at least 2 walkers");
  const pos = init.map((p) => Float64Array.from(p));
  const lp = Float64Array.from(logProb(pos));
  const chain = new Float64Array(opts.steps * walkers * ndim);
  const lnprob = new Float64Array(opts.steps * walkers);
  const accepted = new Int32Array(walkers);
  const half = Math.floor(walkers / 2);
  const halves = [
    Array.from({ length: half }, (_, k) => k),
    Array.from({ length: walkers - half }, (_, k) => half + k),
  ];
  for (let s = 0; s < opts.steps; s++) {
    for (let h = 0; h < 2; h++) {
      const active = halves[h];
      const other = halves[1 - h];
      const z = new Float64Array(active.length);
      const logU = new Float64Array(active.length);
      const proposals = active.map((j, k) => {
        const c = pos[other[Math.min(other.length - 1, Math.floor(uniform(rng) * other.length))]];
        const u = uniform(rng);
        z[k] = ((a - 1) * u + 1) ** 2 / a;
        logU[k] = Math.log(uniform(rng));
        const y = new Float64Array(ndim);
        for (let d = 0; d < ndim; d++) y[d] = c[d] + z[k] * (pos[j][d] - c[d]);
        return y;
      });
      const lpNew = logProb(proposals);
      active.forEach((j, k) => {
        const diff = (ndim - 1) * Math.log(z[k]) + lpNew[k] - lp[j];
        const ok = lpNew[k] > -Infinity && (lp[j] === -Infinity || diff > logU[k]);
        if (ok) {
          pos[j] = proposals[k];
          lp[j] = lpNew[k];
          accepted[j]++;
        }
      });
    }
    for (let w = 0; w < walkers; w++) {
      chain.set(pos[w], (s * walkers + w) * ndim);
      lnprob[s * walkers + w] = lp[w];
    }
    opts.onStep?.(s + 1);
  }
  return { walkers, ndim, steps: opts.steps, chain, lnprob, accepted };
}

/** In-place radix-2 complex FFT (length a power of two); inverse when `inverse`. */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (inverse ? 2 : -2) * Math.PI / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const ur = re[i + k];
        const ui = im[i + k];
        const vr = re[i + k + len / 2] * wr - im[i + k + len / 2] * wi;
        const vi = re[i + k + len / 2] * wi + im[i + k + len / 2] * wr;
        re[i + k] = ur + vr;
        im[i + k] = ui + vi;
        re[i + k + len / 2] = ur - vr;
        im[i + k + len / 2] = ui - vi;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[i] /= n;
      im[i] /= n;
    }
  }
}

/**
 * Normalized autocorrelation function of a series (FFT, zero-padded to twice the next power
 * of two, as emcee's `function_1d`).
 *
 * @example
 * ```ts
 * autocorrelation(Float64Array.of(1, 2, 1, 2))[0]; // 1
 * ```
 */
export function autocorrelation(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  let size = 1;
  while (size < n) size <<= 1;
  size *= 2;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < n; i++) re[i] = x[i] - mean;
  fft(re, im, false);
  for (let i = 0; i < size; i++) {
    re[i] = re[i] * re[i] + im[i] * im[i];
    im[i] = 0;
  }
  fft(re, im, true);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = re[i] / re[0];
  return out;
}

/** Integrated autocorrelation time per dimension and whether it is reliable. */
export interface AutocorrelationTime {
  tau: Float64Array;
  /** The chain is longer than `tol`·τ for every dimension. */
  reliable: boolean;
}

/**
 * Integrated autocorrelation time of an ensemble chain (emcee's `integrated_time` with
 * c = 5, tol = 50): walker-averaged autocorrelation, τ(M) = 2·Σ_{t≤M} ρ(t) − 1 at the first
 * window M ≥ c·τ(M).
 *
 * @example
 * ```ts
 * const { tau, reliable } = integratedTime(res.chain, res.steps, res.walkers, res.ndim);
 * ```
 */
export function integratedTime(
  chain: Float64Array,
  steps: number,
  walkers: number,
  ndim: number,
  c = 5,
  tol = 50,
): AutocorrelationTime {
  const tau = new Float64Array(ndim);
  let reliable = true;
  const series = new Float64Array(steps);
  for (let d = 0; d < ndim; d++) {
    const f = new Float64Array(steps);
    for (let w = 0; w < walkers; w++) {
      for (let s = 0; s < steps; s++) series[s] = chain[(s * walkers + w) * ndim + d];
      const acf = autocorrelation(series);
      for (let s = 0; s < steps; s++) f[s] += acf[s] / walkers;
    }
    let cum = 0;
    let window = steps - 1;
    let est = NaN;
    for (let m = 0; m < steps; m++) {
      cum += f[m];
      const t = 2 * cum - 1;
      if (m >= c * t) {
        window = m;
        est = t;
        break;
      }
      if (m === window) est = t;
    }
    tau[d] = est;
    if (!(Number.isFinite(est) && tol * est <= steps)) reliable = false;
  }
  return { tau, reliable };
}

/** Burn-in decision. */
export interface BurnDecision {
  discard: number;
  warning?: string;
}

/**
 * Steps to discard: the requested number, or for `"auto"` ⌈2·max τ⌉ (none when τ is unusable or
 * the estimate is longer than the chain), as ChemEx decides.
 *
 * @example
 * ```ts
 * resolveBurn("auto", 1000, { tau: Float64Array.of(12.2), reliable: true }); // { discard: 25 }
 * ```
 */
export function resolveBurn(
  burn: "auto" | number,
  steps: number,
  time: AutocorrelationTime,
): BurnDecision {
  if (burn !== "auto") return { discard: burn };
  const maxTau = Math.max(...time.tau);
  if (!Number.isFinite(maxTau) || maxTau <= 0) {
    return {
      discard: 0,
      warning: "autocorrelation time unavailable; automatic burn-in was not applied",
    };
  }
  const discard = Math.ceil(2 * maxTau);
  if (discard >= steps) {
    return {
      discard: 0,
      warning: "estimated automatic burn-in is longer than the chain; not applied",
    };
  }
  if (!time.reliable) {
    return {
      discard,
      warning: "autocorrelation time estimate is unreliable (chain shorter than 50 τ); " +
        "tentative automatic burn-in was applied",
    };
  }
  return { discard };
}

/** A step's MCMC run: plain data, so it can be sent to a worker. */
export interface McmcTask {
  chunk: Chunk;
  /** Parameters at their best-fit values with the step's status. */
  params: Param[];
  settings: McmcSettings;
  /** Unsigned 64-bit seed as a decimal string (the method's SEED, else the run's root seed). */
  seed: string;
}

/** Result of {@link runMcmc}. */
export interface McmcResult {
  /** Sampled (free) parameter ids, coordinate order. */
  ids: string[];
  lower: Float64Array;
  upper: Float64Array;
  walkers: number;
  steps: number;
  thin: number;
  discard: number;
  burnWarning?: string;
  time: AutocorrelationTime;
  /** Retained samples, row-major (sample, parameter). */
  samples: Float64Array;
  lnprob: Float64Array;
  sampleCount: number;
  retainedSteps: number;
  acceptance: Float64Array;
}

/**
 * Starting walkers: the best fit jittered by max(|x|·1e-4, (upper − lower)·1e-4, 1e-8) normal
 * noise, kept strictly inside the bounds (ChemEx's accepted-point initialization).
 */
function initialWalkers(
  x0: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  walkers: number,
  rng: RandomGenerator,
): Float64Array[] {
  return Array.from({ length: walkers }, () => {
    const z = standardNormals(rng, x0.length);
    return Float64Array.from(x0, (c, d) => {
      const scale = Math.max(Math.abs(c) * 1e-4, (upper[d] - lower[d]) * 1e-4, 1e-8);
      const v = c + z[d] * scale;
      return Math.min(nextAfter(upper[d], lower[d]), Math.max(nextAfter(lower[d], upper[d]), v));
    });
  });
}

/**
 * Sample the posterior of a fitted step's free parameters. Throws a clear error when a free
 * parameter has an infinite bound or the walker count is below 2·(free parameters).
 *
 * @example
 * ```ts
 * const result = runMcmc({ chunk, params, settings: { steps: 2000, burn: "auto", thin: 1 }, seed: "0" });
 * ```
 */
export function runMcmc(task: McmcTask, onStep?: (done: number) => void): McmcResult {
  const store: ParamStore = new Map(task.params.map((p) => [p.id, { ...p }]));
  const problem = createGroupProblem(store, createChunkEvaluator(task.chunk));
  const ids = [...problem.freeIds];
  const ndim = ids.length;
  if (ndim === 0) throw new Error("MCMC: the step has no free parameter to sample");
  const unbounded = ids.filter((_id, j) =>
    !Number.isFinite(problem.lower[j]) || !Number.isFinite(problem.upper[j])
  );
  if (unbounded.length > 0) {
    throw new Error(
      `MCMC needs finite bounds (the uniform prior) on every free parameter; set [min, max] ` +
        `in a parameter file for: ${unbounded.join("; ")}`,
    );
  }
  const walkers = task.settings.walkers ?? Math.max(32, 2 * ndim);
  if (walkers < 2 * ndim) {
    throw new Error(
      `MCMC: WALKERS = ${walkers} is too small for ${ndim} free parameters (at least ${2 * ndim})`,
    );
  }
  const seed = parseSeed(task.seed);
  const init = initialWalkers(
    problem.x0,
    problem.lower,
    problem.upper,
    walkers,
    streamRng(seed, STREAM.mcmc, 0),
  );
  const logProb: BatchLogProb = (points) =>
    Float64Array.from(points, (x) => {
      for (let d = 0; d < ndim; d++) {
        if (!(x[d] >= problem.lower[d] && x[d] <= problem.upper[d])) return -Infinity;
      }
      const r = problem.residuals(x);
      let chi2 = 0;
      for (const v of r) chi2 += v * v;
      return Number.isFinite(chi2) ? -0.5 * chi2 : -Infinity;
    });
  const steps = task.settings.steps;
  const res = sampleEnsemble(logProb, init, streamRng(seed, STREAM.mcmc, 1), { steps, onStep });
  const time = integratedTime(res.chain, steps, walkers, ndim);
  const burn = resolveBurn(task.settings.burn, steps, time);
  const thin = task.settings.thin;
  const kept: number[] = [];
  for (let s = burn.discard; s < steps; s += thin) kept.push(s);
  const samples = new Float64Array(kept.length * walkers * ndim);
  const lnprob = new Float64Array(kept.length * walkers);
  kept.forEach((s, i) => {
    samples.set(
      res.chain.subarray(s * walkers * ndim, (s + 1) * walkers * ndim),
      i * walkers * ndim,
    );
    lnprob.set(res.lnprob.subarray(s * walkers, (s + 1) * walkers), i * walkers);
  });
  return {
    ids,
    lower: problem.lower.slice(),
    upper: problem.upper.slice(),
    walkers,
    steps,
    thin,
    discard: burn.discard,
    ...(burn.warning ? { burnWarning: burn.warning } : {}),
    time,
    samples,
    lnprob,
    sampleCount: kept.length * walkers,
    retainedSteps: kept.length,
    acceptance: Float64Array.from(res.accepted, (n) => n / steps),
  };
}
