import { strict as assert } from "node:assert";
import { J_EFF, jMultiplet, JMultipletError, SINGLE_LINE } from "../src/nmr/jmultiplet.ts";

Deno.test("backbone 15N: 8 distinct lines of weight 1 (raw) or 1/8 (normalised)", () => {
  const raw = jMultiplet("", "n", { rawWeights: true });
  // Couplings −7.7, −10.7, −14.4: lines ∓3.85 ∓ 5.35 ∓ 7.2, minus-branch (v − c/2) blocks first.
  const expected = [16.4, 8.7, 5.7, -2.0, 2.0, -5.7, -8.7, -16.4];
  assert.equal(raw.linesHz.length, 8);
  expected.forEach((v, i) => assert.ok(Math.abs(raw.linesHz[i] - v) < 1e-12, `${i}`));
  assert.deepEqual(Array.from(raw.weights), new Array(8).fill(1));
  const norm = jMultiplet("", "N");
  assert.deepEqual(Array.from(norm.linesHz), Array.from(raw.linesHz));
  assert.deepEqual(Array.from(norm.weights), new Array(8).fill(1 / 8));
  // Every residue type uses the same backbone amide pattern, except proline (4 couplings).
  assert.deepEqual(jMultiplet("L", "N"), norm);
  assert.equal(jMultiplet("P", "N", { rawWeights: true }).weights.reduce((a, b) => a + b), 16);
});

Deno.test("equal couplings merge into binomial multiplicities", () => {
  const cb = jMultiplet("I", "CB", { rawWeights: true });
  assert.deepEqual(Array.from(cb.linesHz), [-52.5, -17.5, 17.5, 52.5]);
  assert.deepEqual(Array.from(cb.weights), [1, 3, 3, 1]);
  const normal = jMultiplet("i", "cb");
  assert.deepEqual(Array.from(normal.weights), [1 / 8, 3 / 8, 3 / 8, 1 / 8]);
  // Leu CG: three 35 Hz couplings too; Met CE: no listed coupling → a single line.
  assert.deepEqual(Array.from(jMultiplet("L", "CG", { rawWeights: true }).weights), [1, 3, 3, 1]);
  assert.deepEqual(jMultiplet("M", "CE"), SINGLE_LINE);
  // Gly Cα lacks the Cβ coupling.
  assert.equal(jMultiplet("G", "CA").linesHz.length, 8);
  assert.equal(jMultiplet("A", "CA").linesHz.length, 16);
});

Deno.test("unknown residue type or atom: clear error", () => {
  assert.throws(() => jMultiplet("G", "CB"), JMultipletError);
  assert.throws(() => jMultiplet("G", "CB"), /known atoms: N, C, CA, C1', C8, N1/);
  assert.throws(() => jMultiplet("Z", "CA"), /give the residue type/);
  assert.ok(Object.keys(J_EFF).length === 22);
});
