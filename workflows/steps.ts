/**
 * Running one method step on an executor: plan the step, run its `fit` items concurrently and its
 * global fits (each fanning out per iteration), then merge in group order — the same merge as the
 * single-process step (`src/fit/step.ts#runFitStep`), so independent-group results are
 * bit-identical to it. Completed work and outer-iteration states are reported for checkpoints,
 * and accepted back to resume a step.
 *
 * @module
 */
import { dec, type FitResult, PAYLOAD_VERSION } from "../functions/payload.ts";
import type { GridRunner, ReplicateRunner, StepRunner } from "../src/run/run.ts";
import type { ReplicateResult as Replicate } from "../src/stats/resampling.ts";
import { finishGrid, gridSize, planGrid } from "../src/fit/grid.ts";
import { gridSearchOf } from "../src/fit/search.ts";
import { type ProgressReporter, silentProgress } from "../src/fit/progress.ts";
import type { ParamStore } from "../src/params/store.ts";
import { storeToPayload } from "../functions/payload.ts";
import { type StepResult, stepResult } from "../src/fit/step.ts";
import type { Executor } from "./executor.ts";
import {
  globalFit,
  type GlobalFitResult,
  type OuterState,
  type OuterTolerances,
} from "./global_fit.ts";
import { type FitWork, type GlobalWork, planStep } from "./plan.ts";
import { type BasinReport, chooseBasin, planBasinStarts } from "../src/fit/basins.ts";
import { basinStartCount, searchTriggers, unsearchedReport } from "../src/fit/basin_search.ts";
import { globalFitTriggers } from "../src/fit/diagnostics.ts";
import { BASIN_NFEV, MAX_NFEV } from "../src/fit/group_solve.ts";
import type { BudgetHit } from "../src/fit/budget.ts";
import type { BasinTrigger } from "../src/fit/diagnostics.ts";
import { parseSeed } from "../src/math/random.ts";

/** A finished work item as merged into the store (JSON-safe; kept in checkpoints). */
export interface WorkOutcome {
  freeIds: string[];
  params: { id: string; value: number | null; stderr: number | null; errorNote?: string }[];
  residuals: (number | null)[];
  /** Study profile index → scale. */
  scales: [number, number | null][];
  evaluations: number;
  /** The group's basin search, when it had one. */
  basins?: BasinReport;
  /** The budget the group's fit stopped at before converging, in words. */
  budget?: string;
}

/** Progress of a step that has not finished (kept in checkpoints). */
export interface PartialStep {
  step: number;
  /** Finished work items by id. */
  done: Record<string, WorkOutcome>;
  /** Last accepted outer iteration of each unfinished global fit, by id. */
  outer: Record<string, OuterState>;
}

/** Raised by the injected abort (tests): the run stops as if killed after a checkpoint. */
export class InjectedAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InjectedAbort";
  }
}

/** What a step runner needs. */
export interface StepRunnerOptions {
  executor: Executor;
  /** Work-id prefix (short study hash). */
  prefix: string;
  chunkProfiles?: number;
  tolerances?: OuterTolerances;
  /** Progress to continue from (same step index only). */
  partial?: PartialStep;
  /**
   * Called whenever progress worth keeping was made (awaited): after every outer iteration
   * (`"iteration"`, to be saved at once) and every finished work item (`"item"`, may be batched).
   */
  onProgress?: (partial: PartialStep, kind: "item" | "iteration") => Promise<void> | void;
  /** Test hook: throw {@link InjectedAbort} after this many outer iterations (in this run). */
  abortAfterIterations?: number;
  /** Progress messages (iterations of global fits). */
  log?: (message: string) => void;
  /** Root seed of the basin searches' starts (default 0). */
  seed?: number;
}

function fromFit(res: FitResult, w: FitWork): WorkOutcome {
  return {
    freeIds: res.freeIds,
    params: res.params,
    residuals: res.residuals,
    scales: w.profiles.map((k, i) => [k, res.scales[i]]),
    evaluations: res.evaluations,
    ...((res.triggers ?? []).includes("budget")
      ? { budget: `${w.payload.maxNfev ?? MAX_NFEV} solver evaluations` }
      : {}),
  };
}

/**
 * A step runner for `runFitWith` on an executor.
 *
 * @example
 * ```ts
 * const runner = createStepRunner({ executor: workerPool(2), prefix: "ab12" });
 * for await (const out of runFitWith(study, store, steps, opts, runner)) write(out);
 * ```
 */
