/**
 * The runtime-free HTTP core of the functions: `handle(request) → response` with routes
 * `POST /evaluate`, `POST /fit`, `POST /grid`, `POST /replicate` and `GET /health`. Only web
 * standards (Request, Response, TextDecoder, crypto.subtle) are used, so the same handler runs
 * under `deno serve`, Cloudflare Workers and AWS Lambda through one small adapter each.
 *
 * Errors are JSON: `{ "version": 1, "error": { "code", "message", "field"?, "expected"? } }`
 * with 400 (malformed request: which field, what was expected), 404, 405, 413 (too large),
 * 415 (not JSON), 422 (well-formed but unusable, e.g. an unknown parameter reference), 501.
 *
 * @module
 */
import { createEvaluatorCache, type EvaluatorCache, runWork, WorkError } from "./core.ts";
import {
  PAYLOAD_VERSION,
  type PayloadOf,
  type ResultOf,
  WORK_KINDS,
  type WorkKind,
} from "./payload.ts";
import { checkPayload } from "./check.ts";
import { PayloadError } from "./validate.ts";

/** Default largest request body accepted (bytes). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /** Largest request body accepted, in bytes (default 32 MiB). */
  maxBodyBytes?: number;
  /** Chunk evaluators kept for repeated requests (default 128). */
  cacheCapacity?: number;
  /**
   * Where validated work runs (default: in this thread). `exfit serve` passes a worker pool
   * with concurrency and time limits, so that no request can freeze the server.
   */
  runner?: <K extends WorkKind>(kind: K, payload: PayloadOf[K]) => Promise<ResultOf[K]>;
  /** When true, work requests get 503 at once, before their body is read (a full pool). */
  busy?: () => boolean;
}

/** A request handler. */
export type Handler = (request: Request) => Promise<Response>;

/** The error body. */
export interface ErrorBody {
  version: number;
  error: { code: string; message: string; field?: string; expected?: string };
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

function fail(
  status: number,
  code: string,
  message: string,
  extra: { field?: string; expected?: string; allow?: string } = {},
): Response {
  const { allow, ...detail } = extra;
  const res = json(status, { version: PAYLOAD_VERSION, error: { code, message, ...detail } });
  if (allow) res.headers.set("allow", allow);
  return res;
}

class TooLarge extends Error {}

async function readBody(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > limit) throw new TooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new TooLarge();
    }
    parts.push(value);
  }
  const all = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.byteLength;
  }
  return new TextDecoder("utf-8", { fatal: true }).decode(all);
}

/**
 * A handler with its own evaluator cache and limits.
 *
 * @example
 * ```ts
 * const handle = createHandler({ maxBodyBytes: 8 << 20 });
 * const res = await handle(new Request("http://x/health"));
 * ```
 */
export function createHandler(options: HandlerOptions = {}): Handler {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const cache: EvaluatorCache = createEvaluatorCache(options.cacheCapacity ?? 128);
  const run = options.runner ??
    (<K extends WorkKind>(kind: K, payload: PayloadOf[K]) => runWork(kind, payload, cache));
  return async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname.replace(/\/+$/, "") || "/";
    if (path === "/health") {
      if (request.method !== "GET" && request.method !== "HEAD") {
        return fail(405, "method_not_allowed", "use GET /health", { allow: "GET, HEAD" });
      }
      return json(200, {
        version: PAYLOAD_VERSION,
        status: "ok",
        routes: WORK_KINDS.map((k) => `/${k}`),
        maxBodyBytes: limit,
      });
    }
    const kind = path.slice(1) as WorkKind;
    if (!(WORK_KINDS as readonly string[]).includes(kind)) {
      return fail(
        404,
        "not_found",
        `no route ${path}: use POST /evaluate, /fit, /grid, /replicate or GET /health`,
      );
    }
    if (request.method !== "POST") {
      return fail(405, "method_not_allowed", `use POST ${path}`, { allow: "POST" });
    }
    if (options.busy?.()) {
      return fail(503, "busy", "the server is busy with other work items; retry later");
    }
    const type = request.headers.get("content-type") ?? "";
    // fetch() labels a string body text/plain unless told otherwise: accept that too.
    if (type && !/^(application\/json|text\/plain)\b/i.test(type)) {
      return fail(
        415,
        "unsupported_media_type",
        `send JSON (content-type application/json), not ${type}`,
      );
    }
    let text: string;
    try {
      text = await readBody(request, limit);
    } catch (e) {
      if (e instanceof TooLarge) {
        return fail(413, "payload_too_large", `request bodies are limited to ${limit} bytes`);
      }
      return fail(400, "invalid_body", "the request body is not valid UTF-8");
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return fail(400, "invalid_json", `the request body is not JSON: ${(e as Error).message}`, {
        expected: "a JSON object",
      });
    }
    try {
      const payload = checkPayload(kind, body);
      return json(200, await run(kind, payload));
    } catch (e) {
      if (e instanceof PayloadError) {
        return fail(400, "invalid_payload", e.message, { field: e.field, expected: e.expected });
      }
      if (e instanceof WorkError) return fail(e.status, e.code, e.message);
      return fail(500, "internal", `evaluation failed: ${(e as Error).message}`);
    }
  };
}

/**
 * A handler with default options, for adapters that need a plain function.
 *
 * @example
 * ```ts
 * const res = await handle(new Request("http://localhost/health"));
 * ```
 */
export function handle(request: Request): Promise<Response> {
  return defaultHandler()(request);
}

// One handler per loaded module instance (a warm serverless instance keeps its cache), created
// on first use rather than at import.
let shared: Handler | undefined;
function defaultHandler(): Handler {
  return shared ??= createHandler();
}
