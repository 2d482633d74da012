/**
 * `exfit reprocess CATALOG.toml [--every "CRON"]`: refit the catalogue's studies whose inputs
 * changed (`workflows/reprocess.ts`), print the summary and write it beside the catalogue
 * (`reprocess-summary.txt`, `reprocess-summary.html`); with `--every`, do so on a schedule until
 * SIGINT/SIGTERM.
 *
 * @module
 */
import { dirname, resolve } from "../config/paths.ts";
import type { Command } from "./command.ts";
import type { StepSpec } from "../fit/step.ts";
import {
  exfitVersion,
  reprocessCatalog,
  type RunRecorder,
  type StepFileDeps,
} from "../../workflows/reprocess.ts";
import type { CatalogStudy } from "../../workflows/catalog.ts";
import type { ReportStep } from "../report/html.ts";
import { RunInfoWriter } from "./run_info_writer.ts";
import { summaryHtml, summaryText } from "../../workflows/reprocess_summary.ts";
import { type Clock, runEvery } from "../../workflows/schedule.ts";
import { untilStopped } from "./failure.ts";

/** What reprocessing borrows from `main.ts`. */
export type ReprocessCliDeps = StepFileDeps;

/**
 * The record of a refit into a history entry, as `exfit fit` keeps one: `run_info/` (inputs and
 * their checksums, each step's parameter state, the outcome) and `report.html`. Both say when and
 * how the entry was made (the catalogue, the time), like a fit's.
 *
 * @example
 * ```ts
 * const rec = historyRecorder("catalog.toml")(entry, study, steps);
 * ```
 */
export function historyRecorder(
  catalog: string,
): (entry: string, study: CatalogStudy, steps: StepSpec[]) => RunRecorder {
  return (entry, study, steps) => {
    const info = new RunInfoWriter({
      outDir: entry,
      arguments: ["reprocess", catalog],
      model: study.model,
      compat: "2026.09",
      seed: "0",
      experiments: study.experiments,
      parameters: study.parameters,
      methods: study.method,
      steps,
    });
    const report: ReportStep[] = [];
    return {
      start: (store) => info.start(store),
      async step(out, written, store) {
        info.commit(store);
        const { reportStep } = await import("../report/run_report.ts");
        report.push(reportStep(out, written as Map<string, string | Uint8Array>));
      },
      async finish() {
        info.finish();
        const { writeRunReport } = await import("../report/run_report.ts");
        writeRunReport(entry, {
          title: `exfit reprocess: ${study.name}`,
          command: `exfit reprocess ${catalog}`,
        }, report);
      },
      fail: (error) => info.fail(error),
    };
  };
}

/**
 * One reprocessing pass: refit, print and write the summary; the number of failed studies.
 *
 * @example
 * ```ts
 * const failed = await reprocessOnce("catalog.toml", deps);
 * ```
 */
export async function reprocessOnce(
  catalog: string,
  deps: ReprocessCliDeps,
  opts: { now?: () => Date; print?: (text: string) => void } = {},
): Promise<number> {
  const now = opts.now ?? (() => new Date());
  const started = now();
  const outcomes = await reprocessCatalog(catalog, {
    ...deps,
    recorder: historyRecorder(catalog),
    now,
    log: (m) => console.error(`exfit: ${m}`),
  });
  const version = await exfitVersion();
  const text = summaryText(outcomes, catalog, started, version);
  const dir = dirname(resolve(catalog));
  Deno.writeTextFileSync(`${dir}/reprocess-summary.txt`, text);
  Deno.writeTextFileSync(
    `${dir}/reprocess-summary.html`,
    await summaryHtml(outcomes, catalog, started, version),
  );
  (opts.print ?? ((t: string) => console.log(t.trimEnd())))(text);
  return outcomes.filter((o) => o.status === "failed").length;
}

/**
 * Register `exfit reprocess`.
 *
 * @example
 * ```ts
 * registerReprocessCommand(program, { readSteps, writeStep });
 * ```
 */
export function registerReprocessCommand(
  program: Command,
  deps: ReprocessCliDeps,
  clock?: Clock,
): void {
  program.command("reprocess")
    .description(
      "refit every study of a catalogue whose inputs changed, into <folder>/history/ " +
        "(docs/reprocess.md)",
    )
    .argument("<catalog>", "catalogue of studies (TOML)")
    .option("--every <cron>", 'run on a schedule until stopped, e.g. "0 2 * * *" (UTC)')
    .action(async (catalog: string, o: { every?: string }) => {
      const file = resolve(catalog);
      if (!o.every) {
        const failed = await reprocessOnce(file, deps);
        if (failed > 0) throw new Error(`${failed} of the catalogue's studies failed (see above)`);
        return;
      }
      const every = o.every;
      console.error(`exfit: reprocessing ${file} on the schedule "${every}" (UTC)`);
      await untilStopped((signal) =>
        runEvery(every, async () => {
          await reprocessOnce(file, deps, clock ? { now: () => clock.now() } : {});
        }, {
          clock,
          signal,
          onError: (e) => console.error(`exfit: error: ${e.message}`),
        })
      );
    });
}
