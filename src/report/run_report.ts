/**
 * The run's `report.html`: collects each step's output as it is written, then publishes the
 * report through the same atomic tree writer as the step files.
 *
 * @module
 */
import type { StepOutput } from "../run/run.ts";
import { writeTreeAtomically } from "../output/atomic.ts";
import {
  cestFigures,
  cpmgFigures,
  decayFigures,
  type ProfileFigure,
  r1rhoFigures,
  shiftFigure,
} from "./figures.ts";
import { type ParameterRow, stepParameterRows } from "./parameter_rows.ts";
import { paramSeries, paramSvg } from "./param_plot.ts";
import { parseParamName } from "../params/name.ts";
import { reportHtml, type ReportSection, type ReportStep } from "./html.ts";
import { join } from "../config/paths.ts";

/**
 * Profile figures of one step's plot data, experiment by experiment.
 *
 * @example
 * ```ts
 * const figs = stepFigures(out); // out: StepOutput of a run with plots
 * ```
 */
export function stepFigures(out: StepOutput, smooth = true): ProfileFigure[] {
  const figs: ProfileFigure[] = [];
  for (const [stem, data] of out.plots) figs.push(...cpmgFigures(stem, data, smooth));
  for (const [stem, data] of out.cestPlots ?? []) figs.push(...cestFigures(stem, data));
  for (const [stem, panels] of out.decayPlots ?? []) figs.push(...decayFigures(stem, panels));
  for (const [stem, points] of out.shiftPlots ?? []) figs.push(shiftFigure(stem, points));
  for (const [stem, data] of out.r1rhoPlots ?? []) figs.push(...r1rhoFigures(stem, data));
  return figs;
}

/**
 * What the report keeps of one step: statistics, parameters read back from the step's files,
 * profile figures and the rendered grid/statistics figures (`rendered`: path → SVG text).
 *
 * @example
 * ```ts
 * const step = reportStep(out, renderedPlotFiles);
 * ```
 */
export function reportStep(
  out: StepOutput,
  rendered: ReadonlyMap<string, string | Uint8Array>,
  smooth = true,
): ReportStep {
  const extraFigures: { path: string; svg: string }[] = [];
  for (const path of out.figures?.keys() ?? []) {
    const svg = rendered.get(path);
    if (typeof svg === "string") extraFigures.push({ path, svg });
  }
  const parameters = stepParameterRows(out.files);
  return {
    name: out.name,
    stats: out.result?.stats,
    freeParameters: out.result?.freeIds.length,
    profiles: out.result?.selected.filter((s) => s).length,
    warnings: out.warnings ?? [],
    parameters,
    sequenceFigures: sequenceFigures(parameters),
    figures: stepFigures(out, smooth),
    extraFigures,
  };
}

/**
 * One value-against-residue figure per fitted residue-specific parameter name (DW_AB, R2_A, …),
 * a series per section (e.g. per field).
 *
 * @example
 * ```ts
 * sequenceFigures(rows).map((f) => f.title); // ["DW_AB", "R2_A"]
 * ```
 */
export function sequenceFigures(rows: ParameterRow[]): { title: string; svg: string }[] {
  const fitted = rows.filter((r) => r.kind === "fitted" && r.section !== "GLOBAL");
  const names = new Set<string>();
  for (const r of fitted) {
    try {
      names.add(parseParamName(r.section).name);
    } catch {
      // a section that is not a parameter name has no place on the sequence
    }
  }
  return [...names].sort().flatMap((name) => {
    const series = paramSeries([{ label: "", rows: fitted }], name);
    return series.length ? [{ title: name, svg: paramSvg(series, name) }] : [];
  });
}

/** Run-level facts shown at the top of the report. */
export interface RunFacts {
  title: string;
  command: string;
  warnings?: string[];
  sections?: ReportSection[];
}

/**
 * Versions shown in the report: the runtime exfit ran on (Deno, V8, TypeScript).
 *
 * @example
 * ```ts
 * runtimeVersions().deno; // e.g. "2.5.6"
 * ```
 */
export function runtimeVersions(): Record<string, string> {
  return { deno: Deno.version.deno, v8: Deno.version.v8, typescript: Deno.version.typescript };
}

/**
 * Write `<outDir>/report.html` atomically (a reader sees the old report or the new one) and
 * return its path.
 *
 * @example
 * ```ts
 * const path = writeRunReport("Output", { title: "exfit fit", command: "exfit fit ..." }, steps);
 * ```
 */
export function writeRunReport(outDir: string, facts: RunFacts, steps: ReportStep[]): string {
  const html = reportHtml({
    title: facts.title,
    command: facts.command,
    versions: runtimeVersions(),
    createdUtc: new Date().toISOString(),
    steps,
    sections: facts.sections,
    warnings: facts.warnings,
  });
  writeTreeAtomically(outDir, new Map([["report.html", html]]));
  return join(outDir, "report.html");
}
