/**
 * The Slurm executor: a whole method through job arrays. Round after round, the run folder's
 * next work items are planned here ({@link planRound}), run by `sbatch --array` tasks
 * (`exfit work`, many small items batched per task) and merged by a job that depends on the
 * array (`exfit merge`, which writes every completed step into the output folder). Tasks whose
 * results are missing or corrupt after the merge (failed, cancelled, killed nodes) are submitted
 * again, a bounded number of times; then the run stops naming them. Running the same command
 * again resumes: stored results are kept and only missing items run.
 *
 * @module
 */
import { fileURLToPath as fromFileUrl } from "node:url";
import { checkRound, planRound, readRunState, readTask, taskPath } from "./run_folder.ts";
import type { ReplayInputs } from "./replay.ts";
import { resultPath } from "./result_files.ts";

/** Options of {@link slurmFit}. */
export interface SlurmFitOptions {
  /** Run folder on the shared filesystem. */
  runDir: string;
  /** Output folder (written by the merge jobs). */
  outDir: string;
  /** Fresh inputs for each plan (a replay changes the store it is given). */
  load: () => ReplayInputs;
  /** Most array tasks per round (default 64). */
  maxTasks?: number;
  /** Extra `sbatch` arguments (`--slurm-opts`), e.g. `["--partition=short", "--time=30"]`. */
  sbatchArgs?: string[];
  /** Resubmissions of failed tasks per round (default 2). */
  retries?: number;
  /** Polling interval of `squeue`, ms (default 1000). */
  pollMs?: number;
  /** The exfit command on the nodes (default: {@link exfitCommand}). */
  command?: string[];
  /** Progress messages. */
  log?: (message: string) => void;
  /** Lines the merge jobs printed (the per-step summaries). */
  print?: (line: string) => void;
}

/**
 * Split an option string into words as a POSIX shell would (quotes and backslashes; no
 * expansions).
 *
 * @example
 * ```ts
 * splitWords(`--partition=short --comment "two words"`); // ["--partition=short", "--comment", "two words"]
 * ```
 */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) cur += text[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} in "${text}"`);
  if (inWord) out.push(cur);
  return out;
}

/**
 * Quote words for `sh` (what `sbatch --wrap` runs).
 *
 * @example
 * ```ts
 * shellQuote(["exfit", "work", "--run", "/a b"]); // "exfit work --run '/a b'"
 * ```
 */
export function shellQuote(words: string[]): string {
  return words.map((w) => /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`)
    .join(" ");
}

/**
 * The V8 flags an exfit process runs with (`deno task exfit` has them too; tests/v8_flags_test.ts
 * keeps the two the same). A young generation of at most 8 MiB per semi-space instead of V8's
 * default 16: a fit makes much short-lived garbage (trial points, Jacobian columns) and keeps
 * little of it, and the larger young generation's cost is mostly first touches of fresh pages
 * (page faults). Alternated whole processes, one run each (docs/performance.md): CPMG_15N_IP
 * 0.975 → 0.805 s, CPMG_HN_DQ_ZQ 17.3 → 15.8 s, the methyl example and the GUARDD case a few per
 * cent; 4 MiB measured the same as 8. An old generation of 64 MiB before its first full collection
 * (`--initial-old-space-size`): a short fit's heap (the code cache's bytecode included) passed V8's
 * small starting limit and paid one incremental mark-compact; CPMG_15N_IP 321 → 304 ms and 334 →
 * 317 ms (16 and 12 alternated pairs), 3–4 MiB more peak memory, the methyl example unchanged.
 */
export const EXFIT_V8_FLAGS = "--max-semi-space-size=8,--initial-old-space-size=64";

/**
 * How nodes start exfit: `EXFIT_CMD` when set (e.g. a compiled binary, split into words), else
 * this Deno running this checkout's `src/cli/main.ts` with its `deno.json` (with the permissions
 * and V8 flags of `deno task exfit`, `--allow-run` included for coordinators).
 *
 * @example
 * ```ts
 * const cmd = exfitCommand(); // ["/usr/bin/deno", "run", ..., "/opt/exfit/src/cli/main.ts"]
 * ```
 */
