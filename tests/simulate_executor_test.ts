/**
 * `exfit simulate` on an executor: the simulation's profiles go out as `simulate` work items and
 * the output is the in-process simulation's, file for file (plots included), on local workers as
 * in this process; a simulation into a folder replaces what the previous run there wrote.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { runSimulate } from "../src/run/run.ts";
import { plotFiles } from "../src/report/plot_files.ts";
import { inProcessExecutor } from "../workflows/executor.ts";
import { simulateOn } from "../workflows/simulate.ts";
import { cli, gridMcStudy, readTree } from "./_cluster.ts";

function studyArgs(dir: string): string[] {
  return gridMcStudy(dir).slice(0, -2); // no method file
}

Deno.test("simulate work items give the in-process simulation's files and plots", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_sim_" });
  try {
    const args = studyArgs(dir);
    const load = () =>
      loadStudy({
        experiments: args.slice(1, args.indexOf("-p")),
        parameters: [args[args.indexOf("-p") + 1]],
        model: parseModel("2st"),
      });
    const a = load();
    const ref = runSimulate(a.study, a.store, { plot: true, seed: 0 });
    const b = load();
    const requests: string[] = [];
    const inner = inProcessExecutor();
    const executor = {
      ...inner,
      run: ((kind, payload) => {
        requests.push(`${kind} ${payload.id}`);
        return inner.run(kind, JSON.parse(JSON.stringify(payload)));
      }) as typeof inner.run,
    };
    // Chunks of 2 profiles: the 3 profiles travel as 2 work items.
    const got = await simulateOn(b.study, b.store, { plot: true, seed: 0 }, executor, 2);
    assert.deepEqual(requests.map((r) => r.replace(/ \w+:/, " ")), [
      "simulate sim:c0",
      "simulate sim:c1",
    ]);
    assert.deepEqual(got.files, ref.files);
    const text = async (o: typeof ref) =>
      [...await plotFiles(o, { simulate: true })].map((
        [k, v],
      ) => [k, typeof v === "string" ? v : [...v].join(",")]);
    assert.deepEqual(await text(got), await text(ref));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("exfit simulate --workers 2 writes the output of --workers 0, and replaces the folder's old run", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_sim_" });
  try {
    const args = studyArgs(join(dir, "study"));
    const local = await cli(["simulate", ...args, "--workers", "0", "-o", join(dir, "local")]);
    assert.equal(local.code, 0, local.err);
    // An older fit left a grid step in the folder the simulation goes to.
    const fit = await cli([
      ...["fit", ...gridMcStudy(join(dir, "study"))],
      "--plot",
      "nothing",
      "--workers",
      "0",
      "-o",
      join(dir, "pool"),
    ]);
    assert.equal(fit.code, 0, fit.err);
    const pool = await cli([
      "simulate",
      ...args,
      "--workers",
      "2",
      "--chunk-size",
      "1",
      "-o",
      join(dir, "pool"),
    ]);
    assert.equal(pool.code, 0, pool.err);
    assert.match(pool.err, /workers\(2\): 3 work items/);
    assert.deepEqual(readTree(join(dir, "pool")), readTree(join(dir, "local")));
    assert.ok(Object.keys(readTree(join(dir, "local"))).some((k) => k.startsWith("Plots/")));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
