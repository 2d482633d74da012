import { strict as assert } from "node:assert";
import { refdataTest, simulateFixtureTest } from "./_refdata.ts";
import { evaluateProfile, loadFixture, methylKernelTests, profileValues } from "./_methyl.ts";
import { cpmgCh3Mq } from "../src/experiments/catalog/cpmg_ch3_mq.ts";

simulateFixtureTest("simulate/CPMG_CH3_MQ");

Deno.test("cpmg_ch3_mq: ChemEx's keys, defaults, basis and fitted rates", () => {
  const keys = cpmgCh3Mq.schema.keys;
  assert.equal(keys.t_zeta.default, 1 / (8 * 125.3));
  assert.equal(keys.small_protein.default, false);
  assert.equal(keys.time_t2.required, true);
  assert.deepEqual(cpmgCh3Mq.basis({}), { type: "ixysxy", pair: "ch" });
  assert.deepEqual(cpmgCh3Mq.toBeFitted("a"), { rates: ["r2mq_is_a"], modelFree: ["tauc_a"] });
});

refdataTest(
  "cpmg_ch3_mq: ideal pulses, no exchange, on resonance: pure R2MQ decay at every ncyc",
  (refdata) => {
    const l = loadFixture(`${refdata}/simulate/CPMG_CH3_MQ`, ["Experiments/600mhz.toml"]);
    const timeT2S = l.study.experiments[0].settings.time_t2 as number;
    const p = l.study.profiles[0];
    const r2mq = profileValues(l)[0][p.localNames.indexOf("r2mq_is_a")];
    const edit = { kab: 0, kba: 0, cs_i_a: 0, cs_i_b: 0, cs_s_a: 0, cs_s_b: 0 };
    const x = [0, -1, 1, 2, 7, 40];
    const out = evaluateProfile(l, 0, x, edit);
    for (let i = 1; i < x.length; i++) {
      const ratio = out[i] / out[0];
      assert.ok(Math.abs(ratio - Math.exp(-r2mq * timeT2S)) < 1e-12, `ncyc ${x[i]}: ${ratio}`);
    }
  },
);

// Settings and branches no fixture covers, against ChemEx's own sequence code (HEAD a606da35)
// run on the same local values (tests/_methyl.ts#methylValues).
methylKernelTests("cpmg_ch3_mq", [
  {
    label: "large protein",
    pair: "ch",
    settings: { "time_t2": 0.02 },
    ncycs: [0, 1, 2, 3, 5, 10, 24],
    expected: [
      0.9,
      0.3739475898816455,
      0.3825477697397447,
      0.4024982517358489,
      0.4516552732779437,
      0.4946660678929412,
      0.5103037178696466,
    ],
  },
  {
    label: "small protein, t_zeta, observed b",
    pair: "ch",
    settings: { "time_t2": 0.02, "small_protein": true, "t_zeta": 0.0011 },
    observed: ["b"],
    ncycs: [0, 1, 2, 3, 5, 10, 24],
    expected: [
      -0.08475152590762344,
      -0.0029607634819795534,
      -0.0034231816468917034,
      -0.010576690044757479,
      -0.01917752426553514,
      -0.025459214659846085,
      -0.027658932675542782,
    ],
  },
]);
