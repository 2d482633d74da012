/**
 * `exfit` command line: `fit` and `simulate` with ChemEx's options.
 *
 * Relative paths are the user's: under `deno task`, the working directory is the project's, so
 * we move back to the directory the task was started from (`INIT_CWD`).
 *
 * @module
 */
import { restoreTaskCwd } from "./_cwd.ts";
import { Command, Option } from "commander";
import { modelHelp, parseModel } from "../models/model.ts";
import { KINETIC_MODELS } from "../models/registry.ts";
import { EXPERIMENT_NAMES } from "../experiments/registry.ts";
import { loadStudy } from "../io/load.ts";
import { readMethodFiles } from "../config/method.ts";
import { runSimulate, type StepOutput } from "../fit/run.ts";
import { fitWithWorkflow, type PlacementOptions, serveCommand } from "../../workflows/cli.ts";
import type { StepSpec } from "../fit/step.ts";
import { writeTreeAtomically } from "../output/atomic.ts";
import { discardRun, hasStagedOutput, openRunStaging, publishRun } from "../output/run_staging.ts";
import { formatCpmgExp, formatCpmgFit } from "../plot/cpmg.ts";
import { createProgress } from "./progress.ts";

interface CommonOptions {
  experiments: string[];
  parameters: string[];
  model: string;
  output?: string;
  plot: "nothing" | "normal" | "all";
  include?: string[];
  exclude?: string[];
  seed: string;
}

async function plotFiles(out: StepOutput, simulate: boolean): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  if (out.figures?.size) {
    const { renderVegaLiteSvg } = await import("../plot/svg.ts");
    for (const [path, spec] of out.figures) files.set(path, await renderVegaLiteSvg(spec));
  }
  if (out.cestPlots?.size) {
    const { renderCestSvg } = await import("../plot/cest_svg.ts");
    const { formatCestExp, formatCestFit } = await import("../plot/cest.ts");
    for (const [stem, data] of out.cestPlots) {
      files.set(`Plots/${stem}.svg`, await renderCestSvg(data, stem));
      if (simulate) files.set(`Plots/${stem}.sim`, formatCestFit(data));
      else {
        files.set(`Plots/${stem}.exp`, formatCestExp(data));
        files.set(`Plots/${stem}.fit`, formatCestFit(data));
      }
    }
  }
  if (out.decayPlots?.size || out.shiftPlots?.size) {
    const { renderVegaLiteSvg } = await import("../plot/svg.ts");
    const { decayFigureSpec, decaySideFiles } = await import("../plot/relaxation.ts");
    const { shiftFigureSpec } = await import("../plot/shift.ts");
    for (const [stem, panels] of out.decayPlots ?? []) {
      files.set(`Plots/${stem}.svg`, await renderVegaLiteSvg(decayFigureSpec(panels, stem)));
      for (const [path, text] of decaySideFiles(stem, panels, simulate)) files.set(path, text);
    }
    for (const [stem, points] of out.shiftPlots ?? []) {
      files.set(`Plots/${stem}.svg`, await renderVegaLiteSvg(shiftFigureSpec(points, stem)));
    }
  }
  if (out.plots.size === 0) return files;
  const { renderCpmgSvg } = await import("../plot/cpmg_svg.ts");
  for (const [stem, data] of out.plots) {
    files.set(`Plots/${stem}.svg`, await renderCpmgSvg(data, stem));
    if (simulate) files.set(`Plots/${stem}.sim`, formatCpmgFit(data));
    else {
      files.set(`Plots/${stem}.exp`, formatCpmgExp(data));
      files.set(`Plots/${stem}.fit`, formatCpmgFit(data));
    }
  }
  return files;
}

/** Write one step's files under outDir (or outDir/step), replacing what that step wrote before. */
async function writeStep(outDir: string, out: StepOutput, simulate: boolean): Promise<void> {
  const files = new Map([...out.files, ...(await plotFiles(out, simulate))]);
  const prefix = out.name ? `${out.name}/` : "";
  const prefixed = new Map([...files].map(([k, v]) => [prefix + k, v]));
  const replace = out.name
    ? [out.name]
    : ["Parameters", "Data", "Plots", "Grid", "Statistics"].filter((d) =>
      [...files.keys()].some((k) => k.startsWith(d))
    );
  writeTreeAtomically(outDir, prefixed, { replaceSubdirs: replace });
}

