/**
 * `exfit fit` and `exfit simulate`: their options (shared with `plan`), the actions, and how a
 * step's files are written. Loaded only when one of these commands (or one that borrows from
 * them: plan, merge, reprocess, compare) runs or shows its help, so that `exfit --help` stays
 * light (`src/cli/main.ts`).
 *
 * @module
 */
import { JACOBIAN_MODES } from "../fit/jacobian.ts";
import { type Command, Option } from "./command.ts";
import { modelHelp, parseModel } from "../models/model.ts";
import { KINETIC_MODELS } from "../models/registry.ts";
import { loadStudy } from "../io/load.ts";
import { planToSteps } from "./method_steps.ts";
import type { StepOutput } from "../run/run.ts";
import {
  fitWithWorkflow,
  type PlacementOptions,
  simulateWithPlacement,
} from "../../workflows/cli.ts";
import type { StepSpec } from "../fit/step.ts";
import { writeTreeAtomically } from "../output/atomic.ts";
import { discardRun, hasStagedOutput, openRunStaging, publishRun } from "../output/run_staging.ts";
import type { ReportStep } from "../report/html.ts";
import { createProgress } from "./progress.ts";
import { parseCompat } from "../config/compat.ts";
import { onInterrupt } from "./failure.ts";
import { RunInfoWriter } from "./run_info_writer.ts";
import { planMethod } from "../fit/roles.ts";
import { maxEvaluations } from "../fit/budget.ts";
import type { ClusterFitOptions } from "./cluster.ts";
import { lazyImport } from "../config/lazy_import.ts";

// Plotting (Vega, PDFKit) is loaded only by runs that plot.
type PlotFilesModule = typeof import("../report/plot_files.ts");
type RunReportModule = typeof import("../report/run_report.ts");
const PLOT_FILES = new URL("../report/plot_files.ts", import.meta.url);
const RUN_REPORT = new URL("../report/run_report.ts", import.meta.url);

/** Options of `fit` and `simulate` (and `plan`). */
export interface CommonOptions {
  experiments: string[];
  parameters: string[];
  model: string;
  output?: string;
  plot: "nothing" | "normal" | "all";
  smooth: boolean;
  include?: string[];
  exclude?: string[];
  seed: string;
  compat?: string;
}

function hasPlots(out: StepOutput): boolean {
  return Boolean(
    out.plots.size || out.figures?.size || out.cestPlots?.size || out.decayPlots?.size ||
      out.shiftPlots?.size || out.r1rhoPlots?.size,
  );
}

/**
 * Write one step's files under outDir (or outDir/step), replacing what that step wrote before;
 * returns the plot files (for the report).
 */
export async function writeStep(
  outDir: string,
  out: StepOutput,
  simulate: boolean,
  smooth: boolean,
): Promise<Map<string, string | Uint8Array>> {
  const plotted = hasPlots(out)
    ? await (await lazyImport<PlotFilesModule>(PLOT_FILES)).plotFiles(out, { simulate, smooth })
    : new Map<string, string | Uint8Array>();
  const files = new Map<string, string | Uint8Array>([...out.files, ...plotted]);
  const prefix = out.name ? `${out.name}/` : "";
  const prefixed = new Map([...files].map(([k, v]) => [prefix + k, v]));
  const replace = out.name
    ? [out.name]
    : ["Parameters", "Data", "Plots", "Grid", "Statistics", "Basins"].filter((d) =>
      [...files.keys()].some((k) => k.startsWith(d))
    );
  writeTreeAtomically(outDir, prefixed, { replaceSubdirs: replace });
  return plotted;
}

/** The command line as typed (for the report), e.g. "exfit fit -e a.toml -p p.toml". */
function commandLine(cmd: Command): string {
  const args = cmd.parent?.args.length ? cmd.parent.args : [cmd.name(), ...cmd.args];
  return ["exfit", ...args].map((a) => /^[\w.\/=:@+-]+$/.test(a) ? a : JSON.stringify(a)).join(" ");
}

/**
 * The method's steps; the v1 deprecation line and FITMETHOD warnings go to `deferred` when given
 * (printed once the run is valid, so that a failing run prints only its error), else to stderr.
 */
