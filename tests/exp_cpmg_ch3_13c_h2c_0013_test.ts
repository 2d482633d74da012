import { strict as assert } from "node:assert";
import { refdataTest, simulateFixtureTest } from "./_refdata.ts";
import { copyDir, evaluateProfile, loadFixture, methylKernelTests } from "./_methyl.ts";
import { cpmgCh313cH2c0013 } from "../src/experiments/catalog/cpmg_ch3_13c_h2c_0013.ts";

simulateFixtureTest("simulate/CPMG_CH3_13C_H2C_0013");

Deno.test("cpmg_ch3_13c_h2c_0013: ChemEx's keys, defaults and basis", () => {
  const keys = cpmgCh313cH2c0013.schema.keys;
  assert.equal(keys.even_ncycs.default, true);
  assert.equal(keys.taub.default, 2.0e-3);
  assert.equal(keys.time_equil.default, 5.0e-3);
  assert.equal(keys.time_grad.default, 1.2e-3);
  assert.deepEqual(cpmgCh313cH2c0013.basis({}), { type: "ixyzsz", pair: "ch" });
});

refdataTest("cpmg_ch3_13c_h2c_0013: ncyc_max comes from every point of the profile", (refdata) => {
  const l = loadFixture(`${refdata}/simulate/CPMG_CH3_13C_H2C_0013`, ["Experiments/600mhz.toml"]);
  const all = l.study.profiles[0].x;
  const max = Math.max(...all);
  // Evaluating a subset (as a fit does after filtering) must not change the constant-time delays.
  const subset = evaluateProfile(l, 0, [0, 1, 2]);
  const whole = evaluateProfile(l, 0, all);
  [0, 1, 2].forEach((x, i) => assert.equal(subset[i], whole[all.indexOf(x)], `ncyc ${x}`));
  assert.ok(max > 2);
});

refdataTest("cpmg_ch3_13c_h2c_0013: ncyc = -1 is rejected with a clear error", (refdata) => {
  const l = loadFixture(`${refdata}/simulate/CPMG_CH3_13C_H2C_0013`, ["Experiments/600mhz.toml"]);
  assert.throws(() => evaluateProfile(l, 0, [0, -1]), /cpmg_ch3_13c_h2c_0013: ncyc = -1/);
  // In a data file, loading fails and names the file and the profile.
  const dir = Deno.makeTempDirSync({ prefix: "exfit_0013_" });
  try {
    copyDir(`${refdata}/simulate/CPMG_CH3_13C_H2C_0013`, dir);
    const data = `${dir}/Data/600MHz/L7CD1-QD1.out`;
    Deno.writeTextFileSync(data, "  -1.000e+00    2.9e+08  6.1e+06\n", { append: true });
    assert.throws(
      () => loadFixture(dir, ["Experiments/600mhz.toml"]),
      /L7CD1-QD1\.out.*profile 'L7CD1-HD1': ncyc = -1 is not supported/s,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

// Settings and branches no fixture covers, against ChemEx's own sequence code (HEAD a606da35)
// run on the same local values (tests/_methyl.ts#methylValues).
methylKernelTests("cpmg_ch3_13c_h2c_0013", [
  {
    label: "odd and even ncyc, start b",
    pair: "ch",
    settings: { "time_t2": 0.03, "carrier": 20.0, "pw90": 1.5e-05, "time_grad": 0.0 },
    start: ["b"],
    ncycs: [0, 1, 2, 3, 4, 5, 6, 7, 9, 13, 16, 24],
    expected: [
      0.13693579482788937,
      0.037211273121273356,
      0.03208612823936727,
      0.03819620490920493,
      0.047706631709894295,
      0.057468788114486025,
      0.06592800534035512,
      0.0727304278900987,
      0.08231041864469396,
      0.09212471497673744,
      0.09570801419782897,
      0.09990418576866464,
    ],
  },
  {
    label: "defaults, observed a+b",
    pair: "ch",
    settings: { "time_t2": 0.03, "carrier": 20.0, "pw90": 1.5e-05 },
    observed: ["a", "b"],
    ncycs: [24, 0, 1, 2, 3, 6, 11, 12],
    expected: [
      1.111876933497914,
      1.6536344350644419,
      0.48163980288335334,
      0.4420017533151815,
      0.4917813076969746,
      0.7632971325303161,
      0.9923808808756045,
      1.0141958477655377,
    ],
  },
]);
