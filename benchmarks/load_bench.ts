/**
 * Loading a study (`src/io/load.ts#loadStudy`: experiment, data and parameter files into a study
 * and its parameter store), the first stage of every run: the first load in a fresh process (as a
 * run does it, code cold) and a later one (code warm), medians over fresh processes.
 *
 * Studies: CPMG_15N_IP (2 fields, 599 parameters), the methyl example and ChemEx's
 * COSCEST_1HN_IP_AP example (2,247 parameters), from ../shared/refdata.
 *
 * Run: `deno run -A benchmarks/load_bench.ts [processes]`
 *
 * @module
 */
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { childJson, median } from "./_timing.ts";
import { fromFileUrl, skipUnlessPresent } from "./_paths.ts";

const REFDATA = fromFileUrl(new URL("../../shared/refdata", import.meta.url));
const STUDIES: Record<string, string> = {
  CPMG_15N_IP: `${REFDATA}/fit/CPMG_15N_IP`,
  "methyl CPMG_CH3_1H_SQ": `${REFDATA}/inputs/fit/CPMG_CH3_1H_SQ`,
  COSCEST_1HN_IP_AP: `${REFDATA}/inputs/chemex-examples/Experiments/COSCEST_1HN_IP_AP`,
};

function tomlFiles(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => `${dir}/${e.name}`).filter((f) =>
    f.endsWith(".toml")
  ).sort();
}

/** In the child: load `folder` five times; the first (cold) and the last (warm) in ms. */
function child(folder: string): { coldMs: number; warmMs: number; parameters: number } {
  const cwd = Deno.cwd();
  Deno.chdir(folder);
  try {
    const opts = {
      experiments: tomlFiles("Experiments"),
      parameters: tomlFiles("Parameters"),
      model: parseModel("2st"),
    };
    const ms: number[] = [];
    let parameters = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      parameters = loadStudy(opts).store.size;
      ms.push(performance.now() - t0);
    }
    return { coldMs: ms[0], warmMs: ms[4], parameters };
  } finally {
    Deno.chdir(cwd);
  }
}

if (import.meta.main) {
  if (Deno.args[0] === "--child") {
    console.log(JSON.stringify(child(Deno.args[1])));
  } else {
    const runs = Number(Deno.args[0] ?? 5);
    skipUnlessPresent(REFDATA, "load_bench");
    console.log(`== loading a study (medians of ${runs} fresh processes) ==`);
    for (const [name, folder] of Object.entries(STUDIES)) {
      const rows = [];
      for (let i = 0; i < runs; i++) {
        rows.push(
          await childJson<ReturnType<typeof child>>(import.meta.url, [folder], `loading ${name}`),
        );
      }
      console.log(
        `${name.padEnd(22)} ${String(rows[0].parameters).padStart(5)} parameters: first load ` +
          `${median(rows.map((r) => r.coldMs)).toFixed(1)} ms, warm ` +
          `${median(rows.map((r) => r.warmMs)).toFixed(1)} ms`,
      );
    }
  }
}
