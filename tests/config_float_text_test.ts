/** `parseFloatText`: Python float syntax, the decimal fast path and inf/nan. */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { parseFloatText } from "../src/config/key_checks.ts";

Deno.test("parseFloatText reads Python float syntax and refuses the rest", () => {
  const cases: [string, number | undefined][] = [
    ["1.", 1],
    [".5", 0.5],
    ["+1", 1],
    [" 2.5e3 ", 2500],
    ["-2.5E-3", -0.0025],
    ["inf", Infinity],
    ["-Infinity", -Infinity],
    ["+INF", Infinity],
    ["1x", undefined],
    ["", undefined],
    ["0x10", undefined],
    ["1_0", undefined],
    ["1e", undefined],
    [".", undefined],
  ];
  for (const [text, want] of cases) assert.equal(parseFloatText(text), want, text);
  assert.ok(Object.is(parseFloatText("-0"), -0));
  assert.ok(Number.isNaN(parseFloatText("nan")!));
  assert.ok(Number.isNaN(parseFloatText("-NaN")!));
});

Deno.test("parseFloatText gives back every finite double from its shortest and exponent forms", () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      const forms = [String(x), x.toExponential(16)];
      return forms.every((t) => Object.is(parseFloatText(t), Number(t)));
    }),
    { seed: 3, numRuns: 5_000 },
  );
});
