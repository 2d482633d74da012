import { strict as assert } from "node:assert";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { runFit, type StepOutput } from "../src/run/run.ts";
import { runWorkflow } from "../workflows/run.ts";
import { saveStore } from "../workflows/checkpoint.ts";
import { inProcessExecutor } from "../workflows/executor.ts";
import { workerPool } from "../workflows/worker_pool.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { REFDATA, refdataTest } from "./_refdata.ts";
import { runHttpChild, runStudy, startServers, stepsOf, type StudyConfig } from "./_workflows.ts";

function cpmgConfig(refdata: string, chunkProfiles?: number): StudyConfig {
  const f = `${refdata}/fit/CPMG_15N_IP`;
  return {
    experiments: [`${f}/Experiments/500mhz.toml`, `${f}/Experiments/800mhz.toml`],
    parameters: [`${f}/Parameters/parameters.toml`],
    method: [`${f}/Methods/method.toml`],
    chunkProfiles,
  };
}

async function onWorkers(config: StudyConfig, n: number) {
  const pool = workerPool(n);
  try {
    return await runStudy(config, pool);
  } finally {
    await pool.close();
  }
}

refdataTest(
  "workflow on 2 workers with default chunks equals the single-process runFit bit for bit",
  async (refdata) => {
    const config = cpmgConfig(refdata);
    const rec = await onWorkers(config, 2);
    const loaded = loadStudy({
      experiments: config.experiments,
      parameters: config.parameters,
      model: parseModel("2st"),
    });
    const ref: ReturnType<typeof saveStore>[] = [];
    for (const _ of runFit(loaded.study, loaded.store, stepsOf(config), { plot: false, seed: 0 })) {
      ref.push(saveStore(loaded.store));
    }
    assert.equal(rec.steps.length, 2);
    assert.deepEqual(rec.steps, ref);
    assert.ok(rec.stats!.items >= 55, `${rec.stats!.items} work items`);
  },
);

