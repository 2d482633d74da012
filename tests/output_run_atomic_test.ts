/**
 * Issue 12, atomic runs: `exfit fit` killed with SIGKILL at several moments of a 3-step run
 * leaves either the old output or the new one, never a mixture; `--resume` then finishes the
 * run and publishes the new output.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { MINI, miniFitArgs, miniStudyFiles, writeMiniStudy } from "./_mini_study.ts";
import { outputTree, sameTree } from "./_output_tree.ts";

const MAIN = new URL("../src/cli/main.ts", import.meta.url).pathname;

/** Files of an output tree: checkpoints and run_info/ (times and paths of each run) left out. */
function snapshot(dir: string): Map<string, string> {
  return outputTree(dir, [".exfit", "run_info"]);
}

const same = sameTree;

function fitCommand(dir: string, out: string, extra: string[] = []): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...miniFitArgs(dir, out), ...extra],
    stdout: "null",
    stderr: "piped",
  });
}

Deno.test("kill -9 at several moments of a 3-step run leaves the old or the new output", async () => {
  const params = miniStudyFiles()[MINI.parameters];
  const oldDir = writeMiniStudy({
    [MINI.parameters]: params.replace("DW_AB = 2.0", "DW_AB = 3.0"),
  });
  const newDir = writeMiniStudy();
  try {
    const out = join(newDir, "Out");
    const ref = join(newDir, "Ref");
    // The old output, and the new one (the runs are deterministic).
    assert.equal((await fitCommand(oldDir, out).output()).code, 0);
    const t0 = performance.now();
    assert.equal((await fitCommand(newDir, ref).output()).code, 0);
    const fullMs = performance.now() - t0;
    const oldTree = snapshot(out);
    const newTree = snapshot(ref);
    assert.equal([...newTree.keys()].filter((k) => k.endsWith("fitted.toml")).length, 3);
    assert.ok(!same(oldTree, newTree), "old and new outputs must differ for the test to mean much");

    const seen = { old: 0, new: 0 };
    for (const fraction of [0.4, 0.7, 0.9, 0.97]) {
      const child = fitCommand(newDir, out).spawn();
      await new Promise((r) => setTimeout(r, fraction * fullMs));
      try {
        child.kill("SIGKILL");
      } catch {
        // Already finished: then the output must be the new one.
      }
      await child.output();
      const now = snapshot(out);
      const isOld = same(now, oldTree);
      const isNew = same(now, newTree);
      assert.ok(isOld || isNew, `killed at ${Math.round(fraction * fullMs)} ms: mixed output`);
      seen[isOld ? "old" : "new"]++;
      if (isNew) {
        // Put the old output back so that the next kill is meaningful.
        Deno.removeSync(out, { recursive: true });
        assert.equal((await fitCommand(oldDir, out).output()).code, 0);
      }
    }
    assert.ok(seen.old > 0, `no kill landed before publication (${JSON.stringify(seen)})`);
    // A killed run is finished by --resume, which publishes the new output.
    const child = fitCommand(newDir, out).spawn();
    await new Promise((r) => setTimeout(r, 0.6 * fullMs));
    try {
      child.kill("SIGKILL");
    } catch { /* finished */ }
    await child.output();
    const resumed = await fitCommand(newDir, out, ["--resume"]).output();
    assert.equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
    assert.ok(same(snapshot(out), newTree), "--resume must publish the new output");
    assert.ok(
      ![...Deno.readDirSync(newDir)].some((e) => e.name.startsWith(".Out.")),
      "no staging or old copies are left behind",
    );
  } finally {
    Deno.removeSync(oldDir, { recursive: true });
    Deno.removeSync(newDir, { recursive: true });
  }
});

Deno.test("a swap cut between its two renames is repaired by the next run", async () => {
  const { openRunStaging } = await import("../src/output/run_staging.ts");
  const dir = Deno.makeTempDirSync({ prefix: "exfit_swap_" });
  try {
    Deno.mkdirSync(join(dir, ".Out.old-1234abcd/STEP1"), { recursive: true });
    Deno.writeTextFileSync(join(dir, ".Out.old-1234abcd/STEP1/a.txt"), "old");
    openRunStaging(join(dir, "Out"), false);
    assert.equal(Deno.readTextFileSync(join(dir, "Out/STEP1/a.txt")), "old");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
