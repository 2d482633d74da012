/**
 * `[STEP.SEARCH.DE]` of ChemEx 2026.09.0/.1 (spec §1.8), run: differential evolution
 * (`best1bin`, Latin-hypercube start, deferred updating, population max(5, 15·d), mutation
 * dithered in [0.5, 1), recombination 0.7, tol 0.01) over the listed coordinates only — `log`
 * ones in ln-space — with every other value at its step-start value; the best candidate then
 * seeds the step's normal fit. The random stream is exfit's (xoroshiro128+ from the seed), not
 * NumPy's PCG64, so candidates differ from ChemEx's; the polished optimum is what is compared.
 *
 * @module
 */
import type { ParamStore } from "../params/store.ts";
import { streamRng, uniform } from "../math/random.ts";
import { createChunkEvaluator, makeChunk } from "./chunk.ts";
import { type TimeBudget, withBudget } from "./budget.ts";
import { createGroupProblem } from "./problem.ts";
import { activeFitIds, resolveDeCoordinate } from "./roles.ts";
import type { StudySpec } from "./study.ts";

/** Stream id of DE draws under the step's seed. */
const DE_STREAM = 5;
/** Generations at most (ChemEx: 1000); the tolerance stops the search much earlier in practice. */
const MAX_GENERATIONS = 1000;

/**
 * Minimise `f` over the box [lo, hi] by differential evolution; deterministic for a seed.
 *
 * @example
 * ```ts
 * differentialEvolution((x) => (x[0] - 1) ** 2, [-5], [5], 597n).x[0]; // ≈ 1
 * ```
 */
export function differentialEvolution(
  f: (x: Float64Array) => number,
  lo: readonly number[],
  hi: readonly number[],
  seed: bigint,
): { x: Float64Array; fun: number; generations: number } {
  const d = lo.length;
  const rng = streamRng(seed, DE_STREAM);
  const np = Math.max(5, 15 * d);
  const scale = (u: number, j: number) => lo[j] + u * (hi[j] - lo[j]);
  // Latin hypercube: one point per stratum in each dimension, strata shuffled per dimension.
  const pop: Float64Array[] = Array.from({ length: np }, () => new Float64Array(d));
  for (let j = 0; j < d; j++) {
    const order = Array.from({ length: np }, (_, i) => i);
    for (let i = np - 1; i > 0; i--) {
      const k = Math.floor(uniform(rng) * (i + 1));
      [order[i], order[k]] = [order[k], order[i]];
    }
    for (let i = 0; i < np; i++) pop[i][j] = scale((order[i] + uniform(rng)) / np, j);
  }
  let energy = pop.map((x) => f(x));
  let generations = 0;
  for (; generations < MAX_GENERATIONS; generations++) {
    let best = 0;
    for (let i = 1; i < np; i++) if (energy[i] < energy[best]) best = i;
    const finite = energy.filter(Number.isFinite);
    const mean = finite.reduce((a, b) => a + b, 0) / Math.max(1, finite.length);
    const sd = Math.sqrt(
      finite.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, finite.length),
    );
    if (finite.length === np && sd <= 0.01 * Math.abs(mean)) break;
    const mutation = 0.5 + 0.5 * uniform(rng);
    const trials = pop.map((target, i) => {
      const pick = () => {
        let k;
        do k = Math.floor(uniform(rng) * np); while (k === i);
        return k;
      };
      const r1 = pick();
      let r2 = pick();
      while (r2 === r1) r2 = pick();
      const fill = Math.floor(uniform(rng) * d);
      const trial = target.slice();
      for (let j = 0; j < d; j++) {
        if (j === fill || uniform(rng) < 0.7) {
          let v = pop[best][j] + mutation * (pop[r1][j] - pop[r2][j]);
          if (v < lo[j] || v > hi[j]) v = scale(uniform(rng), j);
          trial[j] = v;
        }
      }
      return trial;
    });
    const trialEnergy = trials.map((x) => f(x));
    const next = pop.map((x, i) => trialEnergy[i] <= energy[i] ? trials[i] : x);
    energy = energy.map((e, i) => Math.min(e, trialEnergy[i]));
    pop.splice(0, np, ...next);
  }
  let best = 0;
  for (let i = 1; i < np; i++) if (energy[i] < energy[best]) best = i;
  return { x: pop[best], fun: energy[best], generations };
}

/**
 * Run a step's DE on the store (its best candidate becomes the start values); returns notices.
 *
 * @example
 * ```ts
 * runDe(study, store, { seed: "597", coordinates: ["[PB] = log(0.001, 0.2)"] }, selected);
 * ```
 */
export function runDe(
  study: StudySpec,
  store: ParamStore,
  spec: { seed: string; coordinates: readonly string[] },
  selected: readonly boolean[],
  budget?: TimeBudget,
): string[] {
  const active = activeFitIds(store, study, selected);
  const coords = spec.coordinates.map((c) => resolveDeCoordinate(store, c, active));
  const chosen = selected.map((s, k) => s ? k : -1).filter((k) => k >= 0);
  // Only the coordinates vary; a scratch store keeps the step's roles untouched.
  const scratch: ParamStore = new Map(
    [...store.values()].map((p) => [p.id, { ...p, vary: false }]),
  );
  for (const c of coords) scratch.get(c.id)!.vary = true;
  const problem = createGroupProblem(
    scratch,
    withBudget(createChunkEvaluator(makeChunk(study, chosen)), budget),
  );
  const order = coords.map((c) => problem.freeIds.indexOf(c.id));
  const x = new Float64Array(coords.length);
  const chi2 = (u: Float64Array) => {
    coords.forEach((c, j) => x[order[j]] = c.log ? Math.exp(u[j]) : u[j]);
    let s = 0;
    for (const r of problem.residuals(x)) s += r * r;
    return Number.isFinite(s) ? s : Infinity;
  };
  const lo = coords.map((c) => c.log ? Math.log(c.low) : c.low);
  const hi = coords.map((c) => c.log ? Math.log(c.high) : c.high);
  const res = differentialEvolution(chi2, lo, hi, BigInt(spec.seed));
  if (!Number.isFinite(res.fun)) {
    throw new Error("SEARCH.DE found no candidate with a finite χ²; the step fails");
  }
  coords.forEach((c, j) => store.get(c.id)!.value = c.log ? Math.exp(res.x[j]) : res.x[j]);
  return [
    `DE: χ² ${res.fun.toPrecision(6)} after ${res.generations} generations over ` +
    `${coords.length} coordinates; the step's fit starts there`,
  ];
}
