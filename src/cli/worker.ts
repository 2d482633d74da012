/**
 * `exfit worker --queue nats://HOST:PORT`: serve the JetStream work queue until SIGINT/SIGTERM
 * (`workflows/queue_worker.ts`).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { parseQueueUrl } from "../../workflows/queue_names.ts";
import { untilStopped } from "./failure.ts";

/**
 * Register `exfit worker`.
 *
 * @example
 * ```ts
 * registerWorkerCommand(program);
 * ```
 */
export function registerWorkerCommand(program: Command): void {
  program.command("worker")
    .description(
      "run work items from a NATS JetStream queue (fit --executor queue) until SIGINT/SIGTERM",
    )
    .requiredOption("--queue <url>", "NATS server, e.g. nats://127.0.0.1:4222")
    .action(async (o: { queue: string }) => {
      const servers = parseQueueUrl(o.queue);
      await untilStopped(async (signal) => {
        // The NATS client is loaded only by this command.
        const { runQueueWorker } = await import("../../workflows/queue_worker.ts");
        await runQueueWorker({ servers, signal, log: (m) => console.error(`exfit: ${m}`) });
      });
    });
}
