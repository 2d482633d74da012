/**
 * What the command line needs from the workflows: executors from `--workers`/`--endpoints`, the
 * fit loop with checkpoints, and `exfit serve`. Kept here so `src/cli/main.ts` only wires options.
 *
 * @module
 */
import type { LoadedStudy } from "../src/io/load.ts";
import { runSimulate, type StepOutput } from "../src/run/run.ts";
import type { StepSpec } from "../src/fit/step.ts";
import type { ProgressReporter } from "../src/fit/progress.ts";
import type { CompatVersion } from "../src/config/compat.ts";
import { type Executor, formatStats, inProcessExecutor } from "./executor.ts";
import { httpExecutor, parseEndpoints } from "./http.ts";
import { autoPool, parseWorkers, workerPool } from "./worker_pool.ts";
import { srunExecutor } from "./srun.ts";
import { parseQueueUrl } from "./queue_names.ts";
import { queueExecutor } from "./queue_executor.ts";
import { runWorkflow } from "./run.ts";
import { simulateOn } from "./simulate.ts";
import { serveFunctions } from "../functions/deno_serve.ts";
import { DEFAULT_MAX_BODY_BYTES } from "../functions/handler.ts";
import { parseDuration, type TimeBudget } from "../src/fit/budget.ts";
import { withTimeBudget } from "./time_budget.ts";

/** `fit` options that choose where work runs. */
export interface PlacementOptions {
  /** `--workers`: "auto" or a count (0: in this process). */
  workers?: string;
  /** `--endpoints`: comma-separated URLs (wins over workers). */
  endpoints?: string;
  /** `--chunk-size`. */
  chunkSize?: string;
  resume?: boolean;
  /** `--timeout`: seconds one endpoint attempt may take. */
  timeout?: string;
  /** `--retries`: attempts after the first. */
  retries?: string;
  /** `--executor`: "local" (workers/endpoints), "srun" (exfit serve on the allocation), "queue". */
  executor?: string;
  /** `--queue`: NATS URL of `--executor queue`. */
  queue?: string;
  /** `--time-limit`: wall-clock budget of the whole fit ("90", "30m", "2h"; none by default). */
  timeLimit?: string;
}

/**
 * The executor the options ask for.
 *
 * @example
 * ```ts
 * const ex = executorFor({ workers: "auto" });
 * ```
 */
export function executorFor(
  o: PlacementOptions,
  log: (message: string) => void = () => {},
  budget?: TimeBudget,
): Executor {
  const placed = placeExecutor(o, log, budget);
  return budget ? withTimeBudget(placed, budget) : placed;
}

/**
 * The `--time-limit` budget of a run starting now (none without the option).
 *
 * @example
 * ```ts
 * timeBudgetOf({ timeLimit: "30m" })!.limitS; // 1800
 * ```
 */
export function timeBudgetOf(o: PlacementOptions, nowMs = Date.now()): TimeBudget | undefined {
  if (o.timeLimit === undefined) return undefined;
  const limitS = parseDuration(o.timeLimit, "--time-limit");
  return { limitS, deadlineMs: nowMs + limitS * 1000, source: `--time-limit ${o.timeLimit}` };
}

