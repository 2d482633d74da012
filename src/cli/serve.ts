/**
 * `exfit serve`: the fitting functions over HTTP for `fit --endpoints`; the server itself
 * (`workflows/serve_command.ts#serveCommand`) is loaded only when the command runs.
 *
 * @module
 */
import type { Command } from "./command.ts";

/**
 * Register `exfit serve`.
 *
 * @example
 * ```ts
 * registerServeCommand(program);
 * ```
 */
export function registerServeCommand(program: Command): void {
  program.command("serve")
    .description("serve the fitting functions over HTTP for `fit --endpoints` (docs/workflows.md)")
    .option("--port <n>", "port to listen on (0: any free port)", "8787")
    .option("--hostname <address>", "address to listen on", "127.0.0.1")
    .option("--max-body <bytes>", "largest request body accepted")
    .option("--concurrency <n>", "work items run at once, each in its own worker", "2")
    .option("--queue <n>", "work items waiting for a worker before requests get 503", "32")
    .option("--work-time <seconds>", "longest run of one work item (then 503)", "60")
    .action(
      async (o: Parameters<typeof import("../../workflows/serve_command.ts").serveCommand>[0]) => {
        const { serveCommand } = await import("../../workflows/serve_command.ts");
        await serveCommand(o);
      },
    );
}
