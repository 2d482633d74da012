/**
 * Coordinates as short text for the SVG and PDF writers (private to `src/plot/`). Figures write
 * hundreds of thousands of numbers; formatting the rounded value as an integer of hundredths is
 * several times faster than converting the float (`String(Math.round(v * 100) / 100)`), with the
 * same text.
 *
 * @module
 */

/**
 * `v` rounded to 2 decimals, without trailing zeros or exponent, "0" for ±0 (finite `v` only).
 *
 * @example
 * ```ts
 * hundredths(12.3456); // "12.35"
 * hundredths(-0.001); // "0"
 * hundredths(3.1); // "3.1"
 * ```
 */
export function hundredths(v: number): string {
  const i = Math.round(v * 100);
  if (!Number.isSafeInteger(i)) return String(Math.round(v * 100) / 100);
  const a = i < 0 ? -i : i;
  const whole = Math.floor(a / 100);
  const frac = a - whole * 100;
  const sign = i < 0 ? "-" : "";
  if (frac === 0) return sign + whole;
  if (frac % 10 === 0) return `${sign}${whole}.${frac / 10}`;
  return `${sign}${whole}.${frac < 10 ? "0" : ""}${frac}`;
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
