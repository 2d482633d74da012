/**
 * Spectrometers and sequences shared between profiles (`src/fit/engines.ts`): which profiles
 * share, and that every profile still gets exactly its own numbers, whatever the order of the
 * evaluations and however the values move in between.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { EnginePool } from "../src/fit/engines.ts";
import { createCalculator, intensitiesAt } from "../src/fit/evaluate.ts";
import type { StudySpec } from "../src/fit/study.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import { MINI, writeMiniStudy } from "./_mini_study.ts";

function miniStudy() {
  const dir = writeMiniStudy();
  try {
    return loadStudy({
      experiments: MINI.experiments.map((e) => join(dir, e)),
      parameters: [join(dir, MINI.parameters)],
      model: parseModel("2st"),
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("EnginePool: profiles of one CPMG experiment share one engine, other fields one each", () => {
  const { study } = miniStudy();
  const engines = new EnginePool();
  const calcs = study.profiles.map((_, k) => createCalculator(study, k, undefined, engines));
  // Three profiles per field: two engines for six calculators.
  assert.equal(engines.size, 2);
  const byField = (mhz: number) =>
    calcs.filter((c) => study.experiments[c.spec.experiment].conditions.h_larmor_frq === mhz);
  for (const mhz of [500, 800]) {
    const [a, ...rest] = byField(mhz);
    assert.equal(rest.length, 2);
    for (const c of rest) {
      assert.equal(c.sequence, a.sequence);
      assert.equal(c.spectrometer, a.spectrometer);
    }
  }
  assert.notEqual(byField(500)[0].sequence, byField(800)[0].sequence);
  // Each calculator keeps its own profile's data.
  assert.deepEqual(calcs.map((c) => c.spec.name), study.profiles.map((p) => p.name));
});

Deno.test("EnginePool: interleaved evaluations give each profile its own numbers, bit for bit", () => {
  const { study, store } = miniStudy();
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const valuesOf = (k: number) =>
    Float64Array.from(study.profiles[k].paramIds.map((id) => pv.values[pv.index.get(id)!]));
  const engines = new EnginePool();
  const pooled = study.profiles.map((_, k) => createCalculator(study, k, undefined, engines));
  const alone = study.profiles.map((_, k) => createCalculator(study, k));
  const moved = (v: Float64Array, f: number) => v.map((x, i) => x * (1 + f * Math.sin(i + 1)));
  const plotX = Float64Array.of(0, 3, 17, 40);
  // Alternate profiles and fields, move values, change x (a plot's grid) and come back.
  const order: [number, number, Float64Array | null][] = [
    [0, 0, null],
    [1, 0, null],
    [0, 0.01, null],
    [3, 0, null],
    [1, 0.02, plotX],
    [2, 0, null],
    [0, 0, null],
    [1, 0.02, null],
  ];
  for (const [k, f, x] of order) {
    const values = moved(valuesOf(k), f);
    const got = intensitiesAt(pooled[k], values, x ?? pooled[k].x);
    const want = intensitiesAt(alone[k], values, x ?? alone[k].x);
    assert.deepEqual(got, want, `profile ${k}, shift ${f}, x ${x ? "plot" : "data"}`);
  }
});

/** A one-profile study of experiment `name` (only what `EnginePool.keyOf` reads). */
function oneProfile(name: string, spinSystem: string, x: number[]): StudySpec {
  return {
    model: parseModel("2st"),
    experiments: [{
      stem: "e",
      file: "e.toml",
      name,
      settings: {},
      conditions: { h_larmor_frq: 600, label: [] } as unknown as StudySpec["experiments"][0][
        "conditions"
      ],
      observed: [],
      start: null,
      scaled: true,
    }],
    profiles: [{
      experiment: 0,
      name: spinSystem,
      x,
      exp: x.map(() => 1),
      err: x.map(() => 1),
      mask: x.map(() => true),
      localNames: ["r2_i_a"],
      paramIds: ["R2"],
    }],
  };
}

Deno.test("EnginePool.keyOf: what each experiment's setup reads decides who shares", () => {
  const pool = new EnginePool();
  const key = (name: string, spin: string, x: number[]) => pool.keyOf(oneProfile(name, spin, x), 0);
  // CPMG in-phase: neither the spin system nor the x values enter.
  assert.equal(key("cpmg_15n_ip", "10N", [0, 1]), key("cpmg_15n_ip", "11N", [0, 2]));
  // The DQ/ZQ experiment shares work per spin system; the 0013 methyl one times by its ncyc.
  assert.notEqual(key("cpmg_hn_dq_zq", "10N-HN", [0, 1]), key("cpmg_hn_dq_zq", "11N-HN", [0, 1]));
  assert.equal(key("cpmg_hn_dq_zq", "10N-HN", [0, 1]), key("cpmg_hn_dq_zq", "10N-HN", [0, 2]));
  assert.notEqual(
    key("cpmg_ch3_13c_h2c_0013", "L3CD1", [0, 10]),
    key("cpmg_ch3_13c_h2c_0013", "L3CD1", [0, 20]),
  );
  // An experiment that declares nothing never shares (CEST reads the spin system's multiplet).
  assert.equal(key("cest_13c", "L3CD1", [0, 1]), null);
});

Deno.test("EnginePool: at capacity the least recently used engine is dropped", () => {
  const pool = new EnginePool(2);
  let made = 0;
  const make = () => ({ made: ++made }) as unknown as ReturnType<EnginePool["get"]>;
  const a = pool.get("a", make);
  pool.get("b", make);
  assert.equal(pool.get("a", make), a); // a is now the most recent
  pool.get("c", make); // drops b
  assert.equal(pool.size, 2);
  assert.equal(pool.get("a", make), a);
  pool.get("b", make);
  assert.equal(made, 4);
});