export function exfitCommand(
  env: (k: string) => string | undefined = (k) => Deno.env.get(k),
): string[] {
  const custom = env("EXFIT_CMD");
  if (custom) return splitWords(custom);
  return [
    Deno.execPath(),
    "run",
    `--v8-flags=${EXFIT_V8_FLAGS}`,
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-net",
    "--allow-run",
    `--config=${fromFileUrl(new URL("../deno.json", import.meta.url))}`,
    fromFileUrl(new URL("../src/cli/main.ts", import.meta.url)),
  ];
}

/**
 * Slurm's array syntax for task indices (`0-3,7,9-10`).
 *
 * @example
 * ```ts
 * arraySpec([0, 1, 2, 3, 7, 9, 10]); // "0-3,7,9-10"
 * ```
 */
export function arraySpec(indices: number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

async function slurmCommand(name: string, args: string[]): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(name, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (e) {
    throw new Error(`cannot run ${name} (is Slurm installed here?): ${(e as Error).message}`);
  }
  const stdout = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim();
    throw new Error(`${name} ${args.join(" ")} failed: ${err || `exit code ${out.code}`}`);
  }
  return stdout;
}

/**
 * Submit a job with `sbatch --parsable`; returns its id.
 *
 * @example
 * ```ts
 * const id = await sbatch(["--array=0-3", "--wrap=exfit work --run run"]);
 * ```
 */
export async function sbatch(args: string[]): Promise<string> {
  const out = await slurmCommand("sbatch", ["--parsable", ...args]);
  const id = out.split("\n").at(-1)!.split(";")[0].trim();
  if (!/^\d+$/.test(id)) throw new Error(`sbatch answered "${out}", expected a job id`);
  return id;
}

/** Job ids (array tasks as `<id>_<index>`) of these jobs still known to squeue. */
async function queued(ids: string[]): Promise<string[]> {
  try {
    const out = await slurmCommand("squeue", ["-h", "-o", "%i %T", "-j", ids.join(",")]);
    return out.split("\n").filter((l) => l.trim() !== "");
  } catch (e) {
    // Jobs purged from the controller's memory are finished.
    if (/Invalid job id/i.test((e as Error).message)) return [];
    throw e;
  }
}

/** Tasks of a round whose items all have a result file (cheap progress figure). */
function tasksDone(dir: string, round: number, tasks: number): number {
  let done = 0;
  for (let t = 0; t < tasks; t++) {
    const items = readTask(dir, round, t).items;
    if (
      items.every((it) => {
        try {
          return Deno.statSync(resultPath(`${dir}/results`, it.id)).isFile;
        } catch {
          return false;
        }
      })
    ) done++;
  }
  return done;
}

/**
 * Run a whole fit through Slurm job arrays (see the module documentation).
 *
 * @example
 * ```ts
 * await slurmFit({ runDir: "Output.run", outDir: "Output", load: () => loadInputs(options) });
 * ```
 */
