/**
 * Loading a study with a huge parameter file: `[CS_A]` entries for every residue number up to N
 * (default 67,000) beside a synthetic 2-field CPMG study of R residues (default 500: 5,505
 * parameters, 1,000 profiles). Every entry is matched against the store by
 * `applyDefaults`/`checkParameterDomains`/`checkBareValues` and by the model-free seeding, which
 * `src/params/selector_index.ts` narrows to the parameters sharing the entry's name and residue.
 * Prints the median of 3 loads (whole `loadStudy`, TOML parsing included).
 *
 * Run: `deno run -A benchmarks/param_file_bench.ts [entries] [residues]`
 *
 * @module
 */
import { join } from "node:path";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";

const entries = Number(Deno.args[0] ?? 67_000);
const residues = Number(Deno.args[1] ?? 500);
const dir = Deno.makeTempDirSync({ prefix: "exfit_param_bench_" });
try {
  const study = writeSyntheticStudy(dir, { residues, noise: 0.01, seed: 3 });
  const lines = ["[CS_A]"];
  for (let k = 1; k <= entries; k++) lines.push(`${k}N = ${(100 + (k % 30)).toFixed(1)}`);
  const big = join(dir, "big.toml");
  Deno.writeTextFileSync(big, lines.join("\n") + "\n");
  const times: number[] = [];
  let size = 0;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const loaded = loadStudy({
      experiments: study.experiments,
      parameters: [big, study.parameters],
      model: parseModel("2st"),
    });
    times.push(performance.now() - t0);
    size = loaded.store.size;
  }
  times.sort((a, b) => a - b);
  console.log(
    `parameter file of ${entries} entries, study of ${residues} residues (${size} parameters): ` +
      `load median ${(times[1] / 1000).toFixed(2)} s [${
        times.map((t) => (t / 1000).toFixed(2)).join(", ")
      }]`,
  );
} finally {
  Deno.removeSync(dir, { recursive: true });
}
