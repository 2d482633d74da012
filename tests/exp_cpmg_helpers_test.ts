import { strict as assert } from "node:assert";
import { createBasis } from "../src/nmr/basis.ts";
import { Spectrometer } from "../src/nmr/spectrometer.ts";
import { matvec } from "../src/nmr/expm.ts";
import {
  applyTrain,
  distinctNcycs,
  ncycCheck,
  propagate,
  startTerms,
  trainPhase,
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

Deno.test("train phases cycle from the start, or backwards from the end", () => {
  const table = [[0, 1, 2], [3, 3, 1]];
  const fwd = trainPhase(table, 0, 5, false);
  assert.deepEqual([0, 1, 2, 3, 4].map(fwd), [0, 1, 2, 0, 1]);
  const back = trainPhase(table, 1, 5, true);
  // The last echo takes the table's first entry.
  assert.deepEqual([0, 1, 2, 3, 4].map(back), [3, 3, 1, 3, 3]);
});

Deno.test("applyTrain and propagate apply operators in time order", () => {
  // Non-commuting 2×2 operators: the result records the order they acted in.
  const n = 2;
  const swap = Float64Array.of(0, 1, 1, 0);
  const scaleFirst = Float64Array.of(2, 0, 0, 1);
  const v = Float64Array.of(1, 0);
  const tmp = new Float64Array(n);
  propagate(v, tmp, n, scaleFirst, swap); // (2, 0) then swapped
  assert.deepEqual(Array.from(v), [0, 2]);
  const w = Float64Array.of(1, 0);
  applyTrain(w, tmp, n, [scaleFirst, swap], 3, (j) => j % 2); // scale, swap, scale
  assert.deepEqual(Array.from(w), [0, 2]);
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
