import { strict as assert } from "node:assert";
import { addTerm, createBasis } from "../src/nmr/basis.ts";
import { createExpmWorkspace, expm } from "../src/nmr/expm.ts";
import {
  createEigWorkspace,
  eigDecompose,
  expFromEig,
  expFromEigApply,
  expmMany,
} from "../src/nmr/eig.ts";

const TIMES = [1e-6, 1e-5, 1e-4, 1e-3, 4e-3, 0.01, 0.04, 0.1, 0.25, 0.5];

/** Deterministic uniform [0, 1) stream (Park–Miller) so failures are reproducible. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/** ‖a − b‖_F / ‖b‖_F, scaled first because strongly damped propagators reach 1e-300. */
function relErr(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(b[i]));
  if (m === 0) return a.every((v) => v === 0) ? 0 : Infinity;
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d += ((a[i] - b[i]) / m) ** 2;
    s += (b[i] / m) ** 2;
  }
  return Math.sqrt(d / s);
}

function norm1(a: Float64Array, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]);
    best = Math.max(best, s);
  }
  return best;
}

/**
 * A random Liouvillian of the given basis: per-state relaxation and shifts, a B1 field, J
 * coupling and cross-relaxation where the basis has them, and exchange between every pair.
 */
function liouvillian(type: string, states: string[], rnd: () => number): Float64Array {
  const basis = createBasis(type, states);
  const l = new Float64Array(basis.size * basis.size);
  const term = (name: string, f: number) => {
    const t = basis.terms.get(name);
    if (t) addTerm(l, t, f);
  };
  for (const s of states) {
    term(`r2_i_${s}`, 5 + 40 * rnd());
    term(`r1_i_${s}`, 0.5 + 2 * rnd());
    term(`r2_s_${s}`, 5 + 20 * rnd());
    term(`r1_s_${s}`, 0.5 + 2 * rnd());
    term(`r2a_i_${s}`, 5 + 40 * rnd());
    term(`r1a_is_${s}`, 1 + 5 * rnd());
    term(`r2mq_is_${s}`, 10 + 40 * rnd());
    term(`etaxy_i_${s}`, 3 * rnd() - 1.5);
    term(`etaz_i_${s}`, 0.2 * rnd() - 0.1);
    term(`cs_i_${s}`, 2 * Math.PI * (4000 * rnd() - 2000));
    term(`cs_s_${s}`, 2 * Math.PI * (1000 * rnd() - 500));
    term(`j_is_${s}`, -93 + 4 * rnd());
  }
  term("b1x_i", 25 + 1000 * rnd());
  term("b1y_s", 500 * rnd());
  for (const s1 of states) {
    for (const s2 of states) {
      if (s1 !== s2) term(`k${s1}${s2}`, (10 + 2000 * rnd()) / (states.length - 1));
    }
  }
  return l;
}

/** Largest relative error of the eigen route against Padé over TIMES; asserts acceptance. */
function eigVsPade(a: Float64Array, n: number, times = TIMES): number {
  const ws = createEigWorkspace(n);
  const ews = createExpmWorkspace(n);
  assert.ok(eigDecompose(a, ws), `decomposition refused (cond ${ws.cond})`);
  const e = new Float64Array(n * n);
  const p = new Float64Array(n * n);
  let worst = 0;
  for (const t of times) {
    expFromEig(e, t, ws);
    expm(p, a, t, ews);
    worst = Math.max(worst, relErr(e, p));
  }
  return worst;
}

for (
  const [type, states] of [
    ["ixyz", ["a", "b"]],
    ["ixyz_eq", ["a", "b", "c"]],
    ["ixyzsz", ["a", "b", "c"]],
    ["ixyzsz", ["a", "b", "c", "d", "e"]],
    ["ixyzsxyz", ["a", "b"]],
  ] as [string, string[]][]
) {
  const n = createBasis(type, states).size;
  Deno.test(`eig route matches expm to 1e-10 on random ${n}×${n} ${type} Liouvillians`, () => {
    const rnd = rng(1000 + n + states.length);
    for (let trial = 0; trial < 20; trial++) {
      const err = eigVsPade(liouvillian(type, states, rnd), n);
      assert.ok(err < 1e-10, `trial ${trial}: relative error ${err}`);
    }
  });
}

Deno.test("eig route matches expm on dense random matrices", () => {
  const rnd = rng(7);
  for (const n of [1, 2, 3, 5, 8, 17, 40, 60]) {
    const a = new Float64Array(n * n).map(() => 200 * rnd() - 100);
    // Shift left so that exp stays bounded at the longest times.
    let g = 0;
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let j = 0; j < n; j++) r += Math.abs(a[i * n + j]);
      g = Math.max(g, r);
    }
    for (let i = 0; i < n; i++) a[i * n + i] -= g;
    const err = eigVsPade(a, n, [1e-6, 1e-4, 1e-3, 0.01]);
    assert.ok(err < 1e-10, `n = ${n}: relative error ${err}`);
  }
});

