/**
 * Basin search of one group fit: plan seeded starting points within the bounds, and pick the
 * best of the refits. Starts are the fitted point with every Δω's sign flipped (each alone, then
 * all), then a seeded Latin hypercube over the exchange parameters — Δω magnitudes and signs,
 * exchange rates and populations in log space — and the model-free ones (`.mf`: correlation times
 * in log space, order parameters), with the other parameters (relaxation rates, shifts, …) at the
 * plain fit's starting values. The model-free ones are sampled because their relaxation rates have
 * two branches: R1 passes through a maximum as τc grows, so a slower τc with a smaller S² can fit
 * R1 and R2 almost as well as a faster one (CEST_15N_TR's D35: τc 2.4 ns and S² 0.71, or 0.92 ns
 * and S² 1). Every start is a pure function of (root seed, step, group), so refits can run
 * anywhere (in process, on workers, on HTTP functions) and the choice is the same; ties go to the
 * earlier start, the plain fit being start 0.
 *
 * Planning and choosing live here (no I/O); fanning the refits out is the caller's job
 * (`step.ts` in process, `workflows/steps.ts` on an executor).
 *
 * @module
 */
import { STREAM, streamRng, uniform } from "../math/random.ts";
import { type BasinRole, basinRole, type BasinTrigger } from "./diagnostics.ts";

/** Starts tried when a trigger fires and no count was asked for. */
export const DEFAULT_BASIN_STARTS = 6;

/** A free parameter as the planner sees it. */
export interface BasinParam {
  id: string;
  /** Fitted value (the plain fit's end point). */
  value: number;
  /** Value the plain fit started from (the user's guess). */
  start: number;
  min: number;
  max: number;
}

/** Ranges sampled for each role (in log space but the order parameter's), clipped to the bounds. */
const RANGES: Record<Exclude<BasinRole, "other">, [number, number]> = {
  dw: [0.02, 5],
  rate: [20, 2e4],
  population: [0.003, 0.3],
  // ns: small molecules to large complexes.
  tauc: [0.3, 100],
  // Below 0.2 a residue hardly relaxes through its overall tumbling.
  order: [0.2, 1],
};

/**
 * Starting points of a basin search (free parameter values, in `params` order): Δω sign flips of
 * the fitted point first, then space-filling samples of the exchange and model-free parameters
 * with the other parameters at their starting values, `count` in all.
 *
 * @example
 * ```ts
 * const starts = planBasinStarts(params, 6, 0n, 2, 5);
 * ```
 */
export function planBasinStarts(
  params: readonly BasinParam[],
  count: number,
  rootSeed: bigint,
  step: number,
  group: number,
): Float64Array[] {
  const fitted = Float64Array.from(params, (p) => p.value);
  const roles = params.map((p) => basinRole(p.id));
  const dws = roles.flatMap((r, j) => r === "dw" ? [j] : []);
  const starts: Float64Array[] = [];
  const push = (x: Float64Array) => {
    if (starts.length < count) starts.push(clip(x, params));
  };
  const flip = (js: number[]) => {
    const x = fitted.slice();
    for (const j of js) x[j] = -x[j];
    return x;
  };
  // Sign flips only mean something away from 0 (a Δω at 0 is sampled below instead).
  const signed = dws.filter((j) => Math.abs(fitted[j]) > 1e-3);
  for (const j of signed) push(flip([j]));
  if (signed.length > 1) push(flip(signed));
  const varied = roles.flatMap((r, j) => r === "other" ? [] : [j]);
  const left = count - starts.length;
  if (left <= 0 || varied.length === 0) return starts;
  // Samples start the other parameters (relaxation rates, …) from the user's guesses: a plain fit
  // stuck in a wrong basin often took them to absurd values.
  const initial = Float64Array.from(params, (p) => p.start);
  const rng = streamRng(rootSeed, STREAM.basins, step, group);
  // Latin hypercube: each varied parameter gets one sample per stratum, strata shuffled.
  const strata = varied.map(() => shuffled(left, () => uniform(rng)));
  for (let k = 0; k < left; k++) {
    const x = initial.slice();
    varied.forEach((j, v) => {
      const u = (strata[v][k] + uniform(rng)) / left;
      const role = roles[j] as Exclude<BasinRole, "other">;
      const [lo, hi] = logRange(RANGES[role], params[j]);
      const mag = role === "order"
        ? lo + u * (hi - lo)
        : Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
      // Δω: alternate signs across samples, starting from the opposite of the fitted sign.
      const sign = role === "dw" ? (k % 2 === 0 ? -1 : 1) * (fitted[j] < 0 ? -1 : 1) : 1;
      x[j] = sign * mag;
    });
    push(x);
  }
  return starts;
}

function logRange(range: [number, number], p: BasinParam): [number, number] {
  const bound = Math.max(Math.abs(p.min), Math.abs(p.max));
  const hiBound = Number.isFinite(bound) ? Math.min(range[1], bound) : range[1];
  const lo = Math.max(range[0], p.min > 0 ? p.min : 0);
  const hi = Math.max(lo, hiBound);
  return [lo, hi];
}

