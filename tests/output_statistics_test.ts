import { strict as assert } from "node:assert";
import { type FitStatistics, formatStatisticsToml } from "../src/output/statistics_toml.ts";
import { pyExp, pyFixed, pyFixedExact, pyRepr } from "../src/math/pyformat.ts";
import fc from "fast-check";
import { REFDATA_DIR, refdataTest, walk } from "./_fixtures.ts";

const KEYS: Record<string, keyof FitStatistics> = {
  "number of data points": "ndata",
  "number of variables": "nvarys",
  "chi-square": "chisqr",
  "reduced-chi-square": "redchi",
  "chi-squared test": "chisqrTest",
  "Kolmogorov-Smirnov test": "ksTest",
  "Akaike Information Criterion (AIC)": "aic",
  "Bayesian Information Criterion (BIC)": "bic",
};

function parseStatistics(text: string): FitStatistics {
  const s: Partial<FitStatistics> = {};
  for (const line of text.trimEnd().split("\n")) {
    const m = /^"([^"]+)"\s* = (.*)$/.exec(line);
    assert.ok(m !== null && m[1] in KEYS, `unexpected line: ${line}`);
    s[KEYS[m[1]]] = Number(m[2]);
  }
  assert.equal(Object.keys(s).length, 8);
  return s as FitStatistics;
}

refdataTest("formatStatisticsToml reproduces every ChemEx statistics.toml", () => {
  let compared = 0;
  for (const path of walk(REFDATA_DIR)) {
    if (!path.endsWith("/statistics.toml")) continue;
    const text = Deno.readTextFileSync(path);
    assert.equal(formatStatisticsToml(parseStatistics(text)), text, path);
    compared++;
  }
  console.log(`compared ${compared} statistics files`);
  assert.ok(compared >= 2);
});

Deno.test("formatStatisticsToml: inline CPMG_15N_IP STEP1 values", () => {
  const text = formatStatisticsToml({
    ndata: 230,
    nvarys: 17,
    chisqr: 434.5548,
    redchi: 2.0401671,
    chisqrTest: 0,
    ksTest: 0.0666954,
    aic: 468.5548,
    bic: 527.00311,
  });
  assert.equal(
    text,
    '"number of data points"                = 230\n' +
      '"number of variables"                  = 17\n' +
      '"chi-square"                           =  4.34555e+02\n' +
      '"reduced-chi-square"                   =  2.04017e+00\n' +
      '"chi-squared test"                     =  0.00000e+00\n' +
      '"Kolmogorov-Smirnov test"              =  6.66954e-02\n' +
      '"Akaike Information Criterion (AIC)"   =  4.68555e+02\n' +
      '"Bayesian Information Criterion (BIC)" =  5.27003e+02\n',
  );
  assert.throws(() => formatStatisticsToml({ ...parseStatistics(text), ndata: 2.5 }), RangeError);
});

