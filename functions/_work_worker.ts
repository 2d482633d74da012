/// <reference lib="deno.worker" />
/**
 * Worker of the server's work pool: runs validated work items with its own evaluator cache and
 * posts back the result or the error. Killed by the pool when an item passes its time limit.
 *
 * @module
 */
import { createEvaluatorCache, runWork, WorkError } from "./core.ts";
import type { PayloadOf, WorkKind } from "./payload.ts";

/** A job for the worker. */
export interface WorkJob {
  seq: number;
  kind: WorkKind;
  payload: PayloadOf[WorkKind];
}

const cache = createEvaluatorCache(32);

self.onmessage = async (e: MessageEvent<WorkJob>) => {
  const { seq, kind, payload } = e.data;
  try {
    const result = await runWork(kind, payload, cache);
    self.postMessage({ seq, ok: true, result });
  } catch (error) {
    const w = error instanceof WorkError ? error : null;
    self.postMessage({
      seq,
      ok: false,
      status: w?.status ?? 500,
      code: w?.code ?? "internal",
      message: w ? w.message : `evaluation failed: ${(error as Error).message}`,
    });
  }
};

// Loading the core takes a while: say when this worker can take work.
self.postMessage({ ready: true });
