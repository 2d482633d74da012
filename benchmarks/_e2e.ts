/**
 * End-to-end timings: every example study under `../shared/refdata` — the reference fits
 * (`fit/*`, ChemEx's command line from command.txt), the further example fits (`inputs/fit/*`,
 * the methyl example CPMG_CH3_1H_SQ among them) and every `run*.sh` of ChemEx's examples
 * (`inputs/chemex-examples`, with `chemex` standing for exfit through a shim on PATH). Each runs
 * in a temp copy of its folder (nothing is written into ../shared), under a per-example timeout;
 * `only` selects examples whose name contains it.
 *
 * @module
 */
import { join } from "node:path";
import { fromFileUrl } from "./_paths.ts";
import type { Result } from "./_results.ts";
import { referenceOf, versusChemex } from "./_chemex.ts";
import { EXFIT_V8_FLAGS } from "../workflows/slurm.ts";

const REPO = fromFileUrl(new URL("..", import.meta.url));

/** One end-to-end example: a folder and the shell command to run in its temp copy. */
export interface Example {
  name: string;
  folder: string;
  command: string;
}

// Models the inputs/fit studies need (their ChemEx run scripts pass -d).
const INPUT_FIT_MODELS: Record<string, string> = { "2stBinding": "2st_binding" };

