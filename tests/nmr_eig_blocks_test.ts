/**
 * Reducible matrices (`src/nmr/_eig_blocks.ts`): eigDecompose works block by block on a
 * Liouvillian without RF fields, and the spectrometer's pulses on one spin exponentiate block by
 * block; both give the same operators as the whole-matrix routes. Also the simultaneous pulses
 * whose widths are whole multiples of one step (`pulseISMultiples`, one exponential and its
 * powers) against one Padé per width.
 */
import { strict as assert } from "node:assert";
import { createBasis } from "../src/nmr/basis.ts";
import { Spectrometer } from "../src/nmr/spectrometer.ts";
import { createExpmWorkspace, expm, matpow, matpowMany } from "../src/nmr/expm.ts";
import { createEigWorkspace, eigDecompose, expFromEig } from "../src/nmr/eig.ts";

/** A two-state ¹⁵N–¹H spectrometer (ixyzsxyz, 30×30) with exchange, relaxation and shifts. */
function spectrometer(): Spectrometer {
  const basis = createBasis("ixyzsxyz", ["a", "b"]);
  const names = [
    "pa",
    "pb",
    "kab",
    "kba",
    "r2_i_a",
    "r2_i_b",
    "r2_s_a",
    "r2_s_b",
    "r1_i_a",
    "r1_i_b",
    "r1_s_a",
    "r1_s_b",
    "cs_i_a",
    "cs_i_b",
    "cs_s_a",
    "cs_s_b",
    "j_is_a",
    "j_is_b",
  ];
  const sp = new Spectrometer({ basis, localNames: names, ppmI: 60, ppmS: -600 });
  sp.update([
    0.92,
    0.08,
    8,
    92,
    5,
    7,
    8,
    11,
    1,
    1.3,
    0.8,
    1.1,
    120.1,
    122.3,
    8.3,
    8.9,
    -93,
    -93,
  ]);
  sp.carrierI = 119;
  sp.carrierS = 8.2;
  sp.b1I = 5500;
  sp.b1S = 21000;
  sp.rebuild();
  return sp;
}

function relDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(b[i]));
    d = Math.max(d, Math.abs(a[i] - b[i]));
  }
  return d / m;
}

Deno.test("eigDecompose of a free Liouvillian works by blocks: X zero outside them, same exponential", () => {
  const sp = spectrometer();
  const n = sp.size;
  const ws = createEigWorkspace(n, 1e6);
  assert.ok(eigDecompose(sp.lFree, ws));
  // At least the coherence orders of I and S apart (transverse I, transverse S, both, neither).
  assert.ok(ws.blocks.count >= 4, `${ws.blocks.count} blocks`);
  // Column j of X is zero outside its block's indices, row j of X⁻¹ likewise.
  const { order, lo, hi } = ws.blocks;
  let zeros = 0;
  for (let j = 0; j < n; j++) {
    const inBlock = new Set(order.subarray(lo[j], hi[j]));
    for (let i = 0; i < n; i++) {
      if (inBlock.has(i)) continue;
      assert.equal(ws.x[i * n + j], 0);
      assert.equal(ws.xinv[j * n + i], 0);
      zeros++;
    }
  }
  let inside = 0;
  for (let j = 0; j < n; j++) inside += hi[j] - lo[j];
  assert.equal(zeros, n * n - inside);
  // Transverse I: ix, iy, 2ixsz, 2iysz of both states, one block of 8.
  assert.ok([...hi].some((h, j) => h - lo[j] === 8));
  const viaEig = new Float64Array(n * n);
  const viaPade = new Float64Array(n * n);
  for (const t of [1e-5, 2.5e-3, 0.04]) {
    expFromEig(viaEig, t, ws);
    expm(viaPade, sp.lFree, t, createExpmWorkspace(n));
    assert.ok(relDiff(viaEig, viaPade) < 1e-11, `t = ${t}: ${relDiff(viaEig, viaPade)}`);
  }
});

Deno.test("pulses on one spin (reducible generators) equal Padé of the whole generator", () => {
  const sp = spectrometer();
  const n = sp.size;
  const got = new Float64Array(n * n);
  const want = new Float64Array(n * n);
  const gen = new Float64Array(n * n);
  const ws = createExpmWorkspace(n);
  for (const [phaseI, phaseS] of [[0, null], [null, 1], [3, null], [1, 2]] as const) {
    const widthS = 32e-6;
    sp.pulseIS(got, widthS, phaseI, phaseS);
    expm(want, sp.pulseISGenerator(gen, phaseI, phaseS), widthS, ws);
    const d = relDiff(got, want);
    assert.ok(d < 1e-13, `phases ${phaseI}, ${phaseS}: ${d}`);
  }
  sp.pulseI(got, 45e-6);
  sp.pulseIS(want, 45e-6, 0, null);
  assert.ok(relDiff(got, want) < 1e-13);
});

Deno.test("pulseISMultiples: widths 8·pw/3 and pw from one exponential equal a Padé per width", () => {
  const sp = spectrometer();
  const n = sp.size;
  const pwS = 1 / (4 * sp.b1S);
  const [p8, p3, want] = [0, 1, 2].map(() => new Float64Array(n * n));
  for (const [phaseI, phaseS] of [[0, 0], [0, 1], [3, 2]] as const) {
    sp.resetCounters();
    sp.pulseISMultiples([p8, p3], pwS / 3, [8, 3], phaseI, phaseS);
    assert.equal(sp.propagatorCount, 1);
    sp.pulseIS(want, 8 * pwS / 3, phaseI, phaseS);
    assert.ok(relDiff(p8, want) < 1e-13, `8·pw/3 at ${phaseI}, ${phaseS}: ${relDiff(p8, want)}`);
    sp.pulseIS(want, pwS, phaseI, phaseS);
    assert.ok(relDiff(p3, want) < 1e-13, `pw at ${phaseI}, ${phaseS}: ${relDiff(p3, want)}`);
  }
});

Deno.test("matpowMany gives each power bit for bit as matpow alone", () => {
  const n = 5;
  const a = Float64Array.from({ length: n * n }, (_, i) => Math.sin(1 + 3 * i) * 0.6);
  const ps = [0, 1, 3, 8, 13];
  const outs = ps.map(() => new Float64Array(n * n));
  const ws = createExpmWorkspace(n);
  matpowMany(outs, a, ps, ws);
  const one = new Float64Array(n * n);
  ps.forEach((p, k) => {
    matpow(one, a, p, ws);
    assert.deepEqual(outs[k], one, `a^${p}`);
  });
});
