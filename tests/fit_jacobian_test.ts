/**
 * Exact Jacobians against central differences, table-driven over the refdata simulate fixtures
 * (every experiment type with an example, and the kinetic models they use): for each fixture,
 * a group of up to two profiles with every independent parameter they use set free, at three
 * seeded points around the fixture's values; each column of the exact Jacobian must agree with
 * central differences to 1e-6 of the column's norm. Experiment types whose derivatives are not
 * exact yet (they fall back to forward differences) are listed and must not claim exactness.
 */
import { strict as assert } from "node:assert";
import { createChunkEvaluator, makeChunk } from "../src/fit/chunk.ts";
import { createGroupProblem, type GroupProblem, subStore } from "../src/fit/problem.ts";
import { createCalculator } from "../src/fit/evaluate.ts";
import type { ParamStore } from "../src/params/store.ts";
import { REFDATA, refdataTest } from "./_refdata.ts";
import { loadReferenceStudy } from "./_reference_study.ts";
import { EXPERIMENTS } from "../src/experiments/registry.ts";

/** Experiment types whose sequences give exact derivatives (the others are differenced). */
const EXACT = new Set([
  "relaxation_nz",
  "relaxation_hznz",
  "cest_15n",
  "cest_13c",
  "cest_15n_cw",
  "cest_15n_test",
  "cest_15n_tr",
  "cest_1hn_ap",
  "shift_15n_sqmq",
  "shift_15n_sq",
  "shift_13c_sq",
]);

/** A small seeded generator (mulberry32) for the test points. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const loadFixture = loadReferenceStudy;

/**
 * Free every independent parameter the profiles use (kinetic, shifts, rates, …), and untie the
 * plain equalities (e.g. R1_B = R1_A) so that exchange shows in the data and the kinetic
 * columns are not zero; the models' own definitions (PA = 1 − PB, KAB = KEX·PB, model-free
 * rates, …) stay and are differentiated through.
 */
function freeAll(store: ParamStore, ids: string[]): ParamStore {
  const sub = subStore(store, ids);
  for (const p of sub.values()) {
    if (/^\s*\[[^\]]*\]\s*$/.test(p.expr) && p.min < p.value && p.value < p.max) p.expr = "";
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
 * chosen per column among 1e-3…1e-7·max(1, |x|) (shortened near a bound) where two successive
 * steps agree best, since CEST dips are narrow on the ppm scale while relaxation rates want
 * large steps against rounding.
 */
function fivePoint(p: GroupProblem, x: Float64Array): Float64Array {
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
      column(j, Math.min(r * Math.max(Math.abs(x[j]), 1), room))
    );
    let best = 0;
    let bestGap = Infinity;
    for (let q = 0; q + 1 < cols.length; q++) {
      let gap = 0;
      cols[q].forEach((v, i) => gap = Math.max(gap, Math.abs(v - cols[q + 1][i])));
      if (gap < bestGap) [best, bestGap] = [q, gap];
    }
    cols[best].forEach((v, i) => out[i * n + j] = v);
  }
  return out;
}

const FIXTURES = REFDATA
  ? [...Deno.readDirSync(`${REFDATA}/simulate`)].filter((e) => e.isDirectory).map((e) => e.name)
    .sort()
  : [];

for (const name of FIXTURES) {
  refdataTest(`exact Jacobian matches central differences: ${name}`, (refdata) => {
    const { study, store } = loadFixture(`${refdata}/simulate/${name}`);
    const picks = study.profiles.map((_, k) => k).slice(0, 2);
    // At most about 12 retained points per profile keep the reference differences affordable.
    for (const k of picks) {
      const p = study.profiles[k];
      const kept = p.mask.filter((m) => m).length;
      const every = Math.ceil(kept / 12);
      let seen = 0;
      study.profiles[k] = { ...p, mask: p.mask.map((m) => m && seen++ % every === 0) };
    }
    const types = new Set(picks.map((k) => study.experiments[study.profiles[k].experiment].name));
    const exact = [...types].filter((t) => EXACT.has(t));
    // Families that say they are exact must provide the derivative routine, the others not.
    for (const k of picks) {
      const calc = createCalculator(study, k);
      const t = study.experiments[study.profiles[k].experiment].name;
      const claims = !!calc.sequence.jacobian && !calc.sequence.jacobianDearer;
      assert.equal(claims, EXACT.has(t), `${t}: exactness as declared`);
    }
    if (exact.length === 0) {
      console.log(`${name}: ${[...types].join(", ")} not exact yet (forward differences)`);
      return;
    }
    const sub = freeAll(store, picks.flatMap((k) => study.profiles[k].paramIds));
    const ev = createChunkEvaluator(makeChunk(study, picks));
    const exactP = createGroupProblem(sub, ev, { jacobian: "exact" });
    const centralP = createGroupProblem(sub, ev, { jacobian: "forward" });
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
      const jc = fivePoint(centralP, x);
      // A column that is zero or nearly so (kex when nothing exchanges observably, a ¹H shift
      // seen through decoupling) holds mostly the reference's rounding noise: below 1e-2 of the
      // largest entry, a column is held to 1e-8 of that entry instead.
      let jmax = 0;
      for (const v of jc) jmax = Math.max(jmax, Math.abs(v));
      for (let j = 0; j < n; j++) {
        let norm = 0;
        let diff = 0;
        for (let i = 0; i < exactP.m; i++) {
          norm = Math.max(norm, Math.abs(jc[i * n + j]));
          diff = Math.max(diff, Math.abs(je[i * n + j] - jc[i * n + j]));
        }
        const rel = diff / Math.max(norm, 1e-2 * jmax);
        worst = Math.max(worst, rel);
        assert.ok(
          rel <= 1e-6,
          `${name} seed ${seed} ${exactP.freeIds[j]}: exact vs central differ by ${rel}`,
        );
      }
    }
    console.log(`${name} (${exact.join(", ")}): ${n} columns, worst ${worst.toExponential(2)}`);
  });
}

Deno.test("every catalog type is either exact or listed as differenced", () => {
  for (const t of EXACT) assert.ok(t in EXPERIMENTS, `${t} is a catalog type`);
});
