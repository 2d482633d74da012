/**
 * `exfit worker --queue nats://…`: pulls work items from the JetStream queue one at a time, runs
 * them with the same core as every other executor, stores each result in the key-value bucket and
 * only then acknowledges the item. A worker killed mid-item leaves it unacknowledged: JetStream
 * delivers it again after the ack wait. An item whose valid result is already stored (a duplicate
 * delivery) is acknowledged without running again.
 *
 * @module
 */
import { createEvaluatorCache, runWork, WorkError } from "../functions/core.ts";
import { WORK_KINDS, type WorkKind } from "../functions/payload.ts";
import { checkPayload } from "../functions/check.ts";
import { openQueue, type Queue } from "./queue.ts";
import { type QueueFailure, resultKey, WORK_CONSUMER, WORK_STREAM } from "./queue_names.ts";
import { decodeResult, encodeResult } from "./result_files.ts";

/** Options of {@link runQueueWorker}. */
export interface QueueWorkerOptions {
  servers: string[];
  /** Stops the worker (after the item under way). */
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** Ack wait of the consumer when this worker creates it, s. */
  ackWaitS?: number;
}

/** What a worker did. */
export interface QueueWorkerStats {
  ran: number;
  duplicates: number;
  failed: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the bucket already holds a usable answer for this item. */
async function stored(q: Queue, kind: WorkKind, id: string): Promise<boolean> {
  const entry = await q.kv.get(resultKey(id));
  if (!entry || entry.operation !== "PUT") return false;
  try {
    const v = JSON.parse(entry.string());
    if (v?.failed !== undefined) return true;
    await decodeResult(kind, id, entry.string());
    return true;
  } catch {
    return false;
  }
}

/**
 * Serve the queue until `signal` aborts.
 *
 * @example
 * ```ts
 * const ac = new AbortController();
 * await runQueueWorker({ servers: ["127.0.0.1:4222"], signal: ac.signal });
 * ```
 */
export async function runQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorkerStats> {
  const log = opts.log ?? (() => {});
  const q = await openQueue(opts.servers, { ackWaitS: opts.ackWaitS, name: "exfit-worker" });
  const cache = createEvaluatorCache(64);
  const stats: QueueWorkerStats = { ran: 0, duplicates: 0, failed: 0 };
  log(`worker: pulling work items from ${opts.servers.join(", ")}`);
  try {
    while (!opts.signal?.aborted) {
      let msg;
      try {
        const consumer = await q.js.consumers.get(WORK_STREAM, WORK_CONSUMER);
        msg = await consumer.next({ expires: 2000 });
      } catch (e) {
        // Server restarting, connection lost: the client reconnects; try again shortly.
        if (!opts.signal?.aborted) log(`worker: ${(e as Error).message}; retrying`);
        await sleep(500);
        continue;
      }
      if (!msg) continue;
      let kind: WorkKind;
      let id: string;
      let payload: unknown;
      try {
        const m = msg.json<{ kind: WorkKind; payload: { id: string } }>();
        if (!WORK_KINDS.includes(m.kind)) throw new Error(`unknown kind "${m.kind}"`);
        kind = m.kind;
        payload = checkPayload(kind, m.payload);
        id = m.payload.id;
      } catch (e) {
        // Not a work item of ours: drop it for good (term), with a message.
        log(`worker: dropping a malformed message: ${(e as Error).message}`);
        msg.term();
        continue;
      }
      try {
        if (await stored(q, kind, id)) {
          stats.duplicates++;
          await msg.ackAck();
          continue;
        }
        log(`worker: running ${id} (delivery ${msg.info.deliveryCount})`);
        let value: string;
        try {
          value = await encodeResult(kind, await runWork(kind, payload as never, cache));
          stats.ran++;
        } catch (e) {
          if (!(e instanceof WorkError)) throw e;
          // The item itself cannot be done (e.g. a fit that fails): the answer is the failure.
          const failure: QueueFailure = { version: 1, id, failed: e.message };
          value = JSON.stringify(failure);
          stats.failed++;
        }
        await q.kv.put(resultKey(id), value);
        await msg.ackAck();
      } catch (e) {
        // Storing failed (connection lost): leave the item to be delivered again.
        log(`worker: ${id}: ${(e as Error).message}; left for redelivery`);
        try {
          msg.nak(1000);
        } catch { /* connection gone: the ack wait will redeliver it */ }
        await sleep(250);
      }
    }
  } finally {
    await q.close();
  }
  log(`worker: ${stats.ran} items run, ${stats.duplicates} duplicates, ${stats.failed} failed`);
  return stats;
}
