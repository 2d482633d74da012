/**
 * Publishing a run into an existing folder: the output is the run's own (entries the previous run
 * published and this one does not write — an old `Basins/`, `Grid/` or step folder — are gone),
 * and what exfit did not write is never deleted (`-o .` in a study folder, run twice).
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { openRunStaging, publishRun } from "../src/output/run_staging.ts";
import { cli } from "./_cluster.ts";
import { MINI, writeMiniStudy } from "./_mini_study.ts";

/** Stage a run with these files (relative path → text) and publish it into `out`. */
function publish(out: string, files: Record<string, string>): void {
  const staging = openRunStaging(out, false);
  for (const [path, text] of Object.entries(files)) {
    Deno.mkdirSync(join(staging.stageDir, path, ".."), { recursive: true });
    Deno.writeTextFileSync(join(staging.stageDir, path), text);
  }
  publishRun(staging);
}

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

const WITH_GRID = {
  ".exfit/checkpoint.json": "{}",
  "Parameters/fitted.toml": "a",
  "Grid/summary.toml": "g",
  "Basins/basins.toml": "b",
  "run_info/run.toml": "r",
};
const PLAIN = {
  ".exfit/checkpoint.json": "{}",
  "Parameters/fitted.toml": "b",
  "run_info/run.toml": "r",
};

Deno.test("a rerun into its own output folder leaves no old Basins/ or Grid/", () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_publish_" });
  try {
    const out = join(dir, "Out");
    publish(out, WITH_GRID);
    assert.deepEqual(names(out), [".exfit", "Basins", "Grid", "Parameters", "run_info"]);
    publish(out, PLAIN);
    assert.deepEqual(names(out), [".exfit", "Parameters", "run_info"]);
    assert.equal(Deno.readTextFileSync(join(out, "Parameters/fitted.toml")), "b");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a rerun into a folder with the user's files removes only the previous run's stale entries", () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_publish_" });
  try {
    Deno.mkdirSync(join(dir, "Experiments"));
    Deno.writeTextFileSync(join(dir, "Experiments/a.toml"), "mine");
    Deno.writeTextFileSync(join(dir, "notes.txt"), "mine");
    publish(dir, WITH_GRID);
    assert.deepEqual(names(dir), [
      ".exfit",
      "Basins",
      "Experiments",
      "Grid",
      "Parameters",
      "notes.txt",
      "run_info",
    ]);
    publish(dir, PLAIN);
    assert.deepEqual(names(dir), [".exfit", "Experiments", "Parameters", "notes.txt", "run_info"]);
    assert.equal(Deno.readTextFileSync(join(dir, "Experiments/a.toml")), "mine");
    assert.equal(Deno.readTextFileSync(join(dir, "notes.txt")), "mine");
    assert.equal(Deno.readTextFileSync(join(dir, "Parameters/fitted.toml")), "b");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("an output without a record of what was published keeps every entry it does not replace", () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_publish_" });
  try {
    // Written by an older exfit (a checkpoint, no published.json), then a user's file added.
    const out = join(dir, "Out");
    Deno.mkdirSync(join(out, ".exfit"), { recursive: true });
    Deno.writeTextFileSync(join(out, ".exfit/checkpoint.json"), "{}");
    Deno.mkdirSync(join(out, "Grid"));
    Deno.writeTextFileSync(join(out, "mine.txt"), "mine");
    publish(out, PLAIN);
    assert.deepEqual(names(out), [".exfit", "Grid", "Parameters", "mine.txt", "run_info"]);
    // From now on the folder's record says what exfit wrote.
    publish(out, WITH_GRID);
    publish(out, PLAIN);
    assert.equal(Deno.readTextFileSync(join(out, "mine.txt")), "mine");
    assert.ok(!names(out).includes("Basins"));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("exfit fit -o . twice in a study folder keeps the study's files", async () => {
  const dir = writeMiniStudy();
  const cwd = Deno.cwd();
  try {
    Deno.chdir(dir);
    const args = ["fit", "-e", ...MINI.experiments, "-p", MINI.parameters, "-m", MINI.method];
    for (let run = 0; run < 2; run++) {
      const r = await cli([...args, "-o", ".", "--plot", "nothing", "--workers", "0"]);
      assert.equal(r.code, 0, r.err);
    }
    for (const path of [...MINI.experiments, MINI.parameters, MINI.method]) {
      assert.ok(Deno.statSync(join(dir, path)).isFile, `${path} was deleted`);
    }
    assert.ok(Deno.statSync(join(dir, "Data")).isDirectory);
    assert.ok(Deno.statSync(join(dir, "STEP1/Parameters/fitted.toml")).isFile);
  } finally {
    Deno.chdir(cwd);
    Deno.removeSync(dir, { recursive: true });
  }
});
