/**
 * Properties every kinetic model must have, over random valid parameter values and sample
 * conditions: populations in [0, 1] summing to 1, an exchange matrix (as the Liouvillian
 * assembles it) whose columns sum to zero, detailed balance, and populations that are the
 * stationary state of the rates.
 */
import { strict as assert } from "node:assert";
import { kineticModel, parseModel } from "../src/models/model.ts";
import { KINETIC_MODELS } from "../src/models/registry.ts";
import { createBasis } from "../src/nmr/basis.ts";
import {
  evaluateSettings,
  randomConditions,
  randomValue,
  rng,
  undefinedReferences,
} from "./_models.ts";

const DRAWS = 40;

/** Every name accepted by `-d` (27 with the aliases). */
const ALL_NAMES = [...Object.keys(KINETIC_MODELS), "3st_triangle", "2st_rs", "3st_eyring"];

Deno.test("every ChemEx 2026.09 model name is accepted, with the aliases", () => {
  const chemex = `1st 2st 2st_rs 3st 3st_triangle 3st_linear 3st_fork 4st 5st 6st 2st_binding 2st_hd
    4st_hd 2st_eyring 3st_eyring 3st_eyring_linear 3st_eyring_fork 4st_eyring 2st_monomer_dimer 2st_monomer_trimer
    2st_monomer_tetramer 3st_monomer_dimer_trimer 3st_monomer_dimer_tetramer 3st_binding_cs
    3st_binding_if 3st_double_binding 3st_binding_partner_2st 4st_binding_partner_2st
    4st_binding_3_bound_states`.split(/\s+/);
  assert.equal(chemex.length, 29);
  assert.deepEqual([...ALL_NAMES].sort(), [...chemex].sort());
  for (const name of chemex) {
    const spec = parseModel(name);
    assert.equal(spec.states.length, Number(name[0]), name);
  }
  assert.equal(parseModel("3st_triangle").name, "3st");
  assert.equal(parseModel("3st_eyring").name, "3st_eyring_linear");
  assert.deepEqual(parseModel("2st_rs"), parseModel("2st.rs"));
  const s = parseModel("4st_hd.tc.mf.rs");
  assert.deepEqual([s.name, s.tempCoef, s.modelFree, s.residueSpecific], [
    "4st_hd",
    true,
    true,
    true,
  ]);
  assert.throws(() => parseModel("2st.xx"), /unknown model suffix "\.xx"/);
  assert.throws(() => parseModel("constructor"), /unknown model "constructor"/);
});

