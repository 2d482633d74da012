/**
 * A run in this thread computes each step's final values with the calculators its fit built
 * (`Executor.calculatorFor`, `RunOptions.calculatorOf`) instead of building a second set: the
 * same output, bit for bit, as with calculators of its own.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { createEvaluatorCache } from "../functions/core.ts";
import { makeChunk } from "../src/fit/chunk.ts";
import { runWorkflow } from "../workflows/run.ts";
import { type Executor, inProcessExecutor } from "../workflows/executor.ts";
import { MINI, writeMiniStudy } from "./_mini_study.ts";
import { stepsOf } from "./_workflows.ts";

function load(dir: string) {
  return loadStudy({
    experiments: MINI.experiments.map((e) => join(dir, e)),
    parameters: [join(dir, MINI.parameters)],
    model: parseModel("2st"),
  });
}

Deno.test("evaluator cache: the calculator of a profile of a chunk it evaluated", async () => {
  const dir = writeMiniStudy();
  try {
    const { study } = load(dir);
    const cache = createEvaluatorCache(8);
    assert.equal(cache.calculatorFor(study, 1), undefined);
    const ev = await cache.get(makeChunk(study, [1, 4]));
    assert.equal(cache.calculatorFor(study, 1), ev.calculators[0]);
    assert.equal(cache.calculatorFor(study, 4), ev.calculators[1]);
    assert.equal(cache.calculatorFor(study, 0), undefined);
    // A chunk that came through JSON (another process's) is never taken for this study's.
    const other = createEvaluatorCache(8);
    await other.get(JSON.parse(JSON.stringify(makeChunk(study, [1]))));
    assert.equal(other.calculatorFor(study, 1), undefined);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a run reuses its fit's calculators for the final values, with the same files", async () => {
  const dir = writeMiniStudy();
  try {
    const files = async (executor: Executor) => {
      const { study, store } = load(dir);
      const out: string[] = [];
      const steps = stepsOf({
        experiments: [],
        parameters: [],
        method: [join(dir, MINI.method)],
      });
      for await (
        const step of runWorkflow(study, store, steps, { plot: true, seed: 3, executor })
      ) {
        for (const [path, text] of step.files) out.push(`${step.name}/${path}\n${text}`);
        out.push(JSON.stringify([...step.plots]));
      }
      return out;
    };
    const shared = inProcessExecutor();
    let reused = 0;
    const counting: Executor = {
      ...shared,
      calculatorFor(study, k) {
        const c = shared.calculatorFor!(study, k);
        if (c) reused++;
        return c;
      },
    };
    const own = inProcessExecutor();
    const alone: Executor = { ...own, calculatorFor: undefined };
    assert.deepEqual(await files(counting), await files(alone));
    assert.ok(reused > 0, "the final values took the fit's calculators");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
