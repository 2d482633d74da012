/**
 * Issue 12, atomic cluster runs: `exfit merge` (what `--executor slurm`'s merge jobs run) stages
 * the steps in `.<out>.run/` as `exfit fit` does and replaces the output only when the run is
 * complete. Between rounds the output stays the old run's; a merge killed with SIGKILL at any
 * moment leaves the old output or the new one, never a mixture; the next merge publishes the new.
 */
import { strict as assert } from "node:assert";
import { cli, gridMcStudy } from "./_cluster.ts";
import { outputTree, sameTree } from "./_output_tree.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { openRunStaging, stagingDir } from "../src/output/run_staging.ts";

const REPO = new URL("..", import.meta.url).pathname;
const MAIN = `${REPO}src/cli/main.ts`;

/** Files of an output tree; checkpoints, run_info/ and the report record each run. */
function snapshot(dir: string): Map<string, string> {
  return outputTree(dir, [".exfit", "run_info", "report.html"]);
}

const same = sameTree;

/** SVG gradient ids are numbered per process: compare figures without them. */
function normalized(tree: Map<string, string>): Map<string, string> {
  return new Map([...tree].map(([k, v]) => [k, v.replace(/gradient_\d+/g, "gradient")]));
}

async function copy(from: string, to: string): Promise<void> {
  await Deno.remove(to, { recursive: true }).catch(() => {});
  try {
    Deno.statSync(from);
  } catch {
    return; // nothing to copy: `to` stays absent
  }
  const r = await new Deno.Command("cp", { args: ["-a", from, to] }).output();
  assert.ok(r.success, `cp -a ${from} ${to}`);
}

function mergeCommand(run: string, out: string): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `--config=${REPO}deno.json`, MAIN, "merge", "--run", run, "-o", out],
    stdout: "null",
    stderr: "piped",
  });
}

Deno.test("exfit merge stages its steps: between rounds and when killed, the output is old or new", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_merge_atomic_" });
  try {
    // Two studies with the same method (fits, GRID, MC) but different data: every file differs.
    const oldArgs = gridMcStudy(`${dir}/old`, 4);
    const method = oldArgs[oldArgs.indexOf("-m") + 1];
    const s = writeSyntheticStudy(`${dir}/new`, { residues: 3, seed: 22, fields: [600] });
    const newArgs = ["-e", ...s.experiments, "-p", s.parameters, "-m", method];
    const out = `${dir}/out`;
    const run = `${dir}/run`;
    assert.equal((await cli(["fit", ...oldArgs, "--workers", "0", "-o", out])).code, 0);
    const ref = await cli(["fit", ...newArgs, "--workers", "0", "-o", `${dir}/ref`]);
    assert.equal(ref.code, 0, ref.err);
    const oldTree = normalized(snapshot(out));
    const newTree = normalized(snapshot(`${dir}/ref`));
    assert.ok(!same(oldTree, newTree), "the two runs must differ for the test to mean much");
    await copy(out, `${dir}/out.old`);

    // Rounds of the new run: every merge but the last leaves the old output untouched.
    let rounds = 0;
    for (;; rounds++) {
      const plan = await cli(["plan", ...newArgs, "--run", run, "--max-tasks", "2"]);
      assert.equal(plan.code, 0, plan.err);
      const n = Number(plan.out.trim().split("\n").at(-1));
      assert.ok(n > 0, "the run completed without a final merge");
      for (let i = 0; i < n; i++) {
        assert.equal((await cli(["work", "--run", run, "--index", `${i}`])).code, 0);
      }
      // Kept to replay the last merge under kills.
      await copy(run, `${dir}/run.bak`);
      await copy(stagingDir(out), `${dir}/stage.bak`);
      const m = await cli(["merge", "--run", run, "-o", out]);
      assert.equal(m.code, 0, m.err);
      if (/run complete/.test(m.out)) break;
      assert.match(m.out, /steps complete in .*\.out\.run \(.*out is replaced when all are\)/);
      assert.ok(same(normalized(snapshot(out)), oldTree), `round ${rounds + 1} mixed the output`);
    }
    assert.ok(rounds >= 3, `expected several rounds, got ${rounds + 1}`);
    assert.ok(same(normalized(snapshot(out)), newTree), "the complete run must publish the new");
    assert.match(Deno.readTextFileSync(`${out}/report.html`), /STEP3/);

    // The last merge again, from the state before it, killed at several moments.
    const restore = async () => {
      await copy(`${dir}/run.bak`, run);
      await copy(`${dir}/stage.bak`, stagingDir(out));
      await copy(`${dir}/out.old`, out);
    };
    await restore();
    const t0 = performance.now();
    const full = await mergeCommand(run, out).output();
    assert.equal(full.code, 0, new TextDecoder().decode(full.stderr));
    const fullMs = performance.now() - t0;
    assert.ok(same(normalized(snapshot(out)), newTree));
    const seen = { old: 0, new: 0 };
    for (const fraction of [0.5, 0.75, 0.9, 0.97]) {
      await restore();
      const child = mergeCommand(run, out).spawn();
      await new Promise((r) => setTimeout(r, fraction * fullMs));
      try {
        child.kill("SIGKILL");
      } catch { /* already finished: the output must be the new one */ }
      await child.output();
      // A kill between the swap's two renames leaves the old output aside: the next run (here
      // opening a staging folder as any run does) puts it back.
      openRunStaging(out, false);
      const now = normalized(snapshot(out));
      const isOld = same(now, oldTree);
      const isNew = same(now, newTree);
      assert.ok(isOld || isNew, `killed at ${Math.round(fraction * fullMs)} ms: mixed output`);
      seen[isOld ? "old" : "new"]++;
    }
    assert.ok(seen.old > 0, `no kill landed before publication (${JSON.stringify(seen)})`);
    // After a kill, the next merge finishes and publishes the new output, leaving nothing behind.
    const again = await cli(["merge", "--run", run, "-o", out]);
    assert.equal(again.code, 0, again.err);
    assert.ok(same(normalized(snapshot(out)), newTree), "the next merge must publish the new");
    assert.ok(
      ![...Deno.readDirSync(dir)].some((e) => e.name.startsWith(".out.")),
      "no staging or old copies are left behind",
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
