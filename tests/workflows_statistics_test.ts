/**
 * STATISTICS replicates (MC, BS, BSN) fanned out as `replicate` work items: the same
 * `Statistics/**` files in this process, on worker pools and on `exfit serve` endpoints, for any
 * batching, and the same files for the same `--seed`.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { runFit, runFitWith, type StepOutput } from "../src/run/run.ts";
import { runReplicates } from "../src/stats/resampling.ts";
import { runWorkflow } from "../workflows/run.ts";
import { type Executor, inProcessExecutor } from "../workflows/executor.ts";
import { httpExecutor } from "../workflows/http.ts";
import { injectFaults } from "../workflows/faults.ts";
import { workerPool } from "../workflows/worker_pool.ts";
import { createReplicateRunner, createStepRunner, replicateBatchSize } from "../workflows/steps.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { refdataTest, referenceCommand, REPO, runExfit } from "./_refdata.ts";
import { startServers, stepsOf, type StudyConfig } from "./_workflows.ts";

/** Every file under `<dir>/**\/Statistics/`, by path relative to `dir`. */
function statisticsFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of Deno.readDirSync(`${dir}/${rel}`)) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) walk(path);
      else if (path.split("/").includes("Statistics")) {
        out[path] = Deno.readTextFileSync(`${dir}/${path}`);
      }
    }
  };
  walk("");
  return out;
}

/** The `Statistics/**` files of library step outputs, as `statisticsFiles` names them. */
async function outputStatistics(
  run: AsyncIterable<StepOutput> | Iterable<StepOutput>,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const o of run) {
    for (const [path, text] of o.files) {
      if (path.startsWith("Statistics/")) out[o.name ? `${o.name}/${path}` : path] = text;
    }
  }
  return out;
}

/** An executor that counts the work items of each kind it was given. */
function counting(inner: Executor): Executor & { kinds: Map<string, number> } {
  const kinds = new Map<string, number>();
  return {
    ...inner,
    kinds,
    run(kind, payload, opts) {
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      return inner.run(kind, payload, opts);
    },
  };
}

/** A small synthetic study with MC, BS and BSN in its first step. */
function syntheticStatistics(dir: string, n = 5): StudyConfig {
  const s = writeSyntheticStudy(dir, { residues: 3, seed: 21 });
  const method = `${dir}/Methods/statistics.toml`;
  Deno.writeTextFileSync(
    method,
    `[STEP1]\nSTATISTICS = { MC = ${n}, BS = ${n}, BSN = ${n} }\n\n` +
      `[STEP2]\nFIX = ["KEX_AB", "PB"]\n`,
  );
  return { experiments: s.experiments, parameters: [s.parameters], method: [method] };
}

function load(config: StudyConfig) {
  return loadStudy({
    experiments: config.experiments,
    parameters: config.parameters,
    model: parseModel("2st"),
  });
}

/** The reference: `runFit`, statistics run by `runStatistics` in this process. */
function reference(config: StudyConfig, seed: number): Promise<Record<string, string>> {
  const a = load(config);
  return outputStatistics(runFit(a.study, a.store, stepsOf(config), { plot: false, seed }));
}

/** `exfit fit` with network permission for 127.0.0.1 only, killed after `limitMs`. */
async function fitOnEndpoints(
  config: StudyConfig,
  endpoints: string[],
  seed: number,
  limitMs = 120_000,
): Promise<string> {
  const out = Deno.makeTempDirSync({ prefix: "exfit_wf_stats_http_" });
  const res = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-net=127.0.0.1",
      `${REPO}src/cli/main.ts`,
      "fit",
      "-e",
      ...config.experiments,
      "-p",
      ...config.parameters,
      "-m",
      ...config.method!,
      "-o",
      out,
      "--plot",
      "nothing",
      "--seed",
      String(seed),
      "--endpoints",
      endpoints.join(","),
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(limitMs),
  }).output();
  assert.ok(res.success, new TextDecoder().decode(res.stderr));
  return out;
}

Deno.test("replicate batches: at most 4 per item, one each for small runs", () => {
  assert.equal(replicateBatchSize(1), 1);
  assert.equal(replicateBatchSize(64), 1);
  assert.equal(replicateBatchSize(100), 2);
  assert.equal(replicateBatchSize(10_000), 4);
});

