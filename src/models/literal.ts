/** Number literals in model definitions. @module */

/**
 * A number as Python's `repr` writes it (`20.0`, `0.00015`, `1e-05`), so that conditions
 * embedded in definitions print as they do in ChemEx's outputs. Round-trips exactly.
 *
 * @example
 * ```ts
 * lit(20); // "20.0"
 * lit(1e-5); // "1e-05"
 * lit(0.00015); // "0.00015"
 * ```
 */
export function lit(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expText] = x.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? "-" : "+";
    return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  const fixed = String(x);
  return fixed.includes(".") ? fixed : `${fixed}.0`;
}
