/**
 * `exfit serve`: the stateless functions over HTTP (`functions/deno_serve.ts`) with the command
 * line's options checked. Its own module so a fit never loads the server.
 *
 * @module
 */
import { serveFunctions } from "../functions/deno_serve.ts";
import { DEFAULT_MAX_BODY_BYTES } from "../functions/handler.ts";

/**
 * `exfit serve`: the functions on 127.0.0.1 (by default) until SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * await serveCommand({ port: "8787" });
 * ```
 */
export async function serveCommand(
  o: {
    port: string;
    hostname?: string;
    maxBody?: string;
    concurrency?: string;
    queue?: string;
    workTime?: string;
  },
): Promise<void> {
  const positive = (text: string | undefined, fallback: number, what: string, min = 1) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) {
      throw new Error(`${what}: expected a number of at least ${min}, got "${text}"`);
    }
    return n;
  };
  const concurrency = Math.floor(positive(o.concurrency, 2, "--concurrency"));
  const queueLimit = Math.floor(positive(o.queue, 32, "--queue", 0));
  const workTimeMs = positive(o.workTime, 60, "--work-time", 0.001) * 1000;
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port: expected a port number from 0 to 65535, got "${o.port}"`);
  }
  const maxBody = o.maxBody === undefined ? DEFAULT_MAX_BODY_BYTES : Number(o.maxBody);
  if (!Number.isInteger(maxBody) || maxBody < 1) {
    throw new Error(`--max-body: expected a positive number of bytes, got "${o.maxBody}"`);
  }
  const ac = new AbortController();
  const stop = () => ac.abort();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, stop);
  try {
    const server = serveFunctions({
      port,
      hostname: o.hostname ?? "127.0.0.1",
      maxBodyBytes: maxBody,
      concurrency,
      queueLimit,
      workTimeMs,
      signal: ac.signal,
      onListen: ({ hostname, port }) =>
        console.log(`exfit functions listening on http://${hostname}:${port}`),
    });
    await server.finished;
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, stop);
  }
}
