/**
 * Running a study through method steps (fit) or once (simulate), producing for each step the
 * files of its output folder. No I/O here: callers write the returned maps.
 *
 * @module
 */
import { ConfigError } from "../config/errors.ts";
import type { StudySpec } from "../fit/study.ts";
import { createCalculator, type ProfileCalculator } from "../fit/evaluate.ts";
import type { ParamStore } from "../params/store.ts";
import { runFitStep, selectProfiles, type StepResult, type StepSpec } from "../fit/step.ts";
import { stepFiles } from "../output/step_files.ts";
import type { CpmgPlotData } from "../plot/cpmg.ts";
import { CpmgErrorBars } from "../plot/cpmg_error_bars.ts";
import { checkFinal, checkStart, finalCalcs, localValues, plotData } from "./_final_values.ts";
import type { CestPlotData } from "../plot/cest.ts";
import { cestPlotsOf } from "./cest_plots.ts";
import { decayPlotsOf, shiftPlotsOf } from "./decay_plots.ts";
import { r1rhoPlotsOf } from "./r1rho_plots.ts";
import type { R1rhoPlotData } from "../plot/r1rho.ts";
import type { DecayPanel } from "../plot/relaxation.ts";
import type { ShiftPoint } from "../plot/shift.ts";
import { gridFigures, type GridOutcome, runGridStep } from "../fit/grid.ts";
import { gridLayoutFiles } from "../fit/grid_output.ts";
import { type MethodProgram, planMethod, restoreRoles } from "../fit/roles.ts";
import { gridSearchOf, runStepSearch } from "../fit/search.ts";
import { withholdErrors } from "../fit/search.ts";
import { withCounts } from "../fit/statistics_counts.ts";
import type { CompatVersion } from "../config/compat.ts";
import type { ProgressReporter } from "../fit/progress.ts";
import { AUTO_SEARCH_MAX_PROFILES } from "../fit/basin_search.ts";
import { formatBasinsToml } from "../output/basins_toml.ts";
import {
  budgetCountEntry,
  budgetEntries,
  budgetNotice,
  checkTimeBudget,
  markBudgetHits,
  type TimeBudget,
  TimeLimitError,
} from "../fit/budget.ts";
import {
  runStatistics,
  runStatisticsWith,
  type StatisticsInput,
  type StatisticsOutput,
} from "../stats/step.ts";
import type { ReplicateResult, ResamplingTask } from "../stats/resampling.ts";

/** The output of one step. */
export interface StepOutput {
  /** Step folder name, "" for a single unnamed step. */
  name: string;
  files: Map<string, string>;
  result?: StepResult;
  /** Plot data per experiment stem, when plots were requested. */
  plots: Map<string, CpmgPlotData[]>;
  /** CEST plot data per experiment stem, when plots were requested. */
  cestPlots?: Map<string, CestPlotData[]>;
  /** Relaxation/EXSY panels and shift points per experiment stem, when plots were requested. */
  decayPlots?: Map<string, DecayPanel[]>;
  shiftPlots?: Map<string, ShiftPoint[]>;
  /** R1ρ rate plots per experiment stem, when plots were requested. */
  r1rhoPlots?: Map<string, R1rhoPlotData[]>;
  /** Vega-Lite specs to render as SVG, keyed by path in the step folder (grid, statistics). */
  figures?: Map<string, object>;
  /** Messages for the user (e.g. statistics skipped in a GRID step). */
  warnings?: string[];
}

export {
  runSimulate,
  runSimulateWith,
  type SimulatedProfile,
  type SimulationRunner,
  simulationStudy,
} from "./simulate.ts";

