import { strict as assert } from "node:assert";
import { simulateFixtureTest } from "./_refdata.ts";
import { relaxationHznz } from "../src/experiments/catalog/relaxation_hznz.ts";
import { sequenceFor } from "./_exp_helpers.ts";

simulateFixtureTest("simulate/RELAXATION_HZNZ");

Deno.test("relaxation_hznz: the 180° pulses cancel the 2HzNz/Nz cross-relaxation", () => {
  // Without exchange 2IzSz couples to Iz only through ETAZ. The three inversions (S, I, S) each
  // flip 2IzSz, so the detected sign is negative: −exp(−R1A·T) when ETAZ = 0.
  const values = { pa: 1, pb: 0, kab: 0, kba: 0, r1_i_a: 2, r1a_is_a: 5, etaz_i_a: 0 };
  const { sequence } = sequenceFor(relaxationHznz, { settings: {}, values });
  const t = Float64Array.of(0, 0.05, 0.2);
  const got = sequence(t);
  t.forEach((x, i) => assert.ok(Math.abs(got[i] + Math.exp(-5 * x)) < 1e-14));
  // With ETAZ on, the I inversion between the two halves swaps the sign of the Iz/2IzSz
  // coupling, so its first-order effect cancels: the decay stays close to exp(−R1A·T).
  const withEta = sequenceFor(relaxationHznz, {
    settings: {},
    values: { ...values, etaz_i_a: 1 },
  }).sequence(Float64Array.of(0.2))[0];
  assert.ok(Math.abs(-withEta / Math.exp(-5 * 0.2) - 1) < 0.05, `${withEta}`);
});

Deno.test("relaxation_hznz two states, no exchange: population-weighted sum of decays", () => {
  const values = {
    pa: 0.7,
    pb: 0.3,
    kab: 0,
    kba: 0,
    r1_i_a: 1,
    r1_i_b: 1,
    r1a_is_a: 4,
    r1a_is_b: 9,
  };
  const { sequence } = sequenceFor(relaxationHznz, {
    settings: {},
    values,
    observed: ["a", "b"],
  });
  const [v] = sequence(Float64Array.of(0.3));
  assert.ok(Math.abs(v + (0.7 * Math.exp(-4 * 0.3) + 0.3 * Math.exp(-9 * 0.3))) < 1e-14);
});
