import { strict as assert } from "node:assert";
import { createFrechetWorkspace, expmFrechet } from "../src/nmr/frechet.ts";
import {
  complexEigen,
  createComplexEigen,
  createFrechetApplyScratch,
  eigenDirection,
  expBilinearSensitivity,
  expFrechetFromEig,
  frechetApply,
  frechetTime,
} from "../src/nmr/frechet_eig.ts";
import { createEigWorkspace, eigDecompose } from "../src/nmr/eig.ts";
import { createExpmWorkspace, expm } from "../src/nmr/expm.ts";

/** Seeded uniform numbers in [-1, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2147483648 - 1;
  };
}

/** A Liouvillian-like matrix: relaxation on the diagonal, rotations and exchange off it. */
function testMatrix(n: number, seed: number): Float64Array {
  const u = rng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = -5 - 20 * Math.abs(u());
    for (let j = 0; j < i; j++) {
      const w = 300 * u();
      a[i * n + j] = w;
      a[j * n + i] = -w + 5 * u();
    }
  }
  return a;
}

/** Central differences of exp((a + h·e)·t), fourth order. */
function reference(a: Float64Array, e: Float64Array, t: number, n: number): Float64Array {
  const ws = createExpmWorkspace(n);
  const at = (h: number) => {
    const m = a.map((v, i) => v + h * e[i]);
    const out = new Float64Array(n * n);
    expm(out, m, t, ws);
    return out;
  };
  const h = 1e-3;
  const [p1, m1, p2, m2] = [at(h), at(-h), at(2 * h), at(-2 * h)];
  return p1.map((_, i) => (8 * (p1[i] - m1[i]) - (p2[i] - m2[i])) / (12 * h));
}

function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / s;
}

for (const n of [1, 4, 8, 12]) {
  Deno.test(`Fréchet derivative of expm, block and eigen routes, n = ${n}`, () => {
    for (const seed of [1, 2, 3]) {
      const a = testMatrix(n, seed);
      const e = testMatrix(n, seed + 100).map((v) => v / 50);
      for (const t of [1e-4, 3e-3, 0.04]) {
        const want = reference(a, e, t, n);
        const block = new Float64Array(n * n);
        const p = new Float64Array(n * n);
        expmFrechet(p, block, a, e, t, createFrechetWorkspace(n));
        assert.ok(maxRelDiff(block, want) < 1e-8, `block n=${n} seed=${seed} t=${t}`);
        const ws = createEigWorkspace(n);
        assert.ok(eigDecompose(a, ws));
        const ce = createComplexEigen(n);
        complexEigen(ws, ce);
        const eig = new Float64Array(n * n);
        expFrechetFromEig(eig, e, t, ce);
        assert.ok(maxRelDiff(eig, block) < 1e-9, `eigen vs block n=${n} seed=${seed} t=${t}`);
      }
    }
  });
}

Deno.test("Fréchet derivative with repeated eigenvalues: d/dε exp(diag + εE) = t·e^{λt}·E", () => {
  const n = 3;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = -2;
  const e = Float64Array.from({ length: n * n }, (_, i) => (i % 4) - 1.5);
  const ws = createEigWorkspace(n);
  assert.ok(eigDecompose(a, ws));
  const ce = createComplexEigen(n);
  complexEigen(ws, ce);
  const out = new Float64Array(n * n);
  expFrechetFromEig(out, e, 0.5, ce);
  e.forEach((v, i) => assert.ok(Math.abs(out[i] - 0.5 * Math.exp(-1) * v) < 1e-15));
});

Deno.test("Fréchet derivative from the eigenbasis: no overflow between fast and slow modes", () => {
  // λ = −1 and −2000 s⁻¹ over 1 s: e^{(λ_a − λ_b)·t} = e^{1999} overflows, the result does not.
  const n = 2;
  const a = Float64Array.of(-1, 0, 0, -2000);
  const e = Float64Array.of(1, 1, 1, 1);
  const ws = createEigWorkspace(n);
  assert.ok(eigDecompose(a, ws));
  const ce = createComplexEigen(n);
  complexEigen(ws, ce);
  const out = new Float64Array(n * n);
  expFrechetFromEig(out, e, 1, ce);
  const cross = (Math.exp(-1) - Math.exp(-2000)) / 1999;
  const want = [Math.exp(-1), cross, cross, Math.exp(-2000)];
  out.forEach((v, i) => {
    assert.ok(Number.isFinite(v), `entry ${i} is ${v}`);
    assert.ok(Math.abs(v - want[i]) <= 1e-15 * Math.abs(want[i]) + 1e-300, `entry ${i}: ${v}`);
  });
});

Deno.test("Fréchet derivative applied to a vector, and its adjoint form, match the matrix", () => {
  for (const n of [4, 8]) {
    const a = testMatrix(n, 7);
    const e = testMatrix(n, 8).map((v) => v / 50);
    const u = rng(9);
    const v = Float64Array.from({ length: n }, () => u());
    const w = Float64Array.from({ length: n }, () => u());
    const t = 0.01;
    const dexp = new Float64Array(n * n);
    const p = new Float64Array(n * n);
    expmFrechet(p, dexp, a, e, t, createFrechetWorkspace(n));
    const ws = createEigWorkspace(n);
    assert.ok(eigDecompose(a, ws));
    const ce = createComplexEigen(n);
    complexEigen(ws, ce);
    const s = createFrechetApplyScratch(n);
    frechetTime(t, ce, s);
    // L·v against the matrix.
    const lv = new Float64Array(n);
    frechetApply(lv, eigenDirection(e, ce), t, v, ce, s);
    for (let i = 0; i < n; i++) {
      let want = 0;
      for (let j = 0; j < n; j++) want += dexp[i * n + j] * v[j];
      assert.ok(Math.abs(lv[i] - want) < 1e-9 * (1 + Math.abs(want)), `L·v n=${n} i=${i}`);
    }
    // wᵀ·L·v = Σ K∘E, and a = exp(At)ᵀ·w.
    const k = new Float64Array(n * n);
    const adj = new Float64Array(n);
    expBilinearSensitivity(k, adj, w, v, t, ce, s);
    let want = 0;
    let got = 0;
    for (let i = 0; i < n; i++) {
      want += w[i] * lv[i];
      for (let j = 0; j < n; j++) got += k[i * n + j] * e[i * n + j];
    }
    assert.ok(Math.abs(got - want) < 1e-9 * (1 + Math.abs(want)), `wᵀLv n=${n}`);
    for (let j = 0; j < n; j++) {
      let aw = 0;
      for (let i = 0; i < n; i++) aw += p[i * n + j] * w[i];
      assert.ok(Math.abs(adj[j] - aw) < 1e-9 * (1 + Math.abs(aw)), `adjoint n=${n} j=${j}`);
    }
  }
});
