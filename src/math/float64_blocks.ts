/**
 * Several Float64Arrays carved out of one buffer. V8 keeps a typed array of more than 64 bytes in
 * a backing store of its own, allocated and freed outside its heap (about 1–4 µs each, where a
 * view of an existing buffer costs a tenth of that): a calculator's workspaces, made per profile
 * and per group fit, are dozens of such matrices.
 *
 * @example
 * ```ts
 * import { float64Blocks } from "./float64_blocks.ts";
 * const [a, b, v] = float64Blocks(36, 36, 6); // two 6×6 matrices and a vector, one allocation
 * ```
 *
 * @module
 */

/** Zero-filled arrays of the given lengths, views of one shared buffer, in order. */
export function float64Blocks(...lengths: number[]): Float64Array[] {
  let total = 0;
  for (const len of lengths) total += len;
  const buffer = new ArrayBuffer(8 * total);
  const out: Float64Array[] = [];
  let at = 0;
  for (const len of lengths) {
    out.push(new Float64Array(buffer, 8 * at, len));
    at += len;
  }
  return out;
}

/** `count` zero-filled arrays of `length` doubles each, views of one shared buffer. */
export function float64Copies(count: number, length: number): Float64Array[] {
  const buffer = new ArrayBuffer(8 * count * length);
  return Array.from({ length: count }, (_, k) => new Float64Array(buffer, 8 * k * length, length));
}