export function createStepRunner(opts: StepRunnerOptions): StepRunner {
  let iterations = 0;
  return async (study, store, step, selected, index): Promise<StepResult> => {
    const plan = planStep(study, store, selected, index, {
      prefix: opts.prefix,
      chunkProfiles: opts.chunkProfiles,
      xScale: step.xScale,
      maxNfev: step.maxNfev,
    });
    const partial: PartialStep = opts.partial?.step === index
      ? structuredClone(opts.partial)
      : { step: index, done: {}, outer: {} };
    // Reset errors: only what this step estimates is reported (as in runFitStep).
    for (const p of store.values()) {
      p.stderr = null;
      delete p.errorNote;
    }
    const progress = async (kind: "item" | "iteration") => {
      await opts.onProgress?.(partial, kind);
    };
    const outcomes = await Promise.all(plan.works.map(async (w, gi): Promise<WorkOutcome> => {
      const saved = partial.done[w.id];
      if (saved) return saved;
      if (w.kind === "fit") {
        const search = {
          executor: opts.executor,
          seed: opts.seed ?? 0,
          step: index,
          group: gi,
          multistart: step.multistart,
          names: [...new Set(w.profiles.map((k) => study.profiles[k].name))],
        };
        const out = await fitWithBasins(w, search);
        partial.done[w.id] = out;
        await progress("item");
        return out;
      }
      const label = `global fit of ${w.profiles.length} profiles (${w.globalIds.length} shared ` +
        `parameters, ${w.chunks.length} chunks)`;
      const startValues = new Map([...w.store.values()].map((p) => [p.id, p.value]));
      let res = await globalFit(w, opts.executor, {
        ...opts.tolerances,
        resume: partial.outer[w.id],
        onIteration: async (state) => {
          partial.outer[w.id] = state;
          opts.log?.(
            `${label}: iteration ${state.iteration}, chi2 = ${(2 * state.cost).toPrecision(10)}`,
          );
          await progress("iteration");
          iterations++;
          if (opts.abortAfterIterations !== undefined && iterations >= opts.abortAfterIterations) {
            throw new InjectedAbort(`injected abort after ${iterations} outer iterations`);
          }
        },
      });
      opts.log?.(`${label}: ${res.message} after ${res.iterations} iterations`);
      // A global fit has no diagnostics of its own but its χ² and whether it converged.
      const triggers = globalFitTriggers(2 * res.cost, res.residuals.length, res.freeIds.length, {
        converged: res.converged,
      });
      const count = basinStartCount(step.multistart, triggers, w.profiles.length, res.freeIds);
      const names = [...new Set(w.profiles.map((k) => study.profiles[k].name))];
      let basins = unsearchedReport(
        step.multistart,
        triggers,
        names,
        res.freeIds,
        () => ({ chisqr: 2 * res.cost, values: res.x }),
      );
      if (count > 0 && res.freeIds.length > 0) {
        ({ res, basins } = await globalBasins(
          w,
          res,
          {
            executor: opts.executor,
            seed: opts.seed ?? 0,
            step: index,
            group: gi,
            multistart: count,
            names,
            triggers: searchTriggers(step.multistart, triggers),
          },
          startValues,
          opts.tolerances,
          (m) => opts.log?.(`${label}: ${m}`),
        ));
      }
      const out: WorkOutcome = {
        freeIds: res.freeIds,
        params: [...w.store.values()].map((p) => ({ id: p.id, value: p.value, stderr: p.stderr })),
        residuals: Array.from(res.residuals),
        scales: [...res.scales],
        evaluations: res.evaluations,
        ...(basins ? { basins } : {}),
        ...(res.converged ? {} : {
          budget: `${opts.tolerances?.maxIterations ?? 500} outer iterations (${res.message})`,
        }),
      };
      delete partial.outer[w.id];
      partial.done[w.id] = out;
      await progress("item");
      return out;
    }));
    // Merge in group order.
    const freeIds: string[] = [];
    const scales = new Map<number, number>();
    let evaluations = 0;
    const parts: number[][] = [];
    const basins: BasinReport[] = [];
    const budgetHits: BudgetHit[] = [];
    for (const [gi, o] of outcomes.entries()) {
      if (o.basins) basins.push(o.basins);
      if (o.budget !== undefined) {
        const profiles = plan.works[gi].profiles.map((k) => study.profiles[k].name);
        budgetHits.push({
          group: gi + 1,
          profiles: [...new Set(profiles)],
          budget: o.budget,
          freeIds: o.freeIds,
        });
      }
      for (const p of o.params) {
        const param = store.get(p.id)!;
        param.value = dec(p.value);
        param.stderr = p.stderr;
        if (p.errorNote !== undefined) param.errorNote = p.errorNote;
      }
      freeIds.push(...o.freeIds);
      for (const [k, g] of o.scales) scales.set(k, dec(g));
      evaluations += o.evaluations;
      parts.push(o.residuals.map(dec));
    }
    return stepResult(step.name, selected, {
      freeIds,
      residuals: parts,
      scales,
      evaluations,
      basins,
      budgetHits,
    });
  };
}

