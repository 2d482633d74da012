/**
 * A step's STATISTICS (method files, compatibility spec §7 and §8.7): after the step's fit,
 * Monte Carlo, bootstrap, nucleus-based bootstrap and MCMC runs, each written to
 * `Statistics/<Kind>/`. The work items themselves live in `resampling.ts` and `mcmc.ts`.
 *
 * @module
 */
import { ConfigError } from "../config/errors.ts";
import type { StepStatistics } from "../config/method.ts";
import { makeChunk } from "../fit/chunk.ts";
import { chemexIdentity, type StepOrigin } from "../fit/constraints.ts";
import { subStore } from "../fit/problem.ts";
import { type ProgressReporter, silentProgress } from "../fit/progress.ts";
import type { ProfileCalc, StudySpec } from "../fit/study.ts";
import { compareSpinSystems } from "../params/spin_system.ts";
import type { Param, ParamStore } from "../params/store.ts";
import { runMcmc } from "./mcmc.ts";
import {
  makeResamplingTask,
  type ReplicateResult,
  RESAMPLING,
  type ResamplingKind,
  type ResamplingTask,
  runReplicates,
} from "./resampling.ts";
import {
  formatCorrelationsTsv,
  formatFailuresTsv,
  formatMcmcSummary,
  formatResamplingSummary,
  formatSamplesTsv,
  samplesFigure,
  type SampleTable,
} from "./report.ts";
import { formatFlatToml, type TomlValue } from "../output/toml.ts";
import { parseSeed } from "../math/random.ts";
import {
  budgetCountEntry,
  budgetCountNotice,
  checkTimeBudget,
  type TimeBudget,
  TimeLimitError,
} from "../fit/budget.ts";
import { MAX_NFEV } from "../fit/group_solve.ts";

/** What {@link runStatistics} needs from the fitted step. */
export interface StatisticsInput {
  study: StudySpec;
  /** The store after the step's fit (best-fit values, the step's status). */
  store: ParamStore;
  /** Selected profiles (study indices). */
  profiles: number[];
  /** Best-fit calculated (scaled) intensities at every point of each selected profile. */
  calcs: ProfileCalc[];
  statistics: StepStatistics;
  /** The run's root seed (`--seed`). */
  seed: number | bigint | string;
  plot: boolean;
  progress?: ProgressReporter;
  origin?: StepOrigin;
  /** `--time-limit`: MCMC checks it at every sampler step. */
  budget?: TimeBudget;
  /** `--max-evaluations`: solver evaluations of each replicate's group refits. */
  maxNfev?: number;
}

/** Files (relative to the step folder), figure specs and warnings. */
export interface StatisticsOutput {
  files: Map<string, string>;
  figures: Map<string, object>;
  warnings: string[];
}