export function steps(paths: string[] | undefined, deferred?: string[]): StepSpec[] {
  const { steps, notices, deprecation } = planToSteps(paths);
  const lines = [
    ...(deprecation ? [`exfit: deprecated: ${deprecation}`] : []),
    ...notices.map((n) => `exfit: warning: ${n}`),
  ];
  if (deferred) deferred.push(...lines);
  else for (const line of lines) console.error(line);
  return steps;
}

/** `fit` options of the solver (issue 10). */
interface SolverOptions {
  multistart?: string;
  xScale: "jac" | "start";
  maxEvaluations?: string;
}

/** Steps with `--x-scale` and `--multistart` applied (a step's own MULTISTART wins). */
function withSolverOptions(list: StepSpec[], o: SolverOptions): StepSpec[] {
  let multistart: number | undefined;
  if (o.multistart !== undefined) {
    multistart = Number(o.multistart);
    if (!Number.isInteger(multistart) || multistart < 0) {
      throw new Error(`--multistart: expected a whole number ≥ 0, got "${o.multistart}"`);
    }
  }
  const budget = maxEvaluations(o.maxEvaluations);
  return list.map((s) => ({
    ...s,
    ...(o.xScale === "start" ? { xScale: o.xScale } : {}),
    ...(s.multistart === undefined && multistart !== undefined ? { multistart } : {}),
    ...budget,
  }));
}

export function addCommon(cmd: Command, defaultOut: string): Command {
  return cmd
    .requiredOption("-e, --experiments <files...>", "experiment files (TOML)")
    .requiredOption("-p, --parameters <files...>", "parameter files (TOML)")
    .option(
      "-d, --model <name>",
      `kinetic model, with optional suffixes .rs (per-residue kinetics) .mf (model-free rates) ` +
        `.tc (temperature coefficients); models listed below (${
          Object.keys(KINETIC_MODELS).length
        } + aliases 3st_triangle, 2st_rs)`,
      "2st",
    )
    .option("-o, --output <dir>", "output directory", defaultOut)
    .addOption(
      new Option("--plot <level>", "plots to write").choices(["nothing", "normal", "all"])
        .default("normal"),
    )
    .option(
      "--no-smooth",
      "plot CPMG model curves as straight lines between allowed ncyc (no display interpolation)",
    )
    .option("--include <ids...>", "only these spin systems (e.g. 15 G23N)")
    .option("--exclude <ids...>", "leave out these spin systems")
    .option("--seed <n>", "root seed for anything random (plot error bars, statistics)", "0")
    .option(
      "--compat <release>",
      "reproduce ChemEx 2026.06 figures where 2026.09 changed them (statistics counts, " +
        "duplicates noise fallback): 2026.06 or 2026.09 (default)",
    )
    // Built when the help is shown: the catalogue builds every model (~10 ms of every start).
    .addHelpText(
      "after",
      () =>
        `\nKinetic models (-d), with their parameters (defaults; * = fitted by default):\n${modelHelp()}`,
    );
}

/** The study that `-e`, `-p`, `--include` and `--exclude` name, under `model`. */
function loadCommon(
  o: CommonOptions,
  model: ReturnType<typeof parseModel>,
  compat: ReturnType<typeof parseCompat>,
) {
  return loadStudy({
    experiments: o.experiments,
    parameters: o.parameters,
    model,
    include: o.include,
    exclude: o.exclude,
    compat,
  });
}

/** What `fit` is given. */
type FitOptions =
  & CommonOptions
  & { method?: string[]; jacobian?: string }
  & PlacementOptions
  & SolverOptions;

/** The shared pieces `plan`, `merge`, `reprocess` and `compare` borrow from `fit`. */
export const fitDeps = { addCommon, readSteps: steps, writeStep };

