/**
 * Python-compatible number formatting (`"% .5e" % x`, `"%12.2f" % x`, `repr(x)`).
 *
 * ChemEx output files are produced by Python's printf-style formatting. JavaScript's
 * `toFixed`/`toExponential` round exact ties away from zero whereas Python rounds the exact binary
 * value half-to-even (`"%.2f" % 0.125 == "0.12"`), `toFixed` switches to exponent notation above
 * 1e21, and `String(x)` writes exponents differently from `repr`. To stay byte-identical we work on
 * the exact decimal expansion of the double, which is always finite.
 *
 * ChemEx also rounds conditions with Python's `round(x, 1)` when it builds parameter names
 * ({@link roundPython}); `Math.round(x * 10) / 10` would suffer from the multiplication's
 * rounding error. This is the one home of Python-style number text in exfit (parameter names,
 * output files, plots, reports).
 *
 * @module
 */

/** Options shared by {@link pyExp} and {@link pyFixed}. */
export interface PyFormatOptions {
  /** Python sign flag: `" "` reserves a slot for positives, `"+"` always signs, `""` none. */
  sign?: " " | "+" | "";
  /** Minimum field width; the result is right-aligned with spaces like Python. */
  width?: number;
}

/** Exact decimal expansion: |x| = digits × 10^exp10 (digits without leading zeros, "0" for 0). */
interface ExactDecimal {
  digits: string;
  exp10: number;
}

function exactDecimal(x: number): ExactDecimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exp2 = biased === 0 ? -1074 : biased - 1075;
  if (mantissa === 0n) return { digits: "0", exp10: 0 };
  if (exp2 >= 0) return { digits: (mantissa << BigInt(exp2)).toString(), exp10: 0 };
  // m·2^-k = m·5^k·10^-k: multiplying by 5^k keeps the expansion exact.
  return { digits: (mantissa * 5n ** BigInt(-exp2)).toString(), exp10: exp2 };
}

/** Round digits×10^exp10 to an integer multiple of 10^scale, ties to even (Python semantics). */
function roundAtScale(d: ExactDecimal, scale: number): bigint {
  if (d.exp10 >= scale) return BigInt(d.digits) * 10n ** BigInt(d.exp10 - scale);
  const cut = scale - d.exp10;
  const padded = d.digits.length > cut ? d.digits : d.digits.padStart(cut + 1, "0");
  const head = BigInt(padded.slice(0, padded.length - cut));
  const tail = padded.slice(padded.length - cut);
  const half = "5".padEnd(cut, "0");
  if (tail > half || (tail === half && head % 2n === 1n)) return head + 1n;
  return head;
}

function isNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

function finish(body: string, negative: boolean, opts: PyFormatOptions | undefined): string {
  const sign = negative ? "-" : (opts?.sign ?? "");
  return (sign + body).padStart(opts?.width ?? 0, " ");
}

function nonFinite(x: number, opts: PyFormatOptions | undefined): string {
  if (Number.isNaN(x)) return finish("nan", false, opts);
  return finish("inf", x < 0, opts);
}

/**
 * Python `%.<digits>e` with optional sign flag and width.
 *
 * @example
 * ```ts
 * pyExp(381.709, 5, { sign: " " }); // " 3.81709e+02"  ("% .5e")
 * pyExp(-0.5, 8, { sign: " ", width: 17 }); // "  -5.00000000e-01" ("% 17.8e")
 * pyExp(Infinity, 5, { sign: " " }); // " inf"
 * ```
 */
export function pyExp(x: number, digits: number, opts?: PyFormatOptions): string {
  if (!Number.isFinite(x)) return nonFinite(x, opts);
  // JavaScript rounds the exact binary value to nearest too; only exact ties differ (away from
  // zero vs Python's to-even). Output files print tens of thousands of numbers, so a value that
  // is clearly no tie takes one built-in call: scaled so that the last printed digit is the
  // units digit, a tie has a fractional part of exactly ½, and away from ½ by more than the
  // scaling's rounding error (a few ulps of a number below 10^(digits+1)) none is possible.
  if (digits <= 12) {
    const ax = Math.abs(x);
    const js = ax.toExponential(digits);
    const e = js.indexOf("e");
    const exponent = Number(js.slice(e + 1));
    const shift = digits - exponent;
    const scaled = shift >= 0 ? ax * 10 ** shift : ax / 10 ** -shift;
    if (Math.abs(scaled - Math.floor(scaled) - 0.5) > scaled * 1e-14) {
      const expAbs = exponent < 0 ? -exponent : exponent;
      return finish(
        `${js.slice(0, e)}e${exponent < 0 ? "-" : "+"}${expAbs < 10 ? "0" : ""}${expAbs}`,
        isNegative(x),
        opts,
      );
    }
  }
  // A possible tie (or many digits): an exact tie shows as a trailing 5 one digit further.
  if (digits <= 98) {
    const probe = Math.abs(x).toExponential(digits + 1);
    if (probe[probe.indexOf("e") - 1] !== "5") {
      const js = Math.abs(x).toExponential(digits);
      const e = js.indexOf("e");
      const exponent = Number(js.slice(e + 1));
      const expAbs = Math.abs(exponent).toString().padStart(2, "0");
      return finish(
        `${js.slice(0, e)}e${exponent < 0 ? "-" : "+"}${expAbs}`,
        isNegative(x),
        opts,
      );
    }
  }
  return pyExpExact(x, digits, opts);
}

