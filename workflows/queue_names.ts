/**
 * Names, limits and parsing of the NATS JetStream queue (no client code: cheap to import). The
 * queue itself is described in `queue.ts`.
 *
 * @module
 */

/** Stream of work items. */
export const WORK_STREAM = "EXFIT_WORK";
/** Durable consumer shared by the workers. */
export const WORK_CONSUMER = "exfit-workers";
/** Key-value bucket of results. */
export const RESULT_BUCKET = "exfit-results";
/** Default time a worker has to store an item's result before it is delivered again. */
export const DEFAULT_ACK_WAIT_S = 120;

/** A work item on the queue. */
export interface QueueMessage {
  kind: string;
  payload: { id: string };
}

/** A result that could not be computed (stored instead of a result: the item failed for good). */
export interface QueueFailure {
  version: 1;
  id: string;
  failed: string;
}

/**
 * Parse `--queue`: `nats://HOST:PORT` (several comma-separated for a cluster).
 *
 * @example
 * ```ts
 * parseQueueUrl("nats://127.0.0.1:4222"); // ["127.0.0.1:4222"]
 * ```
 */
export function parseQueueUrl(text: string | undefined): string[] {
  if (!text) throw new Error("--queue: expected a NATS URL such as nats://127.0.0.1:4222");
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) => {
    const m = /^nats:\/\/([^/\s:]+)(?::(\d{1,5}))?\/?$/.exec(s);
    if (!m) throw new Error(`--queue: "${s}" is not a NATS URL (expected nats://HOST:PORT)`);
    return `${m[1]}:${m[2] ?? "4222"}`;
  });
}

/**
 * The key of a work item's result.
 *
 * @example
 * ```ts
 * resultKey("ab12:s0:g3"); // "ab12_s0_g3"
 * ```
 */
export function resultKey(id: string): string {
  if (!/^[0-9A-Za-z:_.-]{1,200}$/.test(id)) throw new Error(`unexpected work-item id "${id}"`);
  return id.replaceAll(":", "_");
}

/**
 * The ack wait from `EXFIT_QUEUE_ACK_WAIT` (seconds), else {@link DEFAULT_ACK_WAIT_S}.
 *
 * @example
 * ```ts
 * const seconds = ackWaitSeconds();
 * ```
 */
export function ackWaitSeconds(
  env: (k: string) => string | undefined = (k) => Deno.env.get(k),
): number {
  const text = env("EXFIT_QUEUE_ACK_WAIT");
  if (text === undefined || text === "") return DEFAULT_ACK_WAIT_S;
  const s = Number(text);
  if (!(s > 0 && Number.isFinite(s))) {
    throw new Error(`EXFIT_QUEUE_ACK_WAIT: expected seconds > 0, got "${text}"`);
  }
  return s;
}
