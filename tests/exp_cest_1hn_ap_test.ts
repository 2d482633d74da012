import { strict as assert } from "node:assert";
import { simulateFixtureTest } from "./_refdata.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { cest1hnAp } from "../src/experiments/catalog/cest_1hn_ap.ts";

simulateFixtureTest("simulate/CEST_1HN_AP");

Deno.test("cest_1hn_ap: anti-phase start on the observed state, 1H offsets", () => {
  assert.equal(cest1hnAp.schema.defaultStartFromObserved, true);
  const values: Record<string, number> = {
    pa: 0.9,
    pb: 0.1,
    kab: 10,
    kba: 90,
    r2_i_a: 20,
    r2_i_b: 20,
    r1_i_a: 1,
    r1_i_b: 1,
    r2a_i_a: 25,
    r2a_i_b: 25,
    r1a_is_a: 3,
    r1a_is_b: 3,
    cs_i_a: 8.5,
    cs_i_b: 9.0,
    j_is_a: -93,
    j_is_b: -93,
  };
  const x = Float64Array.of(-2e4, 300, 600);
  const { sequence } = sequenceFor(cest1hnAp, {
    settings: { time_t1: 0.1, carrier: 8.0, b1_frq: 25 },
    values,
    start: ["a"],
  });
  const out = sequence(x);
  assert.equal(out[0], 0.9);
  // Positive offsets are higher ppm for 1H too: state A (8.5 ppm) sits at +300 Hz from 8.0 ppm
  // at 600 MHz, so saturating there removes far more than at +600 Hz (state B).
  assert.ok(out[1] < out[2], `${Array.from(out)}`);
});