Deno.test("expFromEig at t = 0 is the identity and composes over time", () => {
  const n = 6;
  const a = liouvillian("ixyz", ["a", "b"], rng(3));
  const ws = createEigWorkspace(n);
  assert.ok(eigDecompose(a, ws));
  const e0 = new Float64Array(n * n);
  expFromEig(e0, 0, ws);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) assert.ok(Math.abs(e0[i * n + j] - (i === j ? 1 : 0)) < 1e-13);
  }
  // exp(a·0.03) = exp(a·0.01)·exp(a·0.02)
  const e1 = new Float64Array(n * n);
  const e2 = new Float64Array(n * n);
  const e3 = new Float64Array(n * n);
  expFromEig(e1, 0.01, ws);
  expFromEig(e2, 0.02, ws);
  expFromEig(e3, 0.03, ws);
  const prod = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += e1[i * n + k] * e2[k * n + j];
      prod[i * n + j] = s;
    }
  }
  assert.ok(relErr(prod, e3) < 1e-12);
});

Deno.test("expFromEigApply equals expFromEig times the vector", () => {
  const rnd = rng(11);
  for (const [type, states] of [["ixyz", ["a", "b"]], ["ixyzsz", ["a", "b", "c"]]] as const) {
    const a = liouvillian(type, [...states], rnd);
    const n = Math.round(Math.sqrt(a.length));
    const ws = createEigWorkspace(n);
    assert.ok(eigDecompose(a, ws));
    const v = new Float64Array(n).map(() => rnd() - 0.5);
    const e = new Float64Array(n * n);
    const ev = new Float64Array(n);
    const direct = new Float64Array(n);
    for (const t of TIMES) {
      expFromEig(e, t, ws);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += e[i * n + j] * v[j];
        ev[i] = s;
      }
      expFromEigApply(direct, t, v, ws);
      assert.ok(relErr(direct, ev) < 1e-12, `t = ${t}`);
    }
  }
});

Deno.test("eigenvalues of a damped rotation come out as a conjugate pair", () => {
  const ws = createEigWorkspace(2);
  assert.ok(eigDecompose(new Float64Array([-1, -5, 5, -1]), ws));
  assert.ok(Math.abs(ws.wr[0] + 1) < 1e-14 && Math.abs(ws.wr[1] + 1) < 1e-14);
  assert.ok(Math.abs(ws.wi[0] - 5) < 1e-14 && Math.abs(ws.wi[1] + 5) < 1e-14);
});

/** expmMany against expm, whichever route it takes; `tol` may depend on the time. */
function manyVsPade(a: Float64Array, n: number, tol: number | ((t: number) => number)): void {
  const out = TIMES.map(() => new Float64Array(n * n));
  expmMany(out, a, TIMES, createEigWorkspace(n), createExpmWorkspace(n));
  const ews = createExpmWorkspace(n);
  const p = new Float64Array(n * n);
  TIMES.forEach((t, k) => {
    expm(p, a, t, ews);
    const err = relErr(out[k], p);
    const bound = typeof tol === "number" ? tol : tol(t);
    assert.ok(err < bound, `t = ${t}: relative error ${err} > ${bound}`);
  });
}

Deno.test("repeated but diagonalisable eigenvalues: c·I and c·I + equal rotations", () => {
  const c = -3;
  const w = 2 * Math.PI * 500;
  const scalar = new Float64Array(16);
  for (let i = 0; i < 4; i++) scalar[i * 4 + i] = c;
  // Two uncoupled planes rotating at the same rate: eigenvalues c ± iw, each twice.
  const rot = new Float64Array([c, -w, 0, 0, w, c, 0, 0, 0, 0, c, -w, 0, 0, w, c]);
  for (const a of [scalar, rot]) {
    const ws = createEigWorkspace(4);
    assert.ok(eigDecompose(a, ws), "exactly diagonalisable: should be accepted");
    assert.ok(ws.cond < 10);
    manyVsPade(a, 4, 1e-12);
  }
  // Two identical, non-exchanging states of a real Liouvillian (each eigenvalue twice).
  const basis = createBasis("ixyz", ["a", "b"]);
  const l = new Float64Array(36);
  for (const s of ["a", "b"]) {
    addTerm(l, basis.terms.get(`r2_i_${s}`)!, 12);
    addTerm(l, basis.terms.get(`r1_i_${s}`)!, 1.3);
    addTerm(l, basis.terms.get(`cs_i_${s}`)!, 2 * Math.PI * 300);
  }
  addTerm(l, basis.terms.get("b1x_i")!, 250);
  manyVsPade(l, 6, 1e-10);
});