/** Options common to fit and simulate. */
export interface RunOptions {
  plot: boolean;
  seed: number;
  /** Progress of grid points and statistics replicates (default: none). */
  progress?: ProgressReporter;
  /**
   * Every step's roles, computed (and validated) before anything ran: needed when resuming
   * after completed steps, since the store then no longer holds the baseline roles.
   */
  program?: MethodProgram;
  /** `--compat`: ChemEx release whose figures to reproduce (default 2026.09). */
  compat?: CompatVersion;
  /**
   * A calculator of profile `k` already built in this thread (by the executor that ran the fit),
   * used for the step's final values instead of building another; undefined: one is built. A
   * calculator gives the same numbers whoever built it.
   */
  calculatorOf?: (study: StudySpec, k: number) => ProfileCalculator | undefined;
  /**
   * `--time-limit`: checked before every step (work running on an executor checks it itself);
   * a step past it stops the run with a {@link TimeLimitError} naming the step.
   */
  budget?: TimeBudget;
}

/**
 * Fit a study step by step; the store is updated in place and status carries over.
 *
 * @example
 * ```ts
 * for (const out of runFit(study, store, steps, { plot: false, seed: 0 })) write(out);
 * ```
 */
export function* runFit(
  study: StudySpec,
  store: ParamStore,
  steps: StepSpec[],
  opts: RunOptions,
): Generator<StepOutput> {
  const loop = fitLoop(study, store, steps, opts);
  for (let r = loop.next(); !r.done;) {
    const v = r.value;
    if ("fitRequest" in v) {
      let fitted;
      try {
        fitted = runFitStep(study, store, v.step, v.selected, { seed: opts.seed, index: v.index });
      } catch (e) {
        r = loop.throw(e);
        continue;
      }
      r = loop.next(fitted);
    } else if ("gridRequest" in v) {
      const g = gridSearchOf(study, store, v.step, v.selected)!;
      r = loop.next(
        runGridStep(study, store, g.entries, v.selected, v.step.origin, opts.progress, {
          ...g.resolve,
          ...maxNfevOf(v.step),
        }),
      );
    } else if ("statisticsRequest" in v) r = loop.next(runStatistics(v.input));
    else {
      yield v;
      r = loop.next();
    }
  }
}

/**
 * Fits one step's selected profiles (selection, constraints, status and grid already applied)
 * and updates the store: e.g. on workers or remote functions (`workflows/steps.ts`).
 */
export type StepRunner = (
  study: StudySpec,
  store: ParamStore,
  step: StepSpec,
  selected: boolean[],
  index: number,
) => Promise<StepResult>;

/** Runs one step's GRID scan (what `runGridStep` does), e.g. on an executor. */
export type GridRunner = (
  study: StudySpec,
  store: ParamStore,
  step: StepSpec,
  selected: boolean[],
  index: number,
) => Promise<GridOutcome>;

/**
 * Runs statistics replicates `indices` of one method (MC, BS or BSN) of step `index` (what
 * `runReplicates` does), e.g. as `replicate` work items on an executor; `onDone(count)` as they
 * finish. Results may come in any order: they are merged by replicate index.
 */
export type ReplicateRunner = (
  task: ResamplingTask,
  indices: number[],
  index: number,
  onDone: (count: number) => void,
) => Promise<ReplicateResult[]>;

/** Where {@link runFitWith} starts: steps before `step` are done, with this selection. */
export interface ResumeFrom {
  step: number;
  selected: boolean[];
}

/**
 * {@link runFit} with each step's fit done by an asynchronous runner (an executor), optionally
 * starting after already completed steps (`from`, with the store already restored). Both share
 * one step loop, so everything a step does besides fitting stays identical. GRID scans and
 * statistics replicates (MC, BS, BSN) go to `runGrid` and `runReplicates` when given, else run
 * in this process; MCMC always runs here (its walkers are coupled).
 *
 * @example
 * ```ts
 * for await (const out of runFitWith(study, store, steps, opts, runner)) write(out);
 * ```
 */
