import { strict as assert } from "node:assert";
import { refdataTest, simulateFixtureTest } from "./_refdata.ts";
import { loadFixture, methylKernelTests, minusOneRatio } from "./_methyl.ts";
import { cpmgCh313cH2c } from "../src/experiments/catalog/cpmg_ch3_13c_h2c.ts";

simulateFixtureTest("simulate/CPMG_CH3_13C_H2C");

Deno.test("cpmg_ch3_13c_h2c: ChemEx's keys, defaults, basis and fitted rates", () => {
  const keys = cpmgCh313cH2c.schema.keys;
  assert.equal(keys.even_ncycs.default, true);
  assert.equal(keys.taub.default, 2.0e-3);
  assert.equal(keys.time_equil.default, 0.0);
  for (const k of ["time_t2", "carrier", "pw90"]) assert.equal(keys[k].required, true, k);
  assert.deepEqual(cpmgCh313cH2c.basis({}), { type: "ixyzsz", pair: "ch" });
  assert.deepEqual(cpmgCh313cH2c.toBeFitted("b"), { rates: ["r2_i_b"], modelFree: ["tauc_b"] });
});

refdataTest(
  "cpmg_ch3_13c_h2c: ncyc = -1 is the refocused period without CPMG pulses",
  (refdata) => {
    const l = loadFixture(`${refdata}/simulate/CPMG_CH3_13C_H2C`, ["Experiments/600mhz.toml"]);
    // J evolves (unrefocused by the P-element's 180° pair) during the free halves, so in-phase
    // and anti-phase relaxation mix: a few per cent from the no-exchange CPMG plateau.
    const r = minusOneRatio(l, 0, 40);
    assert.ok(Math.abs(r - 1) < 0.05, `I(-1)/I(40) = ${r}`);
  },
);

// Settings and branches no fixture covers, against ChemEx's own sequence code (HEAD a606da35)
// run on the same local values (tests/_methyl.ts#methylValues).
methylKernelTests("cpmg_ch3_13c_h2c", [
  {
    label: "time_equil, taub, observed b, start a+b",
    pair: "ch",
    settings: {
      "time_t2": 0.03,
      "carrier": 20.0,
      "pw90": 1.5e-05,
      "taub": 0.0021,
      "time_equil": 0.003,
    },
    observed: ["b"],
    start: ["a", "b"],
    ncycs: [0, 1, 2, 3, 5, 10, 24],
    expected: [
      -0.06957798347515604,
      -0.015402833486699618,
      -0.012441559385271847,
      -0.01674473655078298,
      -0.0289857296634604,
      -0.046456356030337785,
      -0.055264690888172256,
    ],
  },
  {
    label: "observed a+b",
    pair: "ch",
    settings: { "time_t2": 0.03, "carrier": 20.0, "pw90": 1.5e-05 },
    observed: ["a", "b"],
    ncycs: [0, 1, 2, 3, 5, 10, 24],
    expected: [
      -0.8574104118435976,
      -0.24260891688123593,
      -0.23481637211712697,
      -0.2540857239111437,
      -0.34636267358877965,
      -0.4968829421468165,
      -0.5739824184714436,
    ],
  },
]);