function placeExecutor(
  o: PlacementOptions,
  log: (message: string) => void,
  budget: TimeBudget | undefined,
): Executor {
  if (o.executor === "srun") {
    return srunExecutor({
      log,
      onRetry: ({ id, attempt, endpoint, reason }) =>
        log(`retry ${attempt} of ${id} (${endpoint}): ${reason}`),
    });
  }
  if (o.executor === "queue") return queueExecutor({ servers: parseQueueUrl(o.queue), log });
  if (o.endpoints) {
    const timeoutS = Number(o.timeout ?? "120");
    if (!(timeoutS > 0) || !Number.isFinite(timeoutS)) {
      throw new Error(`--timeout: expected a positive number of seconds, got "${o.timeout}"`);
    }
    const retries = Number(o.retries ?? "6");
    if (!Number.isInteger(retries) || retries < 0) {
      throw new Error(`--retries: expected a whole number >= 0, got "${o.retries}"`);
    }
    return httpExecutor({
      endpoints: parseEndpoints(o.endpoints),
      timeoutMs: timeoutS * 1000,
      retries,
      waitNoticeMs: Math.min(10_000, Math.max(1000, (timeoutS * 1000) / 4)),
      onRetry: ({ id, attempt, endpoint, reason }) =>
        log(`retry ${attempt} of ${retries} for ${id} (${endpoint}): ${reason}`),
      onWaiting: ({ id, endpoint, elapsedMs, limitMs }) =>
        log(
          `waiting for ${endpoint} (${id}): ${Math.round(elapsedMs / 1000)} s of ` +
            `${Math.round(limitMs / 1000)} s`,
        ),
    });
  }
  const n = parseWorkers(o.workers ?? "auto");
  return n < 0 ? autoPool({ budget }) : n === 0 ? inProcessExecutor({ budget }) : workerPool(n);
}

function chunkSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`--chunk-size: expected a whole number ≥ 1, got "${text}"`);
  }
  return n;
}

/**
 * `exfit fit` with an executor: every step output is handed to `write`, then the checkpoint is
 * updated; the executor's counters are reported at the end (retries included).
 *
 * @example
 * ```ts
 * await fitWithWorkflow(loaded, steps, { workers: "2" }, { plot: false, seed: 0, outDir: "Out" }, write);
 * ```
 */
export async function fitWithWorkflow(
  loaded: LoadedStudy,
  steps: StepSpec[],
  placement: PlacementOptions,
  run: {
    plot: boolean;
    seed: number;
    outDir: string;
    progress?: ProgressReporter;
    compat?: CompatVersion;
  },
  write: (out: StepOutput) => Promise<void>,
  log: (message: string) => void = (m) => console.error(`exfit: ${m}`),
): Promise<void> {
  const budget = timeBudgetOf(placement);
  const executor = executorFor(
    placement,
    log,
    budget,
  );
  try {
    for await (
      const out of runWorkflow(loaded.study, loaded.store, steps, {
        plot: run.plot,
        seed: run.seed,
        compat: run.compat,
        progress: run.progress,
        executor,
        outDir: run.outDir,
        resume: placement.resume,
        chunkProfiles: chunkSize(placement.chunkSize),
        log,
        budget,
      })
    ) await write(out);
  } finally {
    const s = executor.stats();
    if (placement.endpoints || (placement.executor ?? "local") !== "local" || s.retries > 0) {
      log(formatStats(s));
    }
    await executor.close();
  }
}

/**
 * `exfit simulate` where the options place it: in this process (`--workers 0`, and `auto` for
 * any simulation, which is cheap), else as `simulate` work items on local workers, HTTP
 * endpoints, `exfit serve` on an allocation or the NATS queue — the same files either way.
 *
 * @example
 * ```ts
 * const out = await simulateWithPlacement(loaded, { workers: "2" }, { plot: true, seed: 0 });
 * ```
 */
export async function simulateWithPlacement(
  loaded: LoadedStudy,
  placement: PlacementOptions,
  run: { plot: boolean; seed: number },
  log: (message: string) => void = (m) => console.error(`exfit: ${m}`),
): Promise<StepOutput> {
  if (placement.executor === "slurm") {
    throw new Error(
      "--executor slurm: a simulation is a single round of work; use --executor srun or queue, " +
        "or --workers",
    );
  }
  // A simulation is one evaluation per profile: `auto` keeps it in this process.
  const workers = (placement.workers ?? "auto") === "auto" ? "0" : placement.workers!;
  const local = !placement.endpoints && (placement.executor ?? "local") === "local";
  if (local && parseWorkers(workers) === 0) return runSimulate(loaded.study, loaded.store, run);
  const executor = executorFor({ ...placement, workers }, log);
  try {
    return await simulateOn(
      loaded.study,
      loaded.store,
      run,
      executor,
      chunkSize(placement.chunkSize),
    );
  } finally {
    log(formatStats(executor.stats()));
    await executor.close();
  }
}

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
