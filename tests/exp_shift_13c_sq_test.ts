import { strict as assert } from "node:assert";
import { shift13cSq } from "../src/experiments/catalog/shift_13c_sq.ts";
import { ppmToRadPerS } from "../src/nmr/constants.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { twoSiteLines } from "./_two_site.ts";

const X = Float64Array.of(0);
const P = ppmToRadPerS("13C", 800);

function position(pb: number, kex: number, observed = "a"): number {
  const values = {
    pa: 1 - pb,
    pb,
    kab: kex * pb,
    kba: kex * (1 - pb),
    cs_i_a: 20,
    cs_i_b: 21.5,
    r2_i_a: 15,
    r2_i_b: 15,
  };
  return sequenceFor(shift13cSq, {
    settings: {},
    values,
    hLarmorFrqMHz: 800,
    observed: [observed],
  }).sequence(X)[0];
}

Deno.test("shift_13c_sq: no exchange or no minor state gives the state's own CS", () => {
  assert.ok(Math.abs(position(0, 500) - 20) < 1e-12);
  assert.ok(Math.abs(position(0.2, 0, "b") - 21.5) < 1e-12);
});

Deno.test("shift_13c_sq: lines of both states match the closed-form two-site result", () => {
  const [pb, kex] = [0.15, 1500];
  const [la, lb] = twoSiteLines(20 * P, 21.5 * P, kex * pb, kex * (1 - pb));
  assert.ok(Math.abs(position(pb, kex) - la / P) < 1e-10);
  assert.ok(Math.abs(position(pb, kex, "b") - lb / P) < 1e-10);
  // Fast exchange: both lines coalesce at the population average.
  assert.ok(Math.abs(position(0.15, 1e8) - (0.85 * 20 + 0.15 * 21.5)) < 1e-6);
});
