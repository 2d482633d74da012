/**
 * `--executor queue`: work items go to the NATS JetStream queue (`workflows/queue.ts`) for
 * `exfit worker`s on any machine; results come back through the key-value bucket. Before
 * submitting an item the executor looks for its stored result, so a coordinator killed and
 * restarted (`--resume`) picks up everything the workers already finished, and an item submitted
 * twice is stored once (message id = work-item id). Results are checked (checksum, shape) as
 * every other executor checks replies.
 *
 * @module
 */
import type { PayloadOf, ResultOf, WorkKind } from "../functions/payload.ts";
import { emptyStats, type Executor } from "./executor.ts";
import type { Queue } from "./queue.ts";
import { resultKey } from "./queue_names.ts";
import { decodeResult } from "./result_files.ts";

/** Options of {@link queueExecutor}. */
export interface QueueExecutorOptions {
  servers: string[];
  log?: (message: string) => void;
  /** Look up outstanding results directly this often, ms (a safety net; default 3000). */
  pollMs?: number;
  ackWaitS?: number;
}

interface Waiter {
  resolve: (text: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An executor over the JetStream queue.
 *
 * @example
 * ```ts
 * const ex = queueExecutor({ servers: ["127.0.0.1:4222"] });
 * try { await ex.run("fit", payload); } finally { await ex.close(); }
 * ```
 */
export function queueExecutor(opts: QueueExecutorOptions): Executor {
  const log = opts.log ?? (() => {});
  const stats = emptyStats(`queue(${opts.servers.join(",")})`);
  const waiters = new Map<string, Waiter[]>();
  let closed = false;
  let open: Promise<Queue> | null = null;
  let poller: Promise<void> | null = null;

  const deliver = (key: string, text: string) => {
    const list = waiters.get(key);
    if (!list) return;
    waiters.delete(key);
    for (const w of list) w.resolve(text);
  };
  const lookup = async (q: Queue, key: string): Promise<string | null> => {
    const e = await q.kv.get(key);
    return e && e.operation === "PUT" ? e.string() : null;
  };
  const start = () =>
    // The NATS client is loaded only when a queue is used.
    open ??= import("./queue.ts").then(({ openQueue }) =>
      openQueue(opts.servers, { ackWaitS: opts.ackWaitS, name: "exfit-coordinator" })
    ).then(async (q) => {
      // Results as they are stored…
      const watch = await q.kv.watch({ key: ">", include: "updates" });
      (async () => {
        for await (const e of watch) {
          if (e.operation === "PUT") deliver(e.key, e.string());
        }
      })().catch(() => {});
      // …and, in case a notification was missed across a reconnection, looked up directly.
      poller = (async () => {
        while (!closed) {
          await sleep(opts.pollMs ?? 3000);
          for (const key of [...waiters.keys()]) {
            if (closed) break;
            const text = await lookup(q, key).catch(() => null);
            if (text !== null) deliver(key, text);
          }
        }
      })();
      const stop = q.close;
      q.close = async () => {
        watch.stop();
        await stop();
      };
      return q;
    });

  // The server may be restarting: calls are retried (backoff up to 5 s) until the run is closed.
  const retrying = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    for (let attempt = 0;; attempt++) {
      try {
        return await call();
      } catch (e) {
        if (closed) throw e;
        stats.retries++;
        if (attempt % 10 === 0) log(`queue: ${what}: ${(e as Error).message}; retrying`);
        await sleep(Math.min(5000, 200 * 2 ** Math.min(attempt, 5)));
      }
    }
  };
  const publish = (q: Queue, kind: WorkKind, payload: { id: string }) => {
    const body = JSON.stringify({ kind, payload });
    return retrying(
      `publishing ${payload.id}`,
      () => q.js.publish(`exfit.work.${kind}`, body, { msgID: payload.id, timeout: 10_000 }),
    );
  };

  return {
    name: stats.name,
    async run<K extends WorkKind>(kind: K, payload: PayloadOf[K]): Promise<ResultOf[K]> {
      if (closed) throw new Error("the queue executor is closed");
      const q = await start();
      const key = resultKey(payload.id);
      const arrived = new Promise<string>((resolve) => {
        if (!waiters.has(key)) waiters.set(key, []);
        waiters.get(key)!.push({ resolve });
      });
      stats.requests++;
      const have = await retrying(`looking up ${payload.id}`, () => lookup(q, key));
      if (have !== null) deliver(key, have);
      else await publish(q, kind, payload);
      const text = await arrived;
      const failure = JSON.parse(text) as { failed?: string };
      if (failure?.failed !== undefined) throw new Error(`${payload.id}: ${failure.failed}`);
      const result = await decodeResult(kind, payload.id, text);
      stats.items++;
      return result;
    },
    stats: () => ({ ...stats }),
    async close() {
      closed = true;
      const q = await open?.catch(() => null);
      await poller?.catch(() => {});
      await q?.close();
    },
  };
}