Deno.test("MC/BS/BSN as replicate work items: same Statistics files in-process, on 2 workers and for any batching", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_wf_stats_" });
  try {
    const config = syntheticStatistics(dir);
    const ref = await reference(config, 3);
    const kinds = Object.keys(ref).map((p) => p.split("/")[2]);
    assert.deepEqual([...new Set(kinds)], ["MonteCarlo", "Bootstrap", "BootstrapNS"]);

    const inProcess = counting(inProcessExecutor());
    const b = load(config);
    assert.deepEqual(
      await outputStatistics(
        runWorkflow(b.study, b.store, stepsOf(config), {
          plot: false,
          seed: 3,
          executor: inProcess,
        }),
      ),
      ref,
    );
    // 5 replicates of each method, one per item.
    assert.equal(inProcess.kinds.get("replicate"), 15);

    const pool = counting(workerPool(2));
    try {
      const c = load(config);
      assert.deepEqual(
        await outputStatistics(
          runWorkflow(c.study, c.store, stepsOf(config), { plot: false, seed: 3, executor: pool }),
        ),
        ref,
      );
      assert.equal(pool.kinds.get("replicate"), 15);
    } finally {
      await pool.close();
    }

    // Batches of 3 (3 + 2 replicates per method), answered in reverse order: merged by index.
    const ex = inProcessExecutor();
    const batched = createReplicateRunner({ executor: ex, prefix: "t", batchSize: 3 });
    const d = load(config);
    assert.deepEqual(
      await outputStatistics(
        runFitWith(
          d.study,
          d.store,
          stepsOf(config),
          { plot: false, seed: 3 },
          createStepRunner({ executor: ex, prefix: "t" }),
          undefined,
          async (task, indices, index, onDone) =>
            (await batched(task, indices, index, onDone)).reverse(),
        ),
      ),
      ref,
    );

    // Another seed gives other samples (the comparisons above are not vacuous).
    const other = await reference(config, 4);
    assert.notEqual(
      other["STEP1/Statistics/MonteCarlo/samples.tsv"],
      ref["STEP1/Statistics/MonteCarlo/samples.tsv"],
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a replicate runner that loses or repeats replicates is an error, not a short table", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_wf_stats_bad_" });
  try {
    const config = syntheticStatistics(dir, 3);
    for (
      const [message, edit] of [
        [/Monte Carlo: replicate 0 is missing/, (r: unknown[]) => r.slice(1)],
        [/Monte Carlo: unexpected or repeated replicate 0/, (r: unknown[]) => [...r, r[0]]],
      ] as const
    ) {
      const a = load(config);
      const run = runFitWith(
        a.study,
        a.store,
        stepsOf(config),
        { plot: false, seed: 0 },
        createStepRunner({ executor: inProcessExecutor(), prefix: "t" }),
        undefined,
        (task, indices) =>
          Promise.resolve(edit(runReplicates(task, indices)) as ReturnType<typeof runReplicates>),
      );
      await assert.rejects(outputStatistics(run), message);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("MC/BS/BSN on exfit serve endpoints (CLI --endpoints, and with 30 % of calls faulted) give the same Statistics files", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_wf_stats_srv_" });
  const servers = await startServers(2);
  let out: string | null = null;
  try {
    const config = syntheticStatistics(dir);
    const ref = await reference(config, 9);
    out = await fitOnEndpoints(config, servers.endpoints, 9);
    assert.deepEqual(statisticsFiles(out), ref);

    const faulty = injectFaults(fetch, { rate: 0.3, seed: 31 });
    const ex = counting(httpExecutor({
      endpoints: servers.endpoints,
      fetch: faulty.fetch,
      timeoutMs: 2000,
      retries: 10,
      backoffMs: 20,
    }));
    try {
      const a = load(config);
      assert.deepEqual(
        await outputStatistics(
          runWorkflow(a.study, a.store, stepsOf(config), { plot: false, seed: 9, executor: ex }),
        ),
        ref,
      );
      assert.equal(ex.kinds.get("replicate"), 15);
      assert.ok(ex.stats().retries > 0, JSON.stringify(ex.stats()));
    } finally {
      await ex.close();
    }
  } finally {
    await servers.stop();
    if (out) Deno.removeSync(out, { recursive: true });
    Deno.removeSync(dir, { recursive: true });
  }
});

refdataTest(
  "CPMG_15N_IP_stat: --workers 0, 1 and 2 write byte-identical Statistics files, the same for the same --seed",
  async (refdata) => {
    const folder = `${refdata}/fit/CPMG_15N_IP_stat`;
    const args = referenceCommand(folder);
    const outs: string[] = [];
    try {
      const run = async (extra: string[]) => {
        outs.push(await runExfit(folder, args, extra));
        return statisticsFiles(outs[outs.length - 1]);
      };
      const w0 = await run(["--workers", "0", "--seed", "5"]);
      assert.equal(Object.keys(w0).length, 12, Object.keys(w0).join(", "));
      assert.deepEqual(await run(["--workers", "1", "--seed", "5"]), w0, "--workers 1");
      assert.deepEqual(await run(["--workers", "2", "--seed", "5"]), w0, "--workers 2");
      assert.deepEqual(await run(["--workers", "2", "--seed", "5"]), w0, "the same seed again");
      // ...and the files of the in-process statistics of runFit.
      const f = (name: string) => `${folder}/${name}`;
      const ref = await reference({
        experiments: args.filter((a) => a.startsWith("Experiments/")).map(f),
        parameters: [f("Parameters/parameters.toml")],
        method: [f("Methods/method_stat.toml")],
      }, 5);
      assert.deepEqual(w0, ref, "runFit");
    } finally {
      for (const o of outs) Deno.removeSync(o, { recursive: true });
    }
  },
);
