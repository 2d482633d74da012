/**
 * Work on disk (`exfit plan` / `work` / `merge`): a loop over rounds reproduces a local run's
 * output folder byte for byte; re-running a task is idempotent; a missing or corrupt result is
 * named by merge; the index variables of the four array engines.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { arrayIndex } from "../workflows/array_index.ts";
import { arraySpec, shellQuote, splitWords } from "../workflows/slurm.ts";
import { cli, gridMcStudy, readTree } from "./_cluster.ts";
import { REPO } from "./_refdata.ts";

const env = (vars: Record<string, string>) => (k: string) => vars[k];

Deno.test("array task index: --index, then Slurm, Kubernetes, AWS Batch and Cloud Run variables", () => {
  assert.deepEqual(arrayIndex(undefined, env({ SLURM_ARRAY_TASK_ID: "3" })), {
    index: 3,
    source: "SLURM_ARRAY_TASK_ID",
  });
  assert.deepEqual(arrayIndex(undefined, env({ JOB_COMPLETION_INDEX: "12" })), {
    index: 12,
    source: "JOB_COMPLETION_INDEX",
  });
  assert.deepEqual(arrayIndex(undefined, env({ AWS_BATCH_JOB_ARRAY_INDEX: "0" })), {
    index: 0,
    source: "AWS_BATCH_JOB_ARRAY_INDEX",
  });
  assert.deepEqual(arrayIndex(undefined, env({ CLOUD_RUN_TASK_INDEX: "7" })), {
    index: 7,
    source: "CLOUD_RUN_TASK_INDEX",
  });
  // The flag wins; Slurm's variable before the others.
  assert.equal(arrayIndex("5", env({ SLURM_ARRAY_TASK_ID: "3" })).index, 5);
  assert.equal(
    arrayIndex(undefined, env({ CLOUD_RUN_TASK_INDEX: "1", SLURM_ARRAY_TASK_ID: "2" })).index,
    2,
  );
  assert.throws(() => arrayIndex(undefined, env({})), /SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX/);
  assert.throws(
    () => arrayIndex(undefined, env({ AWS_BATCH_JOB_ARRAY_INDEX: "x1" })),
    /AWS_BATCH_JOB_ARRAY_INDEX: expected a task index.*"x1"/,
  );
  assert.throws(() => arrayIndex("-1", env({})), /--index: expected a task index/);
});

Deno.test("sbatch helpers: option words, array ranges, shell quoting", () => {
  assert.deepEqual(splitWords(`--partition=short  --comment "two words" -J 'a b'\\ c`), [
    "--partition=short",
    "--comment",
    "two words",
    "-J",
    "a b c",
  ]);
  assert.throws(() => splitWords(`--comment "open`), /unbalanced/);
  assert.equal(arraySpec([9, 0, 1, 2, 3, 7, 10]), "0-3,7,9-10");
  assert.equal(
    shellQuote(["exfit", "work", "--run", "/a b/it's"]),
    `exfit work --run '/a b/it'\\''s'`,
  );
});

/** plan / work 0..N-1 / merge until plan prints 0; the number of rounds. */
async function loop(fitArgs: string[], run: string, out: string, maxTasks = 4): Promise<number> {
  for (let rounds = 0;; rounds++) {
    const plan = await cli(["plan", ...fitArgs, "--run", run, "--max-tasks", `${maxTasks}`]);
    assert.equal(plan.code, 0, plan.err);
    const n = Number(plan.out.trim().split("\n").at(-1));
    if (n === 0) return rounds;
    for (let i = 0; i < n; i++) {
      const w = await cli(["work", "--run", run, "--index", `${i}`]);
      assert.equal(w.code, 0, w.err);
    }
    const m = await cli(["merge", "--run", run, "-o", out]);
    assert.equal(m.code, 0, m.err);
  }
}

