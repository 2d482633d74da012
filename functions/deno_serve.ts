/**
 * Deno adapter: `deno serve --allow-read functions/deno_serve.ts` (or Deno Deploy with this
 * file as entry point) serves the functions; {@link serveFunctions} starts the same server from
 * code (`exfit serve`).
 *
 * @module
 */
import { createHandler, type HandlerOptions } from "./handler.ts";
import { createWorkPool, type WorkPoolOptions } from "./work_pool.ts";

/** Options of {@link serveFunctions}. */
export interface ServeOptions extends HandlerOptions, WorkPoolOptions {
  port: number;
  /** Interface to listen on (default 127.0.0.1: loopback only). */
  hostname?: string;
  signal?: AbortSignal;
  onListen?: (addr: { hostname: string; port: number }) => void;
}

/**
 * Serve the functions over HTTP until the signal aborts.
 *
 * @example
 * ```ts
 * const ac = new AbortController();
 * const server = serveFunctions({ port: 8787, signal: ac.signal });
 * ac.abort();
 * await server.finished;
 * ```
 */
export function serveFunctions(options: ServeOptions): Deno.HttpServer<Deno.NetAddr> {
  // Work runs in a bounded pool of workers: /health and 4xx answers stay on this thread.
  const pool = createWorkPool(options);
  options.signal?.addEventListener("abort", () => pool.close(), { once: true });
  const handler = createHandler({
    ...options,
    runner: (kind, payload) => pool.run(kind, payload),
    busy: () => pool.full(),
  });
  return Deno.serve({
    port: options.port,
    hostname: options.hostname ?? "127.0.0.1",
    signal: options.signal,
    onListen: options.onListen ?? (() => {}),
  }, handler);
}

// `deno serve` entry: the same bounded pool, started on the first work request.
let pool: ReturnType<typeof createWorkPool> | undefined;
const handler = createHandler({
  runner: (kind, payload) => (pool ??= createWorkPool()).run(kind, payload),
});

/** `deno serve` entry: the default export's `fetch`. */
export default { fetch: (request: Request): Promise<Response> => handler(request) };
