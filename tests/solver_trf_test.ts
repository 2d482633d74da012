/**
 * Tests of the Trust Region Reflective solver against SciPy.
 *
 * Reference numbers were produced with SciPy 1.17.1 (NumPy float64) by
 * `scipy.optimize.least_squares(fun, x0, jac=..., bounds=..., x_scale=...,
 * method="trf")` (default tolerances, tr_solver="exact", loss="linear") on the
 * very same problems written in Python, printing `repr()` of the results; the
 * finite-difference references come from
 * `scipy.optimize._numdiff.approx_derivative(f, x, method="2-point", bounds=...)`.
 */

import { strict as assert } from "node:assert";
import {
  forwardDifferenceJacobian,
  type LeastSquaresProblem,
  leastSquaresTrf,
  type TrfOptions,
} from "../src/solver/trf.ts";

const F = (a: number[]) => new Float64Array(a);
const INF = Infinity;

/** |a − b| ≤ rtol·|b| + atol, element-wise. */
function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol = 0,
) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], b = expected[i];
    assert.ok(
      Math.abs(a - b) <= rtol * Math.abs(b) + atol,
      `component ${i}: got ${a}, expected ${b}`,
    );
  }
}

interface Reference {
  x: number[];
  nfev: number;
  njev: number;
  status: number;
  cost?: number;
  active?: number[];
}

function checkAgainstScipy(
  problem: LeastSquaresProblem,
  x0: number[],
  options: TrfOptions,
  ref: Reference,
) {
  const res = leastSquaresTrf(problem, F(x0), options);
  // Components pinned at a zero bound are compared absolutely.
  assertClose(res.x, ref.x, 1e-8, 1e-14);
  assert.equal(res.nfev, ref.nfev, "nfev");
  assert.equal(res.njev, ref.njev, "njev");
  assert.equal(res.status, ref.status, "status");
  assert.equal(res.success, ref.status > 0);
  if (ref.cost !== undefined) assertClose([res.cost], [ref.cost], 1e-8, 1e-25);
  if (ref.active !== undefined) assert.deepEqual(Array.from(res.activeMask), ref.active);
  assert.equal(res.fun.length, res.m);
  assert.equal(res.jac.length, res.m * res.n);
  return res;
}

// (a) Two-parameter exponential decay, finite-difference Jacobian.
const tA = Array.from({ length: 30 }, (_, i) => i * 0.1);
const yA = tA.map((t, i) => 2.5 * Math.exp(-1.3 * t) + 0.01 * Math.sin(7 * i));
const decay: LeastSquaresProblem = {
  fun: (x) => Float64Array.from(tA, (t, i) => x[0] * Math.exp(-x[1] * t) - yA[i]),
};

Deno.test("trf: exponential decay, inactive bounds, finite differences (SciPy)", () => {
  const res = checkAgainstScipy(decay, [1, 0.5], { lower: F([0, 0]), upper: F([10, 10]) }, {
    x: [2.504718951539354, 1.302056228929696],
    nfev: 6,
    njev: 6,
    status: 2,
    cost: 0.000728578236058108,
    active: [0, 0],
  });
  assert.equal(res.message, "`ftol` termination condition is satisfied.");
});

Deno.test("trf: exponential decay without bounds takes SciPy's unbounded path", () => {
  checkAgainstScipy(decay, [1, 0.5], { lower: F([-INF, -INF]), upper: F([INF, INF]) }, {
    x: [2.5047189518852186, 1.3020562293547189],
    nfev: 6,
    njev: 6,
    status: 1,
    cost: 0.0007285782360581072,
    active: [0, 0],
  });
});

// (b) Rosenbrock residuals with an analytic Jacobian.
const rosenbrock: LeastSquaresProblem = {
  fun: (x) => F([10 * (x[1] - x[0] * x[0]), 1 - x[0]]),
  jac: (x) => F([-20 * x[0], 10, -1, 0]),
};

Deno.test("trf: Rosenbrock with x0 <= 0.8 active at the solution (SciPy)", () => {
  const res = checkAgainstScipy(
    rosenbrock,
    [-1.2, 1],
    { lower: F([-INF, -INF]), upper: F([0.8, INF]) },
    {
      x: [0.799999999999999, 0.6399999999818646],
      nfev: 30,
      njev: 23,
      status: 1,
      cost: 0.02000000000000019,
      active: [1, 0],
    },
  );
  assertClose([res.optimality], [1.8133827772714994e-9], 1e-6);
});

