/**
 * A bounded pool of workers for the function server (`exfit serve`): at most `concurrency`
 * work items run at once, each in its own worker with a time limit after which the worker is
 * killed and replaced; at most `queueLimit` more wait. Anything beyond is refused at once with
 * 503, so a flood of heavy requests neither freezes the server (its `/health` runs on the main
 * thread) nor piles up without bound.
 *
 * @module
 */
import { WorkError } from "./core.ts";
import type { PayloadOf, ResultOf, WorkKind } from "./payload.ts";
import type { WorkJob } from "./_work_worker.ts";

/** Limits of a {@link WorkPool}. */
export interface WorkPoolOptions {
  /** Work items running at once (workers), default 2. */
  concurrency?: number;
  /** Work items waiting for a worker, default 32. */
  queueLimit?: number;
  /** Longest run of one work item, ms (default 60 000). */
  workTimeMs?: number;
  /** Longest wait of a work item for a worker, ms (default: the work time plus 10 s). */
  queueTimeMs?: number;
}

/** Counters of a pool. */
export interface WorkPoolStats {
  running: number;
  queued: number;
  done: number;
  refused: number;
  timedOut: number;
  /** Most work items that ever ran at once. */
  peakRunning: number;
}

/** Runs work items under the pool's limits. */
export interface WorkPool {
  run<K extends WorkKind>(kind: K, payload: PayloadOf[K]): Promise<ResultOf[K]>;
  stats(): WorkPoolStats;
  /** Whether a new item would be refused (busy workers and a full queue). */
  full(): boolean;
  /** Stop every worker; pending items fail with 503. */
  close(): void;
}

interface Slot {
  worker: Worker;
  busy: boolean;
  /** The worker has loaded its modules (time limits count from here). */
  ready: boolean;
}

interface Pending {
  job: WorkJob;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  deadline: number;
}

const WORKER_URL = new URL("./_work_worker.ts", import.meta.url).href;

/**
 * A pool of workers with concurrency, queue and time limits.
 *
 * @example
 * ```ts
 * const pool = createWorkPool({ concurrency: 2, workTimeMs: 30_000 });
 * const result = await pool.run("fit", payload);
 * pool.close();
 * ```
 */
export function createWorkPool(options: WorkPoolOptions = {}): WorkPool {
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const queueLimit = Math.max(0, options.queueLimit ?? 32);
  const workTimeMs = Math.max(1, options.workTimeMs ?? 60_000);
  const queueTimeMs = Math.max(1, options.queueTimeMs ?? workTimeMs + 10_000);
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  const stats: WorkPoolStats = {
    running: 0,
    queued: 0,
    done: 0,
    refused: 0,
    timedOut: 0,
    peakRunning: 0,
  };
  let seq = 0;
  let closed = false;

  const timeLimitError = () =>
    new WorkError(
      503,
      "work_time_exceeded",
      `the work item did not finish within the server's limit of ${workTimeMs} ms per ` +
        "request; send smaller work items or raise the limit (exfit serve --work-time)",
    );

  const start = (slot: Slot, item: Pending) => {
    slot.busy = true;
    stats.running++;
    stats.peakRunning = Math.max(stats.peakRunning, stats.running);
    const worker = slot.worker;
    /** Release the slot; `kill` replaces its worker (stuck or broken) by a fresh one. */
    const finish = (kill: boolean) => {
      clearTimeout(timer);
      worker.onmessage = null;
      worker.onerror = null;
      if (kill) {
        worker.terminate();
        replace(slot);
      }
      stats.running--;
      slot.busy = false;
      next();
    };
    const timer = setTimeout(() => {
      // The worker may be stuck in a loop: kill it and put a fresh one in its place.
      stats.timedOut++;
      finish(true);
      item.reject(timeLimitError());
    }, workTimeMs);
    worker.onmessage = (e: MessageEvent) => {
      const m = e.data as {
        seq: number;
        ok: boolean;
        result?: unknown;
        status?: number;
        code?: string;
        message?: string;
      };
      if (m.seq !== item.job.seq) return;
      finish(false);
      stats.done++;
      if (m.ok) item.resolve(m.result);
      else item.reject(new WorkError(m.status ?? 500, m.code ?? "internal", m.message ?? ""));
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      finish(true);
      item.reject(new WorkError(500, "internal", `the worker failed: ${e.message}`));
    };
    worker.postMessage(item.job);
  };

  const next = () => {
    while (queue.length > 0) {
      const slot = slots.find((s) => !s.busy && s.ready);
      if (!slot) return;
      const item = queue.shift()!;
      stats.queued = queue.length;
      if (item.deadline <= Date.now()) {
        stats.timedOut++;
        item.reject(timeLimitError());
        continue;
      }
      start(slot, item);
    }
  };

  /** A new worker in `slot`, taking work once it has said it is ready. */
  const replace = (slot: Slot) => {
    slot.ready = false;
    slot.worker = new Worker(WORKER_URL, { type: "module" });
    slot.worker.onmessage = (e: MessageEvent) => {
      if (!(e.data as { ready?: boolean }).ready) return;
      slot.ready = true;
      slot.worker.onmessage = null;
      next();
    };
  };
  const newSlot = (): Slot => {
    const slot = { busy: false, ready: false } as Slot;
    replace(slot);
    return slot;
  };
  // Items waiting in the queue past their time limit fail even while every worker is busy.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (let i = queue.length - 1; i >= 0; i--) {
      if (queue[i].deadline <= now) {
        const [item] = queue.splice(i, 1);
        stats.timedOut++;
        item.reject(timeLimitError());
      }
    }
    stats.queued = queue.length;
  }, 100);
  Deno.unrefTimer(sweep);

  return {
    full: () => slots.filter((s) => s.busy).length >= concurrency && queue.length >= queueLimit,
    run<K extends WorkKind>(kind: K, payload: PayloadOf[K]): Promise<ResultOf[K]> {
      if (closed) return Promise.reject(new WorkError(503, "closing", "the server is stopping"));
      const busy = slots.filter((s) => s.busy).length;
      if (busy >= concurrency && queue.length >= queueLimit) {
        stats.refused++;
        return Promise.reject(
          new WorkError(
            503,
            "busy",
            `the server is busy (${busy} work items running, ${queue.length} waiting); retry later`,
          ),
        );
      }
      while (slots.length < concurrency) slots.push(newSlot());
      return new Promise((resolve, reject) => {
        queue.push({
          job: { seq: ++seq, kind, payload },
          resolve: resolve as (v: unknown) => void,
          reject,
          deadline: Date.now() + queueTimeMs,
        });
        stats.queued = queue.length;
        next();
      });
    },
    stats: () => ({ ...stats }),
    close() {
      closed = true;
      clearInterval(sweep);
      for (const item of queue.splice(0)) {
        item.reject(new WorkError(503, "closing", "the server is stopping"));
      }
      for (const slot of slots) slot.worker.terminate();
      slots.length = 0;
    },
  };
}