Deno.test("plan / work / merge rounds write the local run's Output folder byte for byte (fits, GRID, MC)", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_cluster_" });
  try {
    const args = gridMcStudy(`${dir}/study`);
    const local = await cli(["fit", ...args, "--workers", "0", "-o", `${dir}/local`]);
    assert.equal(local.code, 0, local.err);
    const rounds = await loop(args, `${dir}/run`, `${dir}/out`);
    // STEP1 fits; STEP2 grid, then fits; STEP3 fits, then MC replicates.
    assert.equal(rounds, 5);
    // Both runs render in this process: the SVG renderer numbers its gradients per process.
    const norm = (tree: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(tree).map(([k, v]) => [k, v.replace(/gradient_\d+/g, "gradient")]),
      );
    const out = readTree(`${dir}/out`);
    assert.deepEqual(norm(out), norm(readTree(`${dir}/local`)));
    assert.ok(Object.keys(out).some((k) => k.startsWith("STEP3/Statistics/")));
    assert.ok(Object.keys(out).some((k) => k.startsWith("STEP2/Grid/")));
    // The run's HTML report, as exfit fit writes one.
    assert.match(Deno.readTextFileSync(`${dir}/out/report.html`), /STEP3/);
    // Complete: plan says 0 again, merge changes nothing.
    const again = await cli(["plan", ...args, "--run", `${dir}/run`]);
    assert.match(again.out, /run complete[^]*\n0$/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a corrupt or missing result is named by merge; the task run again completes the round", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_cluster_" });
  try {
    const args = gridMcStudy(`${dir}/study`);
    const run = `${dir}/run`;
    const plan = await cli(["plan", ...args, "--run", run, "--max-tasks", "2"]);
    assert.match(plan.out, /round 1: step 1 of 3 \(STEP1\), 3 work items \(3 fit\) in 2 tasks\n2$/);
    // Planned again before merging: the same round.
    const replan = await cli(["plan", ...args, "--run", run, "--max-tasks", "2"]);
    assert.match(replan.out, /round 1 \(planned before, not merged yet\)[^]*\n2$/);
    for (const i of [0, 1]) {
      assert.equal((await cli(["work", "--run", run, "--index", `${i}`])).code, 0);
    }
    // Idempotent: a task run twice runs nothing.
    const twice = await cli(["work", "--run", run, "--index", "1"]);
    assert.match(twice.out, /0 work items run, 1 already stored/);
    const results = [...Deno.readDirSync(`${run}/results`)].map((e) => e.name).sort();
    assert.equal(results.length, 3);
    // A digit changed inside a result: the checksum catches it.
    const victim = `${run}/results/${results[2]}`;
    const text = Deno.readTextFileSync(victim);
    const at = text.indexOf('"result"') + text.slice(text.indexOf('"result"')).search(/\d/);
    Deno.writeTextFileSync(
      victim,
      text.slice(0, at) + String((Number(text[at]) + 1) % 10) + text.slice(at + 1),
    );
    const bad = await cli(["merge", "--run", run, "-o", `${dir}/out`]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, new RegExp(`task 1: ${victim}: corrupt: its checksum does not match`));
    Deno.removeSync(`${run}/results/${results[0]}`);
    const missing = await cli(["merge", "--run", run, "-o", `${dir}/out`]);
    assert.match(missing.err, /run tasks 0, 1 again/);
    assert.match(missing.err, new RegExp(`task 0: ${run}/results/${results[0]}: result missing`));
    assert.throws(() => Deno.statSync(`${dir}/out`), Deno.errors.NotFound);
    for (const i of [0, 1]) {
      assert.equal((await cli(["work", "--run", run, "--index", `${i}`])).code, 0);
    }
    const ok = await cli(["merge", "--run", run, "-o", `${dir}/out`]);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /STEP1: 6 free parameters[^]*merged round 1; 1 of 3 steps complete/);
    // Errors that name what is wrong.
    const range = await cli(["work", "--run", run, "--index", "2"]);
    assert.match(range.err, /task index 2 is out of range: round 1 has 2 tasks \(0 to 1\)/);
    const other = await cli(["plan", ...args, "--seed", "3", "--run", run]);
    assert.match(other.err, /run.json was planned with other options \(seed\)/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a shell loop over exfit plan / work / merge reproduces a local run exactly", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_cluster_sh_" });
  try {
    const args = gridMcStudy(`${dir}/study`, 4).slice(0, -2);
    Deno.writeTextFileSync(
      `${dir}/method.toml`,
      `[STEP1]\nFIX = ["KEX_AB", "PB"]\n\n[STEP2]\nSTATISTICS = { MC = 4 }\n`,
    );
    args.push("-m", `${dir}/method.toml`);
    const local = await cli(["fit", ...args, "--workers", "0", "-o", `${dir}/local`]);
    assert.equal(local.code, 0, local.err);
    const exfit = `'${Deno.execPath()}' run --allow-read --allow-write --allow-env ` +
      `--config='${REPO}/deno.json' '${REPO}/src/cli/main.ts'`;
    const script = `set -eu
while n=$(${exfit} plan ${
      args.map((a) => `'${a}'`).join(" ")
    } --run run | tail -n 1); [ "$n" -gt 0 ]; do
  for i in $(seq 0 $((n - 1))); do ${exfit} work --run run --index "$i" >/dev/null; done
  ${exfit} merge --run run -o out
done`;
    const res = await new Deno.Command("bash", {
      args: ["-c", script],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const text = new TextDecoder().decode(res.stdout) + new TextDecoder().decode(res.stderr);
    assert.ok(res.success, text);
    assert.match(text, /run complete -> /);
    assert.deepEqual(readTree(`${dir}/out`), readTree(`${dir}/local`));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