Deno.test("trf: Rosenbrock unbounded and with maxNfev exhausted (SciPy)", () => {
  checkAgainstScipy(rosenbrock, [-1.2, 1], { lower: F([-INF, -INF]), upper: F([INF, INF]) }, {
    x: [1, 1],
    nfev: 25,
    njev: 18,
    status: 1,
  });
  const res = checkAgainstScipy(
    rosenbrock,
    [-1.2, 1],
    { lower: F([-INF, -INF]), upper: F([0.8, INF]), maxNfev: 10 },
    {
      x: [-0.2475887872860591, 0.026065321415556453],
      nfev: 10,
      njev: 7,
      status: 0,
      cost: 0.8403137512664793,
    },
  );
  assert.equal(res.success, false);
  assert.equal(res.message, "The maximum number of function evaluations is exceeded.");
});

// Two Gaussians on a sloped baseline: 8 parameters, 200 residuals.
const tG = Array.from({ length: 200 }, (_, k) => (k * 10) / 199);
const yG = tG.map((tk, k) =>
  3.0 * Math.exp(-(((tk - 3.0) / 0.8) ** 2)) + 1.5 * Math.exp(-(((tk - 6.5) / 1.2) ** 2)) +
  0.4 - 0.02 * tk + 0.02 * Math.cos(3.1 * k)
);
const gaussians: LeastSquaresProblem = {
  fun: (x) =>
    Float64Array.from(tG, (tk, k) =>
      x[0] * Math.exp(-(((tk - x[1]) / x[2]) ** 2)) +
      x[3] * Math.exp(-(((tk - x[4]) / x[5]) ** 2)) + x[6] + x[7] * tk - yG[k]),
};
const GAUSSIANS_X0 = [2.0, 2.5, 1.0, 1.0, 7.0, 1.0, 0.0, 0.05];

Deno.test("trf: 8 parameters, 200 residuals, xScale, one bound active (SciPy)", () => {
  const x0 = GAUSSIANS_X0;
  checkAgainstScipy(gaussians, x0, {
    lower: F([0, 0, 0.1, 0, 0, 0.1, -5, 0]),
    upper: F([10, 10, 5, 10, 10, 5, 5, 1]),
    xScale: F(x0.map((v) => Math.max(1, Math.abs(v)))),
  }, {
    x: [
      3.0236378560303643,
      2.9943835982513347,
      0.8155247133440673,
      1.4774373755319021,
      6.475365603870955,
      1.160372653178232,
      0.3035553502156866,
      4.845220762018886e-16,
    ],
    nfev: 8,
    njev: 8,
    status: 2,
    cost: 0.2439950506951594,
    active: [0, 0, 0, 0, 0, 0, 0, -1],
  });
});

Deno.test("trf: non-finite residuals at trial points shrink the radius like SciPy", () => {
  // log(x) is -Infinity or NaN for the first trial steps from x0 = 10.
  let nonFinite = 0;
  const problem: LeastSquaresProblem = {
    fun: (x) => {
      const r = F([10 * (Math.log(x[0]) - Math.log(2.0))]);
      if (!Number.isFinite(r[0])) nonFinite++;
      return r;
    },
  };
  checkAgainstScipy(problem, [10], { lower: F([-INF]), upper: F([INF]) }, {
    x: [1.9999999999999933],
    nfev: 8,
    njev: 7,
    status: 1,
  });
  assert.ok(nonFinite > 0, "the test must actually hit non-finite residuals");
});

Deno.test("trf: fewer residuals than parameters (m < n) with bounds (SciPy)", () => {
  const problem: LeastSquaresProblem = { fun: (x) => F([x[0] * x[0] + 2 * x[1] * x[1] - 1]) };
  checkAgainstScipy(problem, [1.5, 1.5], { lower: F([0, 0]), upper: F([2, 2]) }, {
    x: [0.7166699644931527, 0.4931450912224221],
    nfev: 8,
    njev: 8,
    status: 1,
    active: [0, 0],
  });
});

const onBound: LeastSquaresProblem = { fun: (x) => F([x[0] - 0.5, x[1] + 1, x[0] * x[1]]) };
const onBoundRef: Reference = {
  x: [0.49999999999986283, 4.226615824640766e-19],
  nfev: 7,
  njev: 7,
  status: 1,
  cost: 0.5,
  active: [0, -1],
};

Deno.test("trf: start on a bound, solution on a bound (SciPy)", () => {
  checkAgainstScipy(onBound, [0, 1], { lower: F([0, 0]), upper: F([1, 2]) }, onBoundRef);
});

Deno.test("trf: an infeasible start is clipped into the box", () => {
  // SciPy rejects x0 = [-1, 1]; clipping gives [0, 1], the start of the previous test.
  checkAgainstScipy(onBound, [-1, 1], { lower: F([0, 0]), upper: F([1, 2]) }, onBoundRef);
});

