import { strict as assert } from "node:assert";
import { refdataTest, simulateFixtureTest } from "./_refdata.ts";
import { loadFixture, methylKernelTests, minusOneRatio } from "./_methyl.ts";
import { cpmgCh31hDq } from "../src/experiments/catalog/cpmg_ch3_1h_dq.ts";

// The only ChemEx fixture with DQ data combines it with a TQ experiment (shared kinetics).
simulateFixtureTest("simulate/Combination_CPMG_CH3_1H_DQ_TQ");

Deno.test("cpmg_ch3_1h_dq: ChemEx's keys, defaults and DQ basis", () => {
  const keys = cpmgCh31hDq.schema.keys;
  assert.equal(keys.tauc.default, 1.0e-3);
  assert.equal(keys.comp180_flg.default, true);
  assert.equal(keys.ipap_flg.default, false);
  assert.deepEqual(cpmgCh31hDq.basis({}), { type: "ixyzsz", pair: "hc", extension: "dq" });
});

refdataTest("cpmg_ch3_1h_dq: DQ rate names and ncyc = -1", (refdata) => {
  const l = loadFixture(`${refdata}/simulate/Combination_CPMG_CH3_1H_DQ_TQ`, [
    "Experiments/cpmg_1h_dq_700mhz.toml",
  ]);
  const p = l.study.profiles[0];
  const r2 = p.paramIds[p.localNames.indexOf("r2_i_a")];
  assert.match(r2, /^R2DQ_A, NUC->/);
  assert.equal(l.store.get(r2)!.value, 20.0);
  assert.equal(l.store.get(r2)!.vary, true);
  const r = minusOneRatio(l, 0, 1);
  assert.ok(Math.abs(r - 1) < 0.05, `I(-1)/I(1) = ${r}`);
});

// Settings and branches no fixture covers, against ChemEx's own sequence code (HEAD a606da35)
// run on the same local values (tests/_methyl.ts#methylValues).
methylKernelTests("cpmg_ch3_1h_dq", [
  {
    label: "IP/AP, composite",
    pair: "hc",
    settings: {
      "time_t2": 0.03,
      "carrier": 0.8,
      "pw90": 1.1e-05,
      "ipap_flg": true,
      "tauc": 0.0011,
    },
    ncycs: [0, 1, 2, 3, 5, 10, 24],
    expected: [
      -0.8361480527492735,
      -0.23899069821627533,
      -0.23945866431504703,
      -0.2433673106501098,
      -0.24322825146432184,
      -0.30865612371347906,
      -0.4494571731785643,
    ],
  },
  {
    label: "plain 180s, observed a+b",
    pair: "hc",
    settings: { "time_t2": 0.03, "carrier": 0.8, "pw90": 1.1e-05, "comp180_flg": false },
    observed: ["a", "b"],
    ncycs: [0, 1, 2, 3, 5, 10, 17, 24],
    expected: [
      -0.9997959847861271,
      -0.26196364145036427,
      -0.2723249700457164,
      -0.26114802798294967,
      -0.2595384175214953,
      -0.37696742030956365,
      -0.5165653923749528,
      -0.5770439468420537,
    ],
  },
]);
