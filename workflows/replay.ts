/**
 * Replaying a run from stored results: an executor that answers every work item whose result is
 * already known and records the others as pending. The run (`runWorkflow`, unchanged) is driven
 * as far as the known results take it; when it can go no further — every call it is waiting on
 * is pending — the pending calls are rejected with {@link PendingWork} and the replay ends with
 * the list of pending items: the next round of work. Because the run is deterministic and every
 * work item is a pure function of its id, a run driven round by round this way takes exactly the
 * path of a run on any other executor, and writes the same files.
 *
 * @module
 */
import type { PayloadOf, ResultOf, WorkKind } from "../functions/payload.ts";
import type { StepOutput } from "../src/run/run.ts";
import type { StepSpec } from "../src/fit/step.ts";
import type { CompatVersion } from "../src/config/compat.ts";
import type { StudySpec } from "../src/fit/study.ts";
import type { ParamStore } from "../src/params/store.ts";
import { emptyStats, type Executor } from "./executor.ts";
import { runWorkflow } from "./run.ts";

/** A work item the replay needs and has no result for. */
export interface PendingItem<K extends WorkKind = WorkKind> {
  id: string;
  kind: K;
  payload: PayloadOf[K];
}

/** Thrown into the run when it waits only on pending items (ends the replay). */
export class PendingWork extends Error {
  constructor(count: number) {
    super(`${count} work items are pending`);
    this.name = "PendingWork";
  }
}

/** What a run needs to be replayed (what `exfit fit` loads and its options). */
export interface ReplayInputs {
  study: StudySpec;
  store: ParamStore;
  steps: StepSpec[];
  plot: boolean;
  seed: number;
  chunkProfiles: number;
  /** `--compat` (statistics counts), as the run's. */
  compat?: CompatVersion;
}

/** Outcome of {@link replay}. */
export interface ReplayOutcome {
  /** Work items to run next, in the order the run asked for them (empty: the run is complete). */
  pending: PendingItem[];
  /** Steps the run completed. */
  completedSteps: number;
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Drive a run from known results (`lookup` returns a result or null) until it completes or waits
 * only on unknown ones; every completed step is handed to `onStep`. With `outDir`, the run
 * writes its checkpoints there as a local run would.
 *
 * @example
 * ```ts
 * const { pending } = await replay(inputs, (kind, id) => known.get(id) ?? null);
 * ```
 */
export async function replay(
  inputs: ReplayInputs,
  lookup: <K extends WorkKind>(kind: K, id: string) => ResultOf[K] | null,
  opts: { outDir?: string; onStep?: (out: StepOutput, index: number) => Promise<void> } = {},
): Promise<ReplayOutcome> {
  const pending = new Map<string, PendingItem>();
  const waiting: ((e: Error) => void)[] = [];
  let calls = 0;
  let watching = false;
  // Everything the run does between work items is synchronous or settles within a few turns of
  // the event loop; when two turns pass without a new call, it waits only on pending items.
  const watch = async () => {
    if (watching) return;
    watching = true;
    for (let idle = 0; idle < 2;) {
      const before = calls;
      await tick();
      idle = calls === before ? idle + 1 : 0;
    }
    watching = false;
    const err = new PendingWork(pending.size);
    for (const reject of waiting.splice(0)) reject(err);
  };
  const stats = emptyStats("replay");
  const executor: Executor = {
    name: "replay",
    run<K extends WorkKind>(kind: K, payload: PayloadOf[K]): Promise<ResultOf[K]> {
      calls++;
      stats.requests++;
      const known = lookup(kind, payload.id);
      if (known) {
        stats.items++;
        return Promise.resolve(known);
      }
      if (!pending.has(payload.id)) pending.set(payload.id, { id: payload.id, kind, payload });
      const p = new Promise<ResultOf[K]>((_, reject) => waiting.push(reject));
      watch();
      return p;
    },
    stats: () => ({ ...stats }),
    close: () => Promise.resolve(),
  };
  let completedSteps = 0;
  try {
    for await (
      const out of runWorkflow(inputs.study, inputs.store, inputs.steps, {
        plot: inputs.plot,
        seed: inputs.seed,
        executor,
        outDir: opts.outDir,
        chunkProfiles: inputs.chunkProfiles,
        compat: inputs.compat,
      })
    ) {
      await opts.onStep?.(out, completedSteps);
      completedSteps++;
    }
  } catch (e) {
    if (!(e instanceof PendingWork)) throw e;
    return { pending: [...pending.values()], completedSteps };
  }
  return { pending: [], completedSteps };
}
