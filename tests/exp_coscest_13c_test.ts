import { strict as assert } from "node:assert";
import { coscest13c } from "../src/experiments/catalog/coscest_13c.ts";
import { cosineAmplitudes, cosineTrain } from "../src/experiments/_dcest.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { cwIntensity } from "./_cw.ts";

const XI_C = 0.251449530;
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

Deno.test("cosine shape and train layout", () => {
  const a = cosineAmplitudes(3, 10);
  // 1 + 2·cos θ on θ = −π, −0.8π, …, 0.8π.
  a.forEach((v, k) =>
    assert.ok(Math.abs(v - (1 + 2 * Math.cos(-Math.PI + 0.2 * Math.PI * k))) < 1e-14)
  );
  assert.deepEqual(cosineAmplitudes(1, 4), Float64Array.of(1, 1, 1, 1));
  const t = cosineTrain(0.5, 1260, 3, 10);
  assert.deepEqual([t.pairs, t.extra, t.left, t.phase1], [315, false, 0, 0]);
  const u = cosineTrain(0.10125, 1000, 2, 8);
  // 101.25 periods: 50 pairs, one extra period, then 0.25·8 = 2 samples; even cos_n → −x.
  assert.deepEqual([u.pairs, u.extra, u.left, u.phase1, u.phaseLeft], [50, true, 2, 2, 0]);
});

Deno.test("coscest_13c with cos_n = 1 is a constant field: equals CW saturation", () => {
  // One cosine component is a flat shape: a constant B1 over the whole periods and the final
  // partial one.
  const settings = { time_t1: 0.2013, sw: 1000, cos_n: 1, cos_res: 10, b1_frq: 25, carrier: 20.5 };
  const { sequence, spectrometer: sp } = sequenceFor(coscest13c, {
    settings,
    values: VALUES,
    hLarmorFrqMHz: 700,
  });
  const start = sp.equilibrium({ i: "13C" });
  const t = cosineTrain(settings.time_t1, settings.sw, 1, 10);
  const duration = (2 * t.pairs + (t.extra ? 1 : 0)) / settings.sw + t.left * t.dtS;
  const offsets = Float64Array.of(-300, -70, 0, 40, 250);
  const got = sequence(offsets);
  offsets.forEach((x, i) => {
    const cw = cwIntensity(sp, start, x, 25, duration);
    assert.ok(Math.abs(got[i] - cw) < 1e-12, `offset ${x}: ${got[i]} vs CW ${cw}`);
  });
  const [ref] = sequence(Float64Array.of(2e4));
  assert.ok(Math.abs(ref - 0.9 * XI_C) < 1e-15);
});

Deno.test("coscest_13c with cos_n = 2 saturates at offset ± sw/2, not at the offset", () => {
  // A single isolated spin on the carrier: bands at x ± sw/2 hit it when x = ±sw/2.
  const values = { pa: 1, pb: 0, kab: 0, kba: 0, cs_i_a: 20, r2_i_a: 15, r1_i_a: 1.2 };
  const settings = { time_t1: 0.3, sw: 1000, cos_n: 2, cos_res: 16, b1_frq: 20, carrier: 20 };
  const { sequence } = sequenceFor(coscest13c, { settings, values, states: ["a"] });
  const [ref, mid, band, otherBand] = sequence(Float64Array.of(2e4, 0, 500, -500));
  assert.ok(band < 0.2 * ref && otherBand < 0.2 * ref, `${band}, ${otherBand} vs ${ref}`);
  assert.ok(mid > 0.6 * ref, `${mid} vs ${ref}`);
  assert.ok(Math.abs(band - otherBand) < 1e-3 * ref);
});