/**
 * {@link pyExp} from the double's exact decimal expansion (BigInt arithmetic), with no built-in
 * shortcut: the reference the fast paths are tested against, and their fallback at exact ties.
 *
 * @example
 * ```ts
 * pyExpExact(0.125, 1); // "1.2e-01" (a tie, rounded to even as Python does)
 * ```
 */
export function pyExpExact(x: number, digits: number, opts?: PyFormatOptions): string {
  if (!Number.isFinite(x)) return nonFinite(x, opts);
  const d = exactDecimal(x);
  let exponent = 0;
  let mantissa = "0".repeat(digits + 1);
  if (d.digits !== "0") {
    exponent = d.digits.length - 1 + d.exp10;
    let n = roundAtScale(d, exponent - digits).toString();
    // Rounding 9.99…5 up carries into a new leading digit.
    if (n.length > digits + 1) {
      exponent += 1;
      n = n.slice(0, digits + 1);
    }
    mantissa = n;
  }
  const fracPart = digits > 0 ? "." + mantissa.slice(1) : "";
  const expAbs = Math.abs(exponent).toString().padStart(2, "0");
  const body = `${mantissa[0]}${fracPart}e${exponent < 0 ? "-" : "+"}${expAbs}`;
  return finish(body, isNegative(x), opts);
}

/**
 * Python `%.<digits>f` with optional sign flag and width (no switch to exponent form).
 *
 * @example
 * ```ts
 * pyFixed(30, 0, { width: 12 }); // "          30"  ("%12.0f")
 * pyFixed(0.125, 2); // "0.12"  (ties to even, like Python)
 * pyFixed(33.333333, 5, { sign: " ", width: 12 }); // "    33.33333"  ("% 12.5f")
 * ```
 */
export function pyFixed(x: number, digits: number, opts?: PyFormatOptions): string {
  if (!Number.isFinite(x)) return nonFinite(x, opts);
  // As in pyExp: toFixed rounds the exact binary value to nearest, ties away from zero where
  // Python rounds them to even; a tie shows as a 5 one digit further, so every other value takes
  // the built-in path (toFixed is exact below 1e21). The profile files of a methyl study print
  // some 25,000 numbers this way; the exact path costs a few BigInt products each.
  const a = Math.abs(x);
  if (digits <= 99 && a < 1e21) {
    const probe = a.toFixed(digits + 1);
    if (probe[probe.length - 1] !== "5") return finish(a.toFixed(digits), isNegative(x), opts);
  }
  return pyFixedExact(x, digits, opts);
}

/**
 * {@link pyFixed} by the exact decimal expansion of x, every value (the reference its fast path
 * is tested against).
 *
 * @example
 * ```ts
 * pyFixedExact(0.125, 2); // "0.12"
 * ```
 */
export function pyFixedExact(x: number, digits: number, opts?: PyFormatOptions): string {
  if (!Number.isFinite(x)) return nonFinite(x, opts);
  const n = roundAtScale(exactDecimal(x), -digits).toString().padStart(digits + 1, "0");
  const body = digits > 0 ? `${n.slice(0, n.length - digits)}.${n.slice(n.length - digits)}` : n;
  return finish(body, isNegative(x), opts);
}

/**
 * Python `repr(float)`: shortest round-trip digits, exponent form when the decimal exponent is
 * below -4 or at least 16, integers keep a trailing `.0`.
 *
 * @example
 * ```ts
 * pyRepr(434.82417); // "434.82417"
 * pyRepr(1e-5); // "1e-05"
 * pyRepr(2); // "2.0"
 * pyRepr(1.5e16); // "1.5e+16"
 * ```
 */
export function pyRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x < 0 ? "-inf" : "inf";
  const sign = isNegative(x) ? "-" : "";
  if (x === 0) return `${sign}0.0`;
  // Both JS and Python pick the shortest round-trip digit string (closest when several), so only
  // the layout differs.
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(x)));
  if (m === null) throw new Error(`unexpected number text for ${x}`);
  let all = m[1] + (m[2] ?? "");
  let point = m[1].length + Number(m[3] ?? 0);
  const lead = all.length - all.replace(/^0+/, "").length;
  all = all.slice(lead);
  point -= lead;
  all = all.replace(/0+$/, "");
  let body: string;
  if (point <= -4 || point > 16) {
    const e = point - 1;
    const frac = all.length > 1 ? "." + all.slice(1) : "";
    body = `${all[0]}${frac}e${e < 0 ? "-" : "+"}${Math.abs(e).toString().padStart(2, "0")}`;
  } else if (point <= 0) {
    body = `0.${"0".repeat(-point)}${all}`;
  } else if (point >= all.length) {
    body = `${all}${"0".repeat(point - all.length)}.0`;
  } else {
    body = `${all.slice(0, point)}.${all.slice(point)}`;
  }
  return sign + body;
}

/**
 * Python's `round(x, digits)` for floats: the double nearest to the exact value rounded
 * half-to-even at `digits` decimals.
 *
 * @example
 * ```ts
 * roundPython(800.15, 1); // 800.1 (800.15 is stored slightly below the tie)
 * roundPython(0.25, 1); // 0.2
 * ```
 */
export function roundPython(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  return Number(pyFixed(x, digits));
}
