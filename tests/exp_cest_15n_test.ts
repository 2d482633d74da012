import { strict as assert } from "node:assert";
import { simulateFixtureTest } from "./_refdata.ts";
import { rawWeightsFixtureTest } from "./_cest.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { cest15n } from "../src/experiments/catalog/cest_15n.ts";

simulateFixtureTest("simulate/CEST_15N");
// OutputSim of this folder carries ChemEx's raw 13C-multiplet weights (NOTE_chemex_defect.txt).
rawWeightsFixtureTest("simulate/CEST_15N_LABEL_CN");
// The CEST part of a binding study (with its CPMG companions).
simulateFixtureTest("simulate/Combination_2stBinding");

/** physics-conventions section 9 system. */
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
const X = Float64Array.of(-20000, -5000, 0, 121, 250);
const BASE = { time_t1: 0.5, carrier: 118, b1_frq: 25 };

function close(actual: Float64Array, expected: number[], tol: number, what: string) {
  expected.forEach((e, i) =>
    assert.ok(Math.abs(actual[i] - e) <= tol, `${what} [${i}]: ${actual[i]} vs ${e}`)
  );
}

Deno.test("cest_15n reproduces the section 9 reference intensities", () => {
  const none = sequenceFor(cest15n, { settings: BASE, values: VALUES }).sequence(X);
  close(none, [0.95, 0.448692184641, 0.348469930687, -0.001016361562, 0.072164977113], 1e-11, "");
  const gauss = sequenceFor(cest15n, {
    settings: { ...BASE, b1_distribution: { type: "gaussian", scale: 0.1, res: 11 } },
    values: VALUES,
  }).sequence(X);
  close(
    gauss,
    [0.95, 0.4486917131812, 0.348212646154, 1.476908108510e-5, 0.07416658884361],
    1e-11,
    "gaussian",
  );
  const raw = sequenceFor(cest15n, {
    settings: { ...BASE, multiplet_weights: "raw" },
    values: VALUES,
    label: ["13C"],
  }).sequence(X);
  close(
    raw,
    [0.95, 3.589537464934, 2.775660179297, -0.001941883730833, 0.6374802252379],
    1e-11,
    "13C raw",
  );
});

Deno.test("cest_15n 13C label: normalised lines relax to exp(-R1 t1) far off resonance", () => {
  // An isolated spin (no exchange) saturated 5 kHz away: I/I0 = exp(-R1·t1) up to the tiny
  // off-resonance tilt; ChemEx's raw weights give 8 times that (pitfall P4).
  const values = { ...VALUES, pa: 1, pb: 0, kab: 0, kba: 0 };
  const x = Float64Array.of(-20000, -5000);
  const norm = sequenceFor(cest15n, { settings: BASE, values, label: ["13C"] }).sequence(x);
  const raw = sequenceFor(cest15n, {
    settings: { ...BASE, multiplet_weights: "raw" },
    values,
    label: ["13C"],
  }).sequence(x);
  const expected = Math.exp(-1.5 * 0.5);
  assert.ok(Math.abs(norm[1] / norm[0] - expected) < 1e-4, `${norm[1] / norm[0]}`);
  assert.ok(Math.abs(raw[1] / norm[1] - 8) < 1e-12);
  assert.equal(raw[0], norm[0]);
});

Deno.test("cest_15n: references are the unpropagated start; distinct offsets computed once", () => {
  const { sequence } = sequenceFor(cest15n, { settings: BASE, values: VALUES });
  // |offset| > 1e4 strictly: exactly 1e4 is saturated.
  const out = sequence(Float64Array.of(1e4, 10000.5, -1e5, 250, 250));
  assert.equal(out[1], 0.95);
  assert.equal(out[2], 0.95);
  assert.ok(out[0] < 0.95 * Math.exp(-1.5 * 0.5) + 1e-3);
  assert.equal(out[3], out[4]);
  // start_state = b starts from p_b on state b only.
  const fromB = sequenceFor(cest15n, { settings: BASE, values: VALUES, start: ["b"] }).sequence(
    Float64Array.of(-2e4),
  );
  assert.equal(fromB[0], 0);
});

Deno.test("cest_15n dephasing keeps only the magnetisation along the effective field", () => {
  // Single spin: the real eigenvalue (−R1ρ, along the effective field) survives; the precessing
  // pair is dephased (pitfall P13).
  const values = { ...VALUES, pa: 1, pb: 0, kab: 0, kba: 0, r2_i_a: 2, r2_i_b: 2 };
  const x = Float64Array.of(40);
  const settings = { ...BASE, time_t1: 0.2 };
  const deph = sequenceFor(cest15n, {
    settings: { ...settings, b1_distribution: { type: "dephasing" } },
    values,
  }).sequence(x)[0];
  const plain = sequenceFor(cest15n, { settings, values }).sequence(x)[0];
  // Effective field tilt θ: cos²θ of Iz stays along it, decaying with R1ρ.
  const w1 = 2 * Math.PI * 25;
  const dw = 2 * Math.PI * (40 - (120 - 118) * 600 * 0.101329118);
  const cos2 = dw * dw / (dw * dw + w1 * w1);
  const r1rho = 1.5 * cos2 + 2 * (1 - cos2);
  assert.ok(Math.abs(deph - cos2 * Math.exp(-r1rho * 0.2)) < 1e-3, `${deph}`);
  assert.ok(Math.abs(plain - deph) > 1e-3, "dephasing must differ from the coherent result");
});
