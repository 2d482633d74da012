/**
 * The feasibility test a fit runs before every trial (`psdFeasible`, over vector positions) is
 * exactly the worded conditions (`psdViolation`, over lookups) for every block shape: the 2×2
 * in-phase/anti-phase pairs and the 3×3 longitudinal block, complete or with members absent,
 * values on both sides of every boundary and non-finite ones.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  psdChecks,
  psdFeasible,
  psdViolation,
  relaxationBlocks,
} from "../src/fit/relaxation_psd.ts";

/** Every local name of state a's blocks, and the rates that must not be negative. */
const NAMES = [
  ...new Set(relaxationBlocks("a").flatMap((b) => [...b.diag, ...b.off.map(([, , n]) => n)])),
  "khh_a",
  "d_a",
];

const value = fc.oneof(
  fc.double({ min: -50, max: 50, noNaN: true }),
  fc.constantFrom(0, -0, 1e-300, -1e-300, Number.NaN, Infinity),
);

Deno.test("psdFeasible agrees with psdViolation on random blocks with members absent", () => {
  fc.assert(
    fc.property(
      fc.array(fc.boolean(), { minLength: NAMES.length, maxLength: NAMES.length }),
      fc.array(value, { minLength: NAMES.length, maxLength: NAMES.length }),
      (present, values) => {
        const localNames = NAMES.filter((_, k) => present[k]);
        const pv = { values: Float64Array.from(localNames, (n) => values[NAMES.indexOf(n)]) };
        const localIdx = [Int32Array.from(localNames, (_, i) => i)];
        const chunk = { profiles: [{ localNames }], model: { states: ["a"] } };
        const psd = psdChecks(chunk, localIdx, pv);
        const worded = psd.blocks.every(([b, at]) => psdViolation(b, at) === null) &&
          psd.nonNegative.every((i) => !(pv.values[i] < 0));
        assert.equal(psdFeasible(psd, pv.values), worded);
      },
    ),
    { seed: 20261206, numRuns: 2000 },
  );
});

Deno.test("psdFeasible: a coupled longitudinal block with a negative determinant is out", () => {
  const localNames = relaxationBlocks("a").flatMap((b) => [...b.diag, ...b.off.map((o) => o[2])]);
  const unique = [...new Set(localNames)];
  const pv = { values: new Float64Array(unique.length).fill(1) };
  const chunk = { profiles: [{ localNames: unique }], model: { states: ["a"] } };
  const psd = psdChecks(chunk, [Int32Array.from(unique, (_, i) => i)], pv);
  assert.ok(psdFeasible(psd, pv.values), "all ones: every pair at its boundary, det 0");
  const long = relaxationBlocks("a").find((b) => b.diag.length === 3)!;
  // Couplings 0.9, 0.9, −0.9: every pair inside (0.81 ≤ 1), the 3×3 determinant
  // 1 − 3·0.81 + 2·(0.9·0.9·−0.9) < 0.
  long.off.forEach(([, , n], k) => pv.values[unique.indexOf(n)] = k === 2 ? -0.9 : 0.9);
  assert.ok(!psdFeasible(psd, pv.values));
  assert.ok(psd.blocks.some(([b, at]) => psdViolation(b, at) !== null));
});