// Expected strings generated with CPython 3: repr(v), "% .5e", "% 17.8e", "%+.3e", "%.0e",
// "% 12.5f", "%12.0f", "% 17.3f", "%.2f" (the fixed formats only for |v| < 1e300).
// deno-fmt-ignore
const PYTHON_CASES: [number, string, string, string, string, string, string, string, string][] = [
  [2.675, "2.675", " 2.67500e+00", "   2.67500000e+00", "+2.675e+00", "3e+00", "     2.67500", "           3", "            2.675"],
  [9.5, "9.5", " 9.50000e+00", "   9.50000000e+00", "+9.500e+00", "1e+01", "     9.50000", "          10", "            9.500"],
  [1.7976931348623157e308, "1.7976931348623157e+308", " 1.79769e+308", "  1.79769313e+308", "+1.798e+308", "2e+308", "", "", ""],
  [0, "0.0", " 0.00000e+00", "   0.00000000e+00", "+0.000e+00", "0e+00", "     0.00000", "           0", "            0.000"],
  [-0, "-0.0", "-0.00000e+00", "  -0.00000000e+00", "-0.000e+00", "-0e+00", "    -0.00000", "          -0", "           -0.000"],
  [1e-300, "1e-300", " 1.00000e-300", "  1.00000000e-300", "+1.000e-300", "1e-300", "     0.00000", "           0", "            0.000"],
  [1e21, "1e+21", " 1.00000e+21", "   1.00000000e+21", "+1.000e+21", "1e+21", " 1000000000000000000000.00000", "1000000000000000000000", " 1000000000000000000000.000"],
  [123456789.0, "123456789.0", " 1.23457e+08", "   1.23456789e+08", "+1.235e+08", "1e+08", " 123456789.00000", "   123456789", "    123456789.000"],
  [0.1 + 0.2, "0.30000000000000004", " 3.00000e-01", "   3.00000000e-01", "+3.000e-01", "3e-01", "     0.30000", "           0", "            0.300"],
  [-2.5, "-2.5", "-2.50000e+00", "  -2.50000000e+00", "-2.500e+00", "-2e+00", "    -2.50000", "          -2", "           -2.500"],
  [0.5, "0.5", " 5.00000e-01", "   5.00000000e-01", "+5.000e-01", "5e-01", "     0.50000", "           0", "            0.500"],
  [1.5, "1.5", " 1.50000e+00", "   1.50000000e+00", "+1.500e+00", "2e+00", "     1.50000", "           2", "            1.500"],
  [0.125, "0.125", " 1.25000e-01", "   1.25000000e-01", "+1.250e-01", "1e-01", "     0.12500", "           0", "            0.125"],
  [1e16, "1e+16", " 1.00000e+16", "   1.00000000e+16", "+1.000e+16", "1e+16", " 10000000000000000.00000", "10000000000000000", " 10000000000000000.000"],
  [1.5e16, "1.5e+16", " 1.50000e+16", "   1.50000000e+16", "+1.500e+16", "2e+16", " 15000000000000000.00000", "15000000000000000", " 15000000000000000.000"],
  [1e15, "1000000000000000.0", " 1.00000e+15", "   1.00000000e+15", "+1.000e+15", "1e+15", " 1000000000000000.00000", "1000000000000000", " 1000000000000000.000"],
  [1e-5, "1e-05", " 1.00000e-05", "   1.00000000e-05", "+1.000e-05", "1e-05", "     0.00001", "           0", "            0.000"],
  [1e-4, "0.0001", " 1.00000e-04", "   1.00000000e-04", "+1.000e-04", "1e-04", "     0.00010", "           0", "            0.000"],
  [434.82417, "434.82417", " 4.34824e+02", "   4.34824170e+02", "+4.348e+02", "4e+02", "   434.82417", "         435", "          434.824"],
  [5e-324, "5e-324", " 4.94066e-324", "  4.94065646e-324", "+4.941e-324", "5e-324", "     0.00000", "           0", "            0.000"],
  [-1234.5678, "-1234.5678", "-1.23457e+03", "  -1.23456780e+03", "-1.235e+03", "-1e+03", " -1234.56780", "       -1235", "        -1234.568"],
  [9.999995, "9.999995", " 1.00000e+01", "   9.99999500e+00", "+1.000e+01", "1e+01", "    10.00000", "          10", "           10.000"],
  [2 ** 53, "9007199254740992.0", " 9.00720e+15", "   9.00719925e+15", "+9.007e+15", "9e+15", " 9007199254740992.00000", "9007199254740992", " 9007199254740992.000"],
  [1 / 3, "0.3333333333333333", " 3.33333e-01", "   3.33333333e-01", "+3.333e-01", "3e-01", "     0.33333", "           0", "            0.333"],
];

