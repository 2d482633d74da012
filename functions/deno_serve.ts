/**
 * Deno adapter: `deno serve --allow-read functions/deno_serve.ts` (or Deno Deploy with this
 * file as entry point) serves the functions; {@link serveFunctions} starts the same server from
 * code (`exfit serve`).
 *
 * @module
 */
import { createHandler, type HandlerOptions } from "./handler.ts";

/** Options of {@link serveFunctions}. */
export interface ServeOptions extends HandlerOptions {
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
  const handler = createHandler(options);
  return Deno.serve({
    port: options.port,
    hostname: options.hostname ?? "127.0.0.1",
    signal: options.signal,
    onListen: options.onListen ?? (() => {}),
  }, handler);
}

const handler = createHandler();

/** `deno serve` entry: the default export's `fetch`. */
export default { fetch: (request: Request): Promise<Response> => handler(request) };
