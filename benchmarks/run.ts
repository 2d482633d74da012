/**
 * `deno task bench`: the benchmark suite (all permissions: it runs exfit as child processes and
 * reads `/proc/self/stat` for their CPU time, which Deno allows only with `-A`).
 *
 * - default: start-up (`exfit --help` against an empty `deno run`), kernels (one profile
 *   evaluation per reference fit), the bottleneck profile of one fit (time share of load,
 *   evaluate, Jacobian, linear algebra, output), the goal fits of issue 10 as whole processes
 *   beside ChemEx's side-by-side figures (CPMG_15N_IP wall and CPU time and peak memory, the
 *   methyl example; medians of 3), then every other `benchmarks/*_bench.ts` script;
 * - `--quick`: start-up, kernels, the profile, and a short fit from the sources against the bundle
 *   (`_bundle.ts`, which builds it first) only (well under a minute);
 * - `--goals`: start-up, kernels and the goal fits with the grid and statistics variants of
 *   CPMG_15N_IP and ChemEx's CPMG_HN_DQ_ZQ example (about two minutes): the run README's
 *   performance table is made from (`benchmarks/readme_table.ts`);
 * - `--e2e [--only NAME] [--timeout S]`: every example study under ../shared/refdata and every
 *   `run*.sh` of ChemEx's examples, once each, each in a temp copy (`benchmarks/_e2e.ts`);
 * - `--save FILE`: write the figures as JSON; `--compare A.json B.json`: ratios B/A with noise.
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { median } from "./_timing.ts";
import { compareRuns, loadAverage, type Result, type SavedRun, saveRun } from "./_results.ts";
import { kernelBenchmark, startupBenchmark } from "./_quick.ts";
import { profileBenchmark } from "./_profile.ts";
import { endToEnd } from "./_e2e.ts";
import { goalBenchmarks } from "./_goals.ts";
import { bundleStartupBenchmark } from "./_bundle.ts";

const REPO = fromFileUrl(new URL("..", import.meta.url));
const REFDATA = fromFileUrl(new URL("../../shared/refdata", import.meta.url));
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

/** Options of `deno task bench`. */
interface BenchOptions {
  quick: boolean;
  goals: boolean;
  e2e: boolean;
  only?: string;
  timeoutS: number;
  save?: string;
  compare?: [string, string];
}

function parseOptions(args: string[]): BenchOptions {
  const o: BenchOptions = { quick: false, goals: false, e2e: false, timeoutS: 300 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      if (i + 1 >= args.length) throw new Error(`${a} needs a value`);
      return args[++i];
    };
    if (a === "--quick") o.quick = true;
    else if (a === "--goals") o.goals = true;
    else if (a === "--e2e") o.e2e = true;
    else if (a === "--only") [o.e2e, o.only] = [true, value()];
    else if (a === "--timeout") o.timeoutS = Number(value());
    else if (a === "--save") o.save = value();
    else if (a === "--compare") o.compare = [value(), value()];
    else {
      throw new Error(
        `unknown option ${a}; usage: deno task bench [--quick | --goals] [--e2e [--only NAME] ` +
          `[--timeout S]] [--save FILE] | --compare A.json B.json`,
      );
    }
  }
  if (!(o.timeoutS > 0)) throw new Error("--timeout takes a number of seconds > 0");
  return o;
}

const opts = parseOptions(Deno.args);
if (opts.compare) {
  const [a, b] = opts.compare.map((f) => JSON.parse(Deno.readTextFileSync(f)) as SavedRun);
  console.log(`B/A, B = ${opts.compare[1]} (${b.date}), A = ${opts.compare[0]} (${a.date}):`);
  for (const line of compareRuns(a, b)) console.log(line);
  Deno.exit(0);
}
const results: Result[] = [];
const loadAtStart = loadAverage();
let hasRefdata = true;
try {
  Deno.statSync(REFDATA);
} catch {
  hasRefdata = false;
  console.log(`notice: ${REFDATA} is absent; skipping the benchmarks on ChemEx's examples`);
}
if (opts.e2e) {
  if (hasRefdata) results.push(...await endToEnd(REFDATA, opts));
} else {
  results.push(...await startupBenchmark());
  if (hasRefdata) {
    const kernels = kernelBenchmark(REFDATA);
    results.push(...kernels);
    const cpmg = median(kernels[0].samples) / 1000;
    console.log(
      `fit/CPMG_15N_IP profile vs ChemEx 2026.06 (520-670 us, ../shared/refdata/timing): ` +
        `${(0.52 / cpmg).toFixed(0)}-${(0.67 / cpmg).toFixed(0)}x faster`,
    );
    if (!opts.goals) {
      results.push(
        ...profileBenchmark(
          "fit/CPMG_15N_IP",
          `${REFDATA}/fit/CPMG_15N_IP`,
          "Methods/method.toml",
        ),
      );
    }
    // Builds the bundle the goal fits then run from (as `deno task exfit` would).
    results.push(...await bundleStartupBenchmark(REFDATA));
    if (!opts.quick) {
      results.push(
        ...await goalBenchmarks(REFDATA, {
          // Five: the median of three moved with single slow processes on a shared machine.
          runs: 5,
          skipSlow: !opts.goals,
          timeoutS: opts.timeoutS,
        }),
      );
    }
  }
  if (!opts.quick && !opts.goals) await otherBenchmarks();
}
if (opts.save) {
  saveRun(opts.save, results, {
    load: { start: loadAtStart, end: loadAverage() },
    command: ["deno task bench", ...Deno.args].join(" "),
  });
  console.log(`saved ${results.length} results to ${opts.save}`);
}