function steps(paths: string[] | undefined): StepSpec[] {
  if (!paths || paths.length === 0) {
    return [{ name: "", fit: [], fix: [], constraints: [] }];
  }
  const read = readMethodFiles(paths);
  for (const s of read) {
    if (s.fitmethodWarning) console.error(`exfit: warning: ${s.fitmethodWarning}`);
  }
  return read.map((s) => ({
    name: read.length === 1 ? "" : s.name,
    include: s.include,
    exclude: s.exclude,
    fit: s.fit,
    fix: s.fix,
    constraints: s.constraints,
    grid: s.grid,
    statistics: s.statistics,
    origin: { file: s.file, step: s.name },
  }));
}

function addCommon(cmd: Command, defaultOut: string): Command {
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
    .option("--include <ids...>", "only these spin systems (e.g. 15 G23N)")
    .option("--exclude <ids...>", "leave out these spin systems")
    .option("--seed <n>", "root seed for anything random (plot error bars, statistics)", "0")
    .addHelpText(
      "after",
      `\nKinetic models (-d), with their parameters (defaults; * = fitted by default):\n${modelHelp()}`,
    );
}

/**
 * Build the program (exported for tests).
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(["node", "exfit", "fit", "-e", "a.toml", "-p", "p.toml"]);
 * ```
 */
export function buildProgram(): Command {
  const program = new Command("exfit")
    .description(
      "Fit NMR chemical-exchange data (CPMG, CEST, relaxation, shifts) with ChemEx's files.\n" +
        `Experiments: ${EXPERIMENT_NAMES.join(", ")}`,
    )
    .showHelpAfterError();
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
    .option("--resume", "continue a killed run from <output>/.exfit/checkpoint.json")
    .action(async (o: CommonOptions & { method?: string[] } & PlacementOptions) => {
      const model = parseModel(o.model);
      const methodSteps = steps(o.method);
      const loaded = loadStudy({
        experiments: o.experiments,
        parameters: o.parameters,
        model,
        include: o.include,
        exclude: o.exclude,
      });
      for (const n of loaded.notices) console.error(`exfit: ${n}`);
      const t0 = performance.now();
      // Every step goes to a staging folder; the output is replaced once all have finished.
      const staging = openRunStaging(o.output!, Boolean(o.resume));
      const run = {
        plot: o.plot !== "nothing",
        seed: Number(o.seed),
        outDir: staging.stageDir,
        progress: createProgress(),
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
        await writeStep(staging.stageDir, out, false);
      };
      await fitWithWorkflow(loaded, methodSteps, o, run, report);
      if (hasStagedOutput(staging)) publishRun(staging);
      else discardRun(staging);
      console.log(`done in ${((performance.now() - t0) / 1000).toFixed(2)} s -> ${o.output}`);
    });
  addCommon(
    program.command("simulate").description("simulate profiles from parameters (noise-free)"),
    "./OutputSim",
  ).action(async (o: CommonOptions) => {
    const model = parseModel(o.model);
    const loaded = loadStudy({
      experiments: o.experiments,
      parameters: o.parameters,
      model,
      include: o.include,
      exclude: o.exclude,
    });
    const out = runSimulate(loaded.study, loaded.store, {
      plot: o.plot !== "nothing",
      seed: Number(o.seed),
    });
    await writeStep(o.output!, out, true);
    console.log(`simulated ${loaded.study.profiles.length} profiles -> ${o.output}`);
  });
  program.command("serve")
    .description("serve the fitting functions over HTTP for `fit --endpoints` (docs/workflows.md)")
    .option("--port <n>", "port to listen on (0: any free port)", "8787")
    .option("--hostname <address>", "address to listen on", "127.0.0.1")
    .option("--max-body <bytes>", "largest request body accepted")
    .option("--concurrency <n>", "work items run at once, each in its own worker", "2")
    .option("--queue <n>", "work items waiting for a worker before requests get 503", "32")
    .option("--work-time <seconds>", "longest run of one work item (then 503)", "60")
    .action(serveCommand);
  return program;
}

/**
 * Run the CLI; returns the exit code (1 on any user-facing error, with one clear message).
 *
 * @example
 * ```ts
 * Deno.exit(await main(Deno.args));
 * ```
 */
export async function main(args: string[]): Promise<number> {
  try {
    await buildProgram().exitOverride().parseAsync(args, { from: "user" });
    return 0;
  } catch (e) {
    const err = e as Error & { code?: string; exitCode?: number };
    if (err.code?.startsWith("commander.")) {
      return err.code === "commander.helpDisplayed" || err.code === "commander.version"
        ? 0
        : (err.exitCode ?? 1);
    }
    console.error(`exfit: error: ${err.message}`);
    if (Deno.env.get("EXFIT_DEBUG")) console.error(err.stack);
    return 1;
  }
}

if (import.meta.main) {
  restoreTaskCwd();
  Deno.exit(await main(Deno.args));
}
