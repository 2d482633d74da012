/**
 * Quick benchmarks (well under 30 s together): start-up of the CLI against a bare `deno run` of
 * an empty script, and kernels — one profile evaluation of each reference fit's first profile
 * (CPMG, CEST, relaxation), the hot path of every fit.
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { childCpuS, median } from "./_timing.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { createCalculator, intensitiesAt } from "../src/fit/evaluate.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import type { Result } from "./_results.ts";

const REPO = fromFileUrl(new URL("..", import.meta.url));

async function wallMs(args: string[]): Promise<number> {
  const t0 = performance.now();
  const res = await new Deno.Command(Deno.execPath(), { args, stdout: "null", stderr: "piped" })
    .output();
  if (!res.success) throw new Error(new TextDecoder().decode(res.stderr));
  return performance.now() - t0;
}

/**
 * `exfit --help` against `deno run` of an empty script, alternated (A/B/A/B…) so that the load
 * of a shared machine hits both alike; prints both medians and the difference.
 */
export async function startupBenchmark(runs = 9): Promise<Result[]> {
  const empty = Deno.makeTempFileSync({ prefix: "exfit_empty_", suffix: ".ts" });
  const bare: number[] = [];
  const help: number[] = [];
  const cpu = { bare: 0, help: 0 };
  const timed = async (args: string[], key: "bare" | "help") => {
    const c0 = childCpuS() ?? 0;
    const wall = await wallMs(args);
    cpu[key] += (childCpuS() ?? 0) - c0;
    return wall;
  };
  try {
    // One warm-up each: the module graph and npm packages are cached, as for a user.
    await wallMs(["run", "-A", empty]);
    await wallMs(["run", "-A", `${REPO}src/cli/main.ts`, "--help"]);
    for (let i = 0; i < runs; i++) {
      bare.push(await timed(["run", "-A", empty], "bare"));
      help.push(await timed(["run", "-A", `${REPO}src/cli/main.ts`, "--help"], "help"));
    }
  } finally {
    Deno.removeSync(empty);
  }
  const [b, h] = [median(bare), median(help)];
  const [cb, ch] = [(1000 * cpu.bare) / runs, (1000 * cpu.help) / runs];
  console.log("== start-up (whole process, medians of alternated runs; CPU: mean per run) ==");
  console.log(`deno run (empty script): ${b.toFixed(0)} ms (CPU ${cb.toFixed(0)} ms)`);
  console.log(
    `exfit --help:            ${h.toFixed(0)} ms (CPU ${ch.toFixed(0)} ms; ` +
      `+${(h - b).toFixed(0)} ms wall, +${(ch - cb).toFixed(0)} ms CPU; goal +60 ms)`,
  );
  return [
    { name: "startup deno run empty", unit: "ms", samples: bare, note: `CPU ${cb.toFixed(0)} ms` },
    { name: "startup exfit --help", unit: "ms", samples: help, note: `CPU ${ch.toFixed(0)} ms` },
  ];
}

/** Median time of one evaluation of the first profile of a refdata fit folder, µs. */
function profileEvaluation(folder: string, model: string): number[] {
  const cwd = Deno.cwd();
  Deno.chdir(folder);
  let loaded;
  try {
    const exps = [...Deno.readDirSync("Experiments")].map((e) => `Experiments/${e.name}`)
      .filter((n) => n.endsWith(".toml")).sort();
    loaded = loadStudy({
      experiments: exps,
      parameters: ["Parameters/parameters.toml"],
      model: parseModel(model),
    });
  } finally {
    Deno.chdir(cwd);
  }
  const { study, store } = loaded;
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const calc = createCalculator(study, 0);
  const values = study.profiles[0].paramIds.map((id) => pv.values[pv.index.get(id)!]);
  const samples: number[] = [];
  // Warm the JIT and the calculator's caches up for ~0.2 s, then size each sample to ~20 ms.
  let calls = 0;
  const w0 = performance.now();
  while (performance.now() - w0 < 200) {
    intensitiesAt(calc, values, calc.x);
    calls++;
  }
  const n = Math.max(1, Math.round(calls / 10));
  for (let rep = 0; rep < 9; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) intensitiesAt(calc, values, calc.x);
    samples.push(((performance.now() - t0) / n) * 1000);
  }
  return samples;
}

/** Kernels: one profile evaluation per reference fit folder, printed in µs. */
export function kernelBenchmark(refdata: string): Result[] {
  const cases: [string, string][] = [
    ["fit/CPMG_15N_IP", "2st"],
    ["fit/CEST_15N", "2st"],
    ["fit/RELAXATION_NZ", "2st"],
  ];
  console.log("== kernels: one profile evaluation (median of 9) ==");
  const out: Result[] = [];
  for (const [rel, model] of cases) {
    const samples = profileEvaluation(`${refdata}/${rel}`, model);
    console.log(`${rel.padEnd(22)} ${median(samples).toFixed(1).padStart(9)} us`);
    out.push({ name: `eval ${rel}`, unit: "us", samples });
  }
  return out;
}
