/**
 * HTTP executor: work items POSTed to function endpoints (`exfit serve`, the deployed bundle),
 * with a concurrency limit per endpoint, a timeout per attempt, and retries with exponential
 * backoff. Work-item ids are idempotent (the same id always carries the same payload), so an
 * item whose reply was lost, late or duplicated is simply sent again; a reply is accepted only
 * when it echoes the request's id and version and passes validation.
 *
 * @module
 */
import type { PayloadOf, ResultOf, WorkKind } from "../functions/payload.ts";
import { checkResult } from "../functions/check.ts";
import { replyProblem } from "./reply_content.ts";
import { PayloadError } from "../functions/validate.ts";
import { emptyStats, type Executor, type ExecutorStats } from "./executor.ts";

/** Options of {@link httpExecutor}. */
export interface HttpExecutorOptions {
  /** Base URLs, e.g. `http://127.0.0.1:8787`. */
  endpoints: string[];
  /** Requests in flight per endpoint (default 4). */
  concurrency?: number;
  /** Time limit of one attempt in ms (default 120 000). */
  timeoutMs?: number;
  /** Attempts after the first (default 6). */
  retries?: number;
  /** First backoff in ms, doubled each retry (default 100). */
  backoffMs?: number;
  /** Longest backoff in ms (default 5 000). */
  maxBackoffMs?: number;
  /** fetch to use (a fault injector in tests). */
  fetch?: typeof fetch;
  /** Called on each retry with the reason (for progress reporting). */
  onRetry?: (info: { id: string; attempt: number; endpoint: string; reason: string }) => void;
  /** Called every `waitNoticeMs` while an attempt waits for its reply (progress output). */
  onWaiting?: (info: { id: string; endpoint: string; elapsedMs: number; limitMs: number }) => void;
  /** Interval of {@link HttpExecutorOptions.onWaiting} calls, ms (default 10 000). */
  waitNoticeMs?: number;
}

/** A work item that failed for good: the last reason, how many attempts. */
export class HttpWorkError extends Error {
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.name = "HttpWorkError";
    this.status = status;
  }
}

/**
 * Parse `--endpoints`: comma-separated http(s) base URLs.
 *
 * @example
 * ```ts
 * parseEndpoints("http://127.0.0.1:8787,http://127.0.0.1:8788");
 * ```
 */
export function parseEndpoints(text: string): string[] {
  const list = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (list.length === 0) {
    throw new Error("--endpoints: expected one or more URLs separated by commas");
  }
  return list.map((s) => {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      throw new Error(`--endpoints: "${s}" is not a URL (expected e.g. http://127.0.0.1:8787)`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new Error(`--endpoints: "${s}" must start with http:// or https://`);
    }
    return url.href.replace(/\/+$/, "");
  });
}

/** Deterministic jitter in [0.5, 1) from the item id and attempt (no shared random state). */
function jitter(id: string, attempt: number): number {
  let h = 2166136261 ^ attempt;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return 0.5 + ((h >>> 0) % 1000) / 2000;
}

class Retryable extends Error {
  readonly kind: "timeout" | "error" | "discarded";
  constructor(kind: "timeout" | "error" | "discarded", message: string) {
    super(message);
    this.kind = kind;
  }
}

/**
 * An executor over HTTP endpoints.
 *
 * @example
 * ```ts
 * const ex = httpExecutor({ endpoints: ["http://127.0.0.1:8787"], timeoutMs: 30_000 });
 * const r = await ex.run("evaluate", payload);
 * ```
 */
export function httpExecutor(opts: HttpExecutorOptions): Executor {
  if (opts.endpoints.length === 0) throw new Error("httpExecutor: no endpoints");
  const endpoints = opts.endpoints.map((e) => e.replace(/\/+$/, ""));
  const retries = opts.retries ?? 6;
  const backoff = opts.backoffMs ?? 100;
  const maxBackoff = opts.maxBackoffMs ?? 5_000;
  const attemptOpts: AttemptOptions = {
    timeoutMs: opts.timeoutMs ?? 120_000,
    doFetch: opts.fetch ?? fetch,
    onWaiting: opts.onWaiting,
    waitNoticeMs: opts.waitNoticeMs ?? 10_000,
  };
  const stats = emptyStats(`http(${endpoints.length} endpoint${endpoints.length > 1 ? "s" : ""})`);
  const slots = new EndpointSlots(endpoints.length, opts.concurrency ?? 4);

  return {
    name: stats.name,
    async run(kind, payload, runOpts = {}) {
      const body = JSON.stringify(payload);
      const id = payload.id;
      let avoid = -1;
      for (let n = 0;; n++) {
        const k = await slots.acquire(
          runOpts.affinity === undefined ? undefined : runOpts.affinity % endpoints.length,
          avoid,
        );
        stats.requests++;
        try {
          const out = await postOnce(endpoints[k], kind, payload, body, attemptOpts);
          stats.items++;
          return out as never;
        } catch (e) {
          if (!(e instanceof Retryable)) throw e;
          if (e.kind === "timeout") stats.timeouts++;
          else if (e.kind === "error") stats.errors++;
          else stats.discarded++;
          if (n >= retries) {
            throw new HttpWorkError(
              `work item ${id} failed after ${n + 1} attempts; last: ${
                endpoints[k]
              }/${kind}: ${e.message}`,
            );
          }
          stats.retries++;
          opts.onRetry?.({ id, attempt: n + 1, endpoint: endpoints[k], reason: e.message });
          avoid = k;
        } finally {
          slots.release(k);
        }
        const wait = Math.min(maxBackoff, backoff * 2 ** n) * jitter(id, n);
        await new Promise((r) => setTimeout(r, wait));
      }
    },
    stats: (): ExecutorStats => ({ ...stats }),
    close() {
      slots.close();
      return Promise.resolve();
    },
  };
}

