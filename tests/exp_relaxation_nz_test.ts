import { strict as assert } from "node:assert";
import { simulateFixtureTest } from "./_refdata.ts";
import { relaxationNz } from "../src/experiments/catalog/relaxation_nz.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { fullPrecisionTest } from "./_fullprecision.ts";

simulateFixtureTest("simulate/RELAXATION_NZ");

Deno.test("relaxation_nz reproduces the reference values of physics-conventions §9", () => {
  // 2st, PB 0.05, KEX 200, R1 1.5 in both states, equilibrium start, observed a.
  const { sequence } = sequenceFor(relaxationNz, {
    settings: {},
    values: { pa: 0.95, pb: 0.05, kab: 10, kba: 190, r1_i_a: 1.5, r1_i_b: 1.5 },
  });
  const got = sequence(Float64Array.of(0, 0.5, 1.0));
  const want = [0.95, 0.448748225104, 0.211973652141];
  want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) < 1e-11, `t[${i}]: ${got[i]} vs ${w}`));
});

Deno.test("relaxation_nz without exchange is a single exponential R1 decay of p_a", () => {
  const { sequence } = sequenceFor(relaxationNz, {
    settings: {},
    values: { pa: 0.8, pb: 0.2, kab: 0, kba: 0, r1_i_a: 2.0, r1_i_b: 7.0 },
  });
  const t = Float64Array.of(0, 0.1, 0.7, 0.1);
  const got = sequence(t);
  t.forEach((x, i) => assert.ok(Math.abs(got[i] - 0.8 * Math.exp(-2 * x)) < 1e-13));
});
fullPrecisionTest("RELAXATION_NZ", 1e-12);
