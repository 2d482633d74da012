/**
 * Body of one pool worker: receives `{ seq, kind, payload }`, runs the work item with the same
 * functions as every other placement and posts `{ seq, ok, result | error }` back. The evaluator
 * cache lives as long as this worker.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { createEvaluatorCache, runWork, WorkError } from "../functions/core.ts";
import type { WorkKind } from "../functions/payload.ts";

/** A message to a worker. */
export interface WorkerRequest {
  seq: number;
  kind: WorkKind;
  payload: never;
}

/** A worker's answer (`ready` once, when its modules are loaded). */
export type WorkerReply =
  | { ready: true }
  | { seq: number; ok: true; result: unknown }
  | {
    seq: number;
    ok: false;
    error: { name: string; message: string; status?: number; code?: string };
  };

const cache = createEvaluatorCache(256);

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const { seq, kind, payload } = e.data;
  try {
    const result = await runWork(kind, payload, cache);
    self.postMessage({ seq, ok: true, result } satisfies WorkerReply);
  } catch (err) {
    const x = err as Error;
    const extra = err instanceof WorkError ? { status: err.status, code: err.code } : {};
    self.postMessage(
      {
        seq,
        ok: false,
        error: { name: x.name, message: x.message, ...extra },
      } satisfies WorkerReply,
    );
  }
};

// Imports are evaluated by now: tell the pool this worker can take work.
self.postMessage({ ready: true } satisfies WorkerReply);
