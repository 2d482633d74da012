/**
 * Python-compatible number formatting and rounding.
 *
 * ChemEx writes numbers with Python's `%`-formatting and rounds conditions with
 * `round(x, 1)`. Both work on the exact binary value of the double and break exact
 * ties to even, whereas JavaScript's `toFixed`/`toExponential` break ties upwards
 * and `Math.round(x * 10) / 10` suffers from the multiplication's rounding error.
 * To produce byte-identical names we round the exact decimal expansion ourselves.
 *
 * @module
 */

/** Sign option of a Python format spec: `-` (default), ` ` (space for non-negatives) or `+`. */
export type PythonSign = "-" | " " | "+";

interface ExactDecimal {
  /** Decimal digits of the absolute value, as an integer. */
  digits: bigint;
  /** The absolute value equals `digits * 10 ** scale`. */
  scale: number;
}

const F64 = new DataView(new ArrayBuffer(8));

/** Exact decimal expansion of a finite double's absolute value (doubles are dyadic, so it is finite). */
function exactDecimal(x: number): ExactDecimal {
  F64.setFloat64(0, Math.abs(x));
  const bits = F64.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = biased === 0 ? -1074 : biased - 1075;
  if (exponent >= 0) return { digits: mantissa << BigInt(exponent), scale: 0 };
  // a * 2^-k == a * 5^k * 10^-k
  return { digits: mantissa * 5n ** BigInt(-exponent), scale: exponent };
}

/** Rounds `digits * 10**scale` to an integer multiple of `10**q`, ties to even; returns the multiplier. */
function roundToPower(d: ExactDecimal, q: number): bigint {
  if (d.scale >= q) return d.digits * 10n ** BigInt(d.scale - q);
  const divisor = 10n ** BigInt(q - d.scale);
  const quotient = d.digits / divisor;
  const twiceRemainder = 2n * (d.digits % divisor);
  if (twiceRemainder > divisor) return quotient + 1n;
  if (twiceRemainder === divisor) return quotient % 2n === 0n ? quotient : quotient + 1n;
  return quotient;
}

function signPrefix(x: number, sign: PythonSign): string {
  if (x < 0 || Object.is(x, -0)) return "-";
  return sign === "-" ? "" : sign;
}

function nonFinite(x: number, sign: PythonSign): string {
  if (Number.isNaN(x)) return (sign === "-" ? "" : sign) + "nan";
  return signPrefix(x, sign) + "inf";
}

function checkDigits(digits: number): void {
  if (!Number.isInteger(digits) || digits < 0 || digits > 100) {
    throw new RangeError(`digits must be an integer in [0, 100], got ${digits}`);
  }
}

/**
 * Formats like Python's `"%.{digits}e" % x` (or `"% .{digits}e"` with `sign = " "`):
 * ties to even on the exact value, exponent with sign and at least two digits.
 *
 * @example
 * formatPythonExp(1e-3, 3); // "1.000e-03"
 * formatPythonExp(381.511, 5, " "); // " 3.81511e+02"
 */
export function formatPythonExp(x: number, digits: number, sign: PythonSign = "-"): string {
  checkDigits(digits);
  if (!Number.isFinite(x)) return nonFinite(x, sign);
  const prefix = signPrefix(x, sign);
  if (x === 0) {
    return `${prefix}0${digits > 0 ? "." + "0".repeat(digits) : ""}e+00`;
  }
  const exact = exactDecimal(x);
  let exponent = exact.digits.toString().length - 1 + exact.scale;
  let mantissa = roundToPower(exact, exponent - digits);
  if (mantissa.toString().length > digits + 1) {
    // carried into a new leading digit (9.995 -> 10.00): the mantissa is a power of ten
    mantissa /= 10n;
    exponent += 1;
  }
  const text = mantissa.toString();
  const body = digits > 0 ? `${text[0]}.${text.slice(1)}` : text;
  const expSign = exponent < 0 ? "-" : "+";
  return `${prefix}${body}e${expSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/**
 * Formats like Python's `"%.{digits}f" % x`: ties to even on the exact value.
 *
 * @example
 * formatPythonFixed(0.25, 1); // "0.2"
 * formatPythonFixed(25, 1); // "25.0"
 */
export function formatPythonFixed(x: number, digits: number, sign: PythonSign = "-"): string {
  checkDigits(digits);
  if (!Number.isFinite(x)) return nonFinite(x, sign);
  const prefix = signPrefix(x, sign);
  const scaled = x === 0 ? 0n : roundToPower(exactDecimal(x), -digits);
  const text = scaled.toString().padStart(digits + 1, "0");
  if (digits === 0) return prefix + text;
  return `${prefix}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * Python's `round(x, digits)` for floats: the double nearest to the exact value
 * rounded half-to-even at `digits` decimals.
 *
 * @example
 * roundPython(800.15, 1); // 800.1 (800.15 is stored slightly below the tie)
 * roundPython(0.25, 1); // 0.2
 */
export function roundPython(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  return Number(formatPythonFixed(x, digits));
}