/** `exfit fit`: load, validate, run every step through the workflow, publish the output. */
async function runFit(o: FitOptions, cmd: Command, argv: readonly string[]): Promise<void> {
  // Only `--executor slurm` needs the run-folder machinery.
  if (o.executor === "slurm") {
    const { fitOnCluster } = await lazyImport<typeof import("./cluster.ts")>(
      new URL("./cluster.ts", import.meta.url),
    );
    if (await fitOnCluster(o as unknown as ClusterFitOptions, fitDeps)) return;
  }
  const compat = parseCompat(o.compat);
  const model = parseModel(o.model, compat);
  const methodNotes: string[] = [];
  const methodSteps = withSolverOptions(steps(o.method, methodNotes), o);
  const loaded = loadCommon(o, model, compat);
  for (const n of loaded.notices) console.error(`exfit: ${n}`);
  // Only a non-default mode is recorded: the default leaves the study (and its hash, which
  // checkpoints and plan/work/merge compare) as it was.
  const jacobian = JACOBIAN_MODES[o.jacobian ?? "exact"];
  if (jacobian !== "exact") loaded.study.jacobian = jacobian;
  // Every step is validated before anything (run_info/ included) is written; the run uses the
  // same program.
  const program = planMethod(loaded.store, loaded.study, methodSteps);
  for (const w of program.warnings) console.error(`exfit: warning: ${w}`);
  for (const line of methodNotes) console.error(line);
  // Every step (and run_info/) goes to a staging folder; the output is replaced only once
  // all steps have finished, so a killed run never leaves a mixture (issue 12).
  const staging = openRunStaging(o.output!, Boolean(o.resume));
  const runInfo = new RunInfoWriter({
    outDir: o.output!,
    writeDir: staging.stageDir,
    arguments: [...argv],
    model: o.model,
    include: o.include,
    exclude: o.exclude,
    workers: o.workers,
    compat,
    seed: o.seed,
    experiments: o.experiments,
    parameters: o.parameters,
    methods: o.method ?? [],
    steps: methodSteps,
  });
  await runInfo.start(loaded.store);
  // Ctrl-C: the completed steps become the output (all from this run, never mixed).
  const offInterrupt = onInterrupt(() => {
    runInfo.fail(new Error("interrupted (Ctrl-C)"));
    if (hasStagedOutput(staging)) publishRun(staging);
  });
  const t0 = performance.now();
  const run = {
    plot: o.plot !== "nothing",
    seed: Number(o.seed),
    outDir: staging.stageDir,
    progress: createProgress(),
    compat,
    program,
  };
  const report = async (out: StepOutput) => {
    for (const w of out.warnings ?? []) {
      console.error(`exfit: warning: ${out.name || "fit"}: ${w}`);
    }
    const s = out.result!.stats;
    console.log(
      `${out.name || "fit"}: ${out.result!.freeIds.length} free parameters, ` +
        `chi2 = ${s.chisqr.toPrecision(6)}, reduced chi2 = ${s.redchi.toPrecision(6)} ` +
        `(${out.result!.selected.filter((x) => x).length} profiles)`,
    );
    const plotted = await writeStep(staging.stageDir, out, false, o.smooth);
    runInfo.commit(loaded.store);
    if (run.plot) {
      reportSteps.push(
        (await lazyImport<RunReportModule>(RUN_REPORT)).reportStep(out, plotted, o.smooth),
      );
    }
  };
  const reportSteps: ReportStep[] = [];
  try {
    await fitWithWorkflow(loaded, methodSteps, o, run, report);
  } catch (e) {
    runInfo.fail(e as Error);
    throw e;
  }
  runInfo.finish();
  offInterrupt();
  // The report is staged with the steps: one publication for the whole run.
  const withReport = run.plot && reportSteps.length > 0;
  if (withReport) {
    const { writeRunReport } = await lazyImport<RunReportModule>(RUN_REPORT);
    writeRunReport(
      staging.stageDir,
      { title: "exfit fit", command: commandLine(cmd) },
      reportSteps,
    );
  }
  if (hasStagedOutput(staging)) publishRun(staging);
  else discardRun(staging);
  console.log(`done in ${((performance.now() - t0) / 1000).toFixed(2)} s -> ${o.output}`);
  if (withReport) console.log(`report: ${o.output!.replace(/\/+$/, "")}/report.html`);
}

/**
 * `exfit simulate`: noise-free profiles from the parameters, with plots and a report; in this
 * process or as `simulate` work items on an executor (`workflows/simulate.ts`).
 */
