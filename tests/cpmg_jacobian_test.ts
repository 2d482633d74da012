/**
 * Exact CPMG derivatives (`src/experiments/_cpmg_adjoint.ts`, docs/jacobians.md) against
 * five-point central differences of the intensities with respect to every local value, for
 * every CPMG experiment type: the first two profiles of each refdata simulate fixture that uses
 * it, at three seeded points around the fixture's values, and synthetic variants of the
 * settings the fixtures do not exercise. Each column must agree to 1e-6 of its norm. The types
 * whose sequences cannot give exact derivatives yet are listed and must not provide them.
 */
import { strict as assert } from "node:assert";
import { createCalculator, type ProfileCalculator } from "../src/fit/evaluate.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import type { StudySpec } from "../src/fit/study.ts";
import { EXPERIMENTS } from "../src/experiments/registry.ts";
import { REFDATA, refdataTest } from "./_refdata.ts";
import { loadReferenceStudy } from "./_reference_study.ts";
import { rng } from "./_models.ts";

/** CPMG types without exact derivatives (custom steps, own Liouvillian, composite IS pulses). */
const DIFFERENCED = new Set<string>([]);

/**
 * Worst column disagreement (relative to the column's largest entry, or 1e-2 of the largest
 * entry overall for columns that are nearly zero) between the exact derivatives and five-point
 * central differences at `values`; the step is chosen per column where two successive steps
 * agree best.
 */
function worstColumn(
  calc: ProfileCalculator,
  values: Float64Array,
): { worst: number; jmax: number } {
  const sp = calc.spectrometer;
  const x = calc.xFit;
  sp.update(values);
  const { values: c, jac } = calc.sequence.jacobian!(x);
  const nl = values.length;
  const direct = calc.sequence(x);
  c.forEach((v, i) => assert.equal(v, direct[i], "the Jacobian's values are the sequence's"));
  const cols: Float64Array[] = [];
  for (let l = 0; l < nl; l++) {
    const column = (h: number) => {
      const at = (k: number) => {
        const v = values.slice();
        v[l] += k * h;
        sp.update(v);
        return calc.sequence(x);
      };
      const [p1, m1, p2, m2] = [at(1), at(-1), at(2), at(-2)];
      return p1.map((_, i) => (8 * (p1[i] - m1[i]) - (p2[i] - m2[i])) / (12 * h));
    };
    const tries = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6].map((r) =>
      column(r * Math.max(Math.abs(values[l]), 1))
    );
    let best = 0;
    let bestGap = Infinity;
    for (let q = 0; q + 1 < tries.length; q++) {
      let gap = 0;
      tries[q].forEach((v, i) => gap = Math.max(gap, Math.abs(v - tries[q + 1][i])));
      if (gap < bestGap) [best, bestGap] = [q, gap];
    }
    cols.push(tries[best]);
  }
  sp.update(values);
  let jmax = 0;
  for (const col of cols) for (const v of col) jmax = Math.max(jmax, Math.abs(v));
  let worst = 0;
  cols.forEach((col, l) => {
    let norm = 0;
    let diff = 0;
    col.forEach((v, i) => {
      norm = Math.max(norm, Math.abs(v));
      diff = Math.max(diff, Math.abs(jac[i * nl + l] - v));
    });
    worst = Math.max(worst, diff / Math.max(norm, 1e-2 * jmax, 1e-300));
  });
  return { worst, jmax };
}

/** Local values of profile k from the fixture's parameters (definitions evaluated). */
function localValues(
  study: StudySpec,
  store: Parameters<typeof compileStore>[0],
  k: number,
): Float64Array {
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  return Float64Array.from(study.profiles[k].paramIds.map((id) => pv.values[pv.index.get(id)!]));
}