/** Where and how a group's basin search runs. */
interface BasinSearch {
  executor: Executor;
  seed: number;
  step: number;
  group: number;
  multistart?: number;
  names: string[];
  /** Why the search runs (global fits; group fits read their diagnostics). */
  triggers?: (BasinTrigger | "asked")[];
}

/**
 * A `fit` item, then — when its diagnostics ask for it or the step does — a basin search whose
 * refits go out as more `fit` items (same chunk, other starting values), all at once; the best
 * end point wins as in the in-process search (`src/fit/basin_search.ts`).
 */
async function fitWithBasins(w: FitWork, s: BasinSearch): Promise<WorkOutcome> {
  const plain = await s.executor.run("fit", w.payload);
  const triggers = (plain.triggers ?? []) as BasinTrigger[];
  const valuesOf = (r: FitResult) =>
    Float64Array.from(plain.freeIds, (id) => dec(r.params.find((p) => p.id === id)!.value));
  // A missing error (null, decoded as NaN) never joins two end points into one basin.
  const stderrOf = (r: FitResult) =>
    Float64Array.from(plain.freeIds, (id) => dec(r.params.find((p) => p.id === id)!.stderr));
  const chisqrOf = (r: FitResult) =>
    r.residuals.reduce((acc: number, v) => {
      const d = dec(v);
      return acc + d * d;
    }, 0);
  const count = basinStartCount(s.multistart, triggers, w.profiles.length, plain.freeIds);
  if (count === 0 || plain.freeIds.length === 0) {
    const out = fromFit(plain, w);
    const unsearched = unsearchedReport(
      s.multistart,
      triggers,
      s.names,
      plain.freeIds,
      () => ({ chisqr: chisqrOf(plain), values: valuesOf(plain) }),
    );
    return unsearched ? { ...out, basins: unsearched } : out;
  }
  const fitted = new Map(plain.params.map((p) => [p.id, dec(p.value)]));
  const given = new Map(w.payload.params.map((p) => [p.id, p]));
  const params = plain.freeIds.map((id) => {
    const p = given.get(id)!;
    return {
      id,
      value: fitted.get(id)!,
      start: p.value,
      min: p.min ?? -Infinity,
      max: p.max ?? Infinity,
    };
  });
  const starts = planBasinStarts(params, count, parseSeed(s.seed), s.step, s.group);
  const fitFrom = (x: ArrayLike<number>, tag: string, maxNfev?: number) => {
    const start = new Map(plain.freeIds.map((id, j) => [id, x[j]]));
    return s.executor.run("fit", {
      ...w.payload,
      // The seed is in the id: the same id must always carry the same payload.
      id: `${w.id}:basin:x${s.seed}:${tag}`,
      params: w.payload.params.map((p) => start.has(p.id) ? { ...p, value: start.get(p.id)! } : p),
      ...(maxNfev !== undefined ? { maxNfev } : {}),
    });
  };
  const startNfev = Math.min(BASIN_NFEV, w.payload.maxNfev ?? BASIN_NFEV);
  const refits = await Promise.all(starts.map((x, k) => fitFrom(x, `k${k + 1}`, startNfev)));
  const all = [plain, ...refits];
  const choice = chooseBasin(
    all.map((r) => ({ chisqr: chisqrOf(r), values: valuesOf(r), stderr: stderrOf(r) })),
  );
  let best = all[choice.best];
  if (choice.best > 0 && (best.triggers ?? []).includes("budget")) {
    // The winning start ran out of its budget: finish it with the full one.
    best = await fitFrom(valuesOf(best), "polish");
    all.push(best);
    choice.basins[0].chisqr = Math.min(choice.basins[0].chisqr, chisqrOf(best));
    choice.basins[0].values = Array.from(valuesOf(best));
  }
  const out = fromFit(best, w);
  out.evaluations = all.reduce((n, r) => n + r.evaluations, 0);
  out.basins = {
    profiles: s.names,
    triggers: searchTriggers(s.multistart, triggers),
    ids: [...plain.freeIds],
    starts: starts.length,
    choice,
  };
  return out;
}