/** ChemEx's parameter order: name, then spin system, then conditions. */
function reportOrder(params: Param[]): Param[] {
  return params.slice().sort((a, b) => {
    if (a.pname.name !== b.pname.name) return a.pname.name < b.pname.name ? -1 : 1;
    return compareSpinSystems(a.pname.spin, b.pname.spin) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
}

/**
 * The resampling task of a fitted step.
 *
 * @example
 * ```ts
 * const task = resamplingTask("bs", input);
 * ```
 */
export function resamplingTask(kind: ResamplingKind, input: StatisticsInput): ResamplingTask {
  const { study, store, profiles } = input;
  const sub = subStore(store, profiles.flatMap((k) => study.profiles[k].paramIds));
  const free = reportOrder([...sub.values()].filter((p) => p.vary && !p.expr));
  const calcOf = new Map(input.calcs.map((c) => [c.profile, c.calc]));
  return makeResamplingTask(
    kind,
    // v2 `[STEP.STATISTICS.MC] SEED` wins over the run's root seed.
    input.statistics.seeds?.[kind] ?? input.seed,
    makeChunk(study, profiles),
    profiles.map((k) => calcOf.get(k)!),
    [...sub.values()],
    free.map((p) => p.id),
    input.maxNfev,
  );
}

function table(ids: string[], rows: number[][], extraName: string, extra: number[]): SampleTable {
  return {
    ids,
    columns: ids.map((_, j) => Float64Array.from(rows, (r) => r[j])),
    extraName,
    extra: Float64Array.from(extra),
  };
}

/**
 * Runs replicates `indices` of a task somewhere (e.g. as `replicate` work items on an executor),
 * calling `onDone(count)` as they finish. Results may come back in any order: they are merged
 * by replicate index.
 */
export type ReplicateBatchRunner = (
  task: ResamplingTask,
  indices: number[],
  onDone: (count: number) => void,
) => Promise<ReplicateResult[]>;

/** Results in replicate-index order, exactly one per index 0..n-1 (a runner's answer checked). */
function mergeReplicates(kind: ResamplingKind, n: number, results: ReplicateResult[]) {
  const byIndex: ReplicateResult[] = new Array(n);
  for (const r of results) {
    if (!(Number.isInteger(r.index) && r.index >= 0 && r.index < n) || byIndex[r.index]) {
      throw new Error(`${RESAMPLING[kind].method}: unexpected or repeated replicate ${r.index}`);
    }
    byIndex[r.index] = r;
  }
  const missing = byIndex.findIndex((r) => r === undefined);
  if (missing >= 0) {
    throw new Error(`${RESAMPLING[kind].method}: replicate ${missing} is missing`);
  }
  return byIndex;
}

function resamplingFiles(
  kind: ResamplingKind,
  input: StatisticsInput,
  out: StatisticsOutput,
): void {
  const n = input.statistics[kind]!;
  const task = resamplingTask(kind, input);
  const bar = (input.progress ?? silentProgress)(kind.toUpperCase(), n);
  const results = (() => {
    try {
      return runReplicates(task, Array.from({ length: n }, (_, i) => i), () => bar.tick());
    } finally {
      bar.done();
    }
  })();
  resamplingReport(kind, input, task, results, out);
}

/** {@link resamplingFiles} with the replicates run by `run`. */
async function resamplingFilesWith(
  kind: ResamplingKind,
  input: StatisticsInput,
  out: StatisticsOutput,
  run: ReplicateBatchRunner,
): Promise<void> {
  const n = input.statistics[kind]!;
  const task = resamplingTask(kind, input);
  const bar = (input.progress ?? silentProgress)(kind.toUpperCase(), n);
  let results: ReplicateResult[];
  try {
    results = await run(task, Array.from({ length: n }, (_, i) => i), (count) => bar.tick(count));
  } finally {
    bar.done();
  }
  resamplingReport(kind, input, task, mergeReplicates(kind, n, results), out);
}

/** The files of one resampling run from its results (in replicate-index order). */
function resamplingReport(
  kind: ResamplingKind,
  input: StatisticsInput,
  task: ResamplingTask,
  results: ReplicateResult[],
  out: StatisticsOutput,
): void {
  const n = input.statistics[kind]!;
  const failures = results.filter((r) => r.error !== undefined)
    .map((r) => ({ index: r.index, error: r.error! }));
  // samples.tsv holds the successful replicates only (spec §5.5).
  const done = results.filter((r) => r.error === undefined);
  const t = table(
    task.outputIds,
    done.map((r) => r.values),
    "chisqr",
    done.map((r) => r.chisqr),
  );
  const dir = `Statistics/${RESAMPLING[kind].directory}`;
  const ids = new Map(task.params.map((p) => [p.id, p]));
  const complete = failures.length === 0;
  const diagnostics: [string, TomlValue][] = [
    ["method", RESAMPLING[kind].method],
    ["fitmethod", "trf"],
    ["requested_samples", n],
    ["completed_samples", done.length],
    ["workers", 1],
    ["parameters", task.outputIds.map((id) => chemexIdentity(ids.get(id)!.pname))],
    ["samples_file", "samples.tsv"],
  ];
  out.files.set(`${dir}/samples.tsv`, formatSamplesTsv(t));
  if (complete) {
    diagnostics.push(
      ["summary_file", "summary.toml"],
      ["correlations_file", "correlations.tsv"],
      ["plots_file", "plots.svg"],
      ["engine", "exfit trf"],
      ["root_seed", task.rootSeed],
      ["status", "complete"],
    );
    out.files.set(`${dir}/summary.toml`, formatResamplingSummary(t));
    out.files.set(`${dir}/correlations.tsv`, formatCorrelationsTsv(t));
    if (input.plot) {
      out.figures.set(`${dir}/plots.svg`, samplesFigure(t, RESAMPLING[kind].method));
    }
  } else {
    // Incomplete (spec §5.5): the successes, the failures and the counts; no summary,
    // correlations or plots, which would describe a biased subset.
    diagnostics.push(
      ["failures_file", "failures.tsv"],
      ["engine", "exfit trf"],
      ["root_seed", task.rootSeed],
      ["status", "incomplete"],
      ["terminal", "replicate_failed"],
      ["failed_samples", failures.length],
      ["cancelled_samples", 0],
      ["interrupted_samples", 0],
      ["unstarted_samples", n - done.length - failures.length],
    );
    out.files.set(`${dir}/failures.tsv`, formatFailuresTsv(failures));
    out.warnings.push(
      `${RESAMPLING[kind].method}: ${failures.length} of ${n} replicates failed ` +
        `(see ${dir}/failures.tsv); no summary, correlations or plots are written`,
    );
  }
  const hits = done.filter((r) => r.budgetHit).length;
  if (hits > 0) {
    // Kept in the samples (dropping them would bias the spread), but never silently.
    const hit = { count: hits, of: n, budget: `${task.maxNfev ?? MAX_NFEV} solver evaluations` };
    diagnostics.push(
      ["budget_stopped_samples", hits],
      ["budget_warning", budgetCountEntry("", RESAMPLING[kind].method, "replicates", hit)],
    );
    out.warnings.push(budgetCountNotice(RESAMPLING[kind].method, "replicates", hit));
  }
  out.files.set(`${dir}/diagnostics.toml`, formatRootSeed(formatFlatToml(diagnostics)));
}

/** The root seed is an integer in TOML, not a string. */
function formatRootSeed(text: string): string {
  return text.replace(/^root_seed = "(\d+)"$/m, "root_seed = $1");
}

function mcmcFiles(input: StatisticsInput, out: StatisticsOutput): void {
  const settings = input.statistics.mcmc!;
  const { study, store, profiles } = input;
  const sub = subStore(store, profiles.flatMap((k) => study.profiles[k].paramIds));
  const seed = parseSeed(settings.seed ?? input.seed).toString();
  // Started at the first step, so that a configuration error prints no progress.
  let bar: ReturnType<ProgressReporter> | undefined;
  const tick = () => {
    checkTimeBudget(input.budget);
    (bar ??= (input.progress ?? silentProgress)("MCMC", settings.steps)).tick();
  };
  let result;
  try {
    result = runMcmc(
      {
        chunk: makeChunk(study, profiles),
        params: [...sub.values()].map((p) => ({ ...p, stderr: null })),
        settings,
        seed,
      },
      tick,
    );
  } catch (e) {
    if (e instanceof TimeLimitError) throw e.at("during MCMC");
    const where = input.origin?.step ? `step [${input.origin.step}]` : "the step";
    throw new ConfigError(
      input.origin?.file ?? "method file",
      `${where}: STATISTICS.MCMC: ${(e as Error).message}`,
    );
  } finally {
    bar?.done();
  }
  const order = reportOrder(result.ids.map((id) => sub.get(id)!)).map((p) => p.id);
  const col = order.map((id) => result.ids.indexOf(id));
  const ndim = result.ids.length;
  const rows = Array.from(
    { length: result.sampleCount },
    (_, i) => col.map((j) => result.samples[i * ndim + j]),
  );
  const t = table(order, rows, "lnprob", Array.from(result.lnprob));
  const tau = col.map((j) => result.time.tau[j]);
  const ess = tau.map((v) =>
    Number.isFinite(v) && v > 0 ? result.sampleCount / Math.max(v / result.thin, 1) : NaN
  );
  const dir = "Statistics/MCMC";
  const acc = Array.from(result.acceptance);
  const status = tau.every((v) => Number.isFinite(v) && v > 0)
    ? result.time.reliable ? "reliable" : "tentative"
    : "unavailable";
  const maxTau = Math.max(...tau);
  const diagnostics: [string, TomlValue][] = [
    ["status", "complete"],
    ["engine", "exfit"],
    ["sampler", "affine-invariant ensemble sampler (Goodman & Weare stretch move, a = 2)"],
    ["credible_interval", "95% equal-tailed"],
    ["convergence_diagnostic", "integrated_autocorrelation_time"],
    ["autocorrelation_status", status],
    ["steps", settings.steps],
    ["requested_burn", settings.burn === "auto" ? "auto" : settings.burn],
    ["discarded_steps", result.discard],
    ["thin", result.thin],
    ["walkers", result.walkers],
    ["workers", settings.workers ?? 1],
    ["retained_steps", result.retainedSteps],
    ["retained_samples", result.sampleCount],
    ["samples_file", "samples.tsv"],
    ["summary_file", "summary.toml"],
    ["correlations_file", "correlations.tsv"],
    ["plots_file", "plots.svg"],
    ["acceptance_fraction_mean", acc.reduce((s, a) => s + a, 0) / acc.length],
    ["acceptance_fraction_min", Math.min(...acc)],
    ["acceptance_fraction_max", Math.max(...acc)],
    ["root_seed", seed],
    ["parameters", order.map((id) => chemexIdentity(sub.get(id)!.pname))],
  ];
  if (result.burnWarning) diagnostics.push(["burn_in_warning", result.burnWarning]);
  if (status !== "unavailable") {
    const suffix = status === "tentative" ? "_tentative" : "";
    diagnostics.push(
      [`autocorrelation_time${suffix}`, tau],
      [`max_autocorrelation_time${suffix}`, maxTau],
      ["steps_over_max_autocorrelation_time", settings.steps / maxTau],
      ["effective_sample_size", ess],
      ["effective_sample_size_min", Math.min(...ess)],
    );
    if (status === "tentative") {
      diagnostics.push([
        "autocorrelation_warning",
        "chain shorter than 50 times the autocorrelation time; tentative estimate reported",
      ]);
    }
  }
  out.files.set(`${dir}/samples.tsv`, formatSamplesTsv(t));
  out.files.set(
    `${dir}/summary.toml`,
    formatMcmcSummary(
      t,
      col.map((j) => result.lower[j]),
      col.map((j) => result.upper[j]),
      ess,
    ),
  );
  out.files.set(`${dir}/correlations.tsv`, formatCorrelationsTsv(t));
  out.files.set(
    `${dir}/diagnostics.toml`,
    formatRootSeed(formatFlatToml(diagnostics)),
  );
  if (input.plot) out.figures.set(`${dir}/plots.svg`, samplesFigure(t, "MCMC"));
  if (result.burnWarning) out.warnings.push(`MCMC: ${result.burnWarning}`);
}

/**
 * Run the statistics a step asks for, in ChemEx's order (MC, BS, BSN, MCMC).
 *
 * @example
 * ```ts
 * const { files, warnings } = runStatistics({ study, store, profiles, calcs, statistics, seed: 0, plot: false });
 * ```
 */
export function runStatistics(input: StatisticsInput): StatisticsOutput {
  const out: StatisticsOutput = { files: new Map(), figures: new Map(), warnings: [] };
  checkSeed(input.seed);
  for (const kind of ["mc", "bs", "bsn"] as const) {
    if (input.statistics[kind] !== undefined) resamplingFiles(kind, input, out);
  }
  if (input.statistics.mcmc) mcmcFiles(input, out);
  return out;
}

function checkSeed(seed: StatisticsInput["seed"]): void {
  try {
    parseSeed(seed);
  } catch (e) {
    throw new Error(`--seed: ${(e as Error).message}`);
  }
}

/**
 * {@link runStatistics} with the MC, BS and BSN replicates handed to `runReplicates` (e.g. as
 * `replicate` work items on an executor) and merged in replicate-index order. Every replicate is
 * a pure function of (root seed, method, index), so the files are those of `runStatistics`
 * however the replicates are batched or placed. MCMC runs here: its walkers are coupled.
 *
 * @example
 * ```ts
 * const out = await runStatisticsWith(input, (task, indices) => Promise.resolve(runReplicates(task, indices)));
 * ```
 */
export async function runStatisticsWith(
  input: StatisticsInput,
  runReplicates: ReplicateBatchRunner,
): Promise<StatisticsOutput> {
  const out: StatisticsOutput = { files: new Map(), figures: new Map(), warnings: [] };
  checkSeed(input.seed);
  // One method at a time (ChemEx's order): each has its own progress bar.
  for (const kind of ["mc", "bs", "bsn"] as const) {
    if (input.statistics[kind] !== undefined) {
      await resamplingFilesWith(kind, input, out, runReplicates);
    }
  }
  if (input.statistics.mcmc) mcmcFiles(input, out);
  return out;
}
