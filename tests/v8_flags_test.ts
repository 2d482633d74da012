/**
 * The V8 flags of an exfit process (workflows/slurm.ts#EXFIT_V8_FLAGS) are the same wherever exfit
 * is started: `deno task exfit` and `deno task demo`, the Slurm nodes' command, and the benchmark's
 * `chemex` shim (whose timings would otherwise not be the program users run).
 */
import { strict as assert } from "node:assert";
import { EXFIT_V8_FLAGS, exfitCommand } from "../workflows/slurm.ts";
import { chemexShim } from "../benchmarks/_e2e.ts";

const FLAG = `--v8-flags=${EXFIT_V8_FLAGS}`;

Deno.test("v8 flags: deno task exfit and demo run with EXFIT_V8_FLAGS", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  for (const task of ["exfit", "demo"]) {
    assert.ok(config.tasks[task].split(" ").includes(FLAG), `${task}: ${config.tasks[task]}`);
  }
});

Deno.test("v8 flags: the Slurm nodes' command and the benchmark shim pass them", async () => {
  assert.ok(exfitCommand(() => undefined).includes(FLAG));
  const dir = chemexShim();
  try {
    assert.ok((await Deno.readTextFile(`${dir}/chemex`)).includes(FLAG));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
