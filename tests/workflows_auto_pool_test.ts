/**
 * `--workers auto` (workflows/worker_pool.ts#autoPool): this thread works alone until it has
 * worked a while with items waiting, then workers start and take over. A short run never starts
 * one; a long one does; the answer is the single-process one bit for bit either way.
 */
import { strict as assert } from "node:assert";
import { inProcessExecutor } from "../workflows/executor.ts";
import { autoPool, workerPool } from "../workflows/worker_pool.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { runStudy, type StudyConfig } from "./_workflows.ts";

/** Six residues fitted one by one (exchange fixed): six independent work items per step. */
function studyOfSix(): { config: StudyConfig; dir: string } {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_auto_pool_" });
  const s = writeSyntheticStudy(dir, { residues: 6, seed: 5, fields: [600] });
  const method = `${dir}/Methods/method.toml`;
  Deno.writeTextFileSync(method, `[STEP1]\nFIX = ["KEX_AB", "PB"]\n`);
  return {
    dir,
    config: { experiments: s.experiments, parameters: [s.parameters], method: [method] },
  };
}

Deno.test("auto pool: a run shorter than the start threshold never starts a worker", async () => {
  const { config, dir } = studyOfSix();
  const pool = autoPool({ startWorkersAfterMs: 1e9 });
  try {
    const [rec, ref] = [await runStudy(config, pool), await runStudy(config, inProcessExecutor())];
    assert.equal(rec.stats?.workersStarted ?? 0, 0);
    assert.deepEqual(rec.steps, ref.steps);
    assert.deepEqual(rec.chisqr, ref.chisqr);
  } finally {
    await pool.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("auto pool: past the threshold workers start, take over, and the answer is unchanged", async () => {
  const { config, dir } = studyOfSix();
  // 0 ms: workers start as soon as this thread has finished one item with others waiting.
  const pool = workerPool(2, {
    mainThread: true,
    mainThreadUntilWorkersReady: true,
    startWorkersAfterMs: 1e-9,
  });
  try {
    const rec = await runStudy(config, pool);
    const ref = await runStudy(config, inProcessExecutor());
    assert.equal(rec.stats?.workersStarted, 2);
    assert.equal(rec.stats?.items, 6);
    assert.deepEqual(rec.steps, ref.steps);
    assert.deepEqual(rec.chisqr, ref.chisqr);
  } finally {
    await pool.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("auto pool: a global fit's chunks start the workers at once, and the answer is unchanged", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_auto_pool_global_" });
  const s = writeSyntheticStudy(dir, { residues: 6, seed: 5, fields: [600, 800] });
  // KEX_AB and PB fitted: one coupled group of 12 profiles, cut into chunks of 4.
  const config: StudyConfig = {
    experiments: s.experiments,
    parameters: [s.parameters],
    chunkProfiles: 4,
  };
  // A threshold no test reaches: only the `large` chunks can have started them.
  const pool = autoPool({ startWorkersAfterMs: 1e9 });
  try {
    const rec = await runStudy(config, pool);
    const ref = await runStudy(config, inProcessExecutor());
    assert.ok((rec.stats?.workersStarted ?? 0) >= 1, JSON.stringify(rec.stats));
    assert.deepEqual(rec.steps, ref.steps);
    assert.deepEqual(rec.chisqr, ref.chisqr);
  } finally {
    await pool.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
