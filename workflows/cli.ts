/**
 * What the command line needs from the workflows: executors from `--workers`/`--endpoints`, the
 * fit loop with checkpoints, and `exfit serve`. Kept here so `src/cli/main.ts` only wires options.
 *
 * @module
 */
import { lazyImport } from "../src/config/lazy_import.ts";
import type { LoadedStudy } from "../src/io/load.ts";
import { runSimulate, type StepOutput } from "../src/run/run.ts";
import type { MethodProgram } from "../src/fit/roles.ts";
import type { StepSpec } from "../src/fit/step.ts";
import type { ProgressReporter } from "../src/fit/progress.ts";
import type { CompatVersion } from "../src/config/compat.ts";
import { type Executor, formatStats, inProcessExecutor } from "./executor.ts";
import { autoPool, parseWorkers, workerPool } from "./worker_pool.ts";
import { runWorkflow } from "./run.ts";
import { simulateOn } from "./simulate.ts";
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
 * const ex = await executorFor({ workers: "auto" });
 * ```
 */
export async function executorFor(
  o: PlacementOptions,
  log: (message: string) => void = () => {},
  budget?: TimeBudget,
): Promise<Executor> {
  const placed = await placeExecutor(o, log, budget);
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

// The remote executors (srun, queue, HTTP) are imported only when asked for: a literal
// `import()` would load them (and the file-URL and Slurm helpers they bring, about 10 ms) at start.
async function placeExecutor(
  o: PlacementOptions,
  log: (message: string) => void,
  budget: TimeBudget | undefined,
): Promise<Executor> {
  if (o.executor === "srun") {
    const { srunExecutor } = await lazyImport<typeof import("./srun.ts")>(
      new URL("./srun.ts", import.meta.url),
    );
    return srunExecutor({
      log,
      onRetry: ({ id, attempt, endpoint, reason }) =>
        log(`retry ${attempt} of ${id} (${endpoint}): ${reason}`),
    });
  }
  if (o.executor === "queue") {
    const [{ queueExecutor }, { parseQueueUrl }] = await Promise.all([
      lazyImport<typeof import("./queue_executor.ts")>(
        new URL("./queue_executor.ts", import.meta.url),
      ),
      lazyImport<typeof import("./queue_names.ts")>(new URL("./queue_names.ts", import.meta.url)),
    ]);
    return queueExecutor({ servers: parseQueueUrl(o.queue), log });
  }
  if (o.endpoints) {
    const { httpExecutor, parseEndpoints } = await lazyImport<typeof import("./http.ts")>(
      new URL("./http.ts", import.meta.url),
    );
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
    /** The method's roles, planned from the loaded store (computed when absent). */
    program?: MethodProgram;
  },
  write: (out: StepOutput) => Promise<void>,
  log: (message: string) => void = (m) => console.error(`exfit: ${m}`),
): Promise<void> {
  const budget = timeBudgetOf(placement);
  const executor = await executorFor(placement, log, budget);
  try {
    for await (
      const out of runWorkflow(loaded.study, loaded.store, steps, {
        plot: run.plot,
        seed: run.seed,
        compat: run.compat,
        progress: run.progress,
        program: run.program,
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
  const executor = await executorFor({ ...placement, workers }, log);
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
