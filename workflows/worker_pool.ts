/**
 * A pool of Deno Web Workers as an executor. Each lane runs one work item at a time; items with an
 * affinity wait for "their" lane (index = affinity mod lanes) unless another lane is idle with
 * nothing of its own, so evaluator caches are reused without leaving lanes idle. Workers start on
 * the first item and take work once their modules are loaded.
 *
 * With `mainThread`, this thread is a lane too: it starts working at once while the workers
 * load, so small runs do not pay for worker start-up (the CLI's `--workers auto`). With
 * `startWorkersAfterMs` as well, workers are started only once this thread has worked that long
 * and items are waiting: a run that is done sooner never starts one (each worker loads the code
 * again, about 0.2 s of CPU, and compiles it cold), while a longer one — however few its items —
 * has every core from then on. An item marked `large` (a global fit's chunk) starts them at once.
 * With `mainThreadUntilWorkersReady`, this
 * thread stops taking items once a worker is ready, so it answers replies at once (a long item on
 * this thread would hold every worker's reply back until it ends). Which lane runs an item never
 * changes its result, so the output is the same either way.
 *
 * @module
 */
import {
  createEvaluatorCache,
  type EvaluatorCache,
  runWork,
  WorkError,
} from "../functions/core.ts";
import type { WorkKind } from "../functions/payload.ts";
import { emptyStats, type Executor, type ExecutorStats } from "./executor.ts";
import type { WorkerReply, WorkerRequest } from "./worker.ts";
import type { TimeBudget } from "../src/fit/budget.ts";
import type { StudySpec } from "../src/fit/study.ts";

interface Task {
  seq: number;
  kind: WorkKind;
  payload: unknown;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** Crashes of ready workers tolerated (each restarts the worker) before the pool gives up. */
const MAX_CRASHES = 3;

interface Lane {
  /** null for the main-thread lane. */
  worker: Worker | null;
  main: boolean;
  ready: boolean;
  busy: Task | null;
  queue: Task[];
}

/** Options of {@link workerPool}. */
export interface PoolOptions {
  /** Also run items on this thread (one more lane, ready at once). */
  mainThread?: boolean;
  /** `--time-limit` of the items run on this thread (workers are cut off by the caller). */
  budget?: TimeBudget;
  /**
   * With `mainThread`: start the workers only once this thread has spent this many milliseconds
   * on items in all and more are waiting (default 0: on the first item).
   */
  startWorkersAfterMs?: number;
  /**
   * With `mainThread`: this thread takes no new item once a worker is ready (the workers then
   * have every core, and this thread stays free to hand out items and take replies at once).
   */
  mainThreadUntilWorkersReady?: boolean;
}

/**
 * Worker count for `--workers`: a whole number (0: run in this process), or "auto": this thread
 * plus one worker per further logical core (at most 16 lanes), reported as -1 here.
 *
 * @example
 * ```ts
 * parseWorkers("3"); // 3
 * parseWorkers("auto"); // -1
 * ```
 */
export function parseWorkers(text: string): number {
  if (text === "auto") return -1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 256) {
    throw new Error(`--workers: expected "auto" or a whole number from 0 to 256, got "${text}"`);
  }
  return n;
}

/**
 * The next task for lane `k`: its own queue first, then the shared one, else one stolen from the
 * end of the longest queue (rather than idle).
 */
function nextTask(lanes: Lane[], shared: Task[], k: number): Task | undefined {
  const own = lanes[k].queue.shift();
  if (own) return own;
  const any = shared.shift();
  if (any) return any;
  let best = -1;
  for (let j = 0; j < lanes.length; j++) {
    const q = lanes[j].queue.length;
    if (q > 0 && (best < 0 || q > lanes[best].queue.length)) best = j;
  }
  return best >= 0 ? lanes[best].queue.pop() : undefined;
}

/**
 * Macrotask hops without timer clamping (nested setTimeout(0) waits 4 ms): each `hop(fn)` runs fn
 * on a later turn, so worker replies are handled in between main-thread items.
 */
function macrotaskHops(): { hop(fn: () => void): void; close(): void } {
  let channel: MessageChannel | null = null;
  const queue: (() => void)[] = [];
  return {
    hop(fn) {
      if (!channel) {
        channel = new MessageChannel();
        channel.port1.onmessage = () => queue.shift()?.();
      }
      queue.push(fn);
      channel.port2.postMessage(0);
    },
    close() {
      channel?.port1.close();
      channel?.port2.close();
    },
  };
}

