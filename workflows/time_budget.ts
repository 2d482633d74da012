/**
 * `exfit fit --time-limit`: an executor whose work items may not end after the run's deadline.
 * Work on other threads or machines (workers, endpoints, a queue) is raced against a timer, so
 * the run stops at the deadline even while an item is still out; work on this thread checks the
 * clock itself (`functions/core.ts#createEvaluatorCache` with a budget), since a timer cannot fire
 * while it computes. Either way the run ends with one {@link TimeLimitError} naming the profiles
 * it was working on, and the caller publishes nothing.
 *
 * @module
 */
import type { Executor } from "./executor.ts";
import { checkTimeBudget, type TimeBudget, TimeLimitError } from "../src/fit/budget.ts";

/** Longest delay `setTimeout` keeps (about 24.8 days); longer limits rely on the checks. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function profilesOf(payload: unknown): string {
  const chunk = (payload as { chunk?: { profiles?: { name?: string }[] } }).chunk;
  const names = [...new Set((chunk?.profiles ?? []).map((p) => p.name ?? "?"))];
  if (names.length === 0) return "a work item";
  const shown = names.length > 4 ? `${names.slice(0, 4).join(", ")}, …` : names.join(", ");
  return `profiles ${shown}`;
}

/**
 * The executor with every work item bounded by the budget's deadline.
 *
 * @example
 * ```ts
 * const ex = withTimeBudget(workerPool(2), { limitS: 60, deadlineMs: Date.now() + 60_000, source: "--time-limit 60" });
 * ```
 */
export function withTimeBudget(inner: Executor, budget: TimeBudget): Executor {
  return {
    name: inner.name,
    async run(kind, payload, opts) {
      const where = `during the ${kind} work on ${profilesOf(payload)}`;
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        checkTimeBudget(budget);
        const work = inner.run(kind, payload, opts);
        const left = budget.deadlineMs - Date.now();
        if (left >= MAX_TIMER_MS) return await work;
        // When the deadline wins, the item's own end (result or error) no longer matters.
        work.catch(() => {});
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new TimeLimitError(budget)), Math.max(0, left) + 1);
        });
        return await Promise.race([work, late]);
      } catch (e) {
        if (e instanceof TimeLimitError) e.at(where);
        throw e;
      } finally {
        if (timer !== undefined) clearTimeout(timer);
      }
    },
    stats: () => inner.stats(),
    close: () => inner.close(),
  };
}
