/**
 * Running a job on a cron schedule (`exfit reprocess --every "CRON"`): `Deno.cron` in a
 * long-lived process (needs `--unstable-cron`, as `deno task exfit` gives it), or, with an
 * injected clock, a loop over the schedule's next times (tests run a day of schedule instantly).
 * Schedules are five-field cron expressions in UTC; `croner` validates them and computes next
 * times.
 *
 * @module
 */
import { Cron } from "croner";

/** A clock: the time now, and a wait until a given time. */
export interface Clock {
  now(): Date;
  sleepUntil(time: Date, signal?: AbortSignal): Promise<void>;
}

/**
 * The first time after `after` that matches `cron` (UTC); an error naming the expression when
 * it is not valid.
 *
 * @example
 * ```ts
 * nextRun("0 2 * * *", new Date("2026-12-05T19:30:00Z")); // 2026-12-06T02:00:00.000Z
 * ```
 */
export function nextRun(cron: string, after: Date): Date {
  let job: Cron;
  try {
    job = new Cron(cron, { paused: true, timezone: "UTC" });
  } catch (e) {
    throw new Error(`--every: "${cron}" is not a cron schedule (${(e as Error).message})`);
  }
  try {
    const next = job.nextRun(after);
    if (!next) throw new Error(`--every: "${cron}" never runs after ${after.toISOString()}`);
    return next;
  } finally {
    job.stop();
  }
}

/**
 * Run `job` at every time `cron` names until `signal` aborts (jobs never overlap; a failing job
 * is reported through `onError` and the schedule goes on). With `clock`, the schedule is followed
 * on that clock (at most `maxRuns` runs); without, `Deno.cron` runs it.
 *
 * @example
 * ```ts
 * await runEvery("0 2 * * *", async (at) => await reprocess(at), { signal });
 * ```
 */
export async function runEvery(
  cron: string,
  job: (at: Date) => Promise<void>,
  opts: {
    clock?: Clock;
    signal?: AbortSignal;
    maxRuns?: number;
    onError?: (e: Error) => void;
  } = {},
): Promise<void> {
  nextRun(cron, new Date()); // validates the expression
  const guarded = async (at: Date) => {
    try {
      await job(at);
    } catch (e) {
      opts.onError?.(e as Error);
    }
  };
  if (opts.clock) {
    const clock = opts.clock;
    for (let runs = 0; runs < (opts.maxRuns ?? Infinity) && !opts.signal?.aborted; runs++) {
      const at = nextRun(cron, clock.now());
      await clock.sleepUntil(at, opts.signal);
      if (opts.signal?.aborted) break;
      await guarded(at);
    }
    return;
  }
  if (typeof Deno.cron !== "function") {
    throw new Error(
      "--every needs Deno.cron: run deno with --unstable-cron (deno task exfit does)",
    );
  }
  let running = false;
  await Deno.cron("exfit reprocess", cron, { signal: opts.signal }, async () => {
    if (running) return;
    running = true;
    try {
      await guarded(new Date());
    } finally {
      running = false;
    }
  });
  // Deno.cron keeps the process alive; return when the schedule is stopped.
  await new Promise<void>((resolve) => {
    if (opts.signal?.aborted) return resolve();
    opts.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
}
