/**
 * Budgets of a fit, and what is said when one is hit. A group fit that stops at its evaluation
 * budget (the TRF's `max_nfev`, a global fit's outer iterations) has not converged: its values
 * are the last iterate, not a minimum. That is never silent: the step's console warnings,
 * `statistics.toml` and the group's parameters in `Parameters/fitted.toml` name the step, the
 * group and the budget. A run past its time limit (`exfit fit --time-limit`) stops with a
 * {@link TimeLimitError} naming where it was; nothing is published.
 *
 * Budgets are plain data handed in by the caller: nothing here reads configuration.
 *
 * @module
 */
import type { ParamStore } from "../params/store.ts";
import type { ChunkEvaluator } from "./chunk.ts";

/** A group whose fit stopped at its evaluation budget. */
export interface BudgetHit {
  /** 1-based group number within the step (the order of `independentGroups`). */
  group: number;
  /** Profile names of the group. */
  profiles: string[];
  /** The budget that was reached, in words ("2000 solver evaluations"). */
  budget: string;
  /** The group's free parameters (they get the note in fitted.toml). */
  freeIds: string[];
}

/** How a user raises the solver's evaluation budget (`exfit fit`). */
const RAISE = "raise with --max-evaluations";

function groupLabel(hit: BudgetHit): string {
  const names = hit.profiles.length > 4
    ? `${hit.profiles.slice(0, 4).join(", ")}, … (${hit.profiles.length} profiles)`
    : hit.profiles.join(", ");
  return `group ${hit.group} (${names})`;
}

/**
 * The console line of a budget hit (the step name is added by the caller's warning prefix).
 *
 * @example
 * ```ts
 * budgetNotice({ group: 2, profiles: ["10N"], budget: "2000 solver evaluations", freeIds: [] });
 * // "group 2 (10N): the fit stopped at its budget of 2000 solver evaluations before converging; …"
 * ```
 */
export function budgetNotice(hit: BudgetHit): string {
  return `${groupLabel(hit)}: the fit stopped at its budget of ${hit.budget} before ` +
    `converging; its values are the last iterate, not a minimum (${RAISE})`;
}

/**
 * The `statistics.toml` entries of a step's budget hits: one string per group.
 *
 * @example
 * ```ts
 * budgetEntries("STEP2", hits); // ["STEP2 group 2 (10N): 2000 solver evaluations"]
 * ```
 */
export function budgetEntries(step: string, hits: readonly BudgetHit[]): string[] {
  return hits.map((h) => `${step ? `${step} ` : ""}${groupLabel(h)}: ${h.budget}`);
}

/**
 * Add a "not converged" note to every free parameter of the groups that hit their budget, so
 * `Parameters/fitted.toml` says so beside the value (after any note the diagnostics gave).
 *
 * @example
 * ```ts
 * markBudgetHits(store, "STEP2", result.budgetHits ?? []);
 * ```
 */
export function markBudgetHits(store: ParamStore, step: string, hits: readonly BudgetHit[]): void {
  for (const hit of hits) {
    const note = `not converged: ${step ? `${step} ` : ""}group ${hit.group} stopped at its ` +
      `budget of ${hit.budget}`;
    for (const id of hit.freeIds) {
      const p = store.get(id);
      if (!p) continue;
      p.errorNote = p.errorNote === undefined ? note : `${p.errorNote}; ${note}`;
    }
  }
}

/** How many of a step's grid points or statistics replicates stopped at their budget. */
export interface BudgetCount {
  /** Refits that stopped at the budget. */
  count: number;
  /** All refits (grid points, or replicates of one method). */
  of: number;
  /** The budget in words ("2000 solver evaluations"). */
  budget: string;
}

/**
 * The console line of refits (grid points, replicates) that stopped at their budget.
 *
 * @example
 * ```ts
 * budgetCountNotice("GRID", "grid points", { count: 4, of: 9, budget: "3 solver evaluations" });
 * // "GRID: 4 of 9 grid points stopped at their budget of 3 solver evaluations before …"
 * ```
 */
export function budgetCountNotice(what: string, items: string, c: BudgetCount): string {
  return `${what}: ${c.count} of ${c.of} ${items} stopped at their budget of ${c.budget} ` +
    `before converging; their results are the last iterate, not a minimum (${RAISE})`;
}

/**
 * The `statistics.toml` entry ("not converged") of refits that stopped at their budget.
 *
 * @example
 * ```ts
 * budgetCountEntry("STEP1", "GRID", "grid points", hit); // "STEP1 GRID: 4 of 9 grid points: 3 solver evaluations"
 * ```
 */
export function budgetCountEntry(
  step: string,
  what: string,
  items: string,
  c: BudgetCount,
): string {
  return `${step ? `${step} ` : ""}${what}: ${c.count} of ${c.of} ${items}: ${c.budget}`;
}

