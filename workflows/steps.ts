/**
 * Running one method step on an executor: plan the step, run its `fit` items concurrently and its
 * global fits (each fanning out per iteration), then merge in group order — the same merge as the
 * single-process step (`src/fit/step.ts#runFitStep`), so independent-group results are
 * bit-identical to it. Completed work and outer-iteration states are reported for checkpoints,
 * and accepted back to resume a step.
 *
 * @module
 */
import { dec, type FitResult } from "../functions/payload.ts";
import type { StepRunner } from "../src/fit/run.ts";
import { fitStatistics, type StepResult } from "../src/fit/step.ts";
import type { Executor } from "./executor.ts";
import { globalFit, type OuterState, type OuterTolerances } from "./global_fit.ts";
import { planStep } from "./plan.ts";

/** A finished work item as merged into the store (JSON-safe; kept in checkpoints). */
export interface WorkOutcome {
  freeIds: string[];
  params: { id: string; value: number | null; stderr: number | null }[];
  residuals: (number | null)[];
  /** Study profile index → scale. */
  scales: [number, number | null][];
  evaluations: number;
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
}

function fromFit(res: FitResult, profiles: number[]): WorkOutcome {
  return {
    freeIds: res.freeIds,
    params: res.params,
    residuals: res.residuals,
    scales: profiles.map((k, i) => [k, res.scales[i]]),
    evaluations: res.evaluations,
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
    });
    const partial: PartialStep = opts.partial?.step === index
      ? structuredClone(opts.partial)
      : { step: index, done: {}, outer: {} };
    // Reset errors: only what this step estimates is reported (as in runFitStep).
    for (const p of store.values()) p.stderr = null;
    const progress = async (kind: "item" | "iteration") => {
      await opts.onProgress?.(partial, kind);
    };
    const outcomes = await Promise.all(plan.works.map(async (w): Promise<WorkOutcome> => {
      const saved = partial.done[w.id];
      if (saved) return saved;
      if (w.kind === "fit") {
        const out = fromFit(await opts.executor.run("fit", w.payload), w.profiles);
        partial.done[w.id] = out;
        await progress("item");
        return out;
      }
      const res = await globalFit(w, opts.executor, {
        ...opts.tolerances,
        resume: partial.outer[w.id],
        onIteration: async (state) => {
          partial.outer[w.id] = state;
          opts.log?.(
            `${w.id}: iteration ${state.iteration}, chi2 = ${(2 * state.cost).toPrecision(10)}`,
          );
          await progress("iteration");
          iterations++;
          if (opts.abortAfterIterations !== undefined && iterations >= opts.abortAfterIterations) {
            throw new InjectedAbort(`injected abort after ${iterations} outer iterations`);
          }
        },
      });
      opts.log?.(`${w.id}: ${res.message} after ${res.iterations} iterations`);
      const out: WorkOutcome = {
        freeIds: res.freeIds,
        params: [...w.store.values()].map((p) => ({ id: p.id, value: p.value, stderr: p.stderr })),
        residuals: Array.from(res.residuals),
        scales: [...res.scales],
        evaluations: res.evaluations,
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
    for (const o of outcomes) {
      for (const p of o.params) {
        const param = store.get(p.id)!;
        param.value = dec(p.value);
        param.stderr = p.stderr;
      }
      freeIds.push(...o.freeIds);
      for (const [k, g] of o.scales) scales.set(k, dec(g));
      evaluations += o.evaluations;
      parts.push(o.residuals.map(dec));
    }
    const total = Float64Array.from(parts.flat());
    return {
      name: step.name,
      selected,
      freeIds,
      stats: fitStatistics(total, freeIds.length),
      scales,
      evaluations,
    };
  };
}
