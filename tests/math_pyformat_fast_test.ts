/**
 * `pyExp`'s one-call fast path against the exact BigInt formatter on random doubles of every
 * magnitude and on exact ties (fast-check, fixed seed).
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { pyExp, pyExpExact } from "../src/math/pyformat.ts";

Deno.test("pyExp agrees with the exact formatter on random doubles, digits 0-14", () => {
  fc.assert(
    fc.property(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: 0, max: 14 }),
      (x, digits) =>
        pyExp(x, digits, { sign: " ", width: 17 }) ===
          pyExpExact(x, digits, { sign: " ", width: 17 }),
    ),
    { seed: 20261206, numRuns: 20_000 },
  );
});

Deno.test("pyExp agrees with the exact formatter on values near an intensity's scale", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 1e-3, max: 1e7, noNaN: true }),
      (x) => pyExp(x, 8) === pyExpExact(x, 8),
    ),
    { seed: 7, numRuns: 20_000 },
  );
});

Deno.test("pyExp rounds exact ties to even, as Python's % formatting", () => {
  // "%.1e" % 0.125, "%.0e" % 2.5, "%.0e" % 3.5, "%.8e" % 1234567895.0, "%.8e" % 123456789.5,
  // "%.2e" % -0.5, "% .8e" % 2.0**-1074 (printed by Python 3.11)
  const cases: [number, number, string][] = [
    [0.125, 1, "1.2e-01"],
    [2.5, 0, "2e+00"],
    [3.5, 0, "4e+00"],
    [1234567895, 8, "1.23456790e+09"],
    [1234567885, 8, "1.23456788e+09"],
    [123456789.5, 8, "1.23456790e+08"],
    [-0.5, 2, "-5.00e-01"],
  ];
  for (const [x, digits, want] of cases) assert.equal(pyExp(x, digits), want, `${x}, ${digits}`);
  assert.equal(pyExp(5e-324, 8, { sign: " " }), " 4.94065646e-324");
  assert.equal(pyExp(-0, 3, { sign: " " }), "-0.000e+00");
});

Deno.test("pyExp agrees with the exact formatter on dyadic values, where ties happen", () => {
  let ties = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: -2_000_000, max: 2_000_000 }),
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: 0, max: 10 }),
      (n, j, digits) => {
        const x = n / 2 ** j;
        const fast = pyExp(x, digits);
        const probe = Math.abs(x).toExponential(digits + 1);
        if (probe[probe.indexOf("e") - 1] === "5") ties++;
        return fast === pyExpExact(x, digits);
      },
    ),
    { seed: 11, numRuns: 20_000 },
  );
  assert.ok(ties > 100, `only ${ties} candidate ties drawn`);
});
