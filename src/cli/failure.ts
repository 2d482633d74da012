/**
 * How the command line ends on failure (ChemEx 2026.09 spec §7): one concise message, a
 * traceback only with `--debug`; Ctrl-C exits 130 without leaving partial output.
 *
 * @module
 */

/** Errors whose message is meant for the user as it is (bad input, not a bug). */
const USER_ERRORS = new Set(["ConfigError", "ModelError", "ParamNameError", "SelectorError"]);

/**
 * The message printed for a failure: `exfit: error: …` for user-facing errors; unexpected
 * internal errors say so and point to `--debug`; with `debug`, the stack follows.
 *
 * @example
 * ```ts
 * describeFailure(new TypeError("x is undefined"), false);
 * // "exfit: internal error: TypeError: x is undefined (run with --debug for the traceback)"
 * ```
 */
export function describeFailure(err: Error, debug: boolean): string {
  const internal = err instanceof TypeError || err instanceof RangeError ||
    err instanceof ReferenceError || err instanceof SyntaxError;
  const head = internal && !USER_ERRORS.has(err.name)
    ? `exfit: internal error: ${err.name}: ${err.message}` +
      (debug ? "" : " (run with --debug for the traceback)")
    : `exfit: error: ${err.message}`;
  return debug && err.stack ? `${head}\n${err.stack}` : head;
}

/** Exit status after Ctrl-C (128 + SIGINT), as ChemEx 2026.09. */
export const INTERRUPTED_EXIT = 130;

/**
 * Ctrl-C: stop and exit 130. The handler runs between units of work, never inside a
 * synchronous output write, so completed steps stay and nothing partial is written (the
 * checkpoint in `<output>/.exfit` allows `--resume`).
 *
 * @example
 * ```ts
 * exitOnInterrupt();
 * ```
 */
export function exitOnInterrupt(): void {
  const stop = () => {
    // A staged run publishes its completed steps first (src/output/run_staging.ts).
    for (const hook of interruptHooks.splice(0)) {
      try {
        hook();
      } catch (e) {
        console.error(`exfit: while stopping: ${(e as Error).message}`);
      }
    }
    console.error(
      "\nexfit: interrupted (Ctrl-C); completed steps are kept, nothing partial was written",
    );
    Deno.exit(INTERRUPTED_EXIT);
  };
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os === "windows") Deno.addSignalListener("SIGBREAK", stop);
}

const interruptHooks: (() => void)[] = [];

/**
 * Run `hook` when Ctrl-C stops the process (before it exits); returns a function that removes it.
 *
 * @example
 * ```ts
 * const off = onInterrupt(() => publishRun(staging));
 * off();
 * ```
 */
export function onInterrupt(hook: () => void): () => void {
  interruptHooks.push(hook);
  return () => {
    const k = interruptHooks.indexOf(hook);
    if (k >= 0) interruptHooks.splice(k, 1);
  };
}

/**
 * Run `fn` with a signal that aborts on SIGINT or SIGTERM (SIGINT alone on Windows), for the
 * commands that serve until they are stopped (`worker`, `reprocess --every`); the listeners are
 * removed when `fn` ends.
 *
 * @example
 * ```ts
 * await untilStopped((signal) => runQueueWorker({ servers, signal }));
 * ```
 */
export async function untilStopped<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const stop = () => ac.abort();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, stop);
  try {
    return await fn(ac.signal);
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, stop);
  }
}
