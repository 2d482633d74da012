/**
 * The orchestrator: runs a study's method steps with their fits on an executor, writing
 * checkpoints into the output folder and resuming from them. Files are still written by the
 * caller (one step output at a time); the checkpoint that marks a step complete is written only
 * after the caller asked for the next output, i.e. after that step's files are on disk.
 *
 * @module
 */
import { runFitWith, type RunOptions, type StepOutput } from "../src/run/run.ts";
import type { StepSpec } from "../src/fit/step.ts";
import { planMethod } from "../src/fit/roles.ts";
import type { StudySpec } from "../src/fit/study.ts";
import type { ParamStore } from "../src/params/store.ts";
import {
  type Checkpoint,
  CHECKPOINT_VERSION,
  checkpointPath,
  readCheckpoint,
  restoreStore,
  saveStore,
  studyHash,
  writeCheckpoint,
} from "./checkpoint.ts";
import type { Executor } from "./executor.ts";
import type { OuterTolerances } from "./global_fit.ts";
import { DEFAULT_CHUNK_PROFILES } from "./plan.ts";
import {
  createGridRunner,
  createReplicateRunner,
  createStepRunner,
  type PartialStep,
} from "./steps.ts";
import { TimeLimitError } from "../src/fit/budget.ts";

/** Options of {@link runWorkflow}. */
export interface WorkflowOptions extends RunOptions {
  executor: Executor;
  /** Output folder (checkpoints go to `<outDir>/.exfit/`); none: no checkpoints. */
  outDir?: string;
  /** Continue from the folder's checkpoint (starts afresh when there is none). */
  resume?: boolean;
  /** Largest profiles per fit item or chunk (default 32). */
  chunkProfiles?: number;
  /** Stopping rules of global (chunked) fits. */
  tolerances?: OuterTolerances;
  /** Test hook: stop as if killed after this many outer iterations (checkpoint written). */
  abortAfterIterations?: number;
  /** Messages for the user (resume notices, outer iterations). */
  log?: (message: string) => void;
  /** Shortest time between checkpoint writes for finished work items, ms (default 1000). */
  itemCheckpointMs?: number;
}

/**
 * Fit a study through its steps on an executor, with checkpoints and resume.
 *
 * @example
 * ```ts
 * for await (const out of runWorkflow(study, store, steps, { plot: false, seed: 0, executor, outDir: "Output" })) {
 *   await writeStep(out);
 * }
 * ```
 */
export async function* runWorkflow(
  study: StudySpec,
  store: ParamStore,
  steps: StepSpec[],
  opts: WorkflowOptions,
): AsyncGenerator<StepOutput> {
  const chunkProfiles = opts.chunkProfiles ?? DEFAULT_CHUNK_PROFILES;
  const hash = await studyHash(study, store, steps, {
    chunkProfiles,
    tolerances: opts.tolerances ?? {},
  });
  // Every step's roles from the baseline, validated before anything runs or is restored (the
  // caller may have done it already: `exfit fit` validates before writing anything).
  const program = opts.program ?? planMethod(store, study, steps);
  const saved = opts.resume && opts.outDir ? readCheckpoint(opts.outDir) : null;
  if (saved && saved.studyHash !== hash) {
    throw new Error(
      `${checkpointPath(opts.outDir!)} was written for other inputs (data, parameters, method ` +
        `or options differ); run without --resume, or remove ${opts.outDir}/.exfit`,
    );
  }
  if (opts.resume && opts.outDir && !saved) {
    opts.log?.(`no checkpoint in ${opts.outDir}/.exfit: starting from the first step`);
  }
  if (saved?.complete) {
    opts.log?.(`the checkpoint in ${opts.outDir}/.exfit says the run is complete: nothing to do`);
    return;
  }
  const cp: Checkpoint = saved ?? {
    version: CHECKPOINT_VERSION,
    studyHash: hash,
    completedSteps: 0,
    selected: study.profiles.map(() => true),
    store: saveStore(store),
    complete: false,
  };
  if (saved) {
    restoreStore(store, saved.store);
    const partial = saved.partial;
    const inner = partial
      ? `, step ${partial.step + 1} with ${Object.keys(partial.done).length} work items done` +
        Object.values(partial.outer).map((s) => `, a global fit at iteration ${s.iteration}`).join(
          "",
        )
      : "";
    opts.log?.(`resuming: ${saved.completedSteps} of ${steps.length} steps done${inner}`);
  }
  const save = () => {
    if (opts.outDir) writeCheckpoint(opts.outDir, cp);
  };
  let lastItemSave = 0;
  const minGap = opts.itemCheckpointMs ?? 1000;
  const runner = createStepRunner({
    executor: opts.executor,
    prefix: hash.slice(0, 12),
    chunkProfiles,
    tolerances: opts.tolerances,
    partial: saved?.partial,
    abortAfterIterations: opts.abortAfterIterations,
    log: opts.log,
    seed: opts.seed,
    onProgress: (partial: PartialStep, kind) => {
      cp.partial = partial;
      const now = performance.now();
      if (kind === "iteration" || now - lastItemSave >= minGap) {
        lastItemSave = now;
        save();
      }
    },
  });
  const runGrid = createGridRunner({
    executor: opts.executor,
    prefix: hash.slice(0, 12),
    progress: opts.progress,
  });
  const run = runFitWith(
    study,
    store,
    steps,
    {
      ...opts,
      from: { step: cp.completedSteps, selected: cp.selected },
      program,
      // A step's final values reuse the calculators its fit built in this thread.
      calculatorOf: opts.executor.calculatorFor?.bind(opts.executor),
    },
    runner,
    runGrid,
    // Not checkpointed: after a resume, a step's replicates are simply run again (same numbers).
    createReplicateRunner({ executor: opts.executor, prefix: hash.slice(0, 12) }),
  );
  try {
    for await (const out of run) {
      yield out;
      // The caller has written this step's files: the step is complete.
      cp.completedSteps++;
      cp.selected = out.result?.selected.slice() ?? cp.selected;
      cp.store = saveStore(store);
      delete cp.partial;
      save();
    }
  } catch (e) {
    // Past --time-limit: every finished work item is kept for --resume (item saves are batched).
    if (e instanceof TimeLimitError) save();
    throw e;
  }
  cp.complete = true;
  save();
}
