/**
 * Floating-point neighbours (C's `nextafter`), used to keep points strictly inside bounds.
 *
 * @module
 */

/**
 * The next representable double after `x` in the direction of `toward`
 * (C's `nextafter`).
 *
 * @example
 * ```ts
 * nextAfter(1, 2) - 1; // 2.220446049250313e-16
 * ```
 */
export function nextAfter(x: number, toward: number): number {
  if (Number.isNaN(x) || Number.isNaN(toward)) return NaN;
  if (x === toward) return toward;
  if (x === 0) return toward > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  let bits = buf.getBigInt64(0);
  // Moving away from zero increments the magnitude bits, towards zero decrements them.
  if ((toward > x) === (x > 0)) bits += 1n;
  else bits -= 1n;
  buf.setBigInt64(0, bits);
  return buf.getFloat64(0);
}
