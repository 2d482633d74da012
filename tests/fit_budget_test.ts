/**
 * Issue 12: budgets of a local fit. A group fit that stops at its evaluation budget is reported
 * (console warning, statistics.toml, fitted.toml, naming step and group), on every path; a run
 * past `--time-limit` stops with one message, in this process and on workers, and leaves the
 * previous output as it was.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { cli } from "./_cluster.ts";
import { outputTree } from "./_output_tree.ts";
import { miniFitArgs, writeMiniStudy } from "./_mini_study.ts";
import {
  budgetedEvaluator,
  formatDuration,
  parseDuration,
  type TimeBudget,
  TimeLimitError,
} from "../src/fit/budget.ts";
import { withTimeBudget } from "../workflows/time_budget.ts";
import { emptyStats, type Executor, inProcessExecutor } from "../workflows/executor.ts";
import { loadStudy } from "../src/io/load.ts";
import { planToSteps } from "../src/cli/method_steps.ts";
import { parseModel } from "../src/models/model.ts";
import { runFit } from "../src/run/run.ts";
import { createChunkEvaluator, makeChunk } from "../src/fit/chunk.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { createStepRunner } from "../workflows/steps.ts";
import type { StepSpec } from "../src/fit/step.ts";
import { createEvaluatorCache, gridWork } from "../functions/core.ts";
import { PAYLOAD_VERSION, storeToPayload } from "../functions/payload.ts";
import { replyProblem } from "../workflows/reply_content.ts";

const STEP: StepSpec = { name: "", fit: [], fix: [], constraints: [], multistart: 0 };

async function exfit(args: string[]): Promise<{ code: number; stderr: string; ms: number }> {
  const t0 = performance.now();
  const r = await cli(args);
  return { code: r.code, stderr: r.err, ms: performance.now() - t0 };
}

/** Every file under `dir` (relative path → text), hidden folders included. */
const snapshot = (dir: string) => outputTree(dir);

