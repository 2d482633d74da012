/**
 * The TRF's evaluation savings beyond SciPy's iteration (`src/solver/_secant.ts`, the `chi2Tol`
 * rule of `src/solver/trf.ts`): secant Jacobian updates keep the sparsity and the secant
 * condition, cost fewer function evaluations on a global + local problem for the same answer,
 * and never hand out an updated Jacobian as the result; the χ² rule stops earlier on noisy data
 * within its promise and changes nothing on data without noise.
 */
import { strict as assert } from "node:assert";
import {
  DEFAULT_REUSE,
  type JacobianStructure,
  type LeastSquaresProblem,
  leastSquaresTrf,
  type TrfOptions,
} from "../src/solver/trf.ts";
import { secantUpdate } from "../src/solver/_secant.ts";
import { covarianceFromJacobian } from "../src/solver/covariance.ts";

const F = (a: number[]) => new Float64Array(a);

Deno.test("secant update: maps the step onto the residual change, keeps zeros outside the structure", () => {
  // Two blocks of two rows; block 0 depends on columns 0, 2 and block 1 on columns 1, 2.
  const structure: JacobianStructure = {
    offsets: Int32Array.from([0, 2, 4]),
    columns: [Int32Array.from([0, 2]), Int32Array.from([1, 2])],
  };
  const jac = F([1, 0, 2, 3, 0, 1, 0, 4, 5, 0, 6, 7]);
  const s = F([0.1, -0.2, 0.05]);
  const f0 = F([1, 2, 3, 4]);
  const f1 = F([1.3, 1.7, 2.2, 4.4]);
  const scale = F([1, 10, 0.5]);
  const out = secantUpdate(jac, 4, 3, s, f0, f1, scale, structure);
  for (let i = 0; i < 4; i++) {
    let js = 0;
    for (let j = 0; j < 3; j++) js += out[i * 3 + j] * s[j];
    assert.ok(Math.abs(js - (f1[i] - f0[i])) < 1e-14, `row ${i}: ${js}`);
  }
  assert.equal(out[1], 0);
  assert.equal(out[4], 0);
  assert.equal(out[6], 0);
  assert.equal(out[9], 0);
  // The input is left alone.
  assert.deepEqual(Array.from(jac), [1, 0, 2, 3, 0, 1, 0, 4, 5, 0, 6, 7]);
  // A block whose columns did not move is not changed.
  const still = secantUpdate(jac, 4, 3, F([0, 0.3, 0]), f0, f1, scale, {
    offsets: structure.offsets,
    columns: [Int32Array.from([0]), Int32Array.from([1, 2])],
  });
  assert.deepEqual(Array.from(still.subarray(0, 6)), Array.from(jac.subarray(0, 6)));
});

/**
 * Eight exponential decays sharing one rate (global) with their own amplitude and offset
 * (local): a forward-difference Jacobian costs one evaluation of a decay per parameter reaching
 * it, a residual vector one per decay — the shape of a study's global fit.
 */
function globalDecays(noise: number) {
  const curves = 8;
  const t = Array.from({ length: 12 }, (_, i) => 0.15 * i);
  const truth = { k: 1.7, a: (c: number) => 2 + 0.3 * c, b: (c: number) => 0.1 * (c % 3) };
  const y = Array.from(
    { length: curves },
    (_, c) =>
      t.map((ti, i) =>
        truth.a(c) * Math.exp(-truth.k * ti) + truth.b(c) + noise * Math.sin(3.1 * i + 1.7 * c)
      ),
  );
  const m = curves * t.length;
  const n = 1 + 2 * curves;
  let curveEvals = 0;
  const curve = (x: Float64Array, c: number, out: Float64Array, off: number) => {
    curveEvals++;
    for (let i = 0; i < t.length; i++) {
      out[off + i] = (x[1 + 2 * c] * Math.exp(-x[0] * t[i]) + x[2 + 2 * c] - y[c][i]) / 0.01;
    }
  };
  const fun = (x: Float64Array) => {
    const r = new Float64Array(m);
    for (let c = 0; c < curves; c++) curve(x, c, r, c * t.length);
    return r;
  };
  const columns = Array.from(
    { length: curves },
    (_, c) => Int32Array.from([0, 1 + 2 * c, 2 + 2 * c]),
  );
  const jac = (x: Float64Array, f: Float64Array) => {
    const out = new Float64Array(m * n);
    const seg = new Float64Array(t.length);
    for (let c = 0; c < curves; c++) {
      for (const j of columns[c]) {
        const h = 1.5e-8 * Math.max(1, Math.abs(x[j]));
        const xh = x.slice();
        xh[j] += h;
        curve(xh, c, seg, 0);
        for (let i = 0; i < t.length; i++) {
          out[(c * t.length + i) * n + j] = (seg[i] - f[c * t.length + i]) / h;
        }
      }
    }
    return out;
  };
  const problem: LeastSquaresProblem = {
    fun,
    jac,
    structure: {
      offsets: Int32Array.from({ length: curves + 1 }, (_, c) => c * t.length),
      columns,
    },
  };
  const x0 = new Float64Array(n);
  x0[0] = 0.6;
  for (let c = 0; c < curves; c++) {
    x0[1 + 2 * c] = 1;
    x0[2 + 2 * c] = 0;
  }
  const options: TrfOptions = {
    lower: new Float64Array(n).fill(-10),
    upper: new Float64Array(n).fill(10),
    xScale: "jac",
  };
  return { problem, x0, options, evaluations: () => curveEvals, n };
}

