import { strict as assert } from "node:assert";
import { parseModel } from "../src/models/model.ts";
import { addExperiment, type StudySpec } from "../src/fit/study.ts";
import type { ParamStore } from "../src/params/store.ts";
import { compileStore, evaluateDefinitions, selectIds } from "../src/params/store.ts";
import { createCalculator, intensitiesAt } from "../src/fit/evaluate.ts";

/** Reference values: ChemEx 2026.06.1 kernel (shared/spec/physics-conventions.md, section 9). */
Deno.test("cpmg_15n_ip reproduces ChemEx's kernel values to 1e-9", () => {
  const study: StudySpec = { model: parseModel("2st"), experiments: [], profiles: [] };
  const store: ParamStore = new Map();
  const ncyc = [0, -1, 1, 2, 10, 40];
  addExperiment(study, store, {
    stem: "t",
    file: "t.toml",
    name: "cpmg_15n_ip",
    settings: { time_t2: 0.04, pw90: 35e-6, time_equil: 0, carrier: 118, even_ncycs: false },
    conditions: { h_larmor_frq: 600, label: [] },
    observed: ["a"],
    start: null,
    scaled: true,
  }, [{
    key: "1N",
    x: ncyc,
    exp: ncyc.map(() => 1),
    err: ncyc.map(() => 1),
    mask: ncyc.map(() => true),
  }]);
  const set = (sel: string, v: number) => {
    for (const id of selectIds(store, sel)) {
      store.get(id)!.value = v;
      store.get(id)!.expr = store.get(id)!.expr.includes("DW") ? store.get(id)!.expr : "";
    }
  };
  set("CS_A", 120);
  set("DW_AB", 2);
  set("R2_A", 10);
  set("R1_A", 1.5);
  set("PB", 0.05);
  set("KEX_AB", 200);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const prof = study.profiles[0];
  const local = Float64Array.from(prof.paramIds.map((id) => pv.values[pv.index.get(id)!]));
  const calc = createCalculator(study, 0);
  const got = intensitiesAt(calc, local, Float64Array.from(ncyc));
  const want = [
    0.949234319351,
    0.441307556478,
    0.447820096101,
    0.453285941294,
    0.59936755477,
    0.634516721668,
  ];
  want.forEach((w, k) =>
    assert.ok(Math.abs(got[k] - w) / w < 1e-9, `ncyc ${ncyc[k]}: ${got[k]} vs ${w}`)
  );
});
