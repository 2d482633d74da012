import { strict as assert } from "node:assert";
import { refdataTest, simulateFixtureTest } from "./_refdata.ts";
import { evaluateProfile, loadFixture, methylKernelTests, minusOneRatio } from "./_methyl.ts";
import { cpmgCh31hSq } from "../src/experiments/catalog/cpmg_ch3_1h_sq.ts";

simulateFixtureTest("simulate/CPMG_CH3_1H_SQ");

Deno.test("cpmg_ch3_1h_sq: ChemEx's keys, defaults, start state and fitted rates", () => {
  const { keys, defaultStartFromObserved } = cpmgCh31hSq.schema;
  assert.equal(defaultStartFromObserved, true);
  assert.equal(keys.ncyc_max.required, true);
  assert.equal(keys.taua.default, 2.0e-3);
  assert.equal(keys.comp180_flg.default, true);
  assert.equal(keys.ipap_flg.default, false);
  assert.equal(keys.even_ncycs.default, false);
  assert.deepEqual(cpmgCh31hSq.basis({}), { type: "ixyzsz", pair: "hc" });
  assert.deepEqual(cpmgCh31hSq.toBeFitted("a", { ipap_flg: false }), {
    rates: ["r2_i_a"],
    modelFree: ["tauc_a"],
  });
  assert.deepEqual(cpmgCh31hSq.toBeFitted("a", { ipap_flg: true }), {
    rates: ["r2_i_a", "r2a_i_a"],
    modelFree: ["tauc_a", "s2_a"],
  });
});

refdataTest("cpmg_ch3_1h_sq: ncyc above ncyc_max is a clear error", (refdata) => {
  const l = loadFixture(`${refdata}/simulate/CPMG_CH3_1H_SQ`, ["Experiments/600mhz.toml"]);
  assert.throws(() => evaluateProfile(l, 0, [0, 61]), /ncyc = 61 exceeds ncyc_max = 60/);
});

refdataTest(
  "cpmg_ch3_1h_sq: ncyc = -1 is the period without CPMG pulses, both transients",
  (refdata) => {
    const l = loadFixture(`${refdata}/simulate/CPMG_CH3_1H_SQ`, ["Experiments/600mhz.toml"]);
    // Summed over the two-step cycle like every CPMG point (a missing factor 2 would give 0.5).
    const r = minusOneRatio(l, 0, 1);
    assert.ok(Math.abs(r - 1) < 0.1, `I(-1)/I(1) = ${r}`);
  },
);

// Settings and branches no fixture covers, against ChemEx's own sequence code (HEAD a606da35)
// run on the same local values (tests/_methyl.ts#methylValues).
methylKernelTests("cpmg_ch3_1h_sq", [
  {
    label: "plain 180s, no IP/AP",
    pair: "hc",
    settings: { comp180_flg: false },
    ncycs: [0, 1, 2, 3, 5, 10, 24],
    expected: [
      0.6563775487940458,
      0.41128222297894024,
      0.41765270878100025,
      0.42061892297492665,
      0.5102801378342416,
      0.6703415665384449,
      0.7525668381404407,
    ],
  },
  {
    label: "composite, IP/AP, taua, observed b",
    pair: "hc",
    settings: { ipap_flg: true, taua: 0.0018 },
    observed: ["b"],
    ncycs: [0, 1, 2, 3, 5, 10, 24],
    expected: [
      0.011215987774809153,
      0.00032175401234181886,
      6.987168892371603e-05,
      0.0006190973559792791,
      0.0017424509655878729,
      0.0031665606370661595,
      0.003872488152146582,
    ],
  },
  {
    label: "equilibrium start (start_state = [])",
    pair: "hc",
    settings: {},
    start: null,
    ncycs: [0, 1, 2, 3, 5, 10, 24],
    expected: [
      0.6547104140392886,
      0.4202922406477343,
      0.4219649810334928,
      0.432765160282395,
      0.5277127740975824,
      0.6746382915101274,
      0.7478217921755522,
    ],
  },
], { base: { time_t2: 0.03, carrier: 0.8, pw90: 1.1e-05, ncyc_max: 24 } });
