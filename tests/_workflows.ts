/**
 * Helpers of the workflow tests: run a study through `runWorkflow` on an executor and keep the
 * store after every step; start `exfit serve` instances on 127.0.0.1; run the HTTP side in a child
 * process (the test task grants no network permission, the child gets it).
 *
 * @module
 */
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { readMethodFiles } from "../src/config/method.ts";
import type { StepSpec } from "../src/fit/step.ts";
import { runWorkflow } from "../workflows/run.ts";
import { type SavedParam, saveStore } from "../workflows/checkpoint.ts";
import type { Executor, ExecutorStats } from "../workflows/executor.ts";
import type { OuterTolerances } from "../workflows/global_fit.ts";
import { REPO } from "./_refdata.ts";

/** A study on disk and how to fit it. */
export interface StudyConfig {
  experiments: string[];
  parameters: string[];
  method?: string[];
  model?: string;
  chunkProfiles?: number;
  tolerances?: OuterTolerances;
  /** Output folder for checkpoints (none: no checkpoints). */
  outDir?: string;
  resume?: boolean;
  abortAfterIterations?: number;
  /** Progress messages (not sent to HTTP children). */
  log?: (message: string) => void;
}

/** What a run gives: the store after every step and each step's χ². */
export interface RunRecord {
  steps: SavedParam[][];
  chisqr: number[];
  stats?: ExecutorStats;
}

/** Method steps of a config (one unnamed step without a method file), as the CLI builds them. */
export function stepsOf(config: StudyConfig): StepSpec[] {
  if (!config.method?.length) return [{ name: "", fit: [], fix: [], constraints: [] }];
  const read = readMethodFiles(config.method);
  return read.map((s) => ({
    name: read.length === 1 ? "" : s.name,
    include: s.include,
    exclude: s.exclude,
    fit: s.fit,
    fix: s.fix,
    constraints: s.constraints,
    grid: s.grid,
    statistics: s.statistics,
  }));
}

/**
 * Fit a configured study on an executor; returns the store after each step.
 *
 * @example
 * ```ts
 * const rec = await runStudy(config, inProcessExecutor());
 * ```
 */
export async function runStudy(config: StudyConfig, executor: Executor): Promise<RunRecord> {
  const loaded = loadStudy({
    experiments: config.experiments,
    parameters: config.parameters,
    model: parseModel(config.model ?? "2st"),
  });
  const rec: RunRecord = { steps: [], chisqr: [] };
  for await (
    const out of runWorkflow(loaded.study, loaded.store, stepsOf(config), {
      plot: false,
      seed: 0,
      executor,
      chunkProfiles: config.chunkProfiles,
      tolerances: config.tolerances,
      outDir: config.outDir,
      resume: config.resume,
      abortAfterIterations: config.abortAfterIterations,
      log: config.log,
    })
  ) {
    rec.steps.push(saveStore(loaded.store));
    rec.chisqr.push(out.result!.stats.chisqr);
  }
  rec.stats = executor.stats();
  return rec;
}

/** Running `exfit serve` instances. */
export interface Servers {
  endpoints: string[];
  stop(): Promise<void>;
}

/**
 * Start `n` `exfit serve --port 0` processes on 127.0.0.1 and wait until each listens (30 s at
 * most).
 *
 * @example
 * ```ts
 * const servers = await startServers(3);
 * try { ... } finally { await servers.stop(); }
 * ```
 */
export async function startServers(n: number): Promise<Servers> {
  const procs: Deno.ChildProcess[] = [];
  const endpoints: string[] = [];
  const stop = async () => {
    for (const p of procs) {
      try {
        p.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    for (const p of procs) await p.status;
  };
  try {
    for (let k = 0; k < n; k++) {
      const p = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-read",
          "--allow-net=127.0.0.1",
          "--allow-env",
          `${REPO}src/cli/main.ts`,
          "serve",
          "--port",
          "0",
        ],
        stdout: "piped",
        stderr: "null",
      }).spawn();
      procs.push(p);
      const reader = p.stdout.pipeThrough(new TextDecoderStream()).getReader();
      const deadline = setTimeout(() => reader.cancel(), 30_000);
      let text = "";
      let url: string | null = null;
      while (url === null) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`exfit serve #${k} exited before listening: ${text}`);
        text += value;
        url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1] ?? null;
      }
      clearTimeout(deadline);
      // Keep draining stdout so the server never blocks on a full pipe.
      (async () => {
        try {
          while (!(await reader.read()).done) { /* discard */ }
        } catch { /* closed */ }
      })();
      endpoints.push(url);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoints, stop };
}

/** Options of the HTTP executor in the child. */
export interface HttpChildOptions {
  endpoints: string[];
  timeoutMs?: number;
  retries?: number;
  faults?: { rate: number; seed: number; hangMs?: number };
}

/**
 * Run a configured study on HTTP endpoints in a child process with network permission for
 * 127.0.0.1 only; returns the child's record (plus the fault report when faults were injected).
 *
 * @example
 * ```ts
 * const rec = await runHttpChild(config, { endpoints: servers.endpoints });
 * ```
 */
export async function runHttpChild(
  config: StudyConfig,
  http: HttpChildOptions,
): Promise<RunRecord & { faults?: { calls: number; faults: Record<string, number> } }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-net=127.0.0.1",
      `${REPO}tests/_workflows_child.ts`,
      JSON.stringify({ config, http }),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const td = new TextDecoder();
  if (!out.success) throw new Error(`HTTP child failed:\n${td.decode(out.stderr)}`);
  return JSON.parse(td.decode(out.stdout));
}
