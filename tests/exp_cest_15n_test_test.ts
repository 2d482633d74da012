import { strict as assert } from "node:assert";
import { sequenceFor } from "./_exp_helpers.ts";
import { cest15nTest } from "../src/experiments/catalog/cest_15n_test.ts";
import { cest15n } from "../src/experiments/catalog/cest_15n.ts";

// No ChemEx example exists for this experimental type (refdata/simulate/INDEX.md).

const VALUES = {
  pa: 0.95,
  pb: 0.05,
  kab: 10,
  kba: 190,
  cs_i_a: 120,
  cs_i_b: 122,
  r2_i_a: 10,
  r2_i_b: 10,
  r1_i_a: 1.5,
  r1_i_b: 1.5,
};

Deno.test("cest_15n_test: legacy gaussian(0.1, 11) B1 default gives section 9's gaussian row", () => {
  const x = Float64Array.of(-20000, -5000, 0, 121, 250);
  const out = sequenceFor(cest15nTest, {
    settings: { time_t1: 0.5, carrier: 118, b1_frq: 25 },
    values: VALUES,
  }).sequence(x);
  const expected = [0.95, 0.4486917131812, 0.348212646154, 1.476908108510e-5, 0.07416658884361];
  expected.forEach((e, i) => assert.ok(Math.abs(out[i] - e) < 1e-11, `${i}: ${out[i]}`));
  // An explicit distribution (here none: dephasing) overrides the legacy default, as in cest_15n.
  const deph = { time_t1: 0.5, carrier: 118, b1_frq: 25, b1_distribution: { type: "dephasing" } };
  const a = sequenceFor(cest15nTest, { settings: deph, values: VALUES }).sequence(x);
  const b = sequenceFor(cest15n, { settings: deph, values: VALUES }).sequence(x);
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.equal(cest15nTest.schema.keys.b1_frq.required, true);
});
