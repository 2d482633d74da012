import { strict as assert } from "node:assert";
import { simulateFixtureTest } from "./_refdata.ts";
import { dcest15n } from "../src/experiments/catalog/dcest_15n.ts";
import { danteTiming } from "../src/experiments/_dcest.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { fullPrecisionTest } from "./_fullprecision.ts";

simulateFixtureTest("simulate/DCEST_15N");

// Common values of physics-conventions §9: 2st, PB 0.05, KEX 200, CS 120/122 ppm, R2 10,
// R1 1.5, 600 MHz, carrier 118 ppm, observed a, equilibrium start.
const SECTION9 = {
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
const SETTINGS = { time_t1: 0.5, sw: 500, pw90: 35e-6, b1_eff: 25, carrier: 118 };

Deno.test("dcest_15n DANTE timing (pitfall P12)", () => {
  const t = danteTiming(SETTINGS);
  assert.ok(Math.abs(t.pwS - 7e-6) < 1e-18);
  assert.ok(Math.abs(t.tauS - 0.001993) < 1e-15);
  assert.equal(t.count, 250);
  // trunc(time_t1·sw + 0.1): 0.4999·500 + 0.1 = 250.05 → 250; 0.4997·500 + 0.1 = 249.95 → 249.
  assert.equal(danteTiming({ ...SETTINGS, time_t1: 0.4999 }).count, 250);
  assert.equal(danteTiming({ ...SETTINGS, time_t1: 0.4997 }).count, 249);
});

Deno.test("dcest_15n reproduces the reference values of physics-conventions §9", () => {
  const { sequence } = sequenceFor(dcest15n, { settings: SETTINGS, values: SECTION9 });
  const got = sequence(Float64Array.of(-20000, 0, 121, 250));
  const want = [0.0962626621, 0.033418887605, -0.000103115396, 0.006924380076];
  want.forEach((w, i) =>
    assert.ok(Math.abs(got[i] - w) < 2e-12, `x[${i}]: ${got[i]} vs ${w} (Δ ${got[i] - w})`)
  );
});

Deno.test("dcest_15n without exchange, far off resonance: reference × exp(−R1·T)", () => {
  // A single state 1 MHz... here 9 kHz off resonance with a weak field: the train barely
  // tilts the magnetization, so Iz decays with R1 over the train's duration n_d/sw.
  const values = { ...SECTION9, pa: 1, pb: 0, kab: 0, kba: 0 };
  const { sequence } = sequenceFor(dcest15n, {
    settings: { ...SETTINGS, sw: 50000, b1_eff: 1 },
    values,
  });
  const [ref, sat] = sequence(Float64Array.of(20000, 9000));
  assert.ok(Math.abs(ref - 0.101329118) < 1e-15);
  const t = danteTiming({ ...SETTINGS, sw: 50000, b1_eff: 1 });
  const expected = ref * Math.exp(-1.5 * t.count / 50000);
  assert.ok(Math.abs(sat / expected - 1) < 1e-4, `${sat} vs ${expected}`);
});

Deno.test("dcest_15n with the 2st_hd model starts from Iz_a only", () => {
  const { sequence } = sequenceFor(dcest15n, {
    settings: SETTINGS,
    values: SECTION9,
    model: "2st_hd",
  });
  const [ref] = sequence(Float64Array.of(-20000));
  assert.ok(Math.abs(ref - 0.95 * 0.101329118) < 1e-15);
});

fullPrecisionTest("DCEST_15N", 1e-11);

// Models from the model catalog: three states in a line, and H/D exchange (start from Iz_a).
simulateFixtureTest("simulate/DCEST_15N_3States");
simulateFixtureTest("simulate/DCEST_15N_HD_EXCH");

Deno.test("dcest_15n with a 13C label: J lines weighted to one, or ChemEx's raw multiplicities", () => {
  const offsets = Float64Array.of(-20000, 0, 121, 250);
  const run = (label: string[], extra: Record<string, unknown> = {}) =>
    sequenceFor(dcest15n, {
      settings: { ...SETTINGS, ...extra },
      values: SECTION9,
      label,
      spinSystem: "F4N",
    }).sequence(offsets);
  const plain = run([]);
  const normalized = run(["13C"]);
  const raw = run(["13C"], { multiplet_weights: "raw" });
  // References carry the J weights too (they go through D(teq) on the grid in ChemEx), so both
  // weightings agree up to the number of lines counted with multiplicity: 2³ for backbone N.
  assert.ok(Math.abs(normalized[0] - plain[0]) < 1e-15);
  raw.forEach((r, i) => assert.ok(Math.abs(r - 8 * normalized[i]) < 1e-14, `x[${i}]`));
  // The splitting (7–14 Hz) broadens the saturation: on resonance (x = 121 Hz) it is weaker.
  assert.ok(normalized[2] > plain[2]);
});

Deno.test("dcest_15n in dephasing mode (b1_inh_scale = inf) gives finite intensities", () => {
  const { sequence } = sequenceFor(dcest15n, {
    settings: { ...SETTINGS, b1_inh_scale: Infinity },
    values: SECTION9,
  });
  const got = sequence(Float64Array.of(-20000, 0, 121, 250));
  assert.ok(Math.abs(got[0] - 0.0962626621) < 1e-10);
  got.forEach((v) => assert.ok(Number.isFinite(v) && Math.abs(v) <= got[0] + 1e-12));
});