/** The request slots of the endpoints: at most `perEndpoint` requests in flight on each. */
class EndpointSlots {
  readonly inFlight: number[];
  readonly waiting: (() => void)[] = [];
  closed = false;
  /** Where the round robin starts when a request has no affinity. */
  rr = 0;

  constructor(readonly count: number, readonly perEndpoint: number) {
    this.inFlight = new Array(count).fill(0);
  }

  /**
   * The least-loaded endpoint with a free slot, preferring the affinity and avoiding the one
   * that just failed; resolves when a slot frees up.
   */
  async acquire(prefer: number | undefined, avoid: number): Promise<number> {
    const { inFlight, count, perEndpoint } = this;
    for (;;) {
      if (this.closed) throw new HttpWorkError("the HTTP executor is closed");
      let best = -1;
      const start = prefer ?? this.rr;
      for (let j = 0; j < count; j++) {
        const k = (j + start) % count;
        if (inFlight[k] >= perEndpoint) continue;
        if (k === avoid && count > 1) continue;
        if (best < 0 || inFlight[k] < inFlight[best]) best = k;
      }
      if (best < 0 && avoid >= 0 && inFlight[avoid] < perEndpoint) best = avoid;
      if (best >= 0) {
        inFlight[best]++;
        this.rr = (best + 1) % count;
        return best;
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  release(k: number): void {
    this.inFlight[k]--;
    this.waiting.shift()?.();
  }

  /** Refuse further requests and wake every waiting one (it then fails). */
  close(): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w();
  }
}

/** What one attempt needs besides the work item. */
interface AttemptOptions {
  timeoutMs: number;
  doFetch: typeof fetch;
  onWaiting: HttpExecutorOptions["onWaiting"];
  waitNoticeMs: number;
}

/**
 * One POST of a work item to `endpoint` under the attempt's time limit, with waiting notices:
 * the checked result, a {@link Retryable} failure, or an {@link HttpWorkError} for good.
 */
async function postOnce<K extends WorkKind>(
  endpoint: string,
  kind: K,
  payload: PayloadOf[K],
  body: string,
  o: AttemptOptions,
): Promise<ResultOf[K]> {
  const id = payload.id;
  const ac = new AbortController();
  const timer = setTimeout(
    () => ac.abort(new DOMException("timeout", "TimeoutError")),
    o.timeoutMs,
  );
  const t0 = Date.now();
  const onWaiting = o.onWaiting;
  const notice = onWaiting
    ? setInterval(() =>
      onWaiting({
        id,
        endpoint,
        elapsedMs: Date.now() - t0,
        limitMs: o.timeoutMs,
      }), o.waitNoticeMs)
    : undefined;
  try {
    let res: Response;
    let text: string;
    try {
      res = await o.doFetch(`${endpoint}/${kind}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: ac.signal,
      });
      text = await res.text();
    } catch (e) {
      if (ac.signal.aborted) throw new Retryable("timeout", `no reply within ${o.timeoutMs} ms`);
      throw new Retryable("error", `network error: ${(e as Error).message}`);
    }
    return checkedReply(endpoint, kind, payload, res, text);
  } finally {
    clearTimeout(timer);
    clearInterval(notice);
  }
}

/**
 * The result of a reply, once it passed every check: an HTTP error is retried when the server
 * may answer later (408, 429, 5xx but 501) and final otherwise; a reply that is not JSON, fails
 * validation or does not answer the request is dropped and the item sent again.
 */
function checkedReply<K extends WorkKind>(
  endpoint: string,
  kind: K,
  payload: PayloadOf[K],
  res: Response,
  text: string,
): ResultOf[K] {
  if (!res.ok) {
    let detail = text.slice(0, 300);
    try {
      detail = JSON.parse(text).error.message ?? detail;
    } catch { /* not our JSON error */ }
    const retryable = res.status === 408 || res.status === 429 ||
      (res.status >= 500 && res.status !== 501);
    if (retryable) throw new Retryable("error", `HTTP ${res.status}: ${detail}`);
    throw new HttpWorkError(`${endpoint}/${kind} answered ${res.status}: ${detail}`, res.status);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Retryable("discarded", "the reply is not JSON");
  }
  let result: ResultOf[K];
  try {
    result = checkResult(kind, parsed, payload.id);
  } catch (e) {
    if (e instanceof PayloadError) {
      throw new Retryable("discarded", `reply dropped: ${e.message}`);
    }
    throw e;
  }
  const problem = replyProblem(kind, payload, result);
  if (problem) throw new Retryable("discarded", `reply dropped: ${problem}`);
  return result;
}
