/**
 * Cluster commands: `exfit plan`, `exfit work`, `exfit merge` (work on disk, round by round:
 * `workflows/run_folder.ts`) and `exfit fit --executor slurm` (`workflows/slurm.ts`). The fit
 * options given to `plan` are saved in the run folder (`run.json`), so `work` and `merge` need
 * only `--run`.
 *
 * @module
 */
import { resolve } from "../config/paths.ts";
import { type Command, Option } from "./command.ts";
import { JACOBIAN_MODES } from "../fit/jacobian.ts";
import { loadStudy } from "../io/load.ts";
import { parseModel } from "../models/model.ts";
import { parseCompat } from "../config/compat.ts";
import type { StepOutput } from "../run/run.ts";
import type { StepSpec } from "../fit/step.ts";
import { arrayIndex } from "../../workflows/array_index.ts";
import type { ReplayInputs } from "../../workflows/replay.ts";
import type { StepFileDeps } from "../../workflows/reprocess.ts";
import { mergeRun, planRound, readRunState, workTask } from "../../workflows/run_folder.ts";
import { slurmFit, splitWords } from "../../workflows/slurm.ts";
import { maxEvaluations } from "../fit/budget.ts";

/**
 * What the cluster commands borrow from `main.ts` (so that they write exactly what `fit` does);
 * writing a step returns the plot files it rendered, for the report.
 */
export interface ClusterDeps extends StepFileDeps<Map<string, string | Uint8Array>> {
  addCommon: (cmd: Command, defaultOut: string) => Command;
}

/**
 * The fit options a run folder keeps (`run.json`): paths as given, relative to `cwd` (so that the
 * inputs hash, which names the files, is that of a local run started from the same folder).
 */
export interface FitArgs {
  cwd: string;
  experiments: string[];
  parameters: string[];
  method?: string[];
  model: string;
  include?: string[];
  exclude?: string[];
  seed: number;
  plot: boolean;
  smooth: boolean;
  jacobian: string;
  chunkSize: number;
  output: string;
  /** `--compat`, `--x-scale`, `--multistart`, `--max-evaluations` when given. */
  compat?: string;
  xScale?: string;
  multistart?: string;
  maxEvaluations?: string;
}

/** `fit`/`plan` options as commander gives them. */
interface FitCliOptions {
  experiments: string[];
  parameters: string[];
  method?: string[];
  model: string;
  include?: string[];
  exclude?: string[];
  seed: string;
  plot: string;
  smooth?: boolean;
  jacobian?: string;
  chunkSize?: string;
  output?: string;
  compat?: string;
  xScale?: string;
  multistart?: string;
  maxEvaluations?: string;
}

function positiveInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${option}: expected a whole number ≥ 1, got "${text}"`);
  }
  return n;
}

/** Normalised fit options (absolute paths, numbers). */
export function fitArgsOf(o: FitCliOptions): FitArgs {
  const seed = Number(o.seed);
  if (!Number.isFinite(seed)) throw new Error(`--seed: expected a number, got "${o.seed}"`);
  return {
    cwd: Deno.cwd(),
    experiments: o.experiments,
    parameters: o.parameters,
    ...(o.method?.length ? { method: o.method } : {}),
    model: o.model,
    ...(o.include?.length ? { include: o.include } : {}),
    ...(o.exclude?.length ? { exclude: o.exclude } : {}),
    seed,
    plot: o.plot !== "nothing",
    smooth: o.smooth !== false,
    jacobian: o.jacobian ?? "exact",
    chunkSize: positiveInt(o.chunkSize ?? "32", "--chunk-size"),
    output: resolve(o.output ?? "Output"),
    ...(o.compat !== undefined ? { compat: o.compat } : {}),
    ...(o.xScale !== undefined && o.xScale !== "jac" ? { xScale: o.xScale } : {}),
    ...(o.multistart !== undefined ? { multistart: o.multistart } : {}),
    ...(o.maxEvaluations !== undefined ? { maxEvaluations: o.maxEvaluations } : {}),
  };
}

const runJson = (dir: string) => `${dir}/run.json`;

function readFitArgs(dir: string): FitArgs {
  try {
    return JSON.parse(Deno.readTextFileSync(runJson(dir))).options as FitArgs;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`${dir} is not a run folder (no run.json): run exfit plan first`);
    }
    throw new Error(`${runJson(dir)}: ${(e as Error).message}`);
  }
}

/** Save the options in a new run folder, or check they are those it was planned with. */
function saveFitArgs(dir: string, args: FitArgs): void {
  let saved: FitArgs | null = null;
  try {
    saved = readFitArgs(dir);
  } catch { /* new folder */ }
  if (saved) {
    const differ = (Object.keys({ ...saved, ...args }) as (keyof FitArgs)[])
      .filter((k) => k !== "output" && JSON.stringify(saved![k]) !== JSON.stringify(args[k]));
    if (differ.length) {
      throw new Error(
        `${runJson(dir)} was planned with other options (${differ.join(", ")}); use a new --run ` +
          `folder or the same options`,
      );
    }
    return;
  }
  Deno.mkdirSync(dir, { recursive: true });
  const tmp = `${runJson(dir)}.${crypto.randomUUID()}.tmp`;
  Deno.writeTextFileSync(tmp, JSON.stringify({ version: 1, options: args }, null, 2) + "\n");
  Deno.renameSync(tmp, runJson(dir));
}

/** Load the study and method the options name (from the folder plan was started in). */
function loadInputs(args: FitArgs, deps: ClusterDeps, quiet = true): ReplayInputs {
  if (resolve(Deno.cwd()) !== resolve(args.cwd)) Deno.chdir(args.cwd);
  const compat = parseCompat(args.compat);
  const loaded = loadStudy({
    experiments: args.experiments,
    parameters: args.parameters,
    model: parseModel(args.model, compat),
    include: args.include,
    exclude: args.exclude,
    compat,
  });
  if (!quiet) { for (const n of loaded.notices) console.error(`exfit: ${n}`); }
  // As exfit fit: only a non-default mode is recorded (it is part of the inputs hash).
  const jacobian = JACOBIAN_MODES[args.jacobian];
  if (!jacobian) throw new Error(`--jacobian: unknown mode "${args.jacobian}"`);
  if (jacobian !== "exact") loaded.study.jacobian = jacobian;
  return {
    study: loaded.study,
    store: loaded.store,
    steps: withSolverOptions(deps.readSteps(args.method), args),
    plot: args.plot,
    seed: args.seed,
    chunkProfiles: args.chunkSize,
    compat,
  };
}

/** `--x-scale` and `--multistart` applied to the steps as `exfit fit` applies them. */
function withSolverOptions(steps: StepSpec[], args: FitArgs): StepSpec[] {
  let multistart: number | undefined;
  if (args.multistart !== undefined) {
    multistart = Number(args.multistart);
    if (!Number.isInteger(multistart) || multistart < 0) {
      throw new Error(`--multistart: expected a whole number ≥ 0, got "${args.multistart}"`);
    }
  }
  const budget = maxEvaluations(args.maxEvaluations);
  return steps.map((s) => ({
    ...s,
    ...(args.xScale === "start" ? { xScale: "start" as const } : {}),
    ...(s.multistart === undefined && multistart !== undefined ? { multistart } : {}),
    ...budget,
  }));
}

/** The per-step report `exfit fit` prints, then the step's files. */
async function reportAndWrite(
  deps: ClusterDeps,
  args: FitArgs,
  outDir: string,
  out: StepOutput,
): Promise<void> {
  for (const w of out.warnings ?? []) console.error(`exfit: warning: ${out.name || "fit"}: ${w}`);
  const s = out.result!.stats;
  console.log(
    `${out.name || "fit"}: ${out.result!.freeIds.length} free parameters, ` +
      `chi2 = ${s.chisqr.toPrecision(6)}, reduced chi2 = ${s.redchi.toPrecision(6)} ` +
      `(${out.result!.selected.filter((x) => x).length} profiles)`,
  );
  await deps.writeStep(outDir, out, false, args.smooth);
}

/** Every file of a step's folder in the output, by path inside the step (what it rendered). */
function stepFilesOnDisk(outDir: string, name: string): Map<string, string> {
  const files = new Map<string, string>();
  const root = name ? `${outDir}/${name}` : outDir;
  const walk = (rel: string) => {
    for (const e of Deno.readDirSync(rel ? `${root}/${rel}` : root)) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory && !path.startsWith(".")) walk(path);
      else if (e.isFile && e.name.endsWith(".svg")) {
        files.set(path, Deno.readTextFileSync(`${root}/${path}`));
      }
    }
  };
  walk("");
  return files;
}

/**
 * `report.html` of a completed run, as `exfit fit` writes it (figures read back from disk), into
 * `intoDir` (the staging folder of `outDir`).
 */
async function writeReport(
  args: FitArgs,
  outDir: string,
  outputs: StepOutput[],
  intoDir: string,
): Promise<string> {
  const { reportStep, writeRunReport } = await import("../report/run_report.ts");
  const steps = outputs.map((out) =>
    reportStep(out, stepFilesOnDisk(intoDir, out.name), args.smooth)
  );
  const command = [
    "exfit",
    "fit",
    "-e",
    ...args.experiments,
    "-p",
    ...args.parameters,
    ...(args.method ? ["-m", ...args.method] : []),
    "-o",
    outDir,
  ].map((a) => /^[\w.\/=:@+-]+$/.test(a) ? a : JSON.stringify(a)).join(" ");
  return writeRunReport(intoDir, { title: "exfit fit", command }, steps);
}

/**
 * Register `plan`, `work` and `merge`.
 *
 * @example
 * ```ts
 * registerClusterCommands(program, { addCommon, readSteps, writeStep });
 * ```
 */
export function registerClusterCommands(program: Command, deps: ClusterDeps): void {
  deps.addCommon(
    program.command("plan").description(
      "plan the next round of work items of a fit into a run folder; prints the number of " +
        "array tasks N last (0: the run is complete)",
    ),
    "./Output",
  )
    .option("-m, --method <files...>", "method files (TOML): the fitting steps")
    .option("--chunk-size <n>", "largest profiles per work item of a coupled (global) fit", "32")
    .requiredOption("--run <dir>", "run folder (on a filesystem every node sees)")
    .option("--max-tasks <n>", "most array tasks per round (work items are batched)", "64")
    .option("--max-evaluations <n>", "solver evaluations per group fit, as for exfit fit")
    .addOption(
      new Option("--jacobian <how>", "Jacobians, as for exfit fit").choices(
        Object.keys(JACOBIAN_MODES),
      ).default("exact"),
    )
    .action(async (o: FitCliOptions & { run: string; maxTasks: string }) => {
      const run = resolve(o.run);
      const args = fitArgsOf(o);
      saveFitArgs(run, args);
      const inputs = loadInputs(args, deps, false);
      const plan = await planRound(run, inputs, {
        maxTasks: positiveInt(o.maxTasks, "--max-tasks"),
      });
      if (plan.tasks === 0) {
        const state = readRunState(run);
        const written = state?.written?.steps ?? 0;
        console.log(
          written >= inputs.steps.length
            ? `run complete: every step is merged into ${state!.written!.out}`
            : `every work item has a result: exfit merge --run ${o.run} -o OUT writes the steps`,
        );
      } else {
        const kinds = Object.entries(plan.kinds).map(([k, n]) => `${n} ${k}`).join(", ");
        const step = inputs.steps[plan.step];
        console.log(
          `round ${plan.round}${plan.again ? " (planned before, not merged yet)" : ""}: step ` +
            `${plan.step + 1} of ${inputs.steps.length}${step?.name ? ` (${step.name})` : ""}, ` +
            `${plan.items} work items (${kinds}) in ${plan.tasks} tasks`,
        );
      }
      console.log(String(plan.tasks));
    });
  program.command("work")
    .description(
      "run one array task of a planned round (index from --index, SLURM_ARRAY_TASK_ID, " +
        "JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or CLOUD_RUN_TASK_INDEX)",
    )
    .requiredOption("--run <dir>", "run folder")
    .option("--index <i>", "task index (default: from the array engine's variable)")
    .option("--round <r>", "round number (default: the last planned)")
    .action(async (o: { run: string; index?: string; round?: string }) => {
      const { index } = arrayIndex(o.index);
      const round = o.round === undefined ? undefined : positiveInt(o.round, "--round");
      await workTask(o.run, index, { round, log: (m) => console.log(m) });
    });
  program.command("merge")
    .description(
      "check every task's results of the last round and write the completed steps into the " +
        "output folder",
    )
    .requiredOption("--run <dir>", "run folder")
    .option("-o, --output <dir>", "output folder (default: the one given to plan)")
    .action(async (o: { run: string; output?: string }) => {
      const run = resolve(o.run);
      const args = readFitArgs(run);
      const outDir = resolve(o.output ?? args.output);
      const inputs = loadInputs(args, deps);
      const res = await mergeRun(
        run,
        inputs,
        outDir,
        (out, intoDir) => reportAndWrite(deps, args, intoDir, out),
        async (intoDir, outputs) => {
          if (args.plot && outputs.length > 0) await writeReport(args, outDir, outputs, intoDir);
        },
      );
      const n = inputs.steps.length;
      if (res.complete && args.plot && res.outputs.length > 0) {
        console.log(`report: ${outDir}/report.html`);
      }
      console.log(
        res.complete
          ? `run complete -> ${outDir}`
          : `${res.round ? `merged round ${res.round}; ` : ""}${res.completedSteps} of ${n} ` +
            `steps complete in ${res.stageDir} (${outDir} is replaced when all are); ` +
            "plan the next round",
      );
    });
}

/** `fit` options of the cluster executors. */
export interface ClusterFitOptions extends FitCliOptions {
  executor?: string;
  slurmOpts?: string;
  run?: string;
  maxTasks?: string;
  timeLimit?: string;
}

/**
 * `exfit fit --executor slurm`: the whole method through job arrays; false for the other
 * executors (the caller runs them).
 *
 * @example
 * ```ts
 * if (await fitOnCluster(o, deps)) return;
 * ```
 */
export async function fitOnCluster(o: ClusterFitOptions, deps: ClusterDeps): Promise<boolean> {
  if (o.executor !== "slurm") return false;
  if (o.timeLimit !== undefined) {
    // Array tasks run under Slurm's own clock: a limit here would bound only the waiting.
    throw new Error(
      '--time-limit does not apply to --executor slurm: give Slurm its limit, e.g. --slurm-opts "--time=30"',
    );
  }
  const args = fitArgsOf(o);
  const runDir = resolve(o.run ?? `${args.output}.run`);
  saveFitArgs(runDir, args);
  const t0 = performance.now();
  await slurmFit({
    runDir,
    outDir: args.output,
    load: () => loadInputs(args, deps),
    maxTasks: o.maxTasks === undefined ? undefined : positiveInt(o.maxTasks, "--max-tasks"),
    sbatchArgs: o.slurmOpts ? splitWords(o.slurmOpts) : [],
    log: (m) => console.error(`exfit: ${m}`),
    print: (line) => console.log(line),
  });
  console.log(`done in ${((performance.now() - t0) / 1000).toFixed(2)} s -> ${o.output}`);
  return true;
}
