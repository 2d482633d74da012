import { strict as assert } from "node:assert";
import { simulateFixtureTest } from "./_refdata.ts";
import { rawWeightsFixtureTest } from "./_cest.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { cest13c } from "../src/experiments/catalog/cest_13c.ts";
import { cest15n } from "../src/experiments/catalog/cest_15n.ts";
import { jMultiplet } from "../src/nmr/jmultiplet.ts";

simulateFixtureTest("simulate/CEST_13C");
// Residue-specific multiplets (L18CB, L18CG, …, K25CA); OutputSim carries ChemEx's raw weights.
rawWeightsFixtureTest("simulate/CEST_13C_LABEL_CN");

const VALUES = {
  pa: 0.9,
  pb: 0.1,
  kab: 20,
  kba: 180,
  cs_i_a: 20,
  cs_i_b: 23,
  r2_i_a: 15,
  r2_i_b: 15,
  r1_i_a: 1,
  r1_i_b: 1,
};
const SETTINGS = { time_t1: 0.3, carrier: 21, b1_frq: 20 };

Deno.test("cest_13c: 13C label splits each line with its own residue's couplings", () => {
  const x = Float64Array.of(-2e4, -400, -120, 0, 90, 300);
  const label = ["13C"];
  const ile = sequenceFor(cest13c, {
    settings: SETTINGS,
    values: VALUES,
    label,
    spinSystem: "I28CD1",
  }).sequence(x);
  // The same profile summed by hand over the CD1 doublet (J = 35 Hz) of Ile: each line is the
  // unlabelled experiment with the carrier moved by −J_line (Ω includes +2π·J_line).
  const lines = jMultiplet("I", "CD1");
  assert.deepEqual(Array.from(lines.linesHz), [-17.5, 17.5]);
  const hzPerPpm = 600 * 0.25144953;
  const manual = new Float64Array(x.length);
  lines.linesHz.forEach((j, k) => {
    const one = sequenceFor(cest13c, {
      settings: { ...SETTINGS, carrier: SETTINGS.carrier - j / hzPerPpm },
      values: VALUES,
    }).sequence(x);
    for (let i = 1; i < x.length; i++) manual[i] += lines.weights[k] * one[i];
  });
  for (let i = 1; i < x.length; i++) {
    assert.ok(Math.abs(ile[i] - manual[i]) < 1e-9, `${i}: ${ile[i]} vs ${manual[i]}`);
  }
  assert.equal(ile[0], 0.9);
  // Without the label (or in cest_15n's backbone pattern) the profile differs.
  const plain = sequenceFor(cest13c, { settings: SETTINGS, values: VALUES }).sequence(x);
  assert.ok(Math.abs(plain[3] - ile[3]) > 1e-3);
  assert.throws(
    () =>
      sequenceFor(cest13c, { settings: SETTINGS, values: VALUES, label, spinSystem: "G3CB" })
        .sequence(x),
    /no 13C coupling table for atom "CB" of residue type "G"/,
  );
});

Deno.test("cest_13c and cest_15n share the sequence; only the basis pair differs", () => {
  assert.deepEqual(cest13c.basis({}), { type: "ixyz", pair: "ch" });
  assert.deepEqual(cest15n.basis({}), { type: "ixyz", pair: "nh" });
  assert.deepEqual(cest13c.toBeFitted("a"), {
    rates: ["r2_i", "r1_i_a"],
    modelFree: ["tauc_a", "s2_a"],
  });
});