/** Check the first two profiles of a study at three seeded points; returns the worst. */
function checkStudy(
  label: string,
  study: StudySpec,
  store: Parameters<typeof compileStore>[0],
): number {
  let worst = 0;
  let largest = 0;
  // The first two profiles, and the first of every other experiment file (another type or
  // setting, e.g. a gradient strength).
  const picks = [
    ...new Set([
      0,
      1,
      ...study.experiments.map((_, e) => study.profiles.findIndex((p) => p.experiment === e)),
    ]),
  ].filter((k) => k >= 0 && k < study.profiles.length);
  for (const k of picks) {
    const type = study.experiments[study.profiles[k].experiment].name;
    const calc = createCalculator(study, k);
    if (DIFFERENCED.has(type)) {
      assert.equal(calc.sequence.jacobian, undefined, `${type} must not claim exact derivatives`);
      continue;
    }
    assert.ok(calc.sequence.jacobian, `${label}: ${type} has exact derivatives`);
    const base = localValues(study, store, k);
    const names = study.profiles[k].localNames;
    // Exchange that shows: a few percent of B and a kex of a few hundred per second.
    const set = (prefix: string, v: number) =>
      names.forEach((nm, i) => nm.startsWith(prefix) && base[i] === 0 && (base[i] = v));
    set("pb", 0.06);
    set("pa", 0.94);
    set("kab", 24);
    set("kba", 376);
    for (const seed of [1, 2, 3]) {
      const u = rng(seed * 7919 + k);
      const values = base.map((v) => v * (1 + 0.1 * (2 * u() - 1)));
      const { worst: w, jmax } = worstColumn(calc, values);
      assert.ok(Number.isFinite(w), `${label} profile ${k}: finite`);
      largest = Math.max(largest, jmax);
      assert.ok(w <= 1e-6, `${label} profile ${k} (${type}) seed ${seed}: ${w}`);
      worst = Math.max(worst, w);
    }
  }
  // Not vacuous: some profile's intensities depend on its values.
  if (picks.some((k) => !DIFFERENCED.has(study.experiments[study.profiles[k].experiment].name))) {
    assert.ok(largest > 0, `${label}: every checked Jacobian is zero`);
  }
  return worst;
}

const FIXTURES = REFDATA
  ? [...Deno.readDirSync(`${REFDATA}/simulate`)]
    .filter((e) => e.isDirectory && /CPMG/.test(e.name))
    .map((e) => e.name)
    .sort()
  : [];

for (const name of FIXTURES) {
  refdataTest(`CPMG exact derivatives match central differences: ${name}`, (refdata) => {
    const { study, store } = loadReferenceStudy(`${refdata}/simulate/${name}`);
    const worst = checkStudy(name, study, store);
    console.log(`${name}: worst column ${worst.toExponential(2)} `);
  });
}

/** Settings the fixtures leave at one value, flipped on a fixture of the type. */
const VARIANTS: { fixture: string; type: string; settings: Record<string, unknown> }[] = [
  { fixture: "CPMG_CH3_1H_TQ", type: "cpmg_ch3_1h_tq", settings: { comp180_flg: false } },
  {
    fixture: "CPMG_CH3_1H_TQ",
    type: "cpmg_ch3_1h_tq",
    settings: { ipap_flg: true, tauc: 0.00067 },
  },
  { fixture: "CPMG_CH3_1H_SQ", type: "cpmg_ch3_1h_sq", settings: { comp180_flg: false } },
  { fixture: "CPMG_CH3_1H_SQ", type: "cpmg_ch3_1h_sq", settings: { ipap_flg: true } },
  { fixture: "CPMG_15N_TR", type: "cpmg_15n_tr", settings: { antitrosy: true } },
  { fixture: "CPMG_15N_TR_0013", type: "cpmg_15n_tr_0013", settings: { antitrosy: true } },
];

for (const v of VARIANTS) {
  refdataTest(
    `CPMG exact derivatives, synthetic variant: ${v.type} ${JSON.stringify(v.settings)}`,
    (refdata) => {
      const { study, store } = loadReferenceStudy(`${refdata}/simulate/${v.fixture}`);
      const experiments = study.experiments.map((e) =>
        e.name === v.type ? { ...e, settings: { ...e.settings, ...v.settings } } : e
      );
      const worst = checkStudy(v.type, { ...study, experiments }, store);
      console.log(`${v.type} ${JSON.stringify(v.settings)}: worst ${worst.toExponential(2)}`);
    },
  );
}

Deno.test("every CPMG type is either exact or listed as differenced", () => {
  for (const t of DIFFERENCED) assert.ok(t in EXPERIMENTS, `${t} is a catalog type`);
});
