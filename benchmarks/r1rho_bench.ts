/**
 * R1ρ example fits (`examples/r1rho/`, data from ../shared/refdata/inputs/r1rho): each folder is
 * copied to a temporary directory, its `run.sh` converts the data (and fits once), then the fit
 * alone (`runFit`, all method steps) is timed in-process, median of 5; issue 16 asks for < 1 s.
 *
 * @module
 */
import { REFDATA_PATH, runR1rhoExample } from "../tests/_refdata.ts";
import { median } from "./_timing.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { planToSteps } from "../src/cli/method_steps.ts";
import { runFit } from "../src/run/run.ts";
import type { StepSpec } from "../src/fit/step.ts";

const REFDATA = REFDATA_PATH;

const CASES: [string, string, string[]][] = [
  ["KORZHNEV_2005_FYN_SH3_R1RHO", "2st", []],
  ["KJAERGAARD_2013_NCBD_V52", "2st", []],
  ["RELAX_SYNTH_TP02_OFFRES", "2st.rs", ["Data/fixed.toml"]],
  ["RELAX_SYNTH_M61_ONRES", "2st.rs", []],
];

function steps(method: string): StepSpec[] {
  return planToSteps([method]).steps;
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

if (!exists(REFDATA)) {
  console.log(`r1rho bench: skipped (no reference data at ${REFDATA})`);
} else {
  console.log("== R1ρ example fits (runFit only, median of 5; goal < 1 s each) ==");
  for (const [name, model, extra] of CASES) {
    const dir = await runR1rhoExample(REFDATA, name);
    try {
      const experiments = [...Deno.readDirSync(`${dir}/Experiments`)]
        .map((e) => `${dir}/Experiments/${e.name}`)
        .sort();
      const parameters = [`${dir}/Parameters/parameters.toml`, ...extra.map((p) => `${dir}/${p}`)];
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const loaded = loadStudy({ experiments, parameters, model: parseModel(model) });
        const t0 = performance.now();
        for (
          const _ of runFit(loaded.study, loaded.store, steps(`${dir}/Methods/method.toml`), {
            plot: false,
            seed: 0,
          })
        ) { /* every step */ }
        times.push((performance.now() - t0) / 1000);
      }
      console.log(
        `${name.padEnd(28)} median ${median(times).toFixed(3)} s of [${
          times.map((t) => t.toFixed(3))
        }]`,
      );
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  }
}
