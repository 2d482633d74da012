import { strict as assert } from "node:assert";
import { compareRuns, relativeNoise, type SavedRun } from "../benchmarks/_results.ts";
import { listExamples } from "../benchmarks/_e2e.ts";
import { refdataTest } from "./_refdata.ts";

const run = (samples: Record<string, number[]>): SavedRun => ({
  date: "2026-12-05",
  deno: "2",
  host: "h",
  results: Object.entries(samples).map(([name, s]) => ({ name, unit: "ms", samples: s })),
});

Deno.test("bench --compare: ratio of medians with the noise of both runs", () => {
  assert.equal(relativeNoise([10, 10, 10]), 0);
  assert.ok(Math.abs(relativeNoise([9, 10, 11]) - 0.14826) < 1e-12);
  const lines = compareRuns(
    run({ fast: [10, 10.1, 9.9], same: [10, 11, 9], gone: [1] }),
    run({ fast: [5, 5.05, 4.95], same: [10.5, 11.5, 9.5], new: [2] }),
  );
  assert.deepEqual(lines, [
    "fast: 0.500x ±0.010 (faster)",
    "same: 1.050x ±0.215 (same within noise)",
    "new: only in B",
    "gone: only in A",
  ]);
});

refdataTest("bench --e2e lists every refdata example study and all 43 ChemEx run*.sh", (r) => {
  const names = listExamples(r).map((e) => e.name);
  assert.equal(names.filter((n) => n.startsWith("chemex/")).length, 43);
  assert.ok(names.includes("inputs/fit/CPMG_CH3_1H_SQ"));
  assert.ok(names.includes("fit/CPMG_15N_IP"));
  assert.ok(names.includes("chemex/Experiments/CPMG_HN_DQ_ZQ/run.sh"));
});
