/**
 * The srun executor: inside an allocation (`salloc`, `sbatch`), start `exfit serve` on the
 * allocation's nodes with one `srun` step, use them as HTTP endpoints (coupled global fits fan
 * out every outer iteration at network speed), and stop them when the run closes the executor.
 *
 * @module
 */
import type { PayloadOf, WorkKind } from "../functions/payload.ts";
import { emptyStats, type Executor, type RunOptions } from "./executor.ts";
import { httpExecutor } from "./http.ts";
import { exfitCommand } from "./slurm.ts";

/** Servers started by {@link startSrunServers}. */
export interface SrunServers {
  endpoints: string[];
  stop(): Promise<void>;
}

/** Options of {@link startSrunServers}. */
export interface SrunOptions {
  /** The exfit command on the nodes (default: `exfitCommand()`). */
  command?: string[];
  /** Environment (default: this process's). */
  env?: (name: string) => string | undefined;
  /** Longest wait for the servers to listen, ms (default 120 000). */
  startTimeoutMs?: number;
  log?: (message: string) => void;
}

/**
 * Start one `exfit serve` per task of the allocation (`SLURM_NTASKS`, else one per node) with
 * `srun`, each on a free port of its node, listening on the node's name (`SLURMD_NODENAME`, or
 * `EXFIT_SERVE_HOSTNAME` when set); resolves with their URLs.
 *
 * @example
 * ```ts
 * const servers = await startSrunServers();
 * try { ... servers.endpoints ... } finally { await servers.stop(); }
 * ```
 */
export async function startSrunServers(opts: SrunOptions = {}): Promise<SrunServers> {
  const env = opts.env ?? ((k: string) => Deno.env.get(k));
  const job = env("SLURM_JOB_ID");
  if (!job) {
    throw new Error(
      "--executor srun runs inside a Slurm allocation (salloc or sbatch): SLURM_JOB_ID is not set",
    );
  }
  const nodes = Number(env("SLURM_JOB_NUM_NODES") ?? env("SLURM_NNODES") ?? "1");
  const tasks = Number(env("SLURM_NTASKS") ?? nodes);
  const command = opts.command ?? exfitCommand(env);
  const script = 'exec "$@" --hostname "${EXFIT_SERVE_HOSTNAME:-$SLURMD_NODENAME}"';
  const child = new Deno.Command("srun", {
    args: [
      "--overlap",
      `--nodes=${nodes}`,
      `--ntasks=${tasks}`,
      "--kill-on-bad-exit=1",
      "--job-name=exfit-serve",
      "bash",
      "-c",
      script,
      "exfit-serve",
      ...command,
      "serve",
      "--port",
      "0",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const errDone = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      stderr = (stderr + chunk).slice(-4000);
    }
  })();
  const endpoints: string[] = [];
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 10_000);
    await child.status;
    clearTimeout(timer);
    await reader.cancel().catch(() => {});
    await errDone.catch(() => {});
  };
  const limit = opts.startTimeoutMs ?? 120_000;
  const deadline = setTimeout(() => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
  }, limit);
  try {
    let buffer = "";
    while (endpoints.length < tasks) {
      const { value, done } = await reader.read();
      if (done) {
        throw new Error(
          `srun stopped before ${tasks} servers listened (${endpoints.length} did; limit ` +
            `${limit / 1000} s): ${stderr.trim().split("\n").slice(-5).join("\n")}`,
        );
      }
      buffer += value;
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        const m = /listening on (https?:\/\/\S+)/.exec(line);
        if (m) endpoints.push(m[1].replace(/\/+$/, ""));
      }
    }
  } catch (e) {
    clearTimeout(deadline);
    await stop();
    throw e;
  }
  clearTimeout(deadline);
  // Keep draining stdout so that the servers never block on a full pipe.
  (async () => {
    try {
      while (!(await reader.read()).done) { /* drained */ }
    } catch { /* cancelled */ }
  })();
  opts.log?.(`srun: ${endpoints.length} exfit serve in job ${job}: ${endpoints.join(", ")}`);
  return { endpoints, stop };
}

/**
 * An executor over `exfit serve` started with srun on the allocation's nodes (at the first work
 * item), stopped by `close()`.
 *
 * @example
 * ```ts
 * const ex = srunExecutor({ log: console.error });
 * try { await ex.run("fit", payload); } finally { await ex.close(); }
 * ```
 */
export function srunExecutor(
  opts: SrunOptions & { onRetry?: Parameters<typeof httpExecutor>[0]["onRetry"] } = {},
): Executor {
  let started: Promise<{ servers: SrunServers; http: Executor }> | null = null;
  let http: Executor | null = null;
  const start = () =>
    started ??= startSrunServers(opts).then((servers) => {
      http = httpExecutor({ endpoints: servers.endpoints, onRetry: opts.onRetry });
      return { servers, http };
    });
  const name = () => http ? `${http.name} via srun` : "srun";
  return {
    get name() {
      return name();
    },
    async run<K extends WorkKind>(kind: K, payload: PayloadOf[K], o?: RunOptions) {
      const { http } = await start();
      return await http.run(kind, payload, o);
    },
    stats() {
      return http ? { ...http.stats(), name: name() } : emptyStats(name());
    },
    async close() {
      const s = await started?.catch(() => null);
      if (!s) return;
      await s.http.close();
      await s.servers.stop();
    },
  };
}
