import { strict as assert } from "node:assert";
import { float64Blocks, float64Copies } from "../src/math/float64_blocks.ts";
import { createEigWorkspace } from "../src/nmr/eig.ts";
import { createExpmWorkspace } from "../src/nmr/expm.ts";

Deno.test("float64Blocks: zeroed, disjoint views of one buffer, in order", () => {
  const [a, b, c] = float64Blocks(3, 0, 5);
  assert.deepEqual([a.length, b.length, c.length], [3, 0, 5]);
  assert.equal(a.buffer, c.buffer);
  assert.equal(c.byteOffset, 24);
  a.fill(1);
  c.fill(2);
  assert.deepEqual([...a, ...c], [1, 1, 1, 2, 2, 2, 2, 2]);
});

Deno.test("float64Copies: count matrices sharing one backing store", () => {
  const ms = float64Copies(4, 9);
  assert.equal(ms.length, 4);
  assert.ok(ms.every((m) => m.length === 9 && m.buffer === ms[0].buffer));
  ms[3][8] = 7;
  assert.equal(ms[0].buffer.byteLength, 4 * 9 * 8);
  assert.deepEqual(ms.slice(0, 3).map((m) => m.some((v) => v !== 0)), [false, false, false]);
});

Deno.test("calculator workspaces: one backing store each, not one per matrix", () => {
  const eig = createEigWorkspace(6);
  assert.equal(eig.x.buffer, eig.xinv.buffer);
  assert.equal(eig.wr.buffer, eig.shift.buffer);
  const ex = createExpmWorkspace(6);
  assert.ok(ex.bufs.every((b) => b.buffer === ex.bufs[0].buffer));
});
