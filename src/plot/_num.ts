/**
 * Coordinates as short text for the SVG and PDF writers (private to `src/plot/`). Figures write
 * hundreds of thousands of numbers; formatting the rounded value as an integer of tenths is
 * several times faster than converting the float (`String(Math.round(v * 10) / 10)`), with the
 * same text.
 *
 * @module
 */

/**
 * `v` rounded to 1 decimal (0.1 px or pt: finer than any screen or printer shows), without a
 * trailing zero or exponent, "0" for ±0 (finite `v` only).
 *
 * @example
 * ```ts
 * tenths(12.3456); // "12.3"
 * tenths(-0.01); // "0"
 * tenths(3); // "3"
 * ```
 */
export function tenths(v: number): string {
  const i = Math.round(v * 10);
  if (!Number.isSafeInteger(i)) return String(Math.round(v * 10) / 10);
  const a = i < 0 ? -i : i;
  const whole = Math.floor(a / 10);
  const frac = a - whole * 10;
  const sign = i < 0 ? "-" : "";
  return frac === 0 ? sign + whole : `${sign}${whole}.${frac}`;
}

/**
 * Whether every value is finite, without allocating (the writers test every shape): a sum is
 * finite exactly when no term is NaN or infinite, short of an overflow no coordinate reaches.
 *
 * @example
 * ```ts
 * allFinite(1, 2, NaN); // false
 * ```
 */
export function allFinite(a: number, b: number, c = 0, d = 0): boolean {
  return Number.isFinite(a + b + c + d);
}