for (const workers of ["0", "1"]) {
  Deno.test(`a fit stopped at its evaluation budget is reported (--workers ${workers})`, async () => {
    const dir = writeMiniStudy();
    try {
      const out = join(dir, "Out");
      const args = miniFitArgs(dir, out).map((a, k, all) =>
        all[k - 1] === "--workers" ? workers : a
      );
      const r = await exfit([...args, "--max-evaluations", "3", "--multistart", "0"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        /exfit: warning: STEP1: group 1 \(10N, 11N\): the fit stopped at its budget of 3 solver evaluations before converging; .*\(raise with --max-evaluations\)/,
      );
      assert.match(r.stderr, /STEP2: group 3 \(12N\): the fit stopped at its budget of 3/);
      const stats = Deno.readTextFileSync(join(out, "STEP1/statistics.toml"));
      assert.match(
        stats,
        /"not converged \(stopped at the evaluation budget\)" = \["STEP1 group 1 \(10N, 11N\): 3 solver evaluations"\]/,
      );
      const fitted = Deno.readTextFileSync(join(out, "STEP1/Parameters/fitted.toml"));
      assert.match(fitted, /KEX_AB = .*not converged: STEP1 group 1 stopped at its budget of 3/);
      // The default budget is not reached by this small fit: nothing is said.
      const plain = await exfit([...args, "--multistart", "0"]);
      assert.equal(plain.code, 0, plain.stderr);
      assert.doesNotMatch(plain.stderr, /budget/);
      assert.doesNotMatch(Deno.readTextFileSync(join(out, "STEP1/statistics.toml")), /converged/);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
}

Deno.test("runFit (one process, no executor) reports the groups that hit their budget", () => {
  const dir = writeMiniStudy();
  try {
    const loaded = loadStudy({
      experiments: ["500mhz", "800mhz"].map((m) => join(dir, `Experiments/${m}.toml`)),
      parameters: [join(dir, "Parameters/parameters.toml")],
      model: parseModel("2st"),
    });
    const steps = planToSteps([join(dir, "Methods/method.toml")]).steps
      .map((s) => ({ ...s, maxNfev: 3, multistart: 0 }));
    const outs = [...runFit(loaded.study, loaded.store, steps, { plot: false, seed: 0 })];
    const hits = outs[0].result!.budgetHits!;
    assert.deepEqual(hits.map((h) => [h.group, h.profiles, h.budget]), [
      [1, ["10N", "11N"], "3 solver evaluations"],
    ]);
    assert.ok(hits[0].freeIds.includes("KEX_AB"), hits[0].freeIds.join());
    assert.match(outs[0].files.get("statistics.toml")!, /STEP1 group 1 \(10N, 11N\)/);
    assert.ok(outs[0].warnings!.some((w) => /group 1 \(10N, 11N\): the fit stopped/.test(w)));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

for (const workers of ["0", "1"]) {
  Deno.test(`--time-limit stops a long fit with one message, old output kept (--workers ${workers})`, async () => {
    const dir = writeMiniStudy();
    try {
      const out = join(dir, "Out");
      const args = miniFitArgs(dir, out).map((a, k, all) =>
        all[k - 1] === "--workers" ? workers : a
      );
      const good = await exfit([...args, "--multistart", "0"]);
      assert.equal(good.code, 0, good.stderr);
      const before = snapshot(out);
      // 200 basin starts per group: far longer than the limit.
      const r = await exfit([...args, "--multistart", "200", "--time-limit", "1s"]);
      assert.equal(r.code, 1, r.stderr);
      const errors = r.stderr.split("\n").filter((l) => l.startsWith("exfit: error: "));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(
        errors[0],
        /the run passed its time limit of 1 s \(--time-limit 1s\) (in|before) step \[STEP\d\].*nothing was published, the output folder is as it was/,
      );
      assert.ok(!/\n\s+at /.test(r.stderr), r.stderr);
      // Stopped near the deadline (loaded machine: generous margin), not after 200 starts.
      assert.ok(r.ms < 1000 + 4000, `took ${r.ms.toFixed(0)} ms`);
      assert.deepEqual(snapshot(out), before);
      // The finished work is kept for --resume.
      assert.ok(Deno.statSync(join(dir, ".Out.run/.exfit/checkpoint.json")).isFile);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
}

Deno.test("a time budget stops work in this process within one evaluation", () => {
  const dir = writeMiniStudy();
  try {
    const loaded = loadStudy({
      experiments: [join(dir, "Experiments/500mhz.toml")],
      parameters: [join(dir, "Parameters/parameters.toml")],
      model: parseModel("2st"),
    });
    const ev = createChunkEvaluator(makeChunk(loaded.study, [0]));
    const out = new Float64Array(ev.sizes[0]);
    const values = new Float64Array(ev.chunk.profiles[0].paramIds.length).fill(1);
    const budget: TimeBudget = { limitS: 5, deadlineMs: Date.now() + 60_000, source: "test" };
    const guarded = budgetedEvaluator(ev, budget);
    guarded.profile(0, values, out); // before the deadline: evaluates
    budget.deadlineMs = Date.now() - 1;
    assert.throws(() => guarded.profile(0, values, out), TimeLimitError);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("an executor item still out at the deadline is cut off and named", async () => {
  let closed = false;
  const never: Executor = {
    name: "never",
    run: () => new Promise(() => {}),
    stats: () => emptyStats("never"),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
  const budget = { limitS: 0.2, deadlineMs: Date.now() + 200, source: "--time-limit 0.2" };
  const ex = withTimeBudget(never, budget);
  const t0 = performance.now();
  const chunk = { profiles: [{ name: "10N" }, { name: "11N" }] };
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    ex.run("fit", { chunk } as any),
    /time limit of 0\.2 s \(--time-limit 0\.2\) during the fit work on profiles 10N, 11N/,
  );
  assert.ok(performance.now() - t0 < 2000);
  await ex.close();
  assert.ok(closed);
});

Deno.test("durations read as spectroscopists write them", () => {
  assert.equal(parseDuration("90", "--time-limit"), 90);
  assert.equal(parseDuration("90s", "--time-limit"), 90);
  assert.equal(parseDuration("30m", "--time-limit"), 1800);
  assert.equal(parseDuration("30 min", "--time-limit"), 1800);
  assert.equal(parseDuration("1h30m", "--time-limit"), 5400);
  assert.equal(parseDuration("1.5h", "--time-limit"), 5400);
  for (const bad of ["", "0", "-5", "abc", "5x", "1.5.3", "inf"]) {
    assert.throws(() => parseDuration(bad, "--time-limit"), /--time-limit: expected a duration/);
  }
  assert.equal(formatDuration(5400), "1 h 30 min");
  assert.equal(formatDuration(1800), "30 min");
  assert.equal(formatDuration(0.5), "0.5 s");
});

Deno.test("a global (chunked) fit stopped at its outer-iteration budget is reported", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_budget_global_" });
  try {
    const s = writeSyntheticStudy(dir, { residues: 8, noise: 0.01, seed: 3 });
    const loaded = loadStudy({
      experiments: s.experiments,
      parameters: [s.parameters],
      model: parseModel("2st"),
    });
    const runner = createStepRunner({
      executor: inProcessExecutor(),
      prefix: "t",
      chunkProfiles: 4,
      tolerances: { maxIterations: 1 },
    });
    const selected = loaded.study.profiles.map(() => true);
    const result = await runner(loaded.study, loaded.store, { ...STEP }, selected, 0);
    const [hit] = result.budgetHits!;
    assert.equal(hit.group, 1);
    assert.match(hit.budget, /^1 outer iterations \(.+\)$/);
    assert.equal(hit.profiles.length, 8);
    assert.ok(hit.freeIds.includes("KEX_AB"));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

/** A GRID step, then MC and BS statistics: every grid point and replicate is a refit. */
const GRID_MC_METHOD = `[STEP1]
GRID = ["[KEX_AB] = (300.0, 400.0, 500.0)"]

[STEP2]
FIT = ["KEX_AB"]
STATISTICS = { MC = 3, BS = 2 }
`;

for (const workers of ["0", "1"]) {
  Deno.test(`grid points and replicates stopped at their budget are counted and said (--workers ${workers})`, async () => {
    const dir = writeMiniStudy({ "Methods/method.toml": GRID_MC_METHOD });
    try {
      const out = join(dir, "Out");
      const args = miniFitArgs(dir, out).map((a, k, all) =>
        all[k - 1] === "--workers" ? workers : a
      );
      const r = await exfit([...args, "--max-evaluations", "3", "--multistart", "0"]);
      assert.equal(r.code, 0, r.stderr);
      // 3 grid points of one group (PB links 10N, 11N and 12N).
      assert.match(
        r.stderr,
        /exfit: warning: STEP1: GRID: 3 of 3 grid points stopped at their budget of 3 solver evaluations before converging; .*\(raise with --max-evaluations\)/,
      );
      assert.match(
        Deno.readTextFileSync(join(out, "STEP1/statistics.toml")),
        /"not converged \(stopped at the evaluation budget\)" = \["STEP1 GRID: 3 of 3 grid points: 3 solver evaluations"/,
      );
      for (
        const [method, dirName, n] of [["Monte Carlo", "MonteCarlo", 3], [
          "bootstrap",
          "Bootstrap",
          2,
        ]] as const
      ) {
        assert.match(
          r.stderr,
          new RegExp(
            `exfit: warning: STEP2: ${method}: ${n} of ${n} replicates stopped at their budget of 3 solver evaluations`,
          ),
        );
        const diag = Deno.readTextFileSync(
          join(out, `STEP2/Statistics/${dirName}/diagnostics.toml`),
        );
        assert.match(diag, new RegExp(`budget_stopped_samples = ${n}\\b`));
        assert.match(
          diag,
          new RegExp(`budget_warning = "${method}: ${n} of ${n} replicates: 3 solver evaluations"`),
        );
      }
      // With the default budget, these small refits converge: nothing is said.
      const plain = await exfit([...args, "--multistart", "0"]);
      assert.equal(plain.code, 0, plain.stderr);
      assert.doesNotMatch(plain.stderr, /budget/);
      assert.doesNotMatch(
        Deno.readTextFileSync(join(out, "STEP2/Statistics/MonteCarlo/diagnostics.toml")),
        /budget/,
      );
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
}

Deno.test("a grid reply names the points stopped at the budget, and only requested ones", async () => {
  const dir = writeMiniStudy();
  try {
    const loaded = loadStudy({
      experiments: [join(dir, "Experiments/500mhz.toml")],
      parameters: [join(dir, "Parameters/parameters.toml")],
      model: parseModel("2st"),
    });
    const chunk = makeChunk(loaded.study, [0, 1, 2]);
    const ids = new Set(chunk.profiles.flatMap((p) => p.paramIds));
    const store = new Map([...loaded.store].filter(([id]) => ids.has(id)));
    const payload = {
      version: PAYLOAD_VERSION,
      id: "g",
      chunk,
      params: storeToPayload(store),
      axes: ["KEX_AB"],
      values: [[300, 400, 500]],
      indices: [0, 2],
    };
    const cache = createEvaluatorCache();
    const stopped = await gridWork({ ...payload, maxNfev: 3 }, cache);
    assert.deepEqual(stopped.budgetHits, [0, 2]);
    assert.equal(replyProblem("grid", payload, stopped), null);
    assert.match(
      replyProblem("grid", payload, { ...stopped, budgetHits: [1] })!,
      /budgetHits\[0\]: not one of the requested grid points/,
    );
    // The default budget: these refits converge and the reply says nothing.
    assert.equal((await gridWork(payload, cache)).budgetHits, undefined);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