for (const name of Object.keys(KINETIC_MODELS)) {
  Deno.test(`${name}: populations, conservation, detailed balance, stationarity`, () => {
    const model = kineticModel(parseModel(name));
    const states = parseModel(name).states;
    const basis = createBasis("ixyz", states);
    const r = rng(0x5eed + name.length * 7919 + name.charCodeAt(name.length - 1));
    for (let draw = 0; draw < DRAWS; draw++) {
      const cond = randomConditions(r);
      const settings = model.settings(cond);
      assert.deepEqual(undefinedReferences(settings), [], `${name}: dangling references`);
      const values: Record<string, number> = {};
      for (const [local, st] of Object.entries(settings)) {
        if (st.expr !== "" || st.name === "D2O") continue;
        values[local] = randomValue(st.name, r);
      }
      const v = evaluateSettings(settings, values);
      const context = `${name} draw ${draw}: ${JSON.stringify({ cond, values })}`;
      const p = states.map((s) => v[`p${s}`]);
      const k = (i: string, j: string) => v[`k${i}${j}`] ?? 0;

      let sum = 0;
      for (const [idx, x] of p.entries()) {
        assert.ok(Number.isFinite(x), `${context}: p${states[idx]} = ${x}`);
        assert.ok(x >= -1e-15 && x <= 1 + 1e-15, `${context}: p${states[idx]} = ${x}`);
        sum += x;
      }
      assert.ok(Math.abs(sum - 1) < 1e-12, `${context}: populations sum to ${sum}`);

      // The exchange part of the Liouvillian, assembled from the basis' exchange terms.
      const n = basis.size;
      const lex = new Float64Array(n * n);
      for (const i of states) {
        for (const j of states) {
          if (i === j) continue;
          const kij = k(i, j);
          assert.ok(Number.isFinite(kij) && kij >= 0, `${context}: k${i}${j} = ${kij}`);
          const term = basis.terms.get(`k${i}${j}`)!;
          for (let m = 0; m < term.index.length; m++) lex[term.index[m]] += kij * term.value[m];
        }
      }
      const scale = Math.max(1, ...states.flatMap((i) => states.map((j) => k(i, j))));
      for (let c = 0; c < n; c++) {
        let col = 0;
        for (let row = 0; row < n; row++) col += lex[row * n + c];
        assert.ok(Math.abs(col) <= 1e-12 * scale, `${context}: column ${c} sums to ${col}`);
      }

      // Stationarity: L_ex · p = 0 on every component (here z, one per state).
      const z = states.map((s) => basis.index(`iz_${s}`));
      for (const row of z) {
        let flow = 0;
        z.forEach((col, idx) => (flow += lex[row * n + col] * p[idx]));
        assert.ok(Math.abs(flow) <= 1e-9 * scale, `${context}: d/dt of row ${row} = ${flow}`);
      }

      // Detailed balance, pair by pair.
      for (const [a, i] of states.entries()) {
        for (const [b, j] of states.entries()) {
          if (b <= a) continue;
          const fwd = p[a] * k(i, j);
          const bwd = p[b] * k(j, i);
          assert.ok(
            Math.abs(fwd - bwd) <= 1e-9 * Math.max(fwd, bwd, 1e-300),
            `${context}: p${i}·k${i}${j} = ${fwd} but p${j}·k${j}${i} = ${bwd}`,
          );
        }
      }
    }
  });
}

Deno.test("default parameter values give valid populations for every model", () => {
  const cond = { temperature: 25, h_larmor_frq: 800, p_total: 1e-3, l_total: 1.5e-3, d2o: 0.1 };
  for (const name of Object.keys(KINETIC_MODELS)) {
    const settings = kineticModel(parseModel(name)).settings(cond);
    const v = evaluateSettings(settings);
    const p = parseModel(name).states.map((s) => v[`p${s}`]);
    assert.ok(p.every((x) => Number.isFinite(x) && x >= 0 && x <= 1), `${name}: ${p}`);
    assert.ok(Math.abs(p.reduce((a, b) => a + b) - 1) < 1e-12, `${name}: ${p}`);
  }
});

Deno.test(".rs makes every global kinetic parameter per-residue, except D2O", () => {
  const cond = { temperature: 25, p_total: 1e-3, l_total: 1e-3, d2o: 0.1 };
  for (const name of Object.keys(KINETIC_MODELS)) {
    const plain = kineticModel(parseModel(name)).settings(cond);
    const rs = kineticModel(parseModel(`${name}.rs`)).settings(cond);
    assert.deepEqual(Object.keys(rs), Object.keys(plain));
    for (const [local, st] of Object.entries(rs)) {
      const expected = st.name === "D2O" ? "" : plain[local].part === "" ? "g" : plain[local].part;
      assert.equal(st.part, expected, `${name}.rs: ${local}`);
      assert.deepEqual({ ...st, part: plain[local].part }, plain[local], `${name}.rs: ${local}`);
    }
  }
});

Deno.test("suffixes add the conditions they need", () => {
  assert.deepEqual(kineticModel(parseModel("2st")).requires, []);
  assert.deepEqual(kineticModel(parseModel("2st.tc")).requires, ["temperature"]);
  assert.deepEqual(kineticModel(parseModel("2st.mf")).requires, ["h_larmor_frq"]);
  assert.deepEqual(kineticModel(parseModel("2st_binding.tc")).requires, [
    "p_total",
    "l_total",
    "temperature",
  ]);
  assert.deepEqual(kineticModel(parseModel("3st_eyring.tc")).requires, ["temperature"]);
});
