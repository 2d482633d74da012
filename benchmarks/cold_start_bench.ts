/**
 * How much of a short fit's whole process is the cost of a cold start: the same `exfit fit`
 * (`main()` of the CLI, what `deno task exfit` runs: the bundle while it is current) four times in
 * one process, the first with every function still to be compiled, the last with the code warm,
 * beside an empty `deno run`. The issue 10 goals for CPMG_15N_IP (≤ 0.33 s) and the GUARDD case
 * (< 0.3 s) are whole processes, so they are bounded below by the empty process plus the warm
 * run; the difference between the first and the last run is what compilation and warm-up cost.
 *
 * Studies (from ../shared/refdata, `--plot nothing`, output to a temp folder): CPMG_15N_IP, the
 * GUARDD Δω_H case and the methyl example CPMG_CH3_1H_SQ.
 *
 * Run: `deno run -A benchmarks/cold_start_bench.ts [processes]`
 *
 * @module
 */
import { loadCli } from "../src/cli/exfit.ts";
import { childJson, median } from "./_timing.ts";
import { fromFileUrl, skipUnlessPresent } from "./_paths.ts";

const REFDATA = fromFileUrl(new URL("../../shared/refdata", import.meta.url));
const STUDIES: Record<string, string> = {
  CPMG_15N_IP: `${REFDATA}/fit/CPMG_15N_IP`,
  "GUARDD Δω_H case": `${REFDATA}/inputs/external/GUARDD_ILE26_METHYL_SQ_MQ`,
  "methyl CPMG_CH3_1H_SQ": `${REFDATA}/inputs/fit/CPMG_CH3_1H_SQ`,
};
const RUNS_IN_PROCESS = 4;

/** One process: the CLI's fit of `folder`, RUNS_IN_PROCESS times; each run's wall time in ms. */
async function child(folder: string): Promise<{ ms: number[]; startMs: number }> {
  const startMs = performance.now();
  const { cli: { main }, finish } = await loadCli(["fit", "--plot", "nothing"]);
  const experiments = [...Deno.readDirSync(`${folder}/Experiments`)]
    .map((e) => `Experiments/${e.name}`).filter((f) => f.endsWith(".toml")).sort();
  const out = Deno.makeTempDirSync({ prefix: "exfit_cold_" });
  const cwd = Deno.cwd();
  Deno.chdir(folder);
  const ms: number[] = [];
  // The CLI prints its summary and notices; the parent reads only the JSON line.
  const [log, error] = [console.log, console.error];
  console.log = () => {};
  console.error = () => {};
  try {
    for (let i = 0; i < RUNS_IN_PROCESS; i++) {
      const t0 = performance.now();
      const code = await main([
        "fit",
        "-e",
        ...experiments,
        "-p",
        "Parameters/parameters.toml",
        "-m",
        "Methods/method.toml",
        "-o",
        `${out}/run${i}`,
        "--plot",
        "nothing",
      ]);
      if (code !== 0) throw new Error(`exfit fit exited ${code} in ${folder}`);
      ms.push(performance.now() - t0);
    }
  } finally {
    [console.log, console.error] = [log, error];
    Deno.chdir(cwd);
    Deno.removeSync(out, { recursive: true });
  }
  await finish();
  return { ms, startMs };
}

async function emptyProcessMs(): Promise<number> {
  const t0 = performance.now();
  await new Deno.Command(Deno.execPath(), { args: ["eval", "0"] }).output();
  return performance.now() - t0;
}

if (import.meta.main) {
  if (Deno.args[0] === "--child") {
    const res = await child(Deno.args[1]);
    console.log(JSON.stringify(res));
    Deno.exit(0);
  }
  const processes = Number(Deno.args[0] ?? 3);
  skipUnlessPresent(REFDATA, "cold_start_bench");
  const empty: number[] = [];
  for (let i = 0; i < processes; i++) empty.push(await emptyProcessMs());
  console.log(
    `== cold start: the same fit ${RUNS_IN_PROCESS} times in one process (medians of ` +
      `${processes} processes; --plot nothing) ==`,
  );
  console.log(`empty deno process: ${median(empty).toFixed(0)} ms`);
  for (const [name, folder] of Object.entries(STUDIES)) {
    try {
      Deno.statSync(folder);
    } catch {
      console.log(`${name}: skipped, ${folder} is absent`);
      continue;
    }
    const rows: { ms: number[]; startMs: number }[] = [];
    for (let i = 0; i < processes; i++) {
      rows.push(await childJson(import.meta.url, [folder], `cold start of ${name}`));
    }
    const first = median(rows.map((r) => r.ms[0]));
    const last = median(rows.map((r) => r.ms[RUNS_IN_PROCESS - 1]));
    console.log(
      `${name.padEnd(22)} first run ${first.toFixed(0)} ms, run ${RUNS_IN_PROCESS} ` +
        `${last.toFixed(0)} ms: ${(first - last).toFixed(0)} ms (${
          (100 * (first - last) / first).toFixed(0)
        }%) of the first run is compilation and warm-up; floor of a whole process ` +
        `≈ ${(median(empty) + last).toFixed(0)} ms`,
    );
  }
}
