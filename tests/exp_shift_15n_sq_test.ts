import { strict as assert } from "node:assert";
import { shift15nSq } from "../src/experiments/catalog/shift_15n_sq.ts";
import { ppmToRadPerS } from "../src/nmr/constants.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { twoSiteLines } from "./_two_site.ts";

const X = Float64Array.of(0);
const P = ppmToRadPerS("15N", 600);

function position(pb: number, kex: number, csB = 122): number {
  const values = {
    pa: 1 - pb,
    pb,
    kab: kex * pb,
    kba: kex * (1 - pb),
    cs_i_a: 120,
    cs_i_b: csB,
    r2_i_a: 10,
    r2_i_b: 10,
  };
  return sequenceFor(shift15nSq, { settings: {}, values }).sequence(X)[0];
}

Deno.test("shift_15n_sq: without a minor state the line sits at CS_A", () => {
  assert.ok(Math.abs(position(0, 200) - 120) < 1e-12);
  assert.ok(Math.abs(position(0.1, 0) - 120) < 1e-12);
});

Deno.test("shift_15n_sq: fast exchange gives the population-weighted shift", () => {
  const got = position(0.1, 1e7);
  assert.ok(Math.abs(got - (0.9 * 120 + 0.1 * 122)) < 1e-6, `${got}`);
});

Deno.test("shift_15n_sq: intermediate exchange matches the closed-form two-site line", () => {
  for (const [pb, kex] of [[0.05, 200], [0.1, 800], [0.3, 3000]]) {
    const [line] = twoSiteLines(120 * P, 122 * P, kex * pb, kex * (1 - pb));
    const got = position(pb, kex);
    assert.ok(Math.abs(got - line / P) < 1e-10, `pb ${pb}, kex ${kex}: ${got} vs ${line / P}`);
  }
  // The minor state pulls the major line towards itself.
  assert.ok(position(0.1, 800) > 120 && position(0.1, 800, 118) < 120);
});
