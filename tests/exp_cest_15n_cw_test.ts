import { strict as assert } from "node:assert";
import { simulateFixtureTest } from "./_refdata.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { cest15nCw } from "../src/experiments/catalog/cest_15n_cw.ts";
import { cest15n } from "../src/experiments/catalog/cest_15n.ts";

// Model 2st.mf: model-free relaxation rates of the full N–H basis.
simulateFixtureTest("simulate/CEST_15N_CW");

const VALUES: Record<string, number> = {
  pa: 1,
  r2_i_a: 10,
  r1_i_a: 1.5,
  r2_s_a: 20,
  r1_s_a: 2,
  r2a_i_a: 12,
  r2a_s_a: 22,
  r2mq_is_a: 25,
  r1a_is_a: 3,
  cs_i_a: 120,
  cs_s_a: 8.2,
  j_is_a: -93,
};

Deno.test("cest_15n_cw: strong 1H decoupling collapses the doublet onto cest_15n", () => {
  const x = Float64Array.of(-2e4, -300, -46.5, 0, 46.5, 300);
  // Dephasing removes the coherent nutation, leaving only saturation.
  const b1_distribution = { type: "dephasing" };
  const settings = { time_t1: 0.2, carrier: 120, b1_frq: 25, carrier_dec: 8.2, b1_distribution };
  const dec = sequenceFor(cest15nCw, {
    settings: { ...settings, b1_frq_dec: 5000 },
    values: VALUES,
    states: ["a"],
  }).sequence(x);
  const undec = sequenceFor(cest15nCw, {
    settings: { ...settings, b1_frq_dec: 0 },
    values: VALUES,
    states: ["a"],
  }).sequence(x);
  // The reference is the start vector with the 15N frequency ratio (ChemEx passes 15N).
  assert.equal(dec[0], 0.101329118);
  // Decoupled: a single dip at the shift (offset 0); undecoupled: two dips at ±J/2.
  assert.ok(dec[3] < dec[2] && dec[3] < dec[4], `${Array.from(dec)}`);
  assert.ok(undec[2] < undec[3] && undec[4] < undec[3], `${Array.from(undec)}`);
  // A decoupled in-phase 15N spin relaxes like cest_15n's far from resonance (R1 of 15N only).
  const plain = sequenceFor(cest15n, {
    settings: { time_t1: 0.2, carrier: 120, b1_frq: 25, b1_distribution },
    values: { pa: 1, r2_i_a: 10, r1_i_a: 1.5, cs_i_a: 120 },
    states: ["a"],
  }).sequence(x);
  assert.ok(Math.abs(dec[5] / dec[0] - plain[5] / plain[0]) < 0.02);
});
