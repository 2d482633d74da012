import { strict as assert } from "node:assert";
import { refdataTest, simulateFixtureTest } from "./_refdata.ts";
import { loadFixture, methylKernelTests, minusOneRatio } from "./_methyl.ts";
import { cpmgCh31hTq } from "../src/experiments/catalog/cpmg_ch3_1h_tq.ts";

simulateFixtureTest("simulate/CPMG_CH3_1H_TQ");

Deno.test("cpmg_ch3_1h_tq: ChemEx's keys, defaults and TQ basis", () => {
  const keys = cpmgCh31hTq.schema.keys;
  assert.equal(keys.tauc.default, 0.67e-3);
  assert.equal(keys.comp180_flg.default, true);
  assert.equal(keys.ipap_flg.default, false);
  assert.deepEqual(cpmgCh31hTq.basis({}), { type: "ixyzsz", pair: "hc", extension: "tq" });
});

refdataTest("cpmg_ch3_1h_tq: TQ rate names and ncyc = -1", (refdata) => {
  const l = loadFixture(`${refdata}/simulate/CPMG_CH3_1H_TQ`, ["Experiments/600mhz.toml"]);
  const p = l.study.profiles[0];
  assert.match(p.paramIds[p.localNames.indexOf("r2_i_a")], /^R2TQ_A, NUC->/);
  assert.match(p.paramIds[p.localNames.indexOf("r1a_is_a")], /^R1ATQ_A, NUC->/);
  const r = minusOneRatio(l, 0, 1);
  assert.ok(Math.abs(r - 1) < 0.05, `I(-1)/I(1) = ${r}`);
});

// Settings and branches no fixture covers, against ChemEx's own sequence code (HEAD a606da35)
// run on the same local values (tests/_methyl.ts#methylValues).
methylKernelTests("cpmg_ch3_1h_tq", [
  {
    label: "IP/AP, plain 180s, start b",
    pair: "hc",
    settings: {
      "time_t2": 0.03,
      "carrier": 0.8,
      "pw90": 1.1e-05,
      "ipap_flg": true,
      "comp180_flg": false,
    },
    start: ["b"],
    ncycs: [0, 1, 2, 3, 5, 10, 24],
    expected: [
      -0.009530165426182936,
      -0.00041535759247995495,
      -0.0009718824253866266,
      0.002127409113165591,
      -0.003585985176339364,
      0.004657582388528484,
      0.019730737821831296,
    ],
  },
]);