Deno.test({
  name:
    "same parameters in-process, on 2 workers and on 3 exfit serve instances (CPMG_15N_IP with a chunked global step; 200 synthetic residues)",
  // The refdata step is ignored (visibly) when the data are absent; the synthetic one always runs.
  fn: async (t) => {
    const dir = Deno.makeTempDirSync({ prefix: "exfit_wf_exec_" });
    const servers = await startServers(3);
    try {
      const s = writeSyntheticStudy(dir, { residues: 200, seed: 11 });
      // The refdata step is registered either way, so its absence shows as an ignored step.
      const studies: [string, StudyConfig | null][] = [
        ["CPMG_15N_IP, STEP1 in 3 chunks", REFDATA ? cpmgConfig(REFDATA, 4) : null],
        ["synthetic 200 residues", { experiments: s.experiments, parameters: [s.parameters] }],
      ];
      const refs = new Map<string, Awaited<ReturnType<typeof runStudy>>>();
      for (const [name, conf] of studies) {
        await t.step({
          name,
          ignore: conf === null,
          fn: async () => {
            const config = conf!;
            const ref = await runStudy(config, inProcessExecutor());
            refs.set(name, ref);
            const pool = await onWorkers(config, 2);
            assert.deepEqual(pool.steps, ref.steps, "workers vs in-process");
            assert.deepEqual(pool.chisqr, ref.chisqr);
            const http = await runHttpChild(config, { endpoints: servers.endpoints });
            assert.deepEqual(http.steps, ref.steps, "HTTP vs in-process");
            assert.equal(http.stats!.retries, 0);
            assert.ok(http.stats!.items > 20);
          },
        });
      }
      // The synthetic truth is recovered (KEX_AB 350 s⁻¹, PB 0.06) within a few errors.
      const last = refs.get("synthetic 200 residues")!.steps[0];
      const kex = last.find((p) => p.id === "KEX_AB")!;
      const pb = last.find((p) => p.id === "PB")!;
      assert.ok(
        Math.abs(kex.value! - 350) < 4 * kex.stderr!,
        `KEX_AB ${kex.value} ± ${kex.stderr}`,
      );
      assert.ok(Math.abs(pb.value! - 0.06) < 4 * pb.stderr!, `PB ${pb.value} ± ${pb.stderr}`);
    } finally {
      await servers.stop();
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("with 30 % of HTTP calls failing, hanging, duplicated or delayed the result is identical and retries are reported", async (t) => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_wf_fault_" });
  const servers = await startServers(3);
  try {
    const s = writeSyntheticStudy(dir, { residues: 40, seed: 12 });
    const studies: [string, StudyConfig | null][] = [
      ["synthetic 40 residues in 10 chunks", {
        experiments: s.experiments,
        parameters: [s.parameters],
        chunkProfiles: 8,
      }],
      // Registered either way, so its absence shows as an ignored step.
      ["CPMG_15N_IP", REFDATA ? cpmgConfig(REFDATA, 4) : null],
    ];
    for (const [name, conf] of studies) {
      await t.step({
        name,
        ignore: conf === null,
        fn: async () => {
          const config = conf!;
          const ref = await runStudy(config, inProcessExecutor());
          const http = await runHttpChild(config, {
            endpoints: servers.endpoints,
            timeoutMs: 1000,
            retries: 10,
            faults: { rate: 0.3, seed: 2026 },
          });
          assert.deepEqual(http.steps, ref.steps);
          assert.deepEqual(http.chisqr, ref.chisqr);
          const f = http.faults!;
          const injected = Object.values(f.faults).reduce((a, b) => a + b, 0);
          assert.ok(
            injected / f.calls > 0.2 && injected / f.calls < 0.4,
            `${injected} of ${f.calls}`,
          );
          for (const kind of ["error", "lost", "hang", "twice", "delay"]) {
            assert.ok(f.faults[kind] > 0, `no "${kind}" fault injected`);
          }
          // Errors, lost replies and hangs each cost a retry; stale duplicates are discarded.
          const st = http.stats!;
          assert.ok(
            st.retries >= f.faults.error + f.faults.lost + f.faults.hang,
            JSON.stringify(st),
          );
          assert.ok(st.timeouts >= f.faults.hang);
          assert.ok(st.discarded > 0 || f.faults.stale === 0);
          console.log(
            `  ${name}: ${f.calls} calls, ${injected} faults ${JSON.stringify(f.faults)}; ` +
              `${st.retries} retries (${st.timeouts} timeouts, ${st.errors} errors, ${st.discarded} discarded)`,
          );
        },
      });
    }
  } finally {
    await servers.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a GRID step fanned out as grid work items writes the same files as runGridStep", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_wf_grid_" });
  try {
    const s = writeSyntheticStudy(dir, { residues: 3, seed: 13 });
    const method = `${dir}/Methods/grid.toml`;
    Deno.writeTextFileSync(
      method,
      `[STEP1]\nGRID = ["[KEX_AB] = lin(250.0, 450.0, 5)", "[PB] = lin(0.04, 0.08, 6)"]\n\n` +
        `[STEP2]\nFIT = ["KEX_AB", "PB"]\n`,
    );
    const config = { experiments: s.experiments, parameters: [s.parameters], method: [method] };
    const files = async (run: AsyncIterable<StepOutput> | Iterable<StepOutput>) => {
      const out: Record<string, string>[] = [];
      for await (const o of run) out.push(Object.fromEntries(o.files));
      return out;
    };
    const load = () =>
      loadStudy({
        experiments: config.experiments,
        parameters: config.parameters,
        model: parseModel("2st"),
      });
    const a = load();
    const ref = await files(runFit(a.study, a.store, stepsOf(config), { plot: false, seed: 0 }));
    assert.ok(Object.keys(ref[0]).some((k) => k.startsWith("Grid/")), "grid files written");
    const b = load();
    const pool = workerPool(2);
    try {
      const mine = await files(
        runWorkflow(b.study, b.store, stepsOf(config), { plot: false, seed: 0, executor: pool }),
      );
      assert.deepEqual(mine, ref);
      // 30 points in batches of 25: 2 grid items, then the fits.
      assert.ok(pool.stats().items >= 2 + 2);
    } finally {
      await pool.close();
    }
    assert.deepEqual(saveStore(b.store), saveStore(a.store));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
