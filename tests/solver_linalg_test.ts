import { strict as assert } from "node:assert";
import { svdWorkspace, thinSvd } from "../src/solver/_linalg.ts";

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) - 0.5;
}

Deno.test("thinSvd: a reused workspace gives the fresh call's results bit for bit", () => {
  const u = seeded(3);
  for (const [rows, cols] of [[12, 3], [5, 5], [2, 4]]) {
    const work = svdWorkspace(rows, cols);
    for (let rep = 0; rep < 3; rep++) {
      const a = Float64Array.from({ length: rows * cols }, u);
      const b = Float64Array.from({ length: rows }, u);
      const fresh = thinSvd(a, rows, cols, b);
      const reused = thinSvd(a, rows, cols, b, work);
      assert.deepEqual(reused, fresh, `${rows}×${cols}, call ${rep}`);
      // Without a right-hand side the projection is zero, whatever the workspace held.
      const none = thinSvd(a, rows, cols, undefined, work);
      assert.deepEqual(none.s, fresh.s);
      assert.ok(none.utb.every((v) => v === 0));
    }
  }
});

Deno.test("thinSvd: with a workspace the results are its arrays (no allocation per call)", () => {
  const u = seeded(5);
  const work = svdWorkspace(7, 3);
  const a = Float64Array.from({ length: 21 }, u);
  const out = thinSvd(a, 7, 3, Float64Array.from({ length: 7 }, u), work);
  assert.equal(out.s, work.s);
  assert.equal(out.v, work.v);
  assert.equal(out.utb, work.utb);
  // One buffer holds the small arrays: a single backing store, not six.
  assert.equal(work.s.buffer, work.v.buffer);
  assert.equal(work.rm.buffer, work.utb.buffer);
});
