import { strict as assert } from "node:assert";
import { dcest13c } from "../src/experiments/catalog/dcest_13c.ts";
import { danteTiming } from "../src/experiments/_dcest.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { cwIntensity } from "./_cw.ts";

const VALUES = {
  pa: 0.9,
  pb: 0.1,
  kab: 30,
  kba: 270,
  cs_i_a: 20,
  cs_i_b: 22,
  r2_i_a: 15,
  r2_i_b: 25,
  r1_i_a: 1.2,
  r1_i_b: 1.2,
};
const SETTINGS = { time_t1: 0.3, sw: 4000, pw90: 10e-6, b1_eff: 30, carrier: 20.5 };

Deno.test("dcest_13c references: the start magnetization p_s·Iz_s (Ξ_H = 1)", () => {
  const { sequence } = sequenceFor(dcest13c, { settings: SETTINGS, values: VALUES });
  const [ref] = sequence(Float64Array.of(15000));
  assert.ok(Math.abs(ref - 0.9) < 1e-15);
  const withEquil = sequenceFor(dcest13c, {
    settings: { ...SETTINGS, time_equil: 0.1 },
    values: VALUES,
  }).sequence(Float64Array.of(-15000))[0];
  // D(teq) acts on z magnetization only; at equilibrium populations exchange leaves Iz_a alone
  // and it relaxes to zero with R1 (no E component in ixyz).
  const want = 0.9 * Math.exp(-1.2 * 0.1);
  assert.ok(Math.abs(withEquil - want) < 1e-12, `${withEquil} vs ${want}`);
});

Deno.test("dcest_13c: a DANTE train with sw ≫ offsets saturates like a constant field b1_eff", () => {
  const { sequence, spectrometer: sp } = sequenceFor(dcest13c, {
    settings: SETTINGS,
    values: VALUES,
  });
  const start = sp.startVector(["iz"], "1H");
  const t = danteTiming(SETTINGS);
  const offsets = Float64Array.of(-600, -200, -100, 0, 150, 400);
  const got = sequence(offsets);
  offsets.forEach((x, i) => {
    const cw = cwIntensity(sp, start, x, SETTINGS.b1_eff, t.count / SETTINGS.sw);
    // The DANTE excitation profile departs from CW as (offset/sw)²: < 1e-3 of M0 up to sw/6.
    assert.ok(Math.abs(got[i] - cw) < 1e-3, `offset ${x}: ${got[i]} vs CW ${cw}`);
  });
});

Deno.test("dcest_13c: offsets one sw apart are equivalent (DANTE sidebands)", () => {
  // The train is periodic in 1/sw, so shifting the offset by sw changes only the (tiny)
  // evolution during the pulses themselves.
  const { sequence } = sequenceFor(dcest13c, { settings: SETTINGS, values: VALUES });
  const [a, b] = sequence(Float64Array.of(-100, -100 + SETTINGS.sw));
  assert.ok(Math.abs(a - b) < 1e-6, `${a} vs ${b}`);
});
