/**
 * The coordinator's output does not depend on how its work items travel: results that come back
 * through JSON (as from a queue), out of order, after random delays, from two workers with their
 * own evaluator caches, some items run twice, give every file of the in-process run — plots,
 * grid and statistics (Monte Carlo and bootstrap) included. Before `cpmgPlotData` moved its
 * error-bar loop out of the row callback (a V8 Maglev on-stack-replacement miscompile, issue 14),
 * this test failed in 4 of 9 runs with duplicated CPMG plot rows.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { createEvaluatorCache, runWork } from "../functions/core.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { planToSteps } from "../src/cli/method_steps.ts";
import { createRng, uniform } from "../src/math/random.ts";
import { plotFiles } from "../src/report/plot_files.ts";
import { emptyStats, type Executor, inProcessExecutor } from "../workflows/executor.ts";
import { decodeResult, encodeResult } from "../workflows/result_files.ts";
import { runWorkflow } from "../workflows/run.ts";
import { gridMcStudy } from "./_cluster.ts";

/** Two "workers" (caches), JSON both ways, random order and delays, duplicate runs. */
function unrulyExecutor(seed: number): Executor {
  const rng = createRng(seed);
  const workers = [createEvaluatorCache(64), createEvaluatorCache(64)];
  const wait = () => new Promise((r) => setTimeout(r, uniform(rng) * 15));
  return {
    name: "unruly",
    async run(kind, payload) {
      const body = JSON.stringify(payload);
      await wait();
      const worker = workers[uniform(rng) < 0.5 ? 0 : 1];
      // A duplicate delivery: the item runs on the other worker too, first.
      if (uniform(rng) < 0.3) {
        await runWork(kind, JSON.parse(body), workers[1 - workers.indexOf(worker)]);
      }
      const stored = await encodeResult(kind, await runWork(kind, JSON.parse(body), worker));
      await wait();
      return await decodeResult(kind, payload.id, stored);
    },
    stats: () => emptyStats("unruly"),
    close: () => Promise.resolve(),
  };
}

Deno.test("work items returned out of order, twice, through JSON from two workers give the in-process files", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_delivery_" });
  try {
    const args = gridMcStudy(dir, 4);
    const method = args[args.indexOf("-m") + 1];
    Deno.writeTextFileSync(
      method,
      Deno.readTextFileSync(method).replace(
        "STATISTICS = { MC = 4 }",
        "STATISTICS = { MC = 4, BS = 4 }",
      ),
    );
    const { steps } = planToSteps([method]);
    const run = async (executor: Executor) => {
      const loaded = loadStudy({
        experiments: args.slice(1, args.indexOf("-p")),
        parameters: [args[args.indexOf("-p") + 1]],
        model: parseModel("2st"),
      });
      const files: Record<string, string> = {};
      const opts = { plot: true, seed: 0, executor };
      for await (const out of runWorkflow(loaded.study, loaded.store, steps, opts)) {
        for (const [p, t] of out.files) files[`${out.name}/${p}`] = t;
        for (const [p, t] of await plotFiles(out, { simulate: false })) {
          files[`${out.name}/${p}`] = typeof t === "string" ? t : Array.from(t).join(",");
        }
      }
      return files;
    };
    const reference = await run(inProcessExecutor());
    assert.ok(Object.keys(reference).some((k) => k.startsWith("STEP3/Statistics/Bootstrap/")));
    assert.ok(Object.keys(reference).some((k) => k.startsWith("STEP2/Plots/")));
    for (const seed of [1, 2]) assert.deepEqual(await run(unrulyExecutor(seed)), reference);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