Deno.test("defective matrices are refused and expmMany falls back to Padé", () => {
  // Jordan block.
  const jordan = new Float64Array([-2, 1, 0, 0, -2, 1, 0, 0, -2]);
  assert.equal(eigDecompose(jordan, createEigWorkspace(3)), false);
  manyVsPade(jordan, 3, 1e-13);
  // Jordan block of a complex pair: [[R, I], [0, R]] with R a damped rotation.
  const w = 40;
  const pair = new Float64Array([
    [-1, -w, 1, 0],
    [w, -1, 0, 1],
    [0, 0, -1, -w],
    [0, 0, w, -1],
  ].flat());
  assert.equal(eigDecompose(pair, createEigWorkspace(4)), false);
  manyVsPade(pair, 4, 1e-12);
  // Symmetric two-site exchange exactly at coalescence (k = Δω/2): the exchange-broadened
  // transverse modes merge into one defective eigenvalue.
  const basis = createBasis("ixy", ["a", "b"]);
  const l = new Float64Array(16);
  const dw = 2 * Math.PI * 200;
  addTerm(l, basis.terms.get("r2_i_a")!, 10);
  addTerm(l, basis.terms.get("r2_i_b")!, 10);
  addTerm(l, basis.terms.get("cs_i_a")!, dw / 2);
  addTerm(l, basis.terms.get("cs_i_b")!, -dw / 2);
  addTerm(l, basis.terms.get("kab")!, dw / 2);
  addTerm(l, basis.terms.get("kba")!, dw / 2);
  assert.equal(eigDecompose(l, createEigWorkspace(4)), false);
  manyVsPade(l, 4, 1e-12);
});

Deno.test("near coalescence: accepted decompositions stay accurate", () => {
  const basis = createBasis("ixy", ["a", "b"]);
  const dw = 2 * Math.PI * 200;
  for (const rel of [1e-2, 1e-4, 1e-6, 1e-8, 1e-10]) {
    const l = new Float64Array(16);
    addTerm(l, basis.terms.get("r2_i_a")!, 10);
    addTerm(l, basis.terms.get("r2_i_b")!, 10);
    addTerm(l, basis.terms.get("cs_i_a")!, dw / 2);
    addTerm(l, basis.terms.get("cs_i_b")!, -dw / 2);
    addTerm(l, basis.terms.get("kab")!, (dw / 2) * (1 + rel));
    addTerm(l, basis.terms.get("kba")!, (dw / 2) * (1 + rel));
    const ws = createEigWorkspace(4);
    const accepted = eigDecompose(l, ws);
    // cond(X) grows like 1/√rel, and the backward error of the decomposition like ε·cond·‖L‖,
    // which exp(L·t) feels in proportion to ‖L‖·t. Padé itself is only good to a few 1e-11
    // once ‖L‖·t reaches hundreds (checked against 60-digit mpmath).
    const scale = norm1(l, 4);
    const cond = accepted ? ws.cond : 0;
    manyVsPade(l, 4, (t) => 1e-10 + 1e-15 * cond * Math.max(1, scale * t));
  }
});

Deno.test("pure rotation (no relaxation) is reproduced and stays orthogonal", () => {
  const basis = createBasis("ixyz", ["a"]);
  const l = new Float64Array(9);
  addTerm(l, basis.terms.get("cs_i_a")!, 2 * Math.PI * 1234);
  addTerm(l, basis.terms.get("b1x_i")!, 800);
  const ws = createEigWorkspace(3);
  assert.ok(eigDecompose(l, ws));
  const e = new Float64Array(9);
  for (const t of TIMES) {
    expFromEig(e, t, ws);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += e[k * 3 + i] * e[k * 3 + j];
        assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-12, `t = ${t}: eᵀe ≠ I`);
      }
    }
  }
  assert.ok(eigVsPade(l, 3) < 1e-10);
  // Undamped two-state exchange-free rotation in a larger basis.
  const b2 = createBasis("ixyz", ["a", "b"]);
  const l2 = new Float64Array(36);
  addTerm(l2, b2.terms.get("cs_i_a")!, 2 * Math.PI * 700);
  addTerm(l2, b2.terms.get("cs_i_b")!, -2 * Math.PI * 300);
  addTerm(l2, b2.terms.get("b1y_i")!, 150);
  manyVsPade(l2, 6, 1e-10);
});

Deno.test("zero matrix gives the identity at every time", () => {
  const n = 5;
  const ws = createEigWorkspace(n);
  const out = TIMES.map(() => new Float64Array(n * n));
  expmMany(out, new Float64Array(n * n), TIMES, ws, createExpmWorkspace(n));
  assert.ok(ws.ok);
  for (const e of out) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) assert.equal(e[i * n + j], i === j ? 1 : 0);
    }
  }
});

Deno.test("non-finite input is refused and expFromEig then throws", () => {
  const ws = createEigWorkspace(2);
  assert.equal(eigDecompose(new Float64Array([1, NaN, 0, 1]), ws), false);
  assert.throws(() => expFromEig(new Float64Array(4), 1, ws));
});