function dirs(path: string): string[] {
  try {
    return [...Deno.readDirSync(path)].filter((e) => e.isDirectory).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/** The `chemex-ref ...` line of a refdata folder's command.txt, as a `chemex ...` command. */
function referenceLine(folder: string): string | null {
  try {
    const text = Deno.readTextFileSync(`${folder}/command.txt`);
    const line = text.split("\n").find((l) => l.trim().startsWith("chemex-ref"));
    return line ? line.trim().replace(/^chemex-ref/, "chemex") : null;
  } catch {
    return null;
  }
}

/**
 * Every example under `refdata`, in a fixed order.
 *
 * @example
 * ```ts
 * listExamples("../shared/refdata").map((e) => e.name);
 * // ["fit/CEST_15N", ..., "inputs/fit/CPMG_CH3_1H_SQ", ..., "chemex/Experiments/CPMG_HN_DQ_ZQ/run.sh"]
 * ```
 */
export function listExamples(refdata: string): Example[] {
  const out: Example[] = [];
  for (const d of dirs(`${refdata}/fit`)) {
    const line = referenceLine(`${refdata}/fit/${d}`);
    if (line) out.push({ name: `fit/${d}`, folder: `${refdata}/fit/${d}`, command: line });
  }
  for (const d of dirs(`${refdata}/inputs/fit`)) {
    const model = INPUT_FIT_MODELS[d] ? ` -d ${INPUT_FIT_MODELS[d]}` : "";
    out.push({
      name: `inputs/fit/${d}`,
      folder: `${refdata}/inputs/fit/${d}`,
      command: `chemex fit -e Experiments/*.toml -p Parameters/*.toml -m Methods/method.toml` +
        `${model} -o Output`,
    });
  }
  const examples = `${refdata}/inputs/chemex-examples`;
  for (const group of dirs(examples)) {
    for (const d of dirs(`${examples}/${group}`)) {
      const folder = `${examples}/${group}/${d}`;
      const scripts = [...Deno.readDirSync(folder)].map((e) => e.name)
        .filter((n) => /^run.*\.sh$/.test(n)).sort();
      for (const s of scripts) {
        out.push({ name: `chemex/${group}/${d}/${s}`, folder, command: `sh ${s}` });
      }
    }
  }
  return out;
}

export function copyTree(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const e of Deno.readDirSync(from)) {
    if (e.isDirectory) copyTree(join(from, e.name), join(to, e.name));
    else if (e.isFile) Deno.copyFileSync(join(from, e.name), join(to, e.name));
  }
}

/**
 * A folder holding a `chemex` shim that runs exfit's CLI with every argument, through
 * `_fit_process.ts` so that each process reports its peak memory on stderr, with the V8 flags of
 * `deno task exfit`.
 */
export function chemexShim(): string {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_shim_" });
  Deno.writeTextFileSync(
    `${dir}/chemex`,
    `#!/bin/sh\nexec "${Deno.execPath()}" run --v8-flags=${EXFIT_V8_FLAGS} -A ` +
      `"${REPO}benchmarks/_fit_process.ts" "$@"\n`,
  );
  Deno.chmodSync(`${dir}/chemex`, 0o755);
  return dir;
}

/** Outcome of one example. */
export interface ExampleRun {
  name: string;
  seconds: number;
  code: number;
  timedOut: boolean;
  stderrTail: string;
  /** Largest peak RSS of the example's exfit processes, MiB (undefined if none reported). */
  peakMiB?: number;
  /** χ² of the last step the fit printed, e.g. "STEP2: chi2 = 2694.67". */
  lastChi2?: string;
}

/**
 * Run one example in a temp copy of its folder (removed afterwards), `chemex` resolving to the
 * shim; stops it after `timeoutS` seconds.
 */
export async function runExample(ex: Example, shim: string, timeoutS: number): Promise<ExampleRun> {
  const work = Deno.makeTempDirSync({ prefix: "exfit_e2e_" });
  try {
    copyTree(ex.folder, work);
    // Reference outputs shipped beside the inputs are not needed (and must not be compared).
    for (const o of ["Output", "OutputSim"]) {
      try {
        Deno.removeSync(join(work, o), { recursive: true });
      } catch { /* absent */ }
    }
    const child = new Deno.Command("sh", {
      args: ["-c", ex.command],
      cwd: work,
      env: { PATH: `${shim}:${Deno.env.get("PATH") ?? ""}`, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, timeoutS * 1000);
    const t0 = performance.now();
    const res = await child.output();
    const seconds = (performance.now() - t0) / 1000;
    clearTimeout(timer);
    const stderr = new TextDecoder().decode(res.stderr);
    const rss = [...stderr.matchAll(/peak_rss_kb=(\d+)/g)].map((m) => Number(m[1]) / 1024);
    const chi2 = [...new TextDecoder().decode(res.stdout).matchAll(/^(\S*): .*?(chi2 = [^\s,]+)/gm)]
      .at(-1);
    return {
      name: ex.name,
      seconds,
      code: res.code,
      timedOut,
      stderrTail: stderr.replace(/^peak_rss_kb=.*$/gm, "").trim().split("\n").slice(-2).join(" | "),
      peakMiB: rss.length ? Math.max(...rss) : undefined,
      lastChi2: chi2 ? `${chi2[1]}: ${chi2[2]}` : undefined,
    };
  } finally {
    Deno.removeSync(work, { recursive: true });
  }
}

/**
 * Run the selected examples once each, printing each one's time as it ends; returns the
 * successful ones as results (`e2e <name>`, seconds).
 */
export async function endToEnd(
  refdata: string,
  opts: { only?: string; timeoutS: number },
): Promise<Result[]> {
  const examples = listExamples(refdata).filter((e) => !opts.only || e.name.includes(opts.only));
  const shim = chemexShim();
  const results: Result[] = [];
  console.log(`== end to end: ${examples.length} examples (timeout ${opts.timeoutS} s each) ==`);
  try {
    for (const ex of examples) {
      const r = await runExample(ex, shim, opts.timeoutS);
      const status = r.timedOut
        ? `TIMEOUT after ${opts.timeoutS} s`
        : r.code === 0
        ? "ok"
        : `FAILED (exit ${r.code}: ${r.stderrTail})`;
      const extra = [r.peakMiB ? `${r.peakMiB.toFixed(0)} MiB` : "", r.lastChi2 ?? ""]
        .filter((x) => x).join(", ");
      console.log(
        `${ex.name.padEnd(58)} ${r.seconds.toFixed(2).padStart(8)} s  ${status}` +
          (extra ? `  (${extra})` : "") +
          (r.code === 0 && referenceOf(ex.name)
            ? versusChemex(referenceOf(ex.name)!, r.seconds, r.peakMiB)
            : ""),
      );
      if (!r.timedOut && r.code === 0) {
        results.push({ name: `e2e ${ex.name}`, unit: "s", samples: [r.seconds], note: r.lastChi2 });
      }
    }
  } finally {
    Deno.removeSync(shim, { recursive: true });
  }
  return results;
}
