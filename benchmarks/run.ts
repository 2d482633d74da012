/**
 * `deno task bench`: the figures the README quotes. Prints, for ChemEx's CPMG_15N_IP example fit
 * (from ../shared/refdata), whole-process wall time and peak RSS (medians of 3) with the ratio to
 * ChemEx on the same 2-core machine kind, and the time of one cpmg_15n_ip profile evaluation;
 * then runs every other `benchmarks/*_bench.ts` script.
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { createCalculator, intensitiesAt } from "../src/fit/evaluate.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import { median, timeFitProcess } from "./_timing.ts";

const REPO = fromFileUrl(new URL("..", import.meta.url));
const REFDATA = fromFileUrl(new URL("../../shared/refdata", import.meta.url));
const CHEMEX = {
  "2025.10": { wallS: 9.0, rssMB: 180 },
  "2026.06": { wallS: 44.2, rssMB: 461 },
};

async function fitBenchmark(): Promise<void> {
  const folder = `${REFDATA}/fit/CPMG_15N_IP`;
  const { walls, stderrs } = await timeFitProcess(folder, "Methods/method.toml");
  const rss = stderrs.map((stderr) => {
    const m = /peak_rss_kb=(\d+)/.exec(stderr);
    if (!m) throw new Error(stderr);
    return Number(m[1]) / 1024;
  });
  const wall = median(walls);
  const mem = median(rss);
  console.log("== CPMG_15N_IP example fit (2 fields, 2 steps, 108 profiles), whole process ==");
  console.log(
    `exfit wall time: median ${wall.toFixed(3)} s of [${walls.map((w) => w.toFixed(3))}]`,
  );
  console.log(`exfit peak RSS:  median ${mem.toFixed(0)} MB`);
  for (const [version, ref] of Object.entries(CHEMEX)) {
    console.log(
      `vs ChemEx ${version} (${ref.wallS} s, ${ref.rssMB} MB): ${
        (ref.wallS / wall).toFixed(1)
      }x faster, ` +
        `${(ref.rssMB / mem).toFixed(1)}x less memory`,
    );
  }
}

function profileBenchmark(): void {
  const folder = `${REFDATA}/fit/CPMG_15N_IP`;
  const cwd = Deno.cwd();
  Deno.chdir(folder);
  const { study, store } = loadStudy({
    experiments: ["Experiments/500mhz.toml", "Experiments/800mhz.toml"],
    parameters: ["Parameters/parameters.toml"],
    model: parseModel("2st"),
  });
  Deno.chdir(cwd);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const calc = createCalculator(study, 0);
  const values = study.profiles[0].paramIds.map((id) => pv.values[pv.index.get(id)!]);
  const times: number[] = [];
  for (let rep = 0; rep < 15; rep++) {
    const n = 200;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) intensitiesAt(calc, values, calc.x);
    times.push((performance.now() - t0) / n);
  }
  const ms = median(times.slice(5));
  console.log("== one cpmg_15n_ip profile evaluation (26 points, 6x6 Liouvillian) ==");
  console.log(
    `exfit: median ${(ms * 1000).toFixed(1)} us; ChemEx 2026.06: 520-670 us ` +
      `(../shared/refdata/timing): ${(0.52 / ms).toFixed(0)}-${(0.67 / ms).toFixed(0)}x faster`,
  );
}

async function otherBenchmarks(): Promise<void> {
  const names = [...Deno.readDirSync(`${REPO}benchmarks`)]
    .map((e) => e.name)
    .filter((n) => n.endsWith("_bench.ts"))
    .sort();
  for (const name of names) {
    console.log(`\n== benchmarks/${name} ==`);
    const res = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${REPO}benchmarks/${name}`],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!res.success) console.log(`(benchmarks/${name} failed with code ${res.code})`);
  }
}

try {
  Deno.statSync(REFDATA);
  await fitBenchmark();
  profileBenchmark();
} catch (e) {
  if (e instanceof Deno.errors.NotFound) {
    console.log("notice: ../shared/refdata is absent; skipping the ChemEx example benchmarks");
  } else throw e;
}
if (!Deno.args.includes("--quick")) await otherBenchmarks();
