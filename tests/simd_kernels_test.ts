/**
 * The SIMD matrix product (src/nmr/_simd.ts): bit for bit the JavaScript kernel on seeded random
 * operands of every size the register blocks split differently, and the committed module
 * (src/nmr/_simd_wasm.ts) the one `deno task wasm` assembles from the generator today.
 */
import { strict as assert } from "node:assert";
import { matmul, matmulJs } from "../src/nmr/expm.ts";
import { loadSimdKernels } from "../src/nmr/_simd.ts";
import { createRng, standardNormals } from "../src/math/random.ts";
import { simdKernelsWasmSource } from "../src/cli/_simd_assemble.ts";

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

Deno.test("simd kernels: the committed module is the generator's, assembled", async () => {
  const committed = await Deno.readTextFile(new URL("../src/nmr/_simd_wasm.ts", import.meta.url));
  assert.equal(committed, await simdKernelsWasmSource(), "run `deno task wasm`");
});

Deno.test("simd kernels: matmul is bit for bit the JavaScript product, n = 1..33", () => {
  const simd = loadSimdKernels();
  assert(simd !== null, "WebAssembly SIMD is available in Deno");
  const rng = createRng(7);
  for (let n = 1; n <= 33; n++) {
    const a = standardNormals(rng, n * n);
    const b = standardNormals(rng, n * n);
    a[0] = -0; // signed zeros and products summed from 0 as the JavaScript kernel does
    const ref = new Float64Array(n * n);
    const got = new Float64Array(n * n);
    matmulJs(ref, a, b, n);
    simd.matmul(got, a, b, n);
    assert(sameBits(ref, got), `n = ${n}`);
    got.fill(0);
    matmul(got, a, b, n); // the dispatching kernel, whichever side it takes
    assert(sameBits(ref, got), `dispatch, n = ${n}`);
  }
});