Deno.test("pyExp / pyFixed / pyRepr match CPython printf and repr", () => {
  for (const [v, repr, e5, e8w17, e3plus, e0, f5w12, f0w12, f3w17] of PYTHON_CASES) {
    const label = `value ${repr}`;
    assert.equal(pyRepr(v), repr, label);
    assert.equal(pyExp(v, 5, { sign: " " }), e5, label);
    assert.equal(pyExp(v, 8, { sign: " ", width: 17 }), e8w17, label);
    assert.equal(pyExp(v, 3, { sign: "+" }), e3plus, label);
    assert.equal(pyExp(v, 0), e0, label);
    if (f5w12 === "") continue;
    assert.equal(pyFixed(v, 5, { sign: " ", width: 12 }), f5w12, label);
    assert.equal(pyFixed(v, 0, { width: 12 }), f0w12, label);
    assert.equal(pyFixed(v, 3, { sign: " ", width: 17 }), f3w17, label);
  }
});

Deno.test("pyExp / pyFixed / pyRepr: non-finite values and ties to even", () => {
  assert.equal(pyExp(Infinity, 5, { sign: " " }), " inf");
  assert.equal(pyExp(-Infinity, 5, { sign: " " }), "-inf");
  assert.equal(pyExp(NaN, 5, { sign: " " }), " nan");
  assert.equal(pyExp(Infinity, 8, { sign: " ", width: 17 }), "              inf");
  assert.equal(pyExp(NaN, 8, { sign: " ", width: 17 }), "              nan");
  assert.equal(pyExp(Infinity, 3, { sign: "+" }), "+inf");
  assert.equal(pyFixed(-Infinity, 2, { width: 8 }), "    -inf");
  assert.equal(pyRepr(Infinity), "inf");
  assert.equal(pyRepr(-Infinity), "-inf");
  assert.equal(pyRepr(NaN), "nan");
  // Python: "%.2f" % 0.125 == "0.12", "%.0f" % 0.5 == "0", "%.0f" % -0.5 == "-0",
  // "%.2f" % -0.001 == "-0.00", "%.1f" % 0.35 == "0.3", "%.1f" % 0.25 == "0.2".
  assert.equal(pyFixed(0.125, 2), "0.12");
  assert.equal(pyFixed(0.5, 0), "0");
  assert.equal(pyFixed(-0.5, 0), "-0");
  assert.equal(pyFixed(-0.001, 2), "-0.00");
  assert.equal(pyFixed(0.35, 1), "0.3");
  assert.equal(pyFixed(0.25, 1), "0.2");
  assert.equal(pyFixed(1e22, 2), "10000000000000000000000.00");
  assert.equal(pyExp(0.125, 1), "1.2e-01");
});

Deno.test("pyFixed's built-in path gives the exact path's digits (ties to even included)", () => {
  const value = fc.oneof(
    fc.double({ noNaN: true, min: -1e22, max: 1e22 }),
    fc.double({ noNaN: true, min: -1, max: 1 }),
    // Exact binary ties at a few digits: k/2^j.
    fc.tuple(fc.integer({ min: -100000, max: 100000 }), fc.integer({ min: 0, max: 12 }))
      .map(([k, j]) => k / 2 ** j),
    fc.constantFrom(0, -0, 0.125, 0.375, 2.5, -2.5, 1e21, 999999.5, 5e-324),
  );
  fc.assert(
    fc.property(
      value,
      fc.integer({ min: 0, max: 20 }),
      fc.constantFrom("", " ", "+"),
      (x, d, sign) => {
        const opts = { sign: sign as "" | " " | "+", width: 17 };
        assert.equal(pyFixed(x, d, opts), pyFixedExact(x, d, opts), `${x} at ${d}`);
      },
    ),
    { numRuns: 20000, seed: 7 },
  );
  // Python: '%.2f' % 0.125 == '0.12' and '%.0f' % 2.5 == '2' (ties to even), '%.1f' % 0.25 == '0.2'.
  assert.equal(pyFixed(0.125, 2), "0.12");
  assert.equal(pyFixed(2.5, 0), "2");
  assert.equal(pyFixed(0.25, 1), "0.2");
  assert.equal(pyFixed(0.375, 2), "0.38");
});