async function runSimulate(o: CommonOptions & PlacementOptions, cmd: Command): Promise<void> {
  const compat = parseCompat(o.compat);
  const loaded = loadCommon(o, parseModel(o.model, compat), compat);
  const out = await simulateWithPlacement(loaded, o, {
    plot: o.plot !== "nothing",
    seed: Number(o.seed),
  });
  // Staged and published as a whole, as a fit: the output is this simulation's own.
  const staging = openRunStaging(o.output!, false);
  const plotted = await writeStep(staging.stageDir, out, true, o.smooth);
  if (o.plot !== "nothing") {
    const { reportStep, writeRunReport } = await lazyImport<RunReportModule>(RUN_REPORT);
    writeRunReport(
      staging.stageDir,
      { title: "exfit simulate", command: commandLine(cmd) },
      [reportStep(out, plotted, o.smooth)],
    );
  }
  publishRun(staging);
  console.log(`simulated ${loaded.study.profiles.length} profiles -> ${o.output}`);
  if (o.plot !== "nothing") console.log(`report: ${o.output!.replace(/\/+$/, "")}/report.html`);
}

/**
 * Register `fit` and `simulate` on the program; `argv` is recorded in `run_info/`.
 *
 * @example
 * ```ts
 * registerFitCommands(program, Deno.args);
 * ```
 */
export function registerFitCommands(program: Command, argv: readonly string[]): void {
  addCommon(
    program.command("fit").description("fit experiments to a kinetic model"),
    "./Output",
  )
    .option("-m, --method <files...>", "method files (TOML): the fitting steps")
    .option("--workers <n>", 'worker threads for the fits: a number or "auto" (0: none)', "auto")
    .option("--endpoints <urls>", "comma-separated function URLs (exfit serve) to run fits on")
    .option("--timeout <seconds>", "with --endpoints: time limit of one attempt", "120")
    .option("--retries <n>", "with --endpoints: attempts after the first for a work item", "6")
    .option("--chunk-size <n>", "largest profiles per work item of a coupled (global) fit", "32")
    .option(
      "--time-limit <duration>",
      "stop the fit after this long (90, 30m, 2h), publishing nothing; --resume continues",
    )
    .option(
      "--max-evaluations <n>",
      "solver evaluations per group fit (default 2000); a fit that reaches it is reported",
    )
    .option("--resume", "continue a killed run from <output>/.exfit/checkpoint.json")
    .addOption(
      new Option("--executor <kind>", "where work runs (docs/cluster.md)").choices(
        ["local", "slurm", "srun", "queue"],
      ).default("local"),
    )
    .option("--queue <url>", "NATS JetStream server of --executor queue (nats://HOST:PORT)")
    .option("--slurm-opts <options>", "extra sbatch options for --executor slurm")
    .option("--run <dir>", "run folder of --executor slurm (default: <output>.run)")
    .option("--max-tasks <n>", "most array tasks per round of --executor slurm", "64")
    .addOption(
      new Option(
        "--jacobian <how>",
        "Jacobians: exact derivatives where the experiment has them, else forward differences; " +
          "fd (forward differences, as ChemEx) or cd (central) everywhere, for checking",
      ).choices(Object.keys(JACOBIAN_MODES)).default("exact"),
    )
    .option(
      "--multistart <n>",
      "basin search with n seeded starts after every group fit " +
        "(0: never; default: only when the fit's diagnostics ask; MULTISTART per step wins)",
    )
    .addOption(
      new Option(
        "--x-scale <policy>",
        'TRF variable scaling: "jac" (SciPy/ChemEx 2026.09) or ' +
          '"start" (max(1, |x0|), ChemEx 2026.06.1)',
      ).choices(["jac", "start"]).default("jac"),
    )
    .action((o: FitOptions, cmd: Command) => runFit(o, cmd, argv));
  addCommon(
    program.command("simulate").description("simulate profiles from parameters (noise-free)"),
    "./OutputSim",
  )
    .option(
      "--workers <n>",
      'worker threads: a number or "auto" (0 or auto: in this process)',
      "auto",
    )
    .option("--endpoints <urls>", "comma-separated function URLs (exfit serve) to simulate on")
    .option("--timeout <seconds>", "with --endpoints: time limit of one attempt", "120")
    .option("--retries <n>", "with --endpoints: attempts after the first for a work item", "6")
    .option("--chunk-size <n>", "largest profiles per work item", "32")
    .addOption(
      new Option("--executor <kind>", "where work runs (docs/workflows.md, docs/queue.md)").choices(
        ["local", "srun", "queue"],
      ).default("local"),
    )
    .option("--queue <url>", "NATS JetStream server of --executor queue (nats://HOST:PORT)")
    .action(runSimulate);
}