function clip(x: Float64Array, params: readonly BasinParam[]): Float64Array {
  return x.map((v, j) => Math.min(params[j].max, Math.max(params[j].min, v)));
}

/** 0..n-1 in a seeded random order (Fisher–Yates). */
function shuffled(n: number, rand: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(rand() * (i + 1)));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** One refit's outcome as the chooser needs it. */
export interface BasinCandidate {
  /** Σ r² at its end point (NaN or Infinity when the refit failed). */
  chisqr: number;
  /** Free parameter values at its end point (`params` order). */
  values: Float64Array;
  /**
   * Standard errors at its end point (`params` order; NaN where there is none), when the refit
   * computed them: end points within {@link SAME_BASIN_SIGMAS} of them are one basin.
   */
  stderr?: Float64Array;
}

/** A distinct end point and the starts that reached it. */
export interface Basin {
  chisqr: number;
  values: number[];
  /** Start indices (0: the plain fit, k: start k of the plan). */
  starts: number[];
}

/** Outcome of a basin search of one group. */
export interface BasinChoice {
  /** Index (into the candidates) of the best end point. */
  best: number;
  /** Distinct basins, best first. */
  basins: Basin[];
  /** Whether the best basin is not the one the plain fit ended in. */
  moved: boolean;
}

/** χ² difference (absolute) below which two end points tie. */
const CHISQR_TIE = 1e-6;

/**
 * Parameter differences, in standard errors of a basin's best end point, within which another end
 * point is the same basin. Fits stop within about 0.003 standard errors of their minimum
 * (docs/fitting.md), but along a nearly flat direction that is a visible distance: four refits
 * of CEST_15N_TR's D35 ended at τc 2.4117 to 2.4184 ns with χ² equal to 3e-5 and were listed as
 * four basins. A tenth of an error is the issue's own measure of parameters that agree; a sign
 * flip of Δω or another genuine basin lies many errors away.
 */
export const SAME_BASIN_SIGMAS = 0.1;

/**
 * The best candidate (lowest χ²; ties to the lower index) and the distinct basins: an end point
 * belongs to a basin when each of its values agrees with the basin's best end point to `rtol`
 * (relative, with an absolute floor of `rtol · 1e-3`) or, where that end point has a standard
 * error, to within {@link SAME_BASIN_SIGMAS} of it.
 *
 * @example
 * ```ts
 * const { best, moved } = chooseBasin([plain, ...refits]);
 * ```
 */
export function chooseBasin(candidates: readonly BasinCandidate[], rtol = 1e-3): BasinChoice {
  const ok = candidates.map((c, i) => ({ c, i })).filter(({ c }) => Number.isFinite(c.chisqr));
  let best = ok.length > 0 ? ok[0].i : 0;
  for (const { c, i } of ok) if (c.chisqr < candidates[best].chisqr - CHISQR_TIE) best = i;
  const order = [...ok].sort((a, b) => a.c.chisqr - b.c.chisqr || a.i - b.i);
  const basins: Basin[] = [];
  // The standard errors of each basin's best end point (the first one met in χ² order).
  const errors: (Float64Array | undefined)[] = [];
  for (const { c, i } of order) {
    const k = basins.findIndex((b, q) => sameBasin(b.values, c.values, rtol, errors[q]));
    if (k >= 0) basins[k].starts.push(i);
    else {
      basins.push({ chisqr: c.chisqr, values: Array.from(c.values), starts: [i] });
      errors.push(c.stderr);
    }
  }
  for (const b of basins) b.starts.sort((a, z) => a - z);
  const home = basins.find((b) => b.starts.includes(0));
  const moved = home !== undefined && !home.starts.includes(best) &&
    candidates[best].chisqr < home.chisqr - CHISQR_TIE;
  return { best, basins, moved };
}

function sameBasin(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rtol: number,
  stderr?: ArrayLike<number>,
): boolean {
  for (let j = 0; j < a.length; j++) {
    const d = Math.abs(a[j] - b[j]);
    const scale = Math.max(Math.abs(a[j]), Math.abs(b[j]));
    if (d <= rtol * scale + rtol * 1e-3) continue;
    const e = stderr?.[j];
    // A missing or non-finite error (undetermined, at a bound) never joins two end points.
    if (e !== undefined && Number.isFinite(e) && e > 0 && d <= SAME_BASIN_SIGMAS * e) continue;
    return false;
  }
  return true;
}

/** A group's basin search, for `Basins/basins.toml` and the console. */
export interface BasinReport {
  /** Profile names of the group. */
  profiles: string[];
  triggers: (BasinTrigger | "asked")[];
  /** Free parameter ids, in the order of every basin's values. */
  ids: string[];
  /** Starting points tried besides the plain fit. */
  starts: number;
  choice: BasinChoice;
}
