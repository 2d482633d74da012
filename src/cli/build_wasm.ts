/**
 * `deno task wasm`: assembles the SIMD kernels' WebAssembly text (`src/nmr/simd_wat.ts`) with
 * wabt and writes the module, base64-encoded, to `src/nmr/_simd_wasm.ts`, so that a run loads it
 * with no assembler and no file read. Run it after changing the generator;
 * tests/simd_kernels_test.ts fails while the two disagree.
 *
 * @example
 * ```sh
 * deno task wasm   # rewrites src/nmr/_simd_wasm.ts
 * ```
 *
 * @module
 */
import { simdKernelsWasmSource } from "./_simd_assemble.ts";

if (import.meta.main) {
  const target = new URL("../nmr/_simd_wasm.ts", import.meta.url);
  const text = await simdKernelsWasmSource();
  await Deno.writeTextFile(target, text);
  console.log(`wrote ${target.pathname}`);
}
