/**
 * exfit's SIMD matrix product (`simd_wat.ts`, assembled in `_simd_wasm.ts`) behind the signature
 * of the JavaScript one in `expm.ts`. A WebAssembly function reads only its own memory, so the
 * operands are copied into the module's fixed scratch memory and the result copied out: for a
 * 12×12 product the copies cost about a fifth of the call, which is still about twice as fast as
 * the JavaScript kernel (0.27 µs against 0.57; benchmarks/kernels_bench.ts). The memory never
 * grows, so its views never detach. Results are bit for bit the JavaScript kernel's.
 *
 * A matrix–vector product gains nothing this way (the copy of the matrix costs as much as the
 * product), and keeping the engine's matrices in the module's memory to avoid the copies was
 * measured and not kept (docs/performance.md).
 *
 * @example
 * ```ts
 * import { loadSimdKernels } from "./_simd.ts";
 * const simd = loadSimdKernels(); // null where WebAssembly SIMD is not available
 * ```
 *
 * @module
 */
import { SIMD_WASM_BASE64 } from "./_simd_wasm.ts";

/** The kernel on Float64Arrays, and how many doubles of operands it can take at once. */
export interface SimdKernels {
  /** Doubles of scratch memory: the operands and the result of one call must fit. */
  readonly capacity: number;
  /** out = a·b (n×n, row-major); see `expm.ts#matmul`. */
  matmul(out: Float64Array, a: Float64Array, b: Float64Array, n: number): void;
}

interface Exports {
  memory: WebAssembly.Memory;
  matmul(o: number, a: number, b: number, n: number): void;
}

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const text = atob(b64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The first `len` elements of `a` (the array itself when it is that long). */
function head(a: Float64Array, len: number): Float64Array {
  return a.length === len ? a : a.subarray(0, len);
}

/**
 * Compiles and instantiates the kernel (synchronously: the module is under 3 KB); null where the
 * runtime has no WebAssembly or no SIMD, and the JavaScript kernel is used.
 */
export function loadSimdKernels(): SimdKernels | null {
  if (typeof WebAssembly !== "object") return null;
  const bytes = decode(SIMD_WASM_BASE64);
  if (!WebAssembly.validate(bytes)) return null;
  let ex: Exports;
  try {
    ex = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports;
  } catch {
    return null;
  }
  const buffer = ex.memory.buffer;
  const capacity = buffer.byteLength / 8;
  // Views of the three operand slots per size, made once: a view made per call would be
  // garbage on every product.
  const slots: (Float64Array[] | undefined)[] = [];
  const slotsOf = (n: number): Float64Array[] => {
    const nn = n * n;
    return slots[n] ??= [0, 1, 2].map((k) => new Float64Array(buffer, 8 * k * nn, nn));
  };
  return {
    capacity,
    matmul(out, a, b, n) {
      const nn = n * n;
      const [sa, sb, so] = slots[n] ?? slotsOf(n);
      sa.set(head(a, nn));
      sb.set(head(b, nn));
      ex.matmul(16 * nn, 0, 8 * nn, n);
      out.set(so);
    },
  };
}
