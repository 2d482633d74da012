import { strict as assert } from "node:assert";
import { createBasis } from "../src/nmr/basis.ts";
import { Spectrometer } from "../src/nmr/spectrometer.ts";
import { matmul, matvec } from "../src/nmr/expm.ts";
import {
  cpmgKit,
  type CpmgKitOptions,
  type CustomStep,
  distinctNcycs,
  ncycCheck,
  POINT_DELAY,
  startTerms,
  train,
} from "../src/experiments/_cpmg.ts";
import { EXPERIMENTS } from "../src/experiments/registry.ts";

/** A spectrometer on ixyzsxyz (one state) with small relaxation and shifts. */
function spectrometer(): Spectrometer {
  const basis = createBasis("ixyzsxyz", ["a"]);
  const names = ["pa", "r2_i_a", "r2_s_a", "r1_i_a", "cs_i_a", "cs_s_a", "j_is_a"];
  const sp = new Spectrometer({ basis, localNames: names, ppmI: 60, ppmS: -600 });
  sp.update([1, 5, 8, 1, 120.1, 8.3, -93]);
  sp.carrierI = 120;
  sp.carrierS = 8.3;
  sp.rebuild();
  return sp;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

Deno.test("ideal pulses are the hard-pulse limit of finite pulses", () => {
  const sp = spectrometer();
  const n = sp.size;
  const [finite, ideal, rotated] = [0, 1, 2].map(() => new Float64Array(n * n));
  sp.b1I = 1e7;
  sp.b1S = 1e7;
  const pw90S = 1 / (4e7);
  for (const k of [0, 1, 2, 3]) {
    sp.phase(rotated, sp.pulseI(finite, pw90S), k);
    assert.ok(maxDiff(rotated, sp.ideal90I(ideal, k)) < 1e-4, `90° I, phase ${k}`);
    sp.phase(rotated, sp.pulseI(finite, 2 * pw90S), k);
    assert.ok(maxDiff(rotated, sp.ideal180(ideal, "i", k)) < 1e-4, `180° I, phase ${k}`);
    sp.phaseS(rotated, sp.pulseS(finite, 2 * pw90S), k);
    assert.ok(maxDiff(rotated, sp.ideal180(ideal, "s", k)) < 1e-4, `180° S, phase ${k}`);
  }
});

Deno.test("ideal 90° x pulse takes Iz to −Iy and 2IzSz to −2IySz", () => {
  const sp = spectrometer();
  const n = sp.size;
  const p = sp.ideal90I(new Float64Array(n * n), 0);
  const v = sp.startVector(["iz", "2izsz"]);
  const w = new Float64Array(n);
  matvec(w, p, v, n);
  assert.equal(w[sp.basis.index("iy_a")], -1);
  assert.equal(w[sp.basis.index("2iysz_a")], -1);
  assert.equal(w[sp.basis.index("iz_a")], 0);
});

Deno.test("pulseIS with one field off equals the single-spin pulse at that phase", () => {
  const sp = spectrometer();
  const n = sp.size;
  sp.b1I = 5000;
  sp.b1S = 20000;
  const [a, b, c] = [0, 1, 2].map(() => new Float64Array(n * n));
  for (const k of [0, 1, 2, 3]) {
    sp.phase(b, sp.pulseI(c, 40e-6), k);
    assert.ok(maxDiff(sp.pulseIS(a, 40e-6, k, null), b) < 1e-12, `I phase ${k}`);
    sp.phaseS(b, sp.pulseS(c, 10e-6), k);
    assert.ok(maxDiff(sp.pulseIS(a, 10e-6, null, k), b) < 1e-12, `S phase ${k}`);
  }
  // Both fields on: phases rotate together under R_z(I)·R_z(S).
  sp.pulseIS(a, 20e-6, 0, 0);
  sp.phase(c, sp.phaseS(b, a, 1), 1);
  assert.ok(maxDiff(sp.pulseIS(a, 20e-6, 1, 1), c) < 1e-12);
});

Deno.test("start terms take the start states outermost, signs kept", () => {
  assert.deepEqual(startTerms(["a", "b"], "2izsz", "-iz"), [
    "2izsz_a",
    "-iz_a",
    "2izsz_b",
    "-iz_b",
  ]);
  assert.deepEqual(startTerms(null, "iz"), ["iz"]);
  assert.deepEqual(startTerms([], "iz"), ["iz"]);
});

Deno.test("ncyc checks: −1 only where the sequence defines it; other negatives never", () => {
  assert.equal(ncycCheck(true)(-1), null);
  assert.match(ncycCheck(false)(-1)!, /ncyc = -1 is not supported/);
  assert.match(ncycCheck(true)(-2)!, /expected 0 \(reference\), -1/);
  assert.equal(ncycCheck(false)(2.5), null);
  assert.deepEqual(distinctNcycs("x", Float64Array.of(0, 4, 4, 2, 0), false), [0, 4, 2]);
  assert.throws(() => distinctNcycs("cpmg_15n_tr", Float64Array.of(-1), false), /cpmg_15n_tr: /);
  for (const name of ["cpmg_15n_tr", "cpmg_15n_ip_0013", "cpmg_hn_dq_zq", "cpmg_13co_ap"]) {
    assert.ok(EXPERIMENTS[name].checkX!(-1), name);
  }
  for (const name of ["cpmg_13c_ip", "cpmg_1hn_ap", "cpmg_chd2_1h_ap"]) {
    assert.equal(EXPERIMENTS[name].checkX!(-1), null, name);
  }
});

/** A kit on {@link spectrometer} with 25 µs 90° pulses, and pulse-by-pulse references. */
function kitFixture(tau: (x: number) => number, o: Partial<CpmgKitOptions> = {}, minusOne = false) {
  const sp = spectrometer();
  const n = sp.size;
  const ctx = { settings: {}, conditions: { label: [] }, observed: ["a"], start: null };
  const kit = cpmgKit({ ...ctx, spectrometer: sp }, { name: "test", allowMinusOne: minusOne }, {
    pw90S: 25e-6,
    tau,
    ...o,
  });
  const m = () => new Float64Array(n * n);
  // The references, pulse by pulse (call after the sequence has run: same Liouvillian).
  const p90x = () => sp.pulseI(m(), 25e-6);
  const p90 = (k: number) => sp.phase(m(), p90x(), k);
  const delay = (t: number) => sp.delay(m(), t);
  const echo = (x: number, k: number) => {
    const d = delay(tau(x));
    const t = m();
    const e = m();
    matmul(t, sp.phase(m(), sp.pulseI(m(), 50e-6), k), d, n);
    matmul(e, d, t, n);
    return e;
  };
  const apply = (v: Float64Array, a: Float64Array) => {
    const w = new Float64Array(n);
    matvec(w, a, v, n);
    return w;
  };
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
  return { sp, n, kit, p90, delay, echo, apply, dot };
}

function assertClose(got: Float64Array, expected: number[], ncycs: number[], tol: number) {
  expected.forEach((e, i) =>
    assert.ok(
      Math.abs(got[i] - e) <= tol * Math.abs(e) + 1e-15,
      `ncyc ${ncycs[i]}: ${got[i]} vs ${e}`,
    )
  );
}

Deno.test("kit chains act in time order; trains cycle their phases from either end", () => {
  const tau = (x: number) => 0.01 / (4 * x);
  const point = (x: number) => 1e-3 * (1 + x);
  const f = kitFixture(tau, { pointDelays: [point] }, true);
  const { kit, sp, apply, delay, echo, p90 } = f;
  const dFix = kit.delay(2e-3);
  const diag = Float64Array.from({ length: f.n }, (_, i) => i % 3 === 0 ? -1 : 1);
  const phases = [0, 1, 3];
  const seq = kit.sequence({
    start: ["iz"],
    detection: "[iz] + 0.5 * [2ixsy]",
    echoes: [{ pulse: kit.p180[0] }],
    reference: [{ steps: [kit.p90[1], POINT_DELAY], weight: 2 }],
    cpmg: [
      { steps: [kit.p90[0], train(0, phases), diag, dFix, POINT_DELAY] },
      { steps: [train(0, phases, { fromEnd: true, perCycle: 2 })], weight: -0.5 },
    ],
  });
  const ncycs = [3, 0, -1, 2.5, 3];
  const got = seq(Float64Array.from(ncycs));
  const detect = new Float64Array(f.n);
  detect[sp.basis.index("iz_a")] = 1;
  detect[sp.basis.index("2ixsy_a")] = 0.5;
  const expected = ncycs.map((x) => {
    const start = sp.startVector(["iz"]);
    if (x === 0) return 2 * f.dot(detect, apply(apply(start, p90(1)), delay(point(0))));
    let v = apply(start, p90(0));
    const count = x === -1 ? 0 : Math.trunc(x);
    if (x === -1) v = apply(v, delay(tau(-1)));
    for (let j = 0; j < count; j++) v = apply(v, echo(x, phases[j % 3]));
    v = v.map((e, i) => e * diag[i]);
    v = apply(apply(v, delay(2e-3)), delay(point(x)));
    let u = start;
    if (x === -1) u = apply(u, delay(tau(-1)));
    for (let j = 0; j < 2 * count; j++) u = apply(u, echo(x, phases[(2 * count - 1 - j) % 3]));
    return f.dot(detect, v) - 0.5 * f.dot(detect, u);
  });
  assertClose(got, expected, ncycs, 1e-12);
  // Evaluating again (cached plan, reused storage) gives the same numbers.
  assert.deepEqual([...seq(Float64Array.from(ncycs))], [...got]);
  assert.throws(() => seq(Float64Array.of(-2)), /test: ncyc = -2/);
});

Deno.test("kit trains shared by several transients run as powers of their phase cycle", () => {
  // Three transients share the cycle of a two-phase train (one reads it from the end, one from
  // the other phase), so long trains use the cycle product: same numbers as echo by echo.
  const tau = (x: number) => 0.02 / (4 * x);
  const f = kitFixture(tau);
  const { kit, sp, apply, echo, p90 } = f;
  const tables = [[0, 1], [1, 0], [0, 1]];
  const seq = kit.sequence({
    start: ["iz"],
    detection: "[iz] + [2ixsz]",
    echoes: [{ pulse: kit.p180[0] }],
    reference: [{ steps: [] }],
    cpmg: [
      { steps: [kit.p90[0], train(0, tables[0])] },
      { steps: [kit.p90[0], train(0, tables[1], { fromEnd: true })], weight: 0.3 },
      { steps: [kit.p90[1], train(0, tables[2]), kit.p90[0]] },
    ],
  });
  // 60: binary powers of the cycle; 20 and 13: its powers one by one; 1: echo by echo.
  const ncycs = [60, 20, 13, 1];
  const got = seq(Float64Array.from(ncycs));
  const detect = new Float64Array(f.n);
  detect[sp.basis.index("iz_a")] = 1;
  detect[sp.basis.index("2ixsz_a")] = 1;
  const expected = ncycs.map((x) => {
    const trainOf = (v: Float64Array, table: number[], fromEnd: boolean) => {
      for (let j = 0; j < x; j++) v = apply(v, echo(x, table[(fromEnd ? x - 1 - j : j) % 2]));
      return v;
    };
    const s0 = sp.startVector(["iz"]);
    const a = trainOf(apply(s0, p90(0)), tables[0], false);
    const b = trainOf(apply(s0, p90(0)), tables[1], true);
    const c = apply(trainOf(apply(s0, p90(1)), tables[2], false), p90(0));
    return f.dot(detect, a) + 0.3 * f.dot(detect, b) + f.dot(detect, c);
  });
  assertClose(got, expected, ncycs, 1e-11);
});

Deno.test("kit: fixed runs as one product, shared cores as vector blocks, custom steps", () => {
  const tau = (x: number) => 0.01 / (4 * x);
  const f = kitFixture(tau);
  const { kit, sp, n, apply, delay, echo, p90 } = f;
  const dA = kit.delay(1e-3);
  const diag = Float64Array.from({ length: n }, (_, i) => i % 4 === 1 ? -1 : 1);
  const flip: CustomStep = {
    kind: "custom",
    apply(v, w, x, vectors) {
      for (let i = 0; i < vectors * n; i++) w[i] = x % 2 ? -v[i] : v[i];
      return w;
    },
  };
  const core = [train(0, [0]), dA, kit.p90[1], diag, flip, train(0, [1])];
  const seq = kit.sequence({
    start: ["iz"],
    detection: "[iz]",
    echoes: [{ pulse: kit.p180[0] }],
    reference: [{ steps: [] }],
    // More points than the basis size: the run dA, P90y, diag is composed once. The two
    // transients share their core (from the first train to the last): it runs on both start
    // vectors at once, a custom step (here a sign flip) on the block.
    cpmg: [
      { steps: core },
      { steps: [kit.p90[0], ...core, kit.p90[2]], weight: -0.7 },
    ],
  });
  const ncycs = Array.from({ length: 2 * n }, (_, i) => i + 1);
  const got = seq(Float64Array.from(ncycs));
  const iz = sp.basis.index("iz_a");
  const expected = ncycs.map((x) => {
    const coreOf = (v: Float64Array) => {
      for (let j = 0; j < x; j++) v = apply(v, echo(x, 0));
      v = apply(apply(v, delay(1e-3)), p90(1)).map((e, r) => e * diag[r] * (x % 2 ? -1 : 1));
      for (let j = 0; j < x; j++) v = apply(v, echo(x, 1));
      return v;
    };
    const start = sp.startVector(["iz"]);
    return coreOf(start)[iz] - 0.7 * apply(coreOf(apply(start, p90(0))), p90(2))[iz];
  });
  assertClose(got, expected, ncycs, 1e-11);
});

Deno.test("cpmg_13co_ap plots even ncyc exactly when refocusing", () => {
  const m = EXPERIMENTS.cpmg_13co_ap;
  assert.equal(m.evenNcycs!({ refocusing: true, even_ncycs: false }), true);
  assert.equal(m.evenNcycs!({ refocusing: false, even_ncycs: true }), false);
  assert.equal(EXPERIMENTS.cpmg_hn_dq_zq.schema.keys.even_ncycs.default, true);
});

Deno.test("anti-TROSY experiments also fit ETAXY (S2 with model-free)", () => {
  for (const name of ["cpmg_15n_tr", "cpmg_15n_tr_0013"]) {
    const m = EXPERIMENTS[name];
    assert.deepEqual(m.toBeFitted("b", { antitrosy: true }), {
      rates: ["r2_i_b", "etaxy_i_b"],
      modelFree: ["tauc_b", "s2_b"],
    });
    assert.deepEqual(m.toBeFitted("a", { antitrosy: false }).rates, ["r2_i_a"]);
  }
});