/** Outer iterations of one start of a global fit's basin search (the plain fit has 500). */
export const BASIN_OUTER_ITERATIONS = 40;

/**
 * The basin search of a chunked global fit (asked for with `--multistart N` or `MULTISTART`):
 * the planned starts are refitted as whole global fits on the same executor, the store left as
 * the plain fit wrote it; the best end point wins as in the group fits' search, and when it is
 * not the plain fit's it is finished from there with the full budget and written to the store.
 * `res` then is that fit, with every refit's evaluations counted.
 */
async function globalBasins(
  w: GlobalWork,
  plain: GlobalFitResult,
  s: BasinSearch,
  startValues: ReadonlyMap<string, number>,
  tolerances: OuterTolerances | undefined,
  log: (message: string) => void,
): Promise<{ res: GlobalFitResult; basins: BasinReport }> {
  const params = plain.freeIds.map((id, j) => {
    const p = w.store.get(id)!;
    return { id, value: plain.x[j], start: startValues.get(id)!, min: p.min, max: p.max };
  });
  const starts = planBasinStarts(params, s.multistart!, parseSeed(s.seed), s.step, s.group);
  const tag = (t: string) => `basin:x${s.seed}:${t}`;
  const refits = await Promise.all(starts.map((start, k) =>
    globalFit(w, s.executor, {
      ...tolerances,
      start,
      apply: false,
      idTag: tag(`k${k + 1}`),
      maxIterations: Math.min(BASIN_OUTER_ITERATIONS, tolerances?.maxIterations ?? Infinity),
    })
  ));
  refits.forEach((r, k) => log(`basin start ${k + 1}: chi2 = ${(2 * r.cost).toPrecision(10)}`));
  const all = [plain, ...refits];
  const choice = chooseBasin(all.map((r) => ({ chisqr: 2 * r.cost, values: r.x })));
  let res = plain;
  if (choice.best > 0) {
    // The winner is finished with the full budget and written to the store.
    res = await globalFit(w, s.executor, {
      ...tolerances,
      start: all[choice.best].x,
      idTag: tag("polish"),
    });
    choice.basins[0].chisqr = Math.min(choice.basins[0].chisqr, 2 * res.cost);
    choice.basins[0].values = Array.from(res.x);
  }
  const evaluations = all.reduce((n, r) => n + r.evaluations, 0) +
    (choice.best > 0 ? res.evaluations : 0);
  return {
    res: { ...res, evaluations },
    basins: {
      profiles: s.names,
      triggers: s.triggers ?? ["asked"],
      ids: [...plain.freeIds],
      starts: starts.length,
      choice,
    },
  };
}

/** Grid points per `grid` work item. */
export const GRID_BATCH = 25;

/**
 * A GRID runner for `runFitWith` on an executor: the step's grid is planned as in-process
 * (`src/fit/grid.ts#planGrid`), each group's points go out in batches of {@link GRID_BATCH} as
 * `grid` work items, and the tables are combined by `finishGrid` — the same numbers as
 * `runGridStep`, since every point is a pure function of its task.
 *
 * @example
 * ```ts
 * const runGrid = createGridRunner({ executor, prefix: "ab12" });
 * ```
 */
