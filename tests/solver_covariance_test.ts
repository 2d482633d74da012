import { strict as assert } from "node:assert";
import { covarianceFromJacobian, propagateVariance } from "../src/solver/covariance.ts";

/** (JᵀJ)⁻¹ by Gauss–Jordan elimination with partial pivoting, an independent route. */
function explicitInverseNormal(j: number[][]): number[][] {
  const n = j[0].length;
  const a = Array.from({ length: n }, (_, r) =>
    Array.from({ length: 2 * n }, (_, c) => {
      if (c >= n) return c - n === r ? 1 : 0;
      let s = 0;
      for (const row of j) s += row[r] * row[c];
      return s;
    }));
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
    [a[col], a[piv]] = [a[piv], a[col]];
    const p = a[col][col];
    for (let c = 0; c < 2 * n; c++) a[col][c] /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col];
      for (let c = 0; c < 2 * n; c++) a[r][c] -= f * a[col][c];
    }
  }
  return a.map((row) => row.slice(n));
}

const flat = (rows: number[][]) => Float64Array.from(rows.flat());

function assertMatrixClose(actual: Float64Array, expected: number[][], rtol: number) {
  const n = expected.length;
  let scale = 0;
  for (const row of expected) for (const v of row) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const a = actual[i * n + k], b = expected[i][k];
      // Relative to the entry, with a floor relative to the diagonal scale of its row/column.
      const floor = rtol * Math.sqrt(Math.abs(expected[i][i] * expected[k][k]));
      assert.ok(
        Math.abs(a - b) <= rtol * Math.abs(b) + floor,
        `C[${i}][${k}] = ${a}, expected ${b}`,
      );
    }
  }
  assert.ok(scale > 0);
}

// A 7×3 Jacobian of an exponential-decay-plus-offset model at distinct times.
const jRows = [0, 0.3, 0.7, 1.1, 1.6, 2.4, 3.5].map((
  t,
) => [Math.exp(-1.3 * t), -2.5 * t * Math.exp(-1.3 * t), 1]);

Deno.test("covariance equals an explicit (JᵀJ)⁻¹", () => {
  const res = covarianceFromJacobian(flat(jRows), jRows.length, 3);
  assert.equal(res.rank, 3);
  assert.equal(res.reason, undefined);
  assert.ok(res.covariance !== null);
  assertMatrixClose(res.covariance, explicitInverseNormal(jRows), 1e-11);
  // Symmetric to the last bit.
  for (let i = 0; i < 3; i++) {
    for (let k = 0; k < 3; k++) assert.equal(res.covariance[i * 3 + k], res.covariance[k * 3 + i]);
  }
});

Deno.test("column equilibration copes with wildly different parameter units", () => {
  // Same model, columns rescaled by 1e8 and 1e-8: still full rank after equilibration.
  const scaled = jRows.map(([a, b, c]) => [a * 1e8, b, c * 1e-8]);
  const res = covarianceFromJacobian(flat(scaled), scaled.length, 3);
  assert.equal(res.rank, 3);
  assert.ok(res.covariance !== null);
  const base = explicitInverseNormal(jRows);
  const s = [1e8, 1, 1e-8];
  const expected = base.map((row, i) => row.map((v, k) => v / (s[i] * s[k])));
  assertMatrixClose(res.covariance, expected, 1e-9);
});

Deno.test("rank-deficient Jacobians give no covariance", () => {
  // Third column is the sum of the first two.
  const dependent = jRows.map(([a, b]) => [a, b, a + b]);
  const res = covarianceFromJacobian(flat(dependent), dependent.length, 3);
  assert.equal(res.covariance, null);
  assert.equal(res.rank, 2);
  assert.equal(res.reason, "rank-deficient Jacobian (rank 2 < 3)");

  // A parameter the residuals do not depend on.
  const zeroCol = jRows.map(([a, b]) => [a, 0, b]);
  const z = covarianceFromJacobian(flat(zeroCol), zeroCol.length, 3);
  assert.equal(z.covariance, null);
  assert.equal(z.rank, 2);
  assert.match(z.reason ?? "", /rank-deficient/);

  // Fewer residuals than parameters.
  const short = covarianceFromJacobian(flat([[1, 2, 3], [4, 5, 7]]), 2, 3);
  assert.equal(short.covariance, null);
  assert.equal(short.rank, 2);
});

Deno.test("single parameter with many residuals", () => {
  const m = 5000;
  const j = new Float64Array(m).map((_, i) => Math.sin(i) + 2);
  let s = 0;
  for (const v of j) s += v * v;
  const res = covarianceFromJacobian(j, m, 1);
  assert.equal(res.rank, 1);
  assert.ok(res.covariance !== null);
  assert.ok(Math.abs(res.covariance[0] - 1 / s) <= 1e-14 / s);
});

Deno.test("propagateVariance computes g·C·gᵀ", () => {
  const c = new Float64Array([4, 1, -2, 1, 9, 0.5, -2, 0.5, 16]);
  assert.equal(propagateVariance(new Float64Array([1, 0, 0]), c, 3), 4);
  assert.equal(propagateVariance(new Float64Array([0, 0, 1]), c, 3), 16);
  // (1, 2, -1): 4 + 4·9 + 16 + 2·(1·2·1) + 2·(1·(-1)·(-2)) + 2·(2·(-1)·0.5) = 62
  assert.equal(propagateVariance(new Float64Array([1, 2, -1]), c, 3), 62);

  // Variance of a sum of parameters from a fitted covariance.
  const res = covarianceFromJacobian(flat(jRows), jRows.length, 3);
  assert.ok(res.covariance !== null);
  const cov = res.covariance;
  const expected = cov[0] + cov[4] + 2 * cov[1];
  const got = propagateVariance(new Float64Array([1, 1, 0]), cov, 3);
  assert.ok(Math.abs(got - expected) <= 1e-12 * Math.abs(expected));
});
