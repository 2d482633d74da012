/**
 * A fault injector for the HTTP executor's fetch: a seeded fraction of calls fail or are delayed
 * the ways a network and a serverless platform do — an error status without reaching the
 * function, a reply lost after the function ran, a hang past the client's timeout, a stale
 * duplicate of an earlier reply, a request delivered twice, or a plain delay. Used to show that
 * retries with idempotent ids give the same result.
 *
 * @module
 */
import { createRng, uniform } from "../src/math/random.ts";

/** The faults. */
export const FAULT_KINDS = ["error", "lost", "hang", "stale", "twice", "delay"] as const;
/** One fault kind. */
export type FaultKind = typeof FAULT_KINDS[number];

/** Options of {@link injectFaults}. */
export interface FaultOptions {
  /** Fraction of calls that get a fault (0.3 = 30 %). */
  rate: number;
  seed: number;
  /** Faults to choose from (default all). */
  kinds?: readonly FaultKind[];
  /** Delay of "delay" faults in ms (default 50). */
  delayMs?: number;
  /** How long a "hang" waits when the caller sets no abort signal, ms (default 60 000). */
  hangMs?: number;
}

/** What was injected. */
export interface FaultReport {
  calls: number;
  faults: Record<FaultKind, number>;
}

/** A fetch with faults, and its report. */
export interface FaultyFetch {
  fetch: typeof fetch;
  report(): FaultReport;
}

function abortable(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason ?? new DOMException("aborted", "AbortError"));
    }, { once: true });
  });
}

/**
 * Wrap a fetch so that `rate` of its calls get a fault (choice and kind from a seeded stream).
 *
 * @example
 * ```ts
 * const faulty = injectFaults(fetch, { rate: 0.3, seed: 7 });
 * const ex = httpExecutor({ endpoints, fetch: faulty.fetch, timeoutMs: 2000 });
 * ```
 */
export function injectFaults(base: typeof fetch, opts: FaultOptions): FaultyFetch {
  const rng = createRng(opts.seed);
  const kinds = opts.kinds ?? FAULT_KINDS;
  const delayMs = opts.delayMs ?? 50;
  const hangMs = opts.hangMs ?? 60_000;
  const report: FaultReport = {
    calls: 0,
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
  };
  let lastReply: { status: number; body: string } | null = null;

  const real = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const res = await base(input, init);
    const body = await res.text();
    if (res.ok) lastReply = { status: res.status, body };
    return new Response(body, { status: res.status, headers: res.headers });
  };

  const faulty = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    report.calls++;
    const hit = uniform(rng) < opts.rate;
    const kind = kinds[Math.min(kinds.length - 1, Math.floor(uniform(rng) * kinds.length))];
    if (!hit) return real(input, init);
    report.faults[kind]++;
    const signal = init?.signal;
    switch (kind) {
      case "error":
        return new Response(
          JSON.stringify({ error: { code: "injected", message: "injected 503" } }),
          {
            status: 503,
          },
        );
      case "lost": {
        await real(input, init);
        return new Response("bad gateway (injected: reply lost)", { status: 502 });
      }
      case "hang":
        await abortable(hangMs, signal);
        throw new Error("injected hang ended without an abort signal");
      case "stale": {
        const stale = lastReply;
        if (stale) return new Response(stale.body, { status: stale.status });
        return real(input, init);
      }
      case "twice": {
        const [a] = await Promise.all([real(input, init), real(input, init)]);
        return a;
      }
      case "delay":
        await abortable(delayMs, signal);
        return real(input, init);
    }
  };
  return { fetch: faulty as typeof fetch, report: () => structuredClone(report) };
}