export async function slurmFit(opts: SlurmFitOptions): Promise<void> {
  const log = opts.log ?? (() => {});
  const retries = opts.retries ?? 2;
  const pollMs = opts.pollMs ?? 1000;
  const command = opts.command ?? exfitCommand();
  const sbatchArgs = opts.sbatchArgs ?? [];
  const runDir = opts.runDir;
  const logs = `${runDir}/logs`;
  Deno.mkdirSync(logs, { recursive: true });
  const live = new Set<string>();
  const cancel = () => {
    if (live.size === 0) return;
    try {
      new Deno.Command("scancel", { args: [...live], stdout: "null", stderr: "null" }).outputSync();
    } catch { /* nothing to cancel with */ }
  };
  const onSignal = () => {
    log("interrupted: cancelling this run's jobs (run the same command again to resume)");
    cancel();
    Deno.exit(130);
  };
  for (const s of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(s, onSignal);
  try {
    for (;;) {
      const inputs = opts.load();
      const plan = await planRound(runDir, inputs, { maxTasks: opts.maxTasks });
      if (plan.tasks === 0) break;
      const step = inputs.steps[plan.step];
      const kinds = Object.entries(plan.kinds).map(([k, n]) => `${n} ${k}`).join(", ");
      log(
        `round ${plan.round} (step ${plan.step + 1} of ${inputs.steps.length}${
          step?.name ? `, ${step.name}` : ""
        }): ${plan.items} work items (${kinds}) in ${plan.tasks} array tasks` +
          (plan.again ? " (planned before, resumed)" : ""),
      );
      let indices = Array.from({ length: plan.tasks }, (_, i) => i);
      for (let attempt = 0;; attempt++) {
        // The user's options come after our defaults (a --job-name of theirs wins).
        const work = await sbatch([
          `--job-name=exfit-r${plan.round}`,
          `--output=${logs}/r${plan.round}-a${attempt}-%a.out`,
          ...sbatchArgs,
          `--array=${arraySpec(indices)}`,
          `--wrap=${shellQuote([...command, "work", "--run", runDir, "--round", `${plan.round}`])}`,
        ]);
        live.add(work);
        const mergeLog = `${logs}/r${plan.round}-a${attempt}-merge.out`;
        const merge = await sbatch([
          `--job-name=exfit-merge`,
          `--output=${mergeLog}`,
          ...sbatchArgs,
          `--dependency=afterany:${work}`,
          `--wrap=${shellQuote([...command, "merge", "--run", runDir, "-o", opts.outDir])}`,
        ]);
        live.add(merge);
        log(`submitted array job ${work} (tasks ${arraySpec(indices)}) and merge job ${merge}`);
        let shown = -1;
        while ((await queued([work, merge])).length > 0) {
          const done = tasksDone(runDir, plan.round, plan.tasks);
          if (done !== shown) {
            log(`round ${plan.round}: ${done} of ${plan.tasks} tasks done`);
            shown = done;
          }
          await new Promise((r) => setTimeout(r, pollMs));
        }
        live.delete(work);
        live.delete(merge);
        let mergeText = "";
        try {
          mergeText = Deno.readTextFileSync(mergeLog);
        } catch { /* the merge job never started */ }
        if (readRunState(runDir)!.rounds[plan.round - 1].merged) {
          for (const line of mergeText.split("\n")) {
            if (line.trim() !== "" && !line.startsWith("exfit:")) opts.print?.(line);
          }
          break;
        }
        const failed = await checkRound(runDir, plan.round);
        if (failed.length === 0) {
          throw new Error(
            `merge job ${merge} did not merge round ${plan.round} (see ${mergeLog}):\n` +
              mergeText.trim().split("\n").slice(-10).join("\n"),
          );
        }
        const names = failed.map((t) => {
          const p = t.problems[0];
          return `  task ${t.task} (${taskPath(runDir, plan.round, t.task)}): ${p.id}: ${
            p.problem === "missing" ? "no result" : p.problem
          }${t.error ? ` — ${t.error}` : ""}; log ${logs}/r${plan.round}-a${attempt}-${t.task}.out`;
        });
        if (attempt >= retries) {
          throw new Error(
            `round ${plan.round}: ${failed.length} array task(s) failed ${attempt + 1} times; ` +
              `stopping (run the same command again to retry them):\n${names.join("\n")}`,
          );
        }
        indices = failed.map((t) => t.task);
        log(
          `round ${plan.round}: ${failed.length} task(s) without valid results, submitting them ` +
            `again (${attempt + 1} of ${retries}):\n${names.join("\n")}`,
        );
      }
    }
  } catch (e) {
    cancel();
    throw e;
  } finally {
    for (const s of ["SIGINT", "SIGTERM"] as const) Deno.removeSignalListener(s, onSignal);
  }
}
