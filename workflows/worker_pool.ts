/**
 * A pool of Deno Web Workers as an executor: each worker runs one work item at a time; items with
 * an affinity wait for "their" worker (index = affinity mod size) unless another worker is idle
 * and has nothing of its own, so evaluator caches are reused without leaving workers idle.
 * Workers start on the first item, not at construction.
 *
 * @module
 */
import { WorkError } from "../functions/core.ts";
import type { WorkKind } from "../functions/payload.ts";
import { emptyStats, type Executor, type ExecutorStats } from "./executor.ts";
import type { WorkerReply, WorkerRequest } from "./worker.ts";

interface Task {
  seq: number;
  kind: WorkKind;
  payload: unknown;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker | null;
  busy: Task | null;
  queue: Task[];
}

/**
 * Worker count for `--workers`: a positive integer, or "auto" (the machine's logical cores, at
 * most 16). 0 means "no workers" (run in this process).
 *
 * @example
 * ```ts
 * parseWorkers("auto"); // e.g. 2
 * parseWorkers("3"); // 3
 * ```
 */
export function parseWorkers(text: string): number {
  if (text === "auto") return Math.max(1, Math.min(16, navigator.hardwareConcurrency || 1));
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 256) {
    throw new Error(`--workers: expected "auto" or a whole number from 0 to 256, got "${text}"`);
  }
  return n;
}

/**
 * A worker-pool executor of `size` workers.
 *
 * @example
 * ```ts
 * const pool = workerPool(2);
 * const r = await pool.run("fit", payload);
 * await pool.close();
 * ```
 */
export function workerPool(size: number): Executor {
  if (!Number.isInteger(size) || size < 1) throw new Error(`worker pool size must be ≥ 1, got ${size}`);
  const stats = emptyStats(`workers(${size})`);
  const slots: Slot[] = Array.from({ length: size }, () => ({ worker: null, busy: null, queue: [] }));
  const shared: Task[] = [];
  let seq = 0;
  let closed = false;

  const start = (k: number): Worker => {
    const w = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
    w.onmessage = (e: MessageEvent<WorkerReply>) => {
      const slot = slots[k];
      const task = slot.busy;
      if (!task || task.seq !== e.data.seq) return;
      slot.busy = null;
      if (e.data.ok) {
        stats.items++;
        task.resolve(e.data.result);
      } else {
        const er = e.data.error;
        task.reject(
          er.status !== undefined
            ? new WorkError(er.status, er.code ?? "error", er.message)
            : new Error(`worker ${k}: ${er.message}`),
        );
      }
      pump();
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      // A worker that fails to load or crashes takes its in-flight item with it: fail that item
      // clearly and replace the worker for the rest.
      const slot = slots[k];
      const task = slot.busy;
      slot.busy = null;
      slot.worker?.terminate();
      slot.worker = null;
      task?.reject(new Error(`worker ${k} failed: ${e.message}`));
      pump();
    };
    return w;
  };

  const next = (k: number): Task | undefined => {
    const own = slots[k].queue.shift();
    if (own) return own;
    const any = shared.shift();
    if (any) return any;
    // Steal from the longest queue rather than idle.
    let best = -1;
    for (let j = 0; j < size; j++) {
      if (slots[j].queue.length > 0 && (best < 0 || slots[j].queue.length > slots[best].queue.length)) {
        best = j;
      }
    }
    return best >= 0 ? slots[best].queue.pop() : undefined;
  };

  const pump = () => {
    if (closed) return;
    for (let k = 0; k < size; k++) {
      const slot = slots[k];
      if (slot.busy) continue;
      const task = next(k);
      if (!task) continue;
      slot.worker ??= start(k);
      slot.busy = task;
      stats.requests++;
      slot.worker.postMessage({ seq: task.seq, kind: task.kind, payload: task.payload as never } satisfies WorkerRequest);
    }
  };

  return {
    name: stats.name,
    run(kind, payload, opts = {}) {
      if (closed) return Promise.reject(new Error("the worker pool is closed"));
      return new Promise((resolve, reject) => {
        const task: Task = { seq: ++seq, kind, payload, resolve: resolve as (v: unknown) => void, reject };
        if (opts.affinity !== undefined) slots[Math.abs(opts.affinity) % size].queue.push(task);
        else shared.push(task);
        pump();
      });
    },
    stats: (): ExecutorStats => ({ ...stats }),
    close() {
      closed = true;
      for (const s of slots) {
        s.worker?.terminate();
        s.worker = null;
        s.busy?.reject(new Error("the worker pool was closed"));
        s.busy = null;
        for (const t of s.queue.splice(0)) t.reject(new Error("the worker pool was closed"));
      }
      for (const t of shared.splice(0)) t.reject(new Error("the worker pool was closed"));
      return Promise.resolve();
    },
  };
}
