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
  const pool = new BoundedPool(options);
  return {
    full: () => pool.full(),
    run: (kind, payload) => pool.run(kind, payload),
    stats: () => ({ ...pool.counts }),
    close: () => pool.close(),
  };
}

/** The state of a {@link createWorkPool} pool: its slots, its queue and its counters. */
class BoundedPool {
  readonly concurrency: number;
  readonly queueLimit: number;
  readonly workTimeMs: number;
  readonly queueTimeMs: number;
  readonly slots: Slot[] = [];
  readonly queue: Pending[] = [];
  readonly counts: WorkPoolStats = {
    running: 0,
    queued: 0,
    done: 0,
    refused: 0,
    timedOut: 0,
    peakRunning: 0,
  };
  seq = 0;
  closed = false;
  /** Items waiting in the queue past their time limit fail even while every worker is busy. */
  readonly sweep: ReturnType<typeof setInterval>;

  constructor(options: WorkPoolOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.queueLimit = Math.max(0, options.queueLimit ?? 32);
    this.workTimeMs = Math.max(1, options.workTimeMs ?? 60_000);
    this.queueTimeMs = Math.max(1, options.queueTimeMs ?? this.workTimeMs + 10_000);
    this.sweep = setInterval(() => this.expireQueued(), 100);
    Deno.unrefTimer(this.sweep);
  }

  timeLimitError(): WorkError {
    return new WorkError(
      503,
      "work_time_exceeded",
      `the work item did not finish within the server's limit of ${this.workTimeMs} ms per ` +
        "request; send smaller work items or raise the limit (exfit serve --work-time)",
    );
  }

  busy(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  full(): boolean {
    return this.busy() >= this.concurrency && this.queue.length >= this.queueLimit;
  }

  run<K extends WorkKind>(kind: K, payload: PayloadOf[K]): Promise<ResultOf[K]> {
    if (this.closed) {
      return Promise.reject(new WorkError(503, "closing", "the server is stopping"));
    }
    const busy = this.busy();
    if (busy >= this.concurrency && this.queue.length >= this.queueLimit) {
      this.counts.refused++;
      return Promise.reject(
        new WorkError(
          503,
          "busy",
          `the server is busy (${busy} work items running, ${this.queue.length} waiting); ` +
            "retry later",
        ),
      );
    }
    while (this.slots.length < this.concurrency) this.slots.push(this.newSlot());
    return new Promise((resolve, reject) => {
      this.queue.push({
        job: { seq: ++this.seq, kind, payload },
        resolve: resolve as (v: unknown) => void,
        reject,
        deadline: Date.now() + this.queueTimeMs,
      });
      this.counts.queued = this.queue.length;
      this.next();
    });
  }

  /** Start queued items on free, ready workers; fail those that waited too long. */
  next(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => !s.busy && s.ready);
      if (!slot) return;
      const item = this.queue.shift()!;
      this.counts.queued = this.queue.length;
      if (item.deadline <= Date.now()) {
        this.counts.timedOut++;
        item.reject(this.timeLimitError());
        continue;
      }
      this.start(slot, item);
    }
  }

  /** Run one item on the worker of `slot` under the work-time limit. */
  start(slot: Slot, item: Pending): void {
    const stats = this.counts;
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
        this.replace(slot);
      }
      stats.running--;
      slot.busy = false;
      this.next();
    };
    const timer = setTimeout(() => {
      // The worker may be stuck in a loop: kill it and put a fresh one in its place.
      stats.timedOut++;
      finish(true);
      item.reject(this.timeLimitError());
    }, this.workTimeMs);
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
  }

  /** A new worker in `slot`, taking work once it has said it is ready. */
  replace(slot: Slot): void {
    slot.ready = false;
    slot.worker = new Worker(WORKER_URL, { type: "module" });
    slot.worker.onmessage = (e: MessageEvent) => {
      if (!(e.data as { ready?: boolean }).ready) return;
      slot.ready = true;
      slot.worker.onmessage = null;
      this.next();
    };
  }

  newSlot(): Slot {
    const slot = { busy: false, ready: false } as Slot;
    this.replace(slot);
    return slot;
  }

  /** Fail the queued items whose wait for a worker passed its limit. */
  expireQueued(): void {
    const now = Date.now();
    const queue = this.queue;
    for (let i = queue.length - 1; i >= 0; i--) {
      if (queue[i].deadline <= now) {
        const [item] = queue.splice(i, 1);
        this.counts.timedOut++;
        item.reject(this.timeLimitError());
      }
    }
    this.counts.queued = queue.length;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweep);
    for (const item of this.queue.splice(0)) {
      item.reject(new WorkError(503, "closing", "the server is stopping"));
    }
    for (const slot of this.slots) slot.worker.terminate();
    this.slots.length = 0;
  }
}
