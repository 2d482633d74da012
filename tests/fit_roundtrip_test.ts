import { strict as assert } from "node:assert";
import { join } from "node:path";
import { copyToTemp, refdataTest, referenceCommand, REPO, runExfit } from "./_refdata.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { readParameterFiles } from "../src/config/parameters.ts";
import { selectIds } from "../src/params/store.ts";
import { evaluateChunk, makeChunk } from "../src/fit/chunk.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import { createCalculator, profileResiduals } from "../src/fit/evaluate.ts";

refdataTest(
  "fitted.toml reads back with -p and gives the same parameter values",
  async (refdata) => {
    const folder = `${refdata}/fit/CPMG_15N_IP`;
    const out = await runExfit(folder, referenceCommand(folder));
    try {
      const cwd = Deno.cwd();
      Deno.chdir(folder);
      const files = [
        join(out, "STEP2", "Parameters", "fitted.toml"),
        join(out, "STEP2", "Parameters", "fixed.toml"),
      ];
      const loaded = loadStudy({
        experiments: ["Experiments/500mhz.toml", "Experiments/800mhz.toml"],
        parameters: ["Parameters/parameters.toml", ...files],
        model: parseModel("2st"),
      });
      Deno.chdir(cwd);
      const entries = readParameterFiles(files);
      assert.ok(entries.length > 300);
      for (const e of entries) {
        const ids = selectIds(loaded.store, e.selector);
        assert.ok(ids.length >= 1, `${e.selector} selects nothing`);
        for (const id of ids) assert.equal(loaded.store.get(id)!.value, e.value, id);
      }
    } finally {
      Deno.removeSync(out, { recursive: true });
    }
  },
);

refdataTest(
  "deno task exfit resolves relative paths against the caller's folder",
  async (refdata) => {
    // A copy: the reference folder is not ours to write into.
    const folder = copyToTemp(`${refdata}/simulate/CPMG_15N_IP`);
    try {
      const res = await new Deno.Command(Deno.execPath(), {
        args: [
          "task",
          "--config",
          join(REPO, "deno.json"),
          "exfit",
          "simulate",
          "-e",
          "Experiments/500mhz.toml",
          "-p",
          "Parameters/parameters.toml",
          "-o",
          "relative_out",
          "--plot",
          "nothing",
        ],
        cwd: folder,
        // `deno task` keeps an INIT_CWD it inherits (ours, from `deno task test`): drop it, as
        // in a user's shell.
        clearEnv: true,
        env: Object.fromEntries(
          Object.entries(Deno.env.toObject()).filter(([k]) => k !== "INIT_CWD"),
        ),
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(res.success, new TextDecoder().decode(res.stderr));
      const made = join(folder, "relative_out", "Data", "500mhz.dat");
      assert.ok(Deno.statSync(made).isFile);
    } finally {
      Deno.removeSync(folder, { recursive: true });
    }
  },
);

refdataTest("the chunk call gives the in-process residuals through JSON", (refdata) => {
  const cwd = Deno.cwd();
  Deno.chdir(`${refdata}/fit/CPMG_15N_IP`);
  const { study, store } = loadStudy({
    experiments: ["Experiments/500mhz.toml", "Experiments/800mhz.toml"],
    parameters: ["Parameters/parameters.toml"],
    model: parseModel("2st"),
  });
  Deno.chdir(cwd);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const picks = [0, 7, 60];
  const values = picks.map((k) =>
    study.profiles[k].paramIds.map((id) => pv.values[pv.index.get(id)!])
  );
  const request = JSON.parse(JSON.stringify({ chunk: makeChunk(study, picks), values }));
  const response = JSON.parse(JSON.stringify(evaluateChunk(request)));
  picks.forEach((k, i) => {
    const calc = createCalculator(study, k);
    const direct = new Float64Array(calc.xFit.length);
    profileResiduals(calc, values[i], direct);
    assert.deepEqual(response.residuals[i], Array.from(direct));
  });
});