export async function* runFitWith(
  study: StudySpec,
  store: ParamStore,
  steps: StepSpec[],
  opts: RunOptions & { from?: ResumeFrom },
  runStep: StepRunner,
  runGrid?: GridRunner,
  runReplicates?: ReplicateRunner,
): AsyncGenerator<StepOutput> {
  const loop = fitLoop(study, store, steps, opts, opts.from);
  for (let r = loop.next(); !r.done;) {
    const v = r.value;
    if ("fitRequest" in v) {
      // A failed fit goes into the step loop, which may name a non-finite start instead.
      let fitted;
      try {
        fitted = await inStep(v.step, () => runStep(study, store, v.step, v.selected, v.index));
      } catch (e) {
        r = loop.throw(e);
        continue;
      }
      r = loop.next(fitted);
    } else if ("gridRequest" in v) {
      const s = v.step;
      const g = gridSearchOf(study, store, s, v.selected)!;
      r = loop.next(
        runGrid
          ? await inStep(s, () => runGrid(study, store, s, v.selected, v.index))
          : runGridStep(study, store, g.entries, v.selected, s.origin, opts.progress, {
            ...g.resolve,
            ...maxNfevOf(s),
          }),
      );
    } else if ("statisticsRequest" in v) {
      const index = v.index;
      r = loop.next(
        runReplicates
          ? await inStep(steps[index], () =>
            runStatisticsWith(
              v.input,
              (task, indices, onDone) => runReplicates(task, indices, index, onDone),
            ))
          : runStatistics(v.input),
      );
    } else {
      yield v;
      r = loop.next();
    }
  }
}

/** Run a step's work; a {@link TimeLimitError} from it learns which step it stopped. */
async function inStep<T>(step: StepSpec, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof TimeLimitError) e.at(`in ${stepLabel(step)}`);
    throw e;
  }
}

function stepLabel(step: StepSpec): string {
  return step.origin?.step
    ? `step [${step.origin.step}]`
    : step.name
    ? `step ${step.name}`
    : "the fit";
}

/** The step loop asks its driver for each step's fit and grid scan. */
interface FitRequest {
  fitRequest: true;
  step: StepSpec;
  selected: boolean[];
  index: number;
}

interface GridRequest {
  gridRequest: true;
  step: StepSpec;
  selected: boolean[];
  index: number;
}

interface StatisticsRequest {
  statisticsRequest: true;
  input: StatisticsInput;
  index: number;
}

/**
 * A step's fit, its start checked only when the fit fails (or, through `startCheck`, ends
 * non-finite): the fit evaluates every profile there first anyway, and an up-front check cost a
 * whole evaluation per step on this thread (CPMG_HN_DQ_ZQ: 0.3–0.5 s while the workers waited).
 * A non-finite start gets the same message as before.
 */
function* fitThenCheck(
  study: StudySpec,
  store: ParamStore,
  calcsOf: (ks: readonly number[]) => ProfileCalculator[],
  chosen: number[],
  label: string,
  request: FitRequest,
): Generator<
  FitRequest,
  { fitted: StepResult; startCheck: () => void },
  StepResult | GridOutcome | StatisticsOutput | undefined
> {
  const atStart = localValues(store, study);
  const startCheck = () =>
    checkStart(
      study,
      store,
      calcsOf(chosen),
      chosen,
      `at the starting values of ${label}`,
      atStart,
    );
  let fitted: StepResult;
  try {
    fitted = (yield request) as StepResult;
  } catch (e) {
    startCheck();
    throw e;
  }
  return { fitted, startCheck };
}

/** `check()`, with a non-finite start named first when it fails. */
function withStartCheck<T>(startCheck: () => void, check: () => T): T {
  try {
    return check();
  } catch (e) {
    startCheck();
    throw e;
  }
}

/** Console lines for fitted parameters whose standard error means nothing (`errorNote`). */
function errorNotices(store: ParamStore, result: StepResult): string[] {
  const out: string[] = [];
  for (const id of result.freeIds) {
    const p = store.get(id);
    if (p?.errorNote !== undefined && p.stderr === null) {
      out.push(`${id} = ${p.value.toPrecision(6)}: error unavailable: ${p.errorNote}`);
    }
  }
  return out;
}

/**
 * Console lines for groups whose diagnostics asked for a search they were too large to get
 * unasked, then for groups whose best basin is not where their plain fit ended.
 */
function basinNotices(result: StepResult): string[] {
  const unsearched = (result.basins ?? []).filter((b) => b.starts === 0).map((b) =>
    `${b.profiles.join(", ")}: the fit may not be at the best minimum (${
      b.triggers.join(", ")
    }), but a group of more than ${AUTO_SEARCH_MAX_PROFILES} profiles is searched only when ` +
    "asked (--multistart N, or MULTISTART = N in the method step)"
  );
  return [...unsearched, ...movedNotices(result)];
}

