import { strict as assert } from "node:assert";
import { stagingDir } from "../src/output/run_staging.ts";
import { readCheckpoint, studyHash } from "../workflows/checkpoint.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { EXFIT_VERSION } from "../src/output/version.ts";
import { inProcessExecutor } from "../workflows/executor.ts";
import { InjectedAbort } from "../workflows/steps.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { workerPool } from "../workflows/worker_pool.ts";
import { REPO } from "./_refdata.ts";
import { runStudy, stepsOf, type StudyConfig } from "./_workflows.ts";

/** Global fit of 10 residues, every residue with the exchange fixed, global fit of all. */
const METHOD = `[STEP1]
INCLUDE = [${Array.from({ length: 10 }, (_, k) => k + 1).join(", ")}]

[STEP2]
INCLUDE = "ALL"
FIX = ["PB", "KEX_AB"]

[STEP3]
FIT = ["PB", "KEX_AB"]
`;

function study(dir: string): StudyConfig {
  const s = writeSyntheticStudy(dir, { residues: 30, seed: 21 });
  Deno.writeTextFileSync(`${dir}/Methods/three.toml`, METHOD);
  return {
    experiments: s.experiments,
    parameters: [s.parameters],
    method: [`${dir}/Methods/three.toml`],
    chunkProfiles: 8,
  };
}

Deno.test("a run aborted after N outer iterations and resumed gives the same result as an uninterrupted one", async (t) => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_wf_resume_" });
  try {
    const base = study(dir);
    const messages: string[] = [];
    const full = await runStudy(
      { ...base, outDir: `${dir}/full`, log: (m) => messages.push(m) },
      inProcessExecutor(),
    );
    assert.equal(full.steps.length, 3);
    // Outer iterations of the two global fits (STEP1, STEP3).
    const ends = messages.filter((m) => / after \d+ iterations$/.test(m));
    assert.equal(ends.length, 2, messages.join("\n"));
    const [it1, it3] = ends.map((m) => Number(/ after (\d+) iterations$/.exec(m)![1]));
    assert.ok(it1 >= 3 && it3 >= 2, `iterations ${it1}, ${it3}`);
    const fullCp = readCheckpoint(`${dir}/full`)!;
    assert.equal(fullCp.complete, true);
    assert.equal(fullCp.completedSteps, 3);

    const cases: [string, number, number][] = [["in STEP1", 2, 0], ["in STEP3", it1 + 1, 2]];
    for (const [name, abortAfter, stepDone] of cases) {
      await t.step(`killed ${name}`, async () => {
        const out = `${dir}/killed_${abortAfter}`;
        const cfg = { ...base, outDir: out };
        await assert.rejects(
          runStudy({ ...cfg, abortAfterIterations: abortAfter }, inProcessExecutor()),
          InjectedAbort,
        );
        const cp = readCheckpoint(out)!;
        assert.equal(cp.complete, false);
        assert.equal(cp.completedSteps, stepDone);
        assert.equal(cp.partial!.step, stepDone);
        const outer = Object.values(cp.partial!.outer);
        assert.equal(outer.length, 1, "one global fit under way");
        assert.ok(outer[0].iteration >= 1);
        // Resume on another executor: placement does not change the numbers either.
        const pool = workerPool(2);
        let resumed;
        try {
          resumed = await runStudy({ ...cfg, resume: true }, pool);
        } finally {
          await pool.close();
        }
        assert.deepEqual(resumed.steps, full.steps.slice(stepDone));
        assert.deepEqual(resumed.chisqr, full.chisqr.slice(stepDone));
        // It continued rather than started over.
        assert.ok(resumed.stats!.items < full.stats!.items, `${resumed.stats!.items} items`);
        assert.equal(readCheckpoint(out)!.complete, true);
      });
    }

    await t.step("a checkpoint of other inputs is refused", async () => {
      const other = { ...base, chunkProfiles: 6, outDir: `${dir}/full`, resume: true };
      await assert.rejects(runStudy(other, inProcessExecutor()), /was written for other inputs/);
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("exfit fit killed mid global fit, then --resume, writes the same files as a run that was not killed", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_wf_kill_" });
  try {
    const s = writeSyntheticStudy(dir, { residues: 100, seed: 22 });
    const args = (out: string, extra: string[] = []) => [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      `${REPO}src/cli/main.ts`,
      "fit",
      "-e",
      ...s.experiments,
      "-p",
      s.parameters,
      "-o",
      out,
      "--plot",
      "nothing",
      "--workers",
      "0",
      ...extra,
    ];
    const clean = await new Deno.Command(Deno.execPath(), {
      args: args(`${dir}/clean`),
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.ok(clean.success, new TextDecoder().decode(clean.stderr));

    const child = new Deno.Command(Deno.execPath(), {
      args: args(`${dir}/killed`),
      stdout: "null",
      stderr: "null",
    }).spawn();
    // Wait (at most 60 s) for the checkpoint of the second outer iteration, then kill hard.
    const t0 = Date.now();
    let iteration = 0;
    while (iteration < 2 && Date.now() - t0 < 60_000) {
      await new Promise((r) => setTimeout(r, 25));
      try {
        // A running fit keeps its checkpoint in the staging folder (issue 12: atomic runs).
        const cp = readCheckpoint(stagingDir(`${dir}/killed`));
        iteration = Object.values(cp?.partial?.outer ?? {})[0]?.iteration ?? 0;
      } catch { /* renamed under us: read again */ }
    }
    child.kill("SIGKILL");
    const status = await child.status;
    assert.ok(iteration >= 2, "the run reached its second outer iteration");
    assert.equal(status.success, false, "the run was killed before it finished");
    assert.throws(() => Deno.statSync(`${dir}/killed/Parameters/fitted.toml`));

    const resumed = await new Deno.Command(Deno.execPath(), {
      args: args(`${dir}/killed`, ["--resume"]),
      stdout: "null",
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(resumed.stderr);
    assert.ok(resumed.success, log);
    assert.match(
      log,
      /resuming: 0 of 1 steps done, step 1 with 0 work items done, a global fit at iteration \d+/,
    );
    for (
      const f of [
        "Parameters/fitted.toml",
        "Parameters/constrained.toml",
        "statistics.toml",
        "Data/500mhz.dat",
      ]
    ) {
      assert.equal(
        Deno.readTextFileSync(`${dir}/killed/${f}`),
        Deno.readTextFileSync(`${dir}/clean/${f}`),
        f,
      );
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("the study hash (work ids, checkpoints, run folders) names the exfit release", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_wf_hash_" });
  try {
    const cfg = study(dir);
    const loaded = loadStudy({
      experiments: cfg.experiments,
      parameters: cfg.parameters,
      model: parseModel("2st"),
    });
    const steps = stepsOf(cfg);
    const opts = { chunkProfiles: 8 };
    const now = await studyHash(loaded.study, loaded.store, steps, opts);
    assert.equal(now, await studyHash(loaded.study, loaded.store, steps, opts, EXFIT_VERSION));
    // A queue's stored results or a checkpoint of another release are not this run's.
    assert.notEqual(now, await studyHash(loaded.study, loaded.store, steps, opts, "0.0.1"));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