Deno.test("trf: one parameter, 5000 residuals (SciPy)", () => {
  const m = 5000;
  const t = Array.from({ length: m }, (_, i) => i / m);
  const y = t.map((ti, i) => Math.exp(-2 * ti) + 0.01 * Math.sin(i));
  const problem: LeastSquaresProblem = {
    fun: (x) => Float64Array.from(t, (ti, i) => Math.exp(-x[0] * ti) - y[i]),
  };
  checkAgainstScipy(problem, [1], { lower: F([0]), upper: F([10]) }, {
    x: [1.9999959907782217],
    nfev: 6,
    njev: 6,
    status: 1,
    cost: 0.12497805001048258,
  });
});

Deno.test("trf: degenerate and improper inputs", () => {
  const empty = leastSquaresTrf({ fun: () => F([3, 4]) }, F([]), { lower: F([]), upper: F([]) });
  assert.equal(empty.status, 1);
  assert.equal(empty.cost, 12.5);
  assert.equal(empty.nfev, 1);
  assert.equal(empty.x.length, 0);

  const badBounds = leastSquaresTrf(rosenbrock, F([0, 0]), {
    lower: F([0, 1]),
    upper: F([1, 1]),
  });
  assert.equal(badBounds.status, -1);
  assert.equal(badBounds.success, false);

  const badStart = leastSquaresTrf({ fun: () => F([NaN]) }, F([1]), {
    lower: F([-INF]),
    upper: F([INF]),
  });
  assert.equal(badStart.status, -1);
  assert.equal(badStart.nfev, 1);
  assert.match(badStart.message, /not finite/);

  const badTol = leastSquaresTrf(rosenbrock, F([0, 0]), {
    lower: F([-INF, -INF]),
    upper: F([INF, INF]),
    ftol: 0,
    xtol: 0,
    gtol: 0,
  });
  assert.equal(badTol.status, -1);
});

Deno.test("forwardDifferenceJacobian matches SciPy's 2-point scheme, bounds included", () => {
  const f = (x: Float64Array) =>
    F([Math.sin(x[0]) * x[1], x[0] ** 3 + Math.exp(x[1]), x[2] * x[0]]);
  // x0 sits just below its upper bound (step reversed); x2 lives in a box
  // narrower than the step (step shrunk to the distance to the bound).
  const x = F([1.0 - 1e-9, -2.5, 0.3]);
  const jb = forwardDifferenceJacobian(f, x, f(x), F([-1, -3, 0.3]), F([1.0, 3, 0.3 + 1e-12]));
  assertClose(
    jb,
    [
      -1.3507558107376099,
      0.8414709806442261,
      0.0,
      2.9999999552965164,
      0.08208500146865845,
      0.0,
      0.30000000074505806,
      -0.0,
      1.0,
    ],
    1e-7,
    1e-12,
  );

  // Negative components are differenced backwards (h carries the sign of x).
  const x2 = F([0.7, -2.5, 3.0]);
  const jf = forwardDifferenceJacobian(f, x2, f(x2), F([-INF, -INF, -INF]), F([INF, INF, INF]));
  assertClose(
    jf,
    [
      -1.912105455994606,
      0.6442176878452301,
      0.0,
      1.4700000323355198,
      0.0820849969983101,
      0.0,
      3.0,
      -0.0,
      0.700000007947286,
    ],
    1e-7,
    1e-12,
  );
});

Deno.test('trf: x_scale="jac", 8 parameters, one bound active (SciPy)', () => {
  checkAgainstScipy(gaussians, GAUSSIANS_X0, {
    lower: F([0, 0, 0.1, 0, 0, 0.1, -5, 0]),
    upper: F([10, 10, 5, 10, 10, 5, 5, 1]),
    xScale: "jac",
  }, {
    x: [
      3.0236381964828554,
      2.994383593645448,
      0.8155247328952754,
      1.4774370750128327,
      6.475365941235003,
      1.1603737582237663,
      0.3035550644440352,
      7.957485807038523e-20,
    ],
    nfev: 9,
    njev: 9,
    status: 2,
    cost: 0.24399505069014138,
    active: [0, 0, 0, 0, 0, 0, 0, -1],
  });
});

Deno.test('trf: x_scale="jac" on Rosenbrock, bounded and unbounded (SciPy)', () => {
  checkAgainstScipy(rosenbrock, [-1.2, 1], {
    lower: F([-INF, -INF]),
    upper: F([INF, INF]),
    xScale: "jac",
  }, { x: [1, 1], nfev: 13, njev: 11, status: 1, cost: 0 });
  checkAgainstScipy(rosenbrock, [-1.2, 1], {
    lower: F([-INF, -INF]),
    upper: F([0.8, INF]),
    xScale: "jac",
  }, {
    x: [0.7999999999999999, 0.64],
    nfev: 26,
    njev: 22,
    status: 1,
    cost: 0.020000000000000014,
    active: [1, 0],
  });
});
