/**
 * The NATS JetStream queue shared by `exfit worker` and `--executor queue`: a work-queue stream of
 * work items (`EXFIT_WORK`, subjects `exfit.work.<kind>`, each message published with its
 * work-item id as `Nats-Msg-Id`, so a re-submitted item within the duplicate window is stored
 * once), one durable pull consumer shared by all workers (explicit acks; an item not acknowledged
 * within the ack wait is delivered again), and a key-value bucket of results (`exfit-results`,
 * key = the id with `:` as `_`, value = the checksummed result of `result_files.ts`). A worker
 * acknowledges an item only after its result is stored; ids make duplicate results harmless.
 *
 * @module
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  AckPolicy,
  jetstream,
  type JetStreamClient,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import { ackWaitSeconds, RESULT_BUCKET, WORK_CONSUMER, WORK_STREAM } from "./queue_names.ts";

/** An open queue. */
export interface Queue {
  nc: NatsConnection;
  js: JetStreamClient;
  kv: KV;
  close(): Promise<void>;
}

/**
 * Connect and make sure the stream, the consumer and the bucket exist (whoever comes first
 * creates them). Reconnects forever; the store survives server restarts (file storage).
 *
 * @example
 * ```ts
 * const q = await openQueue(["127.0.0.1:4222"]);
 * ```
 */
export async function openQueue(
  servers: string[],
  opts: { ackWaitS?: number; name?: string } = {},
): Promise<Queue> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: opts.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: 10_000,
    });
  } catch (e) {
    throw new Error(`cannot connect to NATS at ${servers.join(", ")}: ${(e as Error).message}`);
  }
  try {
    const jsm = await jetstreamManager(nc);
    try {
      await jsm.streams.info(WORK_STREAM);
    } catch {
      await jsm.streams.add({
        name: WORK_STREAM,
        subjects: ["exfit.work.>"],
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
      });
    }
    try {
      await jsm.consumers.info(WORK_STREAM, WORK_CONSUMER);
    } catch {
      await jsm.consumers.add(WORK_STREAM, {
        durable_name: WORK_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        ack_wait: Math.round((opts.ackWaitS ?? ackWaitSeconds()) * 1e9),
        max_deliver: -1,
      });
    }
    const kv = await new Kvm(nc).create(RESULT_BUCKET, { history: 1 });
    const js = jetstream(nc);
    return { nc, js, kv, close: async () => await nc.drain().catch(() => nc.close()) };
  } catch (e) {
    await nc.close();
    throw new Error(`NATS at ${servers.join(", ")}: ${(e as Error).message}`);
  }
}
