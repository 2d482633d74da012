/**
 * A simulate test for every B1 distribution kind: a CEST (and a D-CEST) profile simulated with
 * the distribution must equal the weighted sum of single-field simulations at the grid's nodes
 * (the signal is linear in the magnetisation, so this is an independent route through the same
 * physics; the nodes themselves are checked against SciPy in nmr_b1_test.ts).
 */
import { strict as assert } from "node:assert";
import { sequenceFor } from "./_exp_helpers.ts";
import { cest15n } from "../src/experiments/catalog/cest_15n.ts";
import { dcest15n } from "../src/experiments/catalog/dcest_15n.ts";
import { b1GridFromSettings } from "../src/config/b1.ts";

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
// Saturation points only: references are the unpropagated start, identical either way.
const X = Float64Array.of(-5000, -300, 0, 121, 250, 800);

const KINDS: Record<string, Record<string, unknown>> = {
  gaussian: { type: "gaussian", scale: 0.1, res: 11 },
  hermite: { type: "hermite", scale: 0.12, res: 9 },
  skewed: { type: "skewed", scale: 0.1, res: 11, skewness: -0.8 },
  truncated_skewed: { type: "truncated_skewed", scale: 0.1, res: 15, skewness: -0.8 },
  beta: { type: "beta", scale: 0.1, res: 11, mean_frac: 0.95 },
  custom: { type: "custom", scales: [0.9, 1.0, 1.05], weights: [0.2, 0.5, 0.3] },
};

const CASES = [
  { module: cest15n, base: { time_t1: 0.5, carrier: 118, b1_frq: 25 } },
  { module: dcest15n, base: { time_t1: 0.5, carrier: 118, sw: 500, pw90: 35e-6, b1_eff: 25 } },
];

for (const { module, base } of CASES) {
  for (const [kind, dist] of Object.entries(KINDS)) {
    Deno.test(`${module.name} with a ${kind} B1 distribution = weighted single-field runs`, () => {
      const settings = { ...base, b1_distribution: dist };
      const grid = b1GridFromSettings(settings, "test");
      assert.ok(grid.valuesHz.length > 1, `${kind}: expected several nodes`);
      const distributed = sequenceFor(module, { settings, values: VALUES }).sequence(X);
      const sum = new Float64Array(X.length);
      grid.scales.forEach((scale, k) => {
        // One field at a time: a one-node distribution keeps every timing (e.g. the DANTE
        // pulse width, set by the nominal pw90) and scales only the field.
        const single = {
          ...base,
          b1_distribution: { type: "custom", scales: [scale], weights: [1] },
        };
        const y = sequenceFor(module, { settings: single, values: VALUES }).sequence(X);
        y.forEach((v, i) => sum[i] += grid.weights[k] * v);
      });
      const scale = Math.max(...Array.from(sum, Math.abs));
      sum.forEach((v, i) =>
        assert.ok(
          Math.abs(distributed[i] - v) <= 1e-9 * scale,
          `${kind} x=${X[i]}: ${distributed[i]} vs Σw·single ${v}`,
        )
      );
    });
  }
}
