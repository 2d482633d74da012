/**
 * Start-up of a short fit from the sources against the bundle (`deno task build`,
 * `src/cli/build.ts`): the GUARDD Δω_H case of issue 10 (one Ile δ1, SQ + MQ ¹³C CPMG, the methyl
 * ¹H Δω free; goal: flat direction reported, whole process under 0.3 s), `--plot nothing`, each
 * in a temp copy of its folder, alternated (A/B/C/A…) so that the load of a shared machine hits
 * all alike. Three ways: the sources, the bundle's ES modules, and its classic script with the V8
 * code cache (`src/cli/_classic_bundle.ts`), which is what `deno task exfit` runs.
 * Builds the bundle first; medians of wall time, mean CPU.
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { childCpuS, median } from "./_timing.ts";
import { buildCli } from "../src/cli/build.ts";
import { BUNDLE_DIR, bundleEntryName } from "../src/cli/_bundle_manifest.ts";
import { copyTree } from "./_e2e.ts";
import type { Result } from "./_results.ts";

const REPO = fromFileUrl(new URL("..", import.meta.url));

/** The study folder of the GUARDD Δω_H case under `refdata`. */
export function guarddFolder(refdata: string): string {
  return `${refdata}/inputs/external/GUARDD_ILE26_METHYL_SQ_MQ`;
}

async function oneRun(main: string, dir: string): Promise<{ wallS: number; cpuS: number }> {
  const c0 = childCpuS() ?? 0;
  const t0 = performance.now();
  const res = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      main,
      "fit",
      "-e",
      ...[...Deno.readDirSync(`${dir}/Experiments`)].map((e) => `Experiments/${e.name}`).sort(),
      "-p",
      "Parameters/parameters.toml",
      "-m",
      "Methods/method.toml",
      "-o",
      "Output",
      "--plot",
      "nothing",
    ],
    cwd: dir,
    stdout: "null",
    stderr: "piped",
  }).output();
  const wallS = (performance.now() - t0) / 1000;
  if (!res.success) throw new Error(new TextDecoder().decode(res.stderr));
  return { wallS, cpuS: (childCpuS() ?? 0) - c0 };
}

/**
 * Build the bundle, then time the GUARDD case from the sources and from the bundle, `runs` each.
 *
 * @example
 * ```ts
 * const results = await bundleStartupBenchmark("../shared/refdata", 5);
 * ```
 */
export async function bundleStartupBenchmark(refdata: string, runs = 5): Promise<Result[]> {
  const t0 = performance.now();
  await buildCli();
  const buildS = (performance.now() - t0) / 1000;
  const work = Deno.makeTempDirSync({ prefix: "exfit_bundle_bench_" });
  const side = (main: string) => ({ main, wall: [] as number[], cpu: [] as number[] });
  const sides = {
    sources: side(`${REPO}src/cli/main.ts`),
    "ES modules": side(`${REPO}${BUNDLE_DIR}/${bundleEntryName("src/cli/main.ts")}.js`),
    "script+cache": side(`${REPO}src/cli/exfit.ts`),
  };
  try {
    copyTree(guarddFolder(refdata), work);
    // One warm-up each: Deno's caches filled and the code cache written, as for a user's second
    // run.
    for (const s of Object.values(sides)) await oneRun(s.main, work);
    for (let i = 0; i < runs; i++) {
      for (const s of Object.values(sides)) {
        const r = await oneRun(s.main, work);
        s.wall.push(r.wallS);
        s.cpu.push(r.cpuS);
      }
    }
  } finally {
    Deno.removeSync(work, { recursive: true });
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `== start-up of a short fit: sources vs bundle (deno task build: ${buildS.toFixed(1)} s; ` +
      `medians of ${runs} alternated runs) ==`,
  );
  for (const [name, s] of Object.entries(sides)) {
    console.log(
      `GUARDD Δω_H fit, ${name.padEnd(12)}: ${median(s.wall).toFixed(3)} s ` +
        `(CPU ${mean(s.cpu).toFixed(3)} s)${name === "script+cache" ? "; goal < 0.3 s" : ""}`,
    );
  }
  // "bundle" is what `deno task exfit` runs (the name earlier saved runs use).
  return [
    { name: "GUARDD fit sources", unit: "s", samples: sides.sources.wall },
    { name: "GUARDD fit ES modules", unit: "s", samples: sides["ES modules"].wall },
    { name: "GUARDD fit bundle", unit: "s", samples: sides["script+cache"].wall },
  ];
}
