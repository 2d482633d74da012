/**
 * Executors: where work items run. One interface, three placements — in this process, on a
 * pool of Web Workers, or on HTTP function endpoints — all running the same work-item functions
 * (`functions/core.ts`), so a plan gives the same numbers wherever it runs.
 *
 * @module
 */
import { createEvaluatorCache, runWork } from "../functions/core.ts";
import type { PayloadOf, ResultOf, WorkKind } from "../functions/payload.ts";
import type { TimeBudget } from "../src/fit/budget.ts";
import type { StudySpec } from "../src/fit/study.ts";
import type { ProfileCalculator } from "../src/fit/evaluate.ts";

/** Counters an executor keeps (what a run reports). */
export interface ExecutorStats {
  /** e.g. "in-process", "workers(2)", "http(3 endpoints)". */
  name: string;
  /** Work items completed. */
  items: number;
  /** Attempts sent (HTTP), items posted (workers). */
  requests: number;
  /** Attempts repeated after a failure. */
  retries: number;
  /** Attempts that ran past the timeout. */
  timeouts: number;
  /** Attempts answered with a retryable HTTP status or a network error. */
  errors: number;
  /** Replies dropped because they belonged to another request or were malformed. */
  discarded: number;
  /** Workers started so far (worker pools; a `--workers auto` pool starts them only for long runs). */
  workersStarted?: number;
}

/** Options of one call. */
export interface RunOptions {
  /**
   * Preferred placement (e.g. the chunk index): calls with the same affinity go to the same
   * worker or endpoint when it is free, so its evaluator cache is reused.
   */
  affinity?: number;
  /**
   * The item belongs to a large computation (a chunk of a global fit, which is evaluated every
   * iteration, tens of times): a pool that starts its workers lazily starts them at once.
   */
  large?: boolean;
}

/** Runs work items. */
export interface Executor {
  readonly name: string;
  run<K extends WorkKind>(kind: K, payload: PayloadOf[K], opts?: RunOptions): Promise<ResultOf[K]>;
  stats(): ExecutorStats;
  /**
   * A calculator of profile `k` of `study` that work run in this thread has already built
   * (`EvaluatorCache.calculatorFor`); absent or undefined where the work runs elsewhere.
   */
  calculatorFor?(study: StudySpec, k: number): ProfileCalculator | undefined;
  /** Release workers and connections; the executor cannot be used afterwards. */
  close(): Promise<void>;
}

/** Fresh counters. */
export function emptyStats(name: string): ExecutorStats {
  return { name, items: 0, requests: 0, retries: 0, timeouts: 0, errors: 0, discarded: 0 };
}

/**
 * Longest stretch of in-process work between two event-loop turns. A turn costs about 2 ms
 * (Deno's timer floor), so this keeps the cost near 1% while Ctrl-C answers within a fraction
 * of a second (or one work item, when an item lasts longer).
 */
export const YIELD_EVERY_MS = 200;

/**
 * Run work items in this process, one after the other (the reference placement). With a
 * `budget` (`--time-limit`), every evaluation checks the clock (the work blocks this thread, so
 * no timer could stop it). Between items the event loop gets a turn at least every
 * {@linkcode YIELD_EVERY_MS}, so Ctrl-C is handled mid-step instead of after the whole run.
 *
 * @example
 * ```ts
 * const ex = inProcessExecutor();
 * const r = await ex.run("evaluate", payload);
 * ```
 */
export function inProcessExecutor(opts: { budget?: TimeBudget } = {}): Executor {
  const cache = createEvaluatorCache(256, { budget: opts.budget });
  const stats = emptyStats("in-process");
  let lastTurnMs = performance.now();
  // Items run one after the other even when requested together (a basin search's starts), so
  // the clock is read between any two of them.
  let queue: Promise<unknown> = Promise.resolve();
  const runNext = async <K extends WorkKind>(kind: K, payload: PayloadOf[K]) => {
    // Awaiting a settled promise only drains microtasks; signal listeners need a timer turn.
    if (performance.now() - lastTurnMs > YIELD_EVERY_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastTurnMs = performance.now();
    }
    const out = await runWork(kind, payload, cache);
    stats.items++;
    return out;
  };
  return {
    name: stats.name,
    run<K extends WorkKind>(kind: K, payload: PayloadOf[K]): Promise<ResultOf[K]> {
      stats.requests++;
      const out = queue.then(() => runNext(kind, payload));
      queue = out.catch(() => {});
      return out;
    },
    stats: () => ({ ...stats }),
    calculatorFor: (study, k) => cache.calculatorFor(study, k),
    close: () => Promise.resolve(),
  };
}

/**
 * One-line summary of executor counters for the user.
 *
 * @example
 * ```ts
 * formatStats(ex.stats()); // "http(3 endpoints): 120 items, 131 requests, 11 retries (…)"
 * ```
 */
export function formatStats(s: ExecutorStats): string {
  const base = `${s.name}: ${s.items} work items`;
  if (s.name.startsWith("http")) {
    return `${base}, ${s.requests} requests, ${s.retries} retries (${s.timeouts} timeouts, ` +
      `${s.errors} errors, ${s.discarded} discarded replies)`;
  }
  return base;
}