/** A lane: this thread's (ready at once) or a worker's (ready once it has loaded). */
function newLane(main = false): Lane {
  return { worker: null, main, ready: main, busy: null, queue: [] };
}

/**
 * This thread as a lane: each item runs on a later macrotask (so worker replies and new items are
 * handled in between), with its own evaluator cache; keeps the time spent on items.
 */
function thisThreadLane(budget: TimeBudget | undefined) {
  const hops = macrotaskHops();
  let cache: EvaluatorCache | null = null;
  let busyMs = 0;
  return {
    busyMs: () => busyMs,
    calculatorFor: (study: StudySpec, k: number) => cache?.calculatorFor(study, k),
    run(task: Task, done: (ok: boolean, value: unknown) => void): void {
      hops.hop(() => {
        cache ??= createEvaluatorCache(256, { budget });
        const t0 = performance.now();
        const end = (ok: boolean, value: unknown) => {
          busyMs += performance.now() - t0;
          done(ok, value);
        };
        runWork(task.kind, task.payload as never, cache).then(
          (r) => end(true, r),
          (e) => end(false, e),
        );
      });
    },
    close: () => hops.close(),
  };
}

/** The error a worker's failure reply stands for (a WorkError keeps its HTTP-like status). */
function replyError(k: number, er: { status?: number; code?: string; message: string }): Error {
  return er.status !== undefined
    ? new WorkError(er.status, er.code ?? "error", er.message)
    : new Error(`worker ${k}: ${er.message}`);
}

/**
 * A pool of `size` workers (plus this thread with `mainThread`).
 *
 * @example
 * ```ts
 * const pool = workerPool(2);
 * const r = await pool.run("fit", payload);
 * await pool.close();
 * ```
 */
