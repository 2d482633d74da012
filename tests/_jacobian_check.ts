/**
 * Shared check of the exact Jacobians (`docs/jacobians.md`): a group of profiles with every
 * independent parameter set free, three seeded points around the store's values, and each
 * column of the exact Jacobian against five-point central differences to 1e-6 of the column's
 * norm. Used by the refdata-fixture, every-model and every-type tests.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { createChunkEvaluator, makeChunk } from "../src/fit/chunk.ts";
import { createGroupProblem, type GroupProblem, subStore } from "../src/fit/problem.ts";
import type { StudySpec } from "../src/fit/study.ts";
import type { ParamStore } from "../src/params/store.ts";
import { rng } from "./_models.ts";
import { EXPERIMENT_NAME_LIST } from "../src/experiments/names.ts";

/**
 * Experiment types without exact derivatives (forward differences): every other type gives exact
 * derivatives (`Sequence.jacobian`) and is checked by `fit_jacobian_types_test.ts`, or on the
 * refdata fixtures (see {@link CHECKED_ON_FIXTURES}).
 */
export const DIFFERENCED: ReadonlySet<string> = new Set([]);

/**
 * Types whose exact derivatives are checked on every refdata fixture (`cpmg_jacobian_test.ts`:
 * the intensities against central differences, all 17 CPMG types and setting variants) rather
 * than on a synthetic profile of `fit_jacobian_types_test.ts`.
 */
export const CHECKED_ON_FIXTURES: ReadonlySet<string> = new Set(
  EXPERIMENT_NAME_LIST.filter((name) => name.startsWith("cpmg_")),
);

/**
 * Free every independent parameter the profiles use (kinetic, shifts, rates, …), and untie the
 * plain equalities (e.g. R1_B = R1_A) so that exchange shows in the data and the kinetic
 * columns are not zero; the models' own definitions (PA = 1 − PB, KAB = KEX·PB, model-free
 * rates, …) stay and are differentiated through. With `untie` false, every definition stays
 * (the kinetic models' own ties such as KBA = KOFF are then kept).
 */
export function freeAll(store: ParamStore, ids: string[], untie = true): ParamStore {
  const sub = subStore(store, ids);
  for (const p of sub.values()) {
    if (untie && /^\s*\[[^\]]*\]\s*$/.test(p.expr) && p.min < p.value && p.value < p.max) {
      p.expr = "";
    }
    if (!p.expr) p.vary = true;
  }
  // Keep values inside the bounds and away from zero so the seeded points stay valid.
  for (const p of sub.values()) {
    if (p.expr) continue;
    if (p.value === 0) p.value = Math.min(p.max, Math.max(p.min, 0.05));
  }
  return sub;
}

/**
 * Five-point central differences of the residuals (fourth order), the reference: the step is
 * chosen per column among 1e-3…1e-7·|x| (1e-3…1e-7 at x = 0; shortened near a bound) where two
 * successive steps agree best (the larger step where another pair agrees less than 4× better),
 * since CEST dips are narrow on the ppm scale while relaxation rates want large steps against
 * rounding, and a dissociation constant of 1e-6 M wants steps relative to itself.
 */
export function fivePoint(p: GroupProblem, x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(p.m * n);
  const column = (j: number, h: number) => {
    const at = (k: number) => {
      const xs = x.slice();
      xs[j] = x[j] + k * h;
      return p.residuals(xs);
    };
    const [p1, m1, p2, m2] = [at(1), at(-1), at(2), at(-2)];
    return p1.map((_, i) => (8 * (p1[i] - m1[i]) - (p2[i] - m2[i])) / (12 * h));
  };
  for (let j = 0; j < n; j++) {
    const room = Math.min(x[j] - p.lower[j], p.upper[j] - x[j]) / 2.5;
    const cols = [1e-3, 1e-4, 1e-5, 1e-6, 1e-7].map((r) =>
      column(j, Math.min(r * (x[j] !== 0 ? Math.abs(x[j]) : 1), room))
    );
    // The larger step of two successive ones that agree, unless a smaller pair agrees clearly
    // (4×) better: rounding noise grows as the step shrinks, and two noisy neighbours can agree
    // with each other by chance.
    const gaps = cols.slice(1).map((c, q) => {
      let gap = 0;
      cols[q].forEach((v, i) => gap = Math.max(gap, Math.abs(v - c[i])));
      return gap;
    });
    const least = Math.min(...gaps);
    const best = gaps.findIndex((g) => g <= 4 * least);
    cols[best].forEach((v, i) => out[i * n + j] = v);
  }
  return out;
}

/**
 * Exact Jacobian of the group `picks` (every independent parameter free) against five-point
 * central differences at three seeded points (±10 % around the store's values); throws on a
 * column that differs by more than 1e-6 of its norm. Returns the column count and the worst
 * relative difference.
 *
 * @example
 * ```ts
 * const { columns, worst } = checkExactJacobian(study, store, [0], "cest_15n 2st");
 * ```
 */
export function checkExactJacobian(
  study: StudySpec,
  store: ParamStore,
  picks: number[],
  label: string,
  untie = true,
): { columns: number; worst: number } {
  const sub = freeAll(store, picks.flatMap((k) => study.profiles[k].paramIds), untie);
  const ev = createChunkEvaluator(makeChunk(study, picks));
  const exactP = createGroupProblem(sub, ev, { jacobian: "exact", everyExact: true });
  const refP = createGroupProblem(sub, ev, { jacobian: "forward" });
  const n = exactP.free.length;
  let worst = 0;
  for (const seed of [1, 2, 3]) {
    const u = rng(seed * 7919);
    const x = exactP.x0.map((v, j) => {
      const w = v * (1 + 0.1 * (2 * u() - 1));
      return Math.min(exactP.upper[j], Math.max(exactP.lower[j], w));
    });
    const f = exactP.residuals(x);
    const je = exactP.jacobian(x, f);
    const jc = fivePoint(refP, x);
    // A column that is zero or nearly so (kex when nothing exchanges observably, a ¹H shift
    // seen through decoupling, a dissociation constant far from the concentrations) holds
    // mostly the reference's rounding noise: a column below 1e-2 of the strongest is held to
    // 1e-8 of the strongest instead, the strongest taken both as it is and at the scale of the
    // parameters (|x_j|·column: a dissociation constant of 1e-6 M has large entries that
    // change the residuals little, a shift of 120 ppm the reverse).
    const norms = new Float64Array(n);
    const diffs = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < exactP.m; i++) {
        norms[j] = Math.max(norms[j], Math.abs(jc[i * n + j]));
        diffs[j] = Math.max(diffs[j], Math.abs(je[i * n + j] - jc[i * n + j]));
      }
    }
    const scale = (j: number) => x[j] !== 0 ? Math.abs(x[j]) : 1;
    let strongest = 0;
    let largest = 0;
    for (let j = 0; j < n; j++) {
      strongest = Math.max(strongest, norms[j] * scale(j));
      largest = Math.max(largest, norms[j]);
    }
    for (let j = 0; j < n; j++) {
      const norm = norms[j];
      const diff = diffs[j];
      const floor = 1e-2 * Math.max(largest, strongest / scale(j));
      // Identical columns agree (also where every column is zero: a profile without signal).
      const rel = diff === 0 ? 0 : diff / Math.max(norm, floor);
      worst = Math.max(worst, rel);
      assert.ok(
        rel <= 1e-6,
        `${label} seed ${seed} ${exactP.freeIds[j]}: exact vs central differ by ${rel}`,
      );
    }
  }
  return { columns: n, worst };
}
