import { strict as assert } from "node:assert";
import { createBasis } from "../src/nmr/basis.ts";
import { ppmToRadPerS } from "../src/nmr/constants.ts";
import { Spectrometer } from "../src/nmr/spectrometer.ts";
import { matmul, matvec } from "../src/nmr/expm.ts";
import { ideal180Diag, keepDiag, matrices, zFilterDiag } from "../src/experiments/_cpmg.ts";
import {
  alternatingPowers,
  applyAlternating,
  compositeI,
  pulseIPhases,
} from "../src/experiments/_methyl.ts";
import { methylValues } from "./_methyl.ts";

/** A spectrometer of the given basis with every term of {@link methylValues} switched on. */
function spectrometer(type: string, q = 1): Spectrometer {
  const values = methylValues("hc");
  const names = Object.keys(values);
  const sp = new Spectrometer({
    basis: createBasis(type, ["a", "b"]),
    localNames: names,
    ppmI: ppmToRadPerS("1H", 600),
    ppmS: ppmToRadPerS("13C", 600),
    qOrderI: q,
  });
  sp.carrierI = 0.5;
  sp.carrierS = 20;
  sp.b1I = 1 / (4 * 11e-6);
  sp.gradientFactor = 3e10;
  sp.update(names.map((n) => values[n]));
  return sp;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

Deno.test("echo phases by z rotation equal the explicit products D·P(k)·D in every methyl basis", () => {
  // The CPMG engine derives the other phases of an echo from one by this exact rotation.
  for (
    const [type, q] of [["ixyzsz", 1], ["ixyzsz", 3], ["ixyzsz_diff", 3], ["ixysxy", 1]] as const
  ) {
    const sp = spectrometer(type, q);
    const n = sp.size;
    const [d, tmp, echo, rotated, direct] = matrices(n, 5);
    sp.delay(d, 1.3e-3);
    const p180 = pulseIPhases(sp, 22e-6, matrices(n, 4));
    matmul(tmp, p180[0], d, n);
    matmul(echo, d, tmp, n);
    for (let k = 0; k < 4; k++) {
      sp.phase(rotated, echo, k);
      matmul(tmp, p180[k], d, n);
      matmul(direct, d, tmp, n);
      assert.ok(maxDiff(rotated, direct) < 1e-13, `${type} (q = ${q}) phase ${k}`);
    }
  }
});

Deno.test("compositeI: out[k] = outer[k+shift]·inner[k]·outer[k+shift]", () => {
  const sp = spectrometer("ixyzsz", 2);
  const n = sp.size;
  const p90 = pulseIPhases(sp, 11e-6, matrices(n, 4));
  const p180 = pulseIPhases(sp, 22e-6, matrices(n, 4));
  const [tmp, direct] = matrices(n, 2);
  for (const shift of [-1, 1]) {
    const c = compositeI(sp, p90, p180, shift, matrices(n, 4), tmp);
    for (let k = 0; k < 4; k++) {
      const o = p90[(k + shift + 4) % 4];
      matmul(tmp, p180[k], o, n);
      matmul(direct, o, tmp, n);
      assert.ok(maxDiff(c[k], direct) < 1e-14, `shift ${shift} phase ${k}`);
    }
  }
});

Deno.test("ideal 180° diagonals and component projections", () => {
  const basis = createBasis("ixyzsz", ["a", "b"]);
  // Components: ix iy iz 2ixsz 2iysz 2izsz, per state.
  assert.deepEqual([...ideal180Diag(basis, "s", 0)].slice(0, 6), [1, 1, 1, -1, -1, -1]);
  assert.deepEqual([...ideal180Diag(basis, "i", 1)].slice(0, 6), [-1, 1, -1, -1, 1, -1]);
  assert.deepEqual([...ideal180Diag(basis, "i", 0)], [...ideal180Diag(basis, "i", 2)]);
  assert.deepEqual([...keepDiag(basis, ["iz", "2izsz_b"])], [
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
    1,
  ]);
  assert.deepEqual([...zFilterDiag(basis)].slice(0, 6), [0, 0, 1, 0, 0, 1]);
  const mq = createBasis("ixysxy", ["a"]);
  // 2ixsx 2ixsy 2iysx 2iysy: 180°x on S negates the Sy terms.
  assert.deepEqual([...ideal180Diag(mq, "s", 0)], [1, -1, 1, -1]);
});

Deno.test("alternating trains from binary pair powers equal the pulse-by-pulse product", () => {
  const sp = spectrometer("ixyzsz");
  const n = sp.size;
  const p180 = pulseIPhases(sp, 22e-6, matrices(n, 4));
  const pows = alternatingPowers(sp, p180[0], p180[1], 7, matrices(n, 3));
  const start = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  const other = Float64Array.from({ length: n }, (_, i) => Math.sin(2 * i));
  const tmp = new Float64Array(n);
  const slowOf = (v0: Float64Array, count: number) => {
    const slow = Float64Array.from(v0);
    for (let k = 0; k < count; k++) {
      matvec(tmp, p180[k % 2], slow, n);
      slow.set(tmp);
    }
    return slow;
  };
  for (let count = 0; count <= 15; count++) {
    const fast = applyAlternating(
      Float64Array.from(start),
      new Float64Array(n),
      n,
      p180[0],
      pows,
      3,
      count,
    );
    assert.ok(maxDiff(fast, slowOf(start, count)) < 1e-13, `count ${count}`);
    // Two vectors at once (one after the other in the buffers).
    const block = new Float64Array(2 * n);
    block.set(start);
    block.set(other, n);
    const both = applyAlternating(block, new Float64Array(2 * n), n, p180[0], pows, 3, count, 2);
    assert.ok(maxDiff(both.subarray(0, n), slowOf(start, count)) < 1e-13, `block ${count}`);
    assert.ok(maxDiff(both.subarray(n), slowOf(other, count)) < 1e-13, `block ${count}`);
  }
  assert.throws(() => applyAlternating(start, tmp, n, p180[0], pows, 3, 16), /exceeds/);
});