export function workerPool(size: number, opts: PoolOptions = {}): Executor {
  if (!Number.isInteger(size) || size < 0 || (size === 0 && !opts.mainThread)) {
    throw new Error(`worker pool size must be ≥ 1, got ${size}`);
  }
  const main = opts.mainThread ?? false;
  const stats = emptyStats(main ? `workers(${size} + this thread)` : `workers(${size})`);
  const lanes = [
    ...(main ? [newLane(true)] : []),
    ...Array.from({ length: size }, () => newLane()),
  ];
  const shared: Task[] = [];
  const here = thisThreadLane(opts.budget);
  let seq = 0;
  let closed = false;
  let crashes = 0;
  let broken: Error | null = null;
  // Workers start once this thread has spent `startWorkersAfterMs` on items with more waiting.
  // (A forecast from item times fails both ways: the first items run before the code is compiled
  // and overstate the rest several times, and a global fit hands out its chunks a pair at a time
  // however many iterations follow.)
  const startAfterMs = main ? (opts.startWorkersAfterMs ?? 0) : 0;
  const waiting = () => shared.length + lanes.reduce((n, l) => n + l.queue.length, 0);
  // Only for items no free lane can take: a run of single items (one coupled group per step)
  // keeps its warm thread instead of moving to a cold worker.
  let largeSeen = false; // a global fit's chunks: side by side, tens of iterations: start now
  const workersWanted = () => (largeSeen || here.busyMs() >= startAfterMs) && waiting() > 0;
  const mainYields = main && (opts.mainThreadUntilWorkersReady ?? false);
  const rejectAll = (err: Error) => {
    for (const lane of lanes) {
      lane.busy?.reject(err);
      lane.busy = null;
      for (const t of lane.queue.splice(0)) t.reject(err);
    }
    for (const t of shared.splice(0)) t.reject(err);
  };

  const finish = (lane: Lane, task: Task, ok: boolean, value: unknown) => {
    lane.busy = null;
    if (ok) {
      stats.items++;
      task.resolve(value);
    } else task.reject(value as Error);
    pump();
  };

  const start = (k: number): Worker => {
    const w = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
    w.onmessage = (e: MessageEvent<WorkerReply>) => {
      const lane = lanes[k];
      const msg = e.data;
      if ("ready" in msg) {
        lane.ready = true;
        pump();
        return;
      }
      const task = lane.busy;
      if (!task || task.seq !== msg.seq) return;
      if (msg.ok) finish(lane, task, true, msg.result);
      else finish(lane, task, false, replyError(k, msg.error));
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      const lane = lanes[k];
      const task = lane.busy;
      const loaded = lane.ready;
      lane.worker?.terminate();
      lane.worker = null;
      lane.ready = false;
      lane.busy = null;
      crashes++;
      if (!loaded || crashes > MAX_CRASHES) {
        // A worker that cannot load its modules (or keeps crashing) will not get better: fail
        // everything pending with the reason instead of waiting forever.
        broken = new Error(
          `worker ${k} ${loaded ? "crashed repeatedly" : "could not start"}: ${e.message}`,
        );
        if (task) task.reject(broken);
        rejectAll(broken);
        return;
      }
      // A crash mid-item takes that item with it; a fresh worker takes the rest.
      if (task) task.reject(new Error(`worker ${k} failed: ${e.message}`));
      pump();
    };
    return w;
  };

  const pump = () => {
    if (closed) return;
    if (waiting() === 0) return;
    for (let k = 0; k < lanes.length; k++) {
      const lane = lanes[k];
      if (!lane.main && !lane.worker) {
        if (!workersWanted()) continue;
        lane.worker = start(k);
        stats.workersStarted = (stats.workersStarted ?? 0) + 1;
      }
      if (lane.busy || !lane.ready) continue;
      if (lane.main && mainYields && lanes.some((l) => !l.main && l.ready)) continue;
      const task = nextTask(lanes, shared, k);
      if (!task) continue;
      lane.busy = task;
      stats.requests++;
      if (lane.main) here.run(task, (ok, value) => finish(lane, task, ok, value));
      else {
        lane.worker!.postMessage(
          {
            seq: task.seq,
            kind: task.kind,
            payload: task.payload as never,
          } satisfies WorkerRequest,
        );
      }
    }
  };

  return {
    name: stats.name,
    run(kind, payload, runOpts = {}) {
      if (closed) return Promise.reject(new Error("the worker pool is closed"));
      if (broken) return Promise.reject(broken);
      return new Promise((resolve, reject) => {
        const task: Task = {
          seq: ++seq,
          kind,
          payload,
          resolve: resolve as (v: unknown) => void,
          reject,
        };
        if (runOpts.large) largeSeen = true;
        if (runOpts.affinity !== undefined) {
          lanes[Math.abs(runOpts.affinity) % lanes.length].queue.push(task);
        } else shared.push(task);
        pump();
      });
    },
    stats: (): ExecutorStats => ({ ...stats }),
    calculatorFor: main ? (study, k) => here.calculatorFor(study, k) : undefined,
    close() {
      closed = true;
      for (const lane of lanes) {
        lane.worker?.terminate();
        lane.worker = null;
      }
      rejectAll(new Error("the worker pool was closed"));
      here.close();
      return Promise.resolve();
    },
  };
}

/**
 * This thread's work after which `--workers auto` starts its workers: a few times what starting
 * one costs (module loading and cold compilation, ~0.2 s of CPU, and its first items run slowly),
 * so short runs never pay for one: CPMG_15N_IP (~0.5 s of fitting) and ChemEx's methyl example,
 * whose first step's ten small groups end before it and whose other steps are one group each (at
 * 1 s its workers started at the end of the first step and cost 0.3–0.4 s of wall time).
 */
export const AUTO_START_WORKERS_AFTER_MS = 2000;

/**
 * The CLI's `--workers auto`: items run on this thread; once it has worked
 * {@link AUTO_START_WORKERS_AFTER_MS} with items waiting, or at the first `large` item (a global
 * fit's chunk), one worker per logical core (at most 16) starts and takes over as soon as it is
 * ready.
 *
 * @example
 * ```ts
 * const pool = autoPool(); // 2 cores: this thread, then 2 workers when the work is long
 * ```
 */
export function autoPool(
  opts: { budget?: TimeBudget; startWorkersAfterMs?: number } = {},
): Executor {
  const cores = Math.max(1, Math.min(16, navigator.hardwareConcurrency || 1));
  if (cores === 1) return workerPool(0, { mainThread: true, budget: opts.budget });
  return workerPool(cores, {
    mainThread: true,
    mainThreadUntilWorkersReady: true,
    budget: opts.budget,
    startWorkersAfterMs: opts.startWorkersAfterMs ?? AUTO_START_WORKERS_AFTER_MS,
  });
}