/** Largest |a − b| over the standard errors at b's end point. */
function shiftInSigmas(a: Float64Array, b: ReturnType<typeof leastSquaresTrf>): number {
  const cov = covarianceFromJacobian(b.jac, b.m, b.n).covariance!;
  let worst = 0;
  for (let j = 0; j < b.n; j++) {
    worst = Math.max(worst, Math.abs(a[j] - b.x[j]) / Math.sqrt(cov[j * b.n + j]));
  }
  return worst;
}

/**
 * The same problem solved with SciPy's iteration and with `extra` options: both results and the
 * curve evaluations each cost.
 */
function againstScipy(noise: number, extra: Partial<TrfOptions>) {
  const plain = globalDecays(noise);
  const scipy = leastSquaresTrf(plain.problem, plain.x0, plain.options);
  const other = globalDecays(noise);
  const res = leastSquaresTrf(other.problem, other.x0, { ...other.options, ...extra });
  return { scipy, res, scipyEvals: plain.evaluations(), evals: other.evaluations(), other };
}

Deno.test("Jacobian reuse: fewer evaluations on a global + local problem, the same answer", () => {
  const { scipy, res, scipyEvals, evals, other } = againstScipy(0.01, {
    reuseJacobian: DEFAULT_REUSE,
  });
  assert.ok(scipy.success && res.success);
  assert.ok(res.njev < scipy.njev, `njev ${res.njev} against ${scipy.njev}`);
  assert.ok(evals < scipyEvals, `curve evaluations ${evals} against ${scipyEvals}`);
  assert.ok(shiftInSigmas(res.x, scipy) < 1e-3);
  assert.ok(Math.abs(res.cost - scipy.cost) <= 1e-8 * scipy.cost);
  // The result's Jacobian is an evaluated one at the end point, never an update.
  assert.deepEqual(Array.from(res.jac), Array.from(other.problem.jac!(res.x, res.fun)));
});

Deno.test("Jacobian reuse: a budget-stopped fit still returns an evaluated Jacobian", () => {
  const g = globalDecays(0.01);
  const res = leastSquaresTrf(g.problem, g.x0, {
    ...g.options,
    maxNfev: 4,
    reuseJacobian: { maxUpdates: 10, minRatio: 0 },
  });
  assert.equal(res.status, 0);
  assert.deepEqual(Array.from(res.jac), Array.from(g.problem.jac!(res.x, res.fun)));
});

Deno.test("chi2Tol: stops earlier on noisy data, within √chi2Tol standard errors and chi2Tol of χ²", () => {
  const { scipy, res } = againstScipy(0.03, { chi2Tol: 1e-4 });
  assert.equal(res.status, 2);
  assert.ok(res.nfev < scipy.nfev, `nfev ${res.nfev} against ${scipy.nfev}`);
  assert.ok(2 * (res.cost - scipy.cost) <= 1e-4, `Δχ² ${2 * (res.cost - scipy.cost)}`);
  assert.ok(shiftInSigmas(res.x, scipy) <= 0.01 * 1.5);
});

Deno.test("both savings together: a fifth fewer curve evaluations, χ² within the tolerance", () => {
  const { scipy, res, scipyEvals, evals } = againstScipy(0.01, {
    reuseJacobian: DEFAULT_REUSE,
    chi2Tol: 1e-4,
  });
  assert.ok(res.success);
  assert.ok(evals <= 0.8 * scipyEvals, `curve evaluations ${evals} against ${scipyEvals}`);
  assert.ok(2 * (res.cost - scipy.cost) <= 1e-4);
  assert.ok(shiftInSigmas(res.x, scipy) <= 0.015);
});

Deno.test("chi2Tol: data fitted to rounding (no noise) converge as with SciPy's rules", () => {
  const { scipy, res } = againstScipy(0, { chi2Tol: 1e-4 });
  for (let j = 0; j < res.n; j++) {
    assert.ok(Math.abs(res.x[j] - scipy.x[j]) <= 1e-9 * Math.max(1, Math.abs(scipy.x[j])));
  }
  assert.ok(Math.abs(res.x[0] - 1.7) < 1e-9);
});
