/**
 * The TypeScript source of `src/nmr/_simd_wasm.ts`: the SIMD kernels' text
 * (`src/nmr/simd_wat.ts`) assembled by wabt, base64-encoded. Shared by `deno task wasm`
 * (`build_wasm.ts`) and the test that checks the committed module is current.
 *
 * @example
 * ```ts
 * const source = await simdKernelsWasmSource();
 * source.includes("SIMD_WASM_BASE64"); // true
 * ```
 *
 * @module
 */
import wabtInit from "wabt";
import { simdKernelsWat } from "../nmr/simd_wat.ts";

/** The module's bytes: the generator's text assembled with the SIMD feature on. */
export async function simdKernelsWasm(): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat("simd_kernels.wat", simdKernelsWat(), { simd: true });
  try {
    module.validate();
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** `_simd_wasm.ts` as it should read, lines of 96 characters. */
export async function simdKernelsWasmSource(): Promise<string> {
  const b64 = btoa(String.fromCharCode(...await simdKernelsWasm()));
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 96) lines.push(`  "${b64.slice(i, i + 96)}"`);
  return `/**
 * The SIMD kernels of \`simd_wat.ts\`, assembled: written by \`deno task wasm\`
 * (src/cli/build_wasm.ts), do not edit.
 *
 * @module
 */

/** The WebAssembly module, base64. */
export const SIMD_WASM_BASE64 =
${lines.join(" +\n")};
`;
}