/** Console lines for groups whose best basin is not where their plain fit ended. */
function movedNotices(result: StepResult): string[] {
  return (result.basins ?? []).filter((b) => b.choice.moved).map((b) => {
    const home = b.choice.basins.find((x) => x.starts.includes(0))!;
    // As many digits as it takes to show the two differ (a basin wins by more than 1e-6).
    let digits = 6;
    const [best, plain] = [b.choice.basins[0].chisqr, home.chisqr];
    while (digits < 15 && best.toPrecision(digits) === plain.toPrecision(digits)) digits++;
    return `${b.profiles.join(", ")}: a basin search found a better minimum than the plain fit ` +
      `(chi2 ${best.toPrecision(digits)} instead of ${plain.toPrecision(digits)}; ` +
      `Basins/basins.toml)`;
  });
}

/** The step's `--max-evaluations` for the refits of its grid points and replicates. */
function maxNfevOf(step: StepSpec): { maxNfev?: number } {
  return step.maxNfev !== undefined ? { maxNfev: step.maxNfev } : {};
}

/**
 * The run's calculators, built when a step first needs them (its final values, or naming a
 * non-finite start), so that those the fit built in this thread can be reused
 * (`RunOptions.calculatorOf`): setting up a calculator costs about as much as ten evaluations.
 * The function returned makes sure profiles `ks` have theirs and returns all built so far, by
 * profile index.
 */
function calculatorsOnDemand(
  study: StudySpec,
  opts: RunOptions,
): (ks: readonly number[]) => ProfileCalculator[] {
  const calcs: ProfileCalculator[] = [];
  return (ks) => {
    for (const k of ks) calcs[k] ??= opts.calculatorOf?.(study, k) ?? createCalculator(study, k);
    return calcs;
  };
}

function* fitLoop(
  study: StudySpec,
  store: ParamStore,
  steps: StepSpec[],
  opts: RunOptions,
  from?: ResumeFrom,
): Generator<
  StepOutput | FitRequest | GridRequest | StatisticsRequest,
  void,
  StepResult | GridOutcome | StatisticsOutput | undefined