export function createGridRunner(opts: {
  executor: Executor;
  prefix: string;
  progress?: ProgressReporter;
}): GridRunner {
  return async (study, store, step, selected, index) => {
    const g = gridSearchOf(study, store, step, selected)!;
    const plan = planGrid(study, store, g.entries, selected, step.origin, {
      ...g.resolve,
      ...(step.maxNfev !== undefined ? { maxNfev: step.maxNfev } : {}),
    });
    const total = plan.tasks.reduce((n, t) => n + gridSize(t), 0);
    const bar = (opts.progress ?? silentProgress)("grid", total);
    try {
      const counts: Float64Array[] = [];
      const hits: Uint8Array[] = []; // points whose refit stopped at the evaluation budget
      let counted = true; // every reply carried its points' evaluations
      const tables = await Promise.all(plan.tasks.map(async (task, ti) => {
        const size = gridSize(task);
        const params = storeToPayload(new Map(task.params.map((p) => [p.id, p])) as ParamStore);
        const table = new Float64Array(size);
        const evaluations = counts[ti] = new Float64Array(size);
        const stopped = hits[ti] = new Uint8Array(size);
        const batches = Math.ceil(size / GRID_BATCH);
        await Promise.all(Array.from({ length: batches }, async (_, b) => {
          const indices = Array.from(
            { length: Math.min(GRID_BATCH, size - b * GRID_BATCH) },
            (_, i) => b * GRID_BATCH + i,
          );
          const res = await opts.executor.run("grid", {
            version: PAYLOAD_VERSION,
            id: `${opts.prefix}:s${index}:grid:t${ti}:b${b}`,
            chunk: task.chunk,
            params,
            axes: task.axes,
            values: task.values,
            indices,
            ...(task.maxNfev !== undefined ? { maxNfev: task.maxNfev } : {}),
          });
          // A failed refit is +∞ in grid tables (null on the wire).
          res.chisqr.forEach((v, i) => table[indices[i]] = v === null ? Infinity : v);
          if (res.evaluations) res.evaluations.forEach((n, i) => evaluations[indices[i]] = n);
          else counted = false;
          for (const k of res.budgetHits ?? []) stopped[k] = 1;
          for (let i = 0; i < indices.length; i++) bar.tick();
        }));
        return table;
      }));
      return finishGrid(plan, tables, store, counted ? counts : undefined, hits);
    } finally {
      bar.done();
    }
  };
}

/**
 * Replicates per `replicate` work item for a method asking for `n`: one each up to 64, then
 * more per item so that a method sends at most about 64 items, but never more than 4 per item
 * (a replicate refits the whole step, and one item must finish well within an HTTP attempt's
 * time limit). Batching only changes the ids and the placement, never the numbers.
 *
 * @example
 * ```ts
 * replicateBatchSize(10); // 1
 * replicateBatchSize(1000); // 4
 * ```
 */
export function replicateBatchSize(n: number): number {
  return Math.max(1, Math.min(4, Math.ceil(n / 64)));
}

/**
 * A statistics runner for `runFitWith` on an executor: the MC, BS and BSN replicates of a step
 * go out in batches ({@link replicateBatchSize}, or `batchSize`) as `replicate` work items, all
 * at once; the results are checked against the batch and handed back for merging in replicate
 * order. Every replicate is a pure function of (root seed, method, index), so the files are
 * those of the in-process statistics, wherever and however batched the replicates ran.
 *
 * @example
 * ```ts
 * const runReplicates = createReplicateRunner({ executor, prefix: "ab12" });
 * ```
 */
export function createReplicateRunner(opts: {
  executor: Executor;
  prefix: string;
  /** Replicates per work item (default {@link replicateBatchSize}). */
  batchSize?: number;
}): ReplicateRunner {
  return async (task, indices, index, onDone) => {
    const size = opts.batchSize ?? replicateBatchSize(indices.length);
    if (!(Number.isInteger(size) && size >= 1)) {
      throw new Error(`replicate batch size must be a whole number ≥ 1, got ${size}`);
    }
    const params = storeToPayload(new Map(task.params.map((p) => [p.id, p])) as ParamStore);
    const batches = Array.from(
      { length: Math.ceil(indices.length / size) },
      (_, b) => indices.slice(b * size, (b + 1) * size),
    );
    const results = await Promise.all(batches.map(async (batch, b): Promise<Replicate[]> => {
      // The seed is in the id: the same id must always carry the same payload.
      const id = `${opts.prefix}:s${index}:${task.kind}:x${task.rootSeed}:b${b}`;
      const res = await opts.executor.run("replicate", {
        version: PAYLOAD_VERSION,
        id,
        chunk: task.chunk,
        params,
        kind: task.kind,
        rootSeed: task.rootSeed,
        calculated: task.calculated,
        outputIds: task.outputIds,
        indices: batch,
        ...(task.maxNfev !== undefined ? { maxNfev: task.maxNfev } : {}),
      });
      const got = res.replicates;
      if (
        got.length !== batch.length ||
        got.some((r, i) => r.index !== batch[i] || r.values.length !== task.outputIds.length)
      ) {
        throw new Error(`${id}: the reply does not answer replicates ${batch.join(", ")}`);
      }
      onDone(batch.length);
      return got.map((r) => ({
        index: r.index,
        values: r.values.map(dec),
        chisqr: dec(r.chisqr),
        ...(r.error !== undefined ? { error: r.error } : {}),
        ...(r.budgetHit ? { budgetHit: true as const } : {}),
      }));
    }));
    return results.flat();
  };
}