/** A wall-clock budget of a whole run: plain data, created by the caller. */
export interface TimeBudget {
  /** The limit as the user gave it, in seconds. */
  limitS: number;
  /** When it runs out, on `Date.now()`'s clock (shared by this process and its workers). */
  deadlineMs: number;
  /** The option that set it, for messages (e.g. "--time-limit 30m"). */
  source: string;
}

/** Thrown when a run passes its {@link TimeBudget}; `where` grows as it travels up. */
export class TimeLimitError extends Error {
  readonly where: string[] = [];
  constructor(readonly budget: TimeBudget) {
    super("");
    this.name = "TimeLimitError";
    this.message = this.describe();
  }

  /**
   * Add where the run was, with its preposition ("in step [STEP2]", "before step [STEP3]");
   * added last, printed first: the message reads from the outermost place in.
   */
  at(where: string): this {
    if (!this.where.includes(where)) this.where.unshift(where);
    this.message = this.describe();
    return this;
  }

  private describe(): string {
    const at = this.where.length > 0 ? ` ${this.where.join(", ")}` : "";
    return `the run passed its time limit of ${formatDuration(this.budget.limitS)} ` +
      `(${this.budget.source})${at}; nothing was published, the output folder is as it was ` +
      "(rerun with --resume and a larger --time-limit to continue from the finished work)";
  }
}

/**
 * Throw a {@link TimeLimitError} when the budget has run out (no budget: never).
 *
 * @example
 * ```ts
 * checkTimeBudget(budget); // throws once Date.now() is past budget.deadlineMs
 * ```
 */
export function checkTimeBudget(budget: TimeBudget | undefined, nowMs = Date.now()): void {
  if (budget !== undefined && nowMs > budget.deadlineMs) throw new TimeLimitError(budget);
}

/**
 * The evaluator with the clock checked before every profile evaluation, so that a fit, a grid
 * point or a replicate running in this process stops within one evaluation of the deadline (the
 * check costs a clock read against evaluations of microseconds and more).
 *
 * @example
 * ```ts
 * const ev = budgetedEvaluator(createChunkEvaluator(chunk), budget);
 * ```
 */
export function budgetedEvaluator(ev: ChunkEvaluator, budget: TimeBudget): ChunkEvaluator {
  const jacobian = ev.profileJacobian;
  return {
    ...ev,
    profile(k, values, out) {
      checkTimeBudget(budget);
      return ev.profile(k, values, out);
    },
    ...(jacobian
      ? {
        profileJacobian(
          k: number,
          values: ArrayLike<number>,
          out: Float64Array,
          jac: Float64Array,
        ) {
          checkTimeBudget(budget);
          return jacobian(k, values, out, jac);
        },
      }
      : {}),
  };
}

/**
 * {@link budgetedEvaluator} when there is a budget, else the evaluator itself.
 *
 * @example
 * ```ts
 * const ev = withBudget(createChunkEvaluator(chunk), opts.budget);
 * ```
 */
export function withBudget(ev: ChunkEvaluator, budget: TimeBudget | undefined): ChunkEvaluator {
  return budget ? budgetedEvaluator(ev, budget) : ev;
}

/**
 * A duration as people write it: seconds (`90`, `90s`), minutes (`30m`, `1.5m`), hours (`2h`),
 * or a sum (`1h30m`). Returns seconds; throws naming `what` on anything else.
 *
 * @example
 * ```ts
 * parseDuration("1h30m", "--time-limit"); // 5400
 * ```
 */
export function parseDuration(text: string, what: string): number {
  const t = text.trim().toLowerCase();
  const unit: Record<string, number> = { "": 1, s: 1, m: 60, min: 60, h: 3600, d: 86400 };
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)\s*(min|[smhd]?)/g)];
  const rebuilt = parts.map((p) => p[0]).join("");
  const seconds = parts.reduce((s, p) => s + Number(p[1]) * unit[p[2]], 0);
  if (parts.length === 0 || rebuilt.replace(/\s/g, "") !== t.replace(/\s/g, "") || !(seconds > 0)) {
    throw new Error(
      `${what}: expected a duration such as 90 (seconds), 90s, 30m, 2h or 1h30m, got "${text}"`,
    );
  }
  return seconds;
}

/**
 * `--max-evaluations`: a whole number of solver evaluations per group fit (none given: the
 * solver's default), as the step field `maxNfev`.
 *
 * @example
 * ```ts
 * { ...step, ...maxEvaluations("5000") }; // { ..., maxNfev: 5000 }
 * ```
 */
export function maxEvaluations(text: string | undefined): { maxNfev?: number } {
  if (text === undefined) return {};
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
    throw new Error(`--max-evaluations: expected a whole number from 1 to 1000000, got "${text}"`);
  }
  return { maxNfev: n };
}

/**
 * Seconds as a short duration ("45 s", "30 min", "2 h 5 min").
 *
 * @example
 * ```ts
 * formatDuration(5400); // "1 h 30 min"
 * ```
 */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toPrecision(3))} s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds - 3600 * h) / 60);
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