> {
  const ensure = calculatorsOnDemand(study, opts);
  // CPMG error bars depend on the data only: drawn once per run, reused by later steps.
  const errorBars = new CpmgErrorBars();
  let selected = from ? from.selected.slice() : study.profiles.map(() => true);
  // Every step is validated before any runs (a resumed run's program comes from its caller).
  const program = opts.program ?? planMethod(store, study, steps);
  for (const [index, step] of steps.entries()) {
    if (index < (from?.step ?? 0)) continue;
    try {
      checkTimeBudget(opts.budget);
    } catch (e) {
      throw (e as TimeLimitError).at(`before ${stepLabel(step)}`);
    }
    selected = selectProfiles(study, step, selected);
    if (!selected.some((s) => s)) {
      const where = step.origin ? `step [${step.origin.step}]` : "the fit";
      throw new ConfigError(
        step.origin?.file ?? "method",
        `${where} selects no profile (INCLUDE ${JSON.stringify(step.include ?? "ALL")}, ` +
          `EXCLUDE ${JSON.stringify(step.exclude ?? [])}); nothing to fit`,
        { key: "INCLUDE" },
      );
    }
    // Roles from the program, values from the latest commit (spec §1.6).
    restoreRoles(store, program.roles[index]);
    const gridSearch = gridSearchOf(study, store, step, selected);
    const v2 = step.plan?.format === 2;
    // GRID: scan, then the step's fit starts at the best point (grid parameters held).
    const grid: GridOutcome | undefined = gridSearch
      ? (yield { gridRequest: true, step, selected, index }) as GridOutcome
      : undefined;
    // PREPARE and DE run here and only choose the start of the step's full fit.
    let searchNotices: string[];
    try {
      searchNotices = runStepSearch(study, store, step, selected, opts.budget);
    } catch (e) {
      if (e instanceof TimeLimitError) e.at(`in ${stepLabel(step)}, during its search`);
      throw e;
    }
    const chosen = selected.map((s, k) => s ? k : -1).filter((k) => k >= 0);
    const label = step.origin?.step ? `step [${step.origin.step}]` : "the fit";
    const { fitted, startCheck } = yield* fitThenCheck(study, store, ensure, chosen, label, {
      fitRequest: true,
      step,
      selected,
      index,
    });
    const scaled = chosen.filter((k) => study.experiments[study.profiles[k].experiment].scaled);
    const result: StepResult = {
      ...fitted,
      stats: withCounts(fitted.stats, scaled.length, opts.compat ?? "2026.09"),
    };
    // v2 GRID (spec §1.7): the point was chosen on a discrete surface; errors are withheld.
    if (grid && v2) withholdErrors(store, study, chosen);
    // A group that stopped at its evaluation budget is said to have, in fitted.toml too.
    const budgetHits = result.budgetHits ?? [];
    markBudgetHits(store, step.name, budgetHits);
    const calcs = ensure(chosen);
    const fin = finalCalcs(study, store, calcs, chosen);
    withStartCheck(startCheck, () => checkFinal(study, fin, `after ${label}`, result.stats.chisqr));
    const files = stepFiles({
      study,
      store,
      profiles: chosen,
      calcs: fin.calcs,
      stats: result.stats,
      notConverged: [
        ...(grid?.budgetHits
          ? [budgetCountEntry(step.name, "GRID", "grid points", grid.budgetHits)]
          : []),
        ...budgetEntries(step.name, budgetHits),
      ],
    });
    const plots = opts.plot
      ? plotData(study, calcs, fin.calcs, fin.scales, fin.values, opts.seed, errorBars)
      : new Map();
    const figures = new Map<string, object>();
    const warnings: string[] = [
      ...(grid?.notices ?? []),
      ...searchNotices,
      ...budgetHits.map(budgetNotice),
      ...errorNotices(store, result),
      ...basinNotices(result),
    ];
    if (result.basins?.length) files.set("Basins/basins.toml", formatBasinsToml(result.basins));
    if (grid) {
      // v1 steps keep the legacy tables beside ChemEx 2026.09's Grid/ layout.
      if (!v2) { for (const [path, text] of grid.files) files.set(path, text); }
      for (const [path, text] of gridLayoutFiles(grid, study, store)) files.set(path, text);
      if (opts.plot) {
        for (const [path, spec] of gridFigures(grid, store)) figures.set(path, spec);
      }
    }
    if (step.statistics && grid && !v2) {
      warnings.push("STATISTICS are skipped in a step with GRID (put them in a later step)");
    } else if (step.statistics) {
      const input: StatisticsInput = {
        study,
        store,
        profiles: chosen,
        calcs: fin.calcs,
        statistics: step.statistics,
        seed: opts.seed,
        plot: opts.plot,
        progress: opts.progress,
        origin: step.origin,
        budget: opts.budget,
        ...maxNfevOf(step),
      };
      const stats = (yield { statisticsRequest: true, input, index }) as StatisticsOutput;
      for (const [path, text] of stats.files) files.set(path, text);
      for (const [path, spec] of stats.figures) figures.set(path, spec);
      warnings.push(...stats.warnings);
    }
    const cestPlots = opts.plot
      ? cestPlotsOf(study, calcs, fin.calcs, fin.scales, fin.values, false)
      : undefined;
    const decayPlots = opts.plot
      ? decayPlotsOf(study, calcs, fin.calcs, fin.scales, fin.values, false)
      : undefined;
    const shiftPlots = opts.plot ? shiftPlotsOf(study, fin.calcs, false) : undefined;
    const r1rhoPlots = opts.plot
      ? r1rhoPlotsOf(study, calcs, fin.calcs, fin.values, false)
      : undefined;
    yield {
      name: step.name,
      files,
      result,
      plots,
      cestPlots,
      decayPlots,
      shiftPlots,
      r1rhoPlots,
      figures,
      warnings,
    };
  }
}
