import { strict as assert } from "node:assert";
import {
  addNormalRows,
  blockCovariance,
  type BlockEval,
  type BlockLayout,
  blockLeastSquares,
} from "../src/solver/block_lm.ts";
import { leastSquaresTrf } from "../src/solver/trf.ts";
import { covarianceFromJacobian } from "../src/solver/covariance.ts";

// Three decays sharing a rate k (global); each has its own amplitude a_c and offset o_c (locals).
const T = [0, 0.2, 0.5, 0.9, 1.4, 2, 3];
const TRUE = [{ a: 2, o: 0.1 }, { a: 1.2, o: -0.05 }, { a: 3.1, o: 0.3 }];
const Y = TRUE.map(({ a, o }, c) =>
  T.map((t, i) => a * Math.exp(-1.7 * t) + o + 0.01 * Math.sin(3 * i + c))
);
const layout: BlockLayout = { ng: 1, start: [1, 3, 5], count: [2, 2, 2], n: 7 };

function residuals(x: Float64Array, c: number): Float64Array {
  const [k, a, o] = [x[0], x[layout.start[c]], x[layout.start[c] + 1]];
  return Float64Array.from(T, (t, i) => a * Math.exp(-k * t) + o - Y[c][i]);
}

function jacobian(x: Float64Array, c: number): Float64Array {
  const [k, a] = [x[0], x[layout.start[c]]];
  const out = new Float64Array(T.length * 3);
  T.forEach((t, i) => {
    out[i * 3] = -a * t * Math.exp(-k * t);
    out[i * 3 + 1] = Math.exp(-k * t);
    out[i * 3 + 2] = 1;
  });
  return out;
}

async function evaluate(x: Float64Array, jac: boolean): Promise<BlockEval[]> {
  return await Promise.resolve(TRUE.map((_, c) => {
    const r = residuals(x, c);
    if (!jac) return { r };
    const h = new Float64Array(9);
    const b = new Float64Array(3);
    addNormalRows(h, b, 3, [0, 1, 2], jacobian(x, c), r, T.length);
    return { r, h, b };
  }));
}

Deno.test("block LM (Schur complement) reaches the dense TRF minimum and covariance", async () => {
  const x0 = new Float64Array([1, 1, 0, 1, 0, 1, 0]);
  const lower = new Float64Array(7).fill(-Infinity);
  const upper = new Float64Array(7).fill(Infinity);
  lower[0] = 0;
  const res = await blockLeastSquares(layout, x0, lower, upper, (x, j) => evaluate(x, j), {
    ftol: 1e-14,
    xtol: 1e-14,
    gtol: 1e-14,
  });
  assert.ok(res.converged, res.message);
  const full = (x: Float64Array) => {
    const out = new Float64Array(21);
    for (let c = 0; c < 3; c++) out.set(residuals(x, c), c * 7);
    return out;
  };
  const fullJac = (x: Float64Array) => {
    const out = new Float64Array(21 * 7);
    for (let c = 0; c < 3; c++) {
      const jc = jacobian(x, c);
      for (let i = 0; i < 7; i++) {
        out[(c * 7 + i) * 7] = jc[i * 3];
        out[(c * 7 + i) * 7 + layout.start[c]] = jc[i * 3 + 1];
        out[(c * 7 + i) * 7 + layout.start[c] + 1] = jc[i * 3 + 2];
      }
    }
    return out;
  };
  const ref = leastSquaresTrf({ fun: full, jac: fullJac }, x0, {
    lower,
    upper,
    ftol: 1e-14,
    xtol: 1e-14,
    gtol: 1e-14,
  });
  for (let j = 0; j < 7; j++) assert.ok(Math.abs(res.x[j] - ref.x[j]) < 1e-8, `x[${j}]`);
  const cov = blockCovariance(layout, res.blocks)!;
  const dense = covarianceFromJacobian(fullJac(res.x), 21, 7).covariance!;
  for (let a = 0; a < 7; a++) {
    for (let b = 0; b < 7; b++) {
      const d = dense[a * 7 + b];
      assert.ok(Math.abs(cov.entry(a, b) - d) <= 1e-6 * Math.abs(d) + 1e-12, `C[${a},${b}]`);
    }
  }
});

Deno.test("block LM: a trial outside the feasible region is never evaluated", async () => {
  // The data's rate is 1.7; the region stops it at 1.5.
  const x0 = new Float64Array([1, 1, 0, 1, 0, 1, 0]);
  const lower = new Float64Array(7).fill(-Infinity);
  const upper = new Float64Array(7).fill(Infinity);
  const seen: number[] = [];
  const res = await blockLeastSquares(layout, x0, lower, upper, (x, j) => {
    seen.push(x[0]);
    return evaluate(x, j);
  }, { feasible: (x) => x[0] <= 1.5 });
  assert.ok(Math.max(...seen) <= 1.5, `largest rate evaluated ${Math.max(...seen)}`);
  assert.ok(res.x[0] > 1.49 && res.x[0] <= 1.5, `rate ${res.x[0]}`);
  // An infeasible start switches the region off rather than stalling.
  const free = await blockLeastSquares(layout, x0, lower, upper, (x, j) => evaluate(x, j), {
    feasible: (x) => x[0] > 5,
  });
  assert.ok(Math.abs(free.x[0] - 1.7) < 0.05, `rate ${free.x[0]}`);
});
