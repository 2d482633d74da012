/**
 * `exfit compare`: fit one study under several kinetic models (`-d 2st 3st_linear …`) or several
 * method files (`-m a.toml b.toml`, one candidate each), through the same executors as `fit`, and
 * tabulate χ², reduced χ², AIC, AICc, BIC, the preferred model and the evidence ratio globally,
 * per cluster and per residue: `compare.txt`, `compare.toml` and `report.html` under `-o`, each
 * candidate's fitted parameters under `-o/<candidate>/`.
 *
 * @module
 */
import { type Command, Option } from "./command.ts";
import { basename, extname, join } from "../config/paths.ts";
import type { StepSpec } from "../fit/step.ts";
import type { StepOutput } from "../run/run.ts";
import type { PlacementOptions } from "../../workflows/cli.ts";

/** Options of the command. */
export interface CompareOptions extends PlacementOptions {
  experiments: string[];
  parameters: string[];
  model: string[];
  method?: string[];
  output: string;
  include?: string[];
  exclude?: string[];
  seed: string;
  plot: "nothing" | "normal" | "all";
}

/** A candidate: its label, model and steps. */
interface Candidate {
  label: string;
  model: string;
  steps: StepSpec[];
}

function candidates(o: CompareOptions, stepsOf: (paths?: string[]) => StepSpec[]): Candidate[] {
  if (o.model.length > 1) {
    if (new Set(o.model).size !== o.model.length) {
      throw new Error(`-d names a model twice: ${o.model.join(" ")}`);
    }
    const steps = stepsOf(o.method);
    return o.model.map((model) => ({ label: model, model, steps }));
  }
  if ((o.method?.length ?? 0) > 1) {
    const stems = o.method!.map((p) => basename(p, extname(p)));
    return o.method!.map((path, k) => ({
      label: stems.filter((s) => s === stems[k]).length > 1 ? `${stems[k]}_${k + 1}` : stems[k],
      model: o.model[0],
      steps: stepsOf([path]),
    }));
  }
  throw new Error(
    "compare needs at least two candidates: several models (-d 2st 3st_linear) or several " +
      "method files (-m a.toml b.toml)",
  );
}

/**
 * Run the comparison; returns the text table.
 *
 * @example
 * ```ts
 * await compareCommand({ experiments, parameters, model: ["2st", "3st_linear"], output: "Cmp", seed: "0", plot: "normal" }, steps);
 * ```
 */
export async function compareCommand(
  o: CompareOptions,
  stepsOf: (paths?: string[]) => StepSpec[],
  commandLine = "exfit compare",
): Promise<string> {
  const { parseModel } = await import("../models/model.ts");
  const { loadStudy } = await import("../io/load.ts");
  const { fitWithWorkflow } = await import("../../workflows/cli.ts");
  const { writeTreeAtomically } = await import("../output/atomic.ts");
  const { modelFit } = await import("../report/compare_fits.ts");
  const { compareModels, formatComparisonText, formatComparisonToml } = await import(
    "../report/compare.ts"
  );
  const list = candidates(o, stepsOf);
  const fits = [];
  const summaries: { label: string; out: StepOutput }[] = [];
  for (const c of list) {
    const loaded = loadStudy({
      experiments: o.experiments,
      parameters: o.parameters,
      model: parseModel(c.model),
      include: o.include,
      exclude: o.exclude,
    });
    for (const n of loaded.notices) console.error(`exfit: ${c.label}: ${n}`);
    let last: StepOutput | undefined;
    const dir = join(o.output, c.label);
    await fitWithWorkflow(
      loaded,
      c.steps,
      o,
      { plot: false, seed: Number(o.seed), outDir: dir },
      (out) => {
        last = out;
        const prefix = out.name ? `${out.name}/` : "";
        writeTreeAtomically(
          dir,
          new Map([...out.files].map(([k, v]) => [prefix + k, v])),
          { replaceSubdirs: out.name ? [out.name] : ["Parameters", "Data"] },
        );
        return Promise.resolve();
      },
    );
    if (!last?.result) throw new Error(`${c.label}: the fit produced no result`);
    const s = last.result.stats;
    console.log(
      `${c.label}: chi2 = ${s.chisqr.toPrecision(6)}, reduced chi2 = ${s.redchi.toPrecision(6)}, ` +
        `${last.result.freeIds.length} free parameters`,
    );
    fits.push(modelFit(c.label, loaded.study, loaded.store, last.result.selected));
    summaries.push({ label: c.label, out: last });
  }
  const rows = compareModels(fits);
  const text = formatComparisonText(rows);
  const files = new Map<string, string>([
    ["compare.txt", text],
    ["compare.toml", formatComparisonToml(rows)],
  ]);
  writeTreeAtomically(o.output, files);
  if (o.plot !== "nothing") {
    const { comparisonSection } = await import("../report/compare_html.ts");
    const { reportStep, writeRunReport } = await import("../report/run_report.ts");
    const steps = summaries.map(({ label, out }) => ({
      ...reportStep({ ...out, name: label }, new Map()),
    }));
    const path = writeRunReport(o.output, {
      title: "exfit compare",
      command: commandLine,
      sections: [comparisonSection(rows)],
    }, steps);
    console.log(`report: ${path}`);
  }
  return text;
}

/**
 * Register `compare` on the program; `stepsOf` reads method files as `fit` does.
 *
 * @example
 * ```ts
 * addCompareCommand(program, steps);
 * ```
 */
export function addCompareCommand(
  program: Command,
  stepsOf: (paths?: string[]) => StepSpec[],
): void {
  program.command("compare")
    .description(
      "fit the study under several models (or method files) and compare them by χ², AIC, AICc, BIC",
    )
    .requiredOption("-e, --experiments <files...>", "experiment files (TOML)")
    .requiredOption("-p, --parameters <files...>", "parameter files (TOML)")
    .option("-d, --model <names...>", "kinetic models to compare (e.g. 2st 3st_linear)", ["2st"])
    .option("-m, --method <files...>", "method files: steps for every model, or one candidate each")
    .option("-o, --output <dir>", "output directory", "./Compare")
    .addOption(
      new Option("--plot <level>", "nothing: no report.html").choices(["nothing", "normal", "all"])
        .default("normal"),
    )
    .option("--include <ids...>", "only these spin systems (e.g. 15 G23N)")
    .option("--exclude <ids...>", "leave out these spin systems")
    .option("--seed <n>", "root seed", "0")
    .option("--workers <n>", 'worker threads for the fits: a number or "auto" (0: none)', "auto")
    .option("--endpoints <urls>", "comma-separated function URLs (exfit serve) to run fits on")
    .option("--chunk-size <n>", "largest profiles per work item of a coupled (global) fit", "32")
    .action(async (o: CompareOptions, cmd: Command) => {
      console.log(
        await compareCommand(o, stepsOf, ["exfit", ...(cmd.parent?.args ?? [])].join(" ")),
      );
    });
}
