/**
 * Helpers of the queue tests: a private `nats-server -js` on a free loopback port (restartable,
 * its store in a temporary folder) and exfit child processes (workers, coordinators) that can be
 * killed and whose output lines can be watched.
 *
 * @module
 */
import { exfitCommand } from "../workflows/slurm.ts";

/** Whether `nats-server` can be started here. */
export const NATS_SERVER: boolean = (() => {
  try {
    return new Deno.Command("nats-server", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

/** A running nats-server. */
export interface NatsServer {
  url: string;
  /** Stop it (SIGTERM, then wait). */
  stop(): Promise<void>;
  /** Start it again on the same port with the same store. */
  start(): Promise<void>;
}

async function listening(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Start a JetStream server on a free port with its store under `dir`.
 *
 * @example
 * ```ts
 * const nats = await startNats(dir);
 * try { ... nats.url ... } finally { await nats.stop(); }
 * ```
 */
export async function startNats(dir: string): Promise<NatsServer> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  let child: Deno.ChildProcess | null = null;
  const start = async () => {
    child = new Deno.Command("nats-server", {
      args: ["-js", "-a", "127.0.0.1", "-p", `${port}`, "-sd", `${dir}/nats-store`],
      stdout: "null",
      stderr: "null",
    }).spawn();
    for (let i = 0; i < 100 && !(await listening(port)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stop = async () => {
    if (!child) return;
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
    child = null;
  };
  await start();
  return { url: `nats://127.0.0.1:${port}`, stop, start };
}

/** A child exfit process. */
export interface Proc {
  /** Resolves with every stdout + stderr line so far once `pattern` appears in one of them. */
  waitFor(pattern: RegExp, limitS?: number): Promise<string>;
  /** All output so far. */
  output(): string;
  kill(signal?: Deno.Signal): void;
  status: Promise<Deno.CommandStatus>;
}

/**
 * Start `exfit args…` (killed after `limitS`, default 180 s).
 *
 * @example
 * ```ts
 * const worker = exfitProcess(["worker", "--queue", nats.url]);
 * ```
 */
export function exfitProcess(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; limitS?: number } = {},
): Proc {
  const [cmd, ...base] = exfitCommand(() => undefined);
  const child = new Deno.Command(cmd, {
    args: [...base, ...args],
    cwd: opts.cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...opts.env },
  }).spawn();
  let text = "";
  const watchers: { re: RegExp; resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const w of watchers.splice(0)) {
      if (w.re.test(text)) w.resolve(text);
      else watchers.push(w);
    }
  };
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      check();
    }
  };
  const done = Promise.all([pump(child.stdout), pump(child.stderr)]).then(() => {
    check();
    for (const w of watchers.splice(0)) w.reject(new Error(`the process ended; output:\n${text}`));
  });
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, (opts.limitS ?? 180) * 1000);
  const status = done.then(() => child.status).finally(() => clearTimeout(timer));
  return {
    waitFor(re, limitS = 120) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`no ${re} within ${limitS} s; output:\n${text}`)),
          limitS * 1000,
        );
        watchers.push({
          re,
          resolve: (s) => {
            clearTimeout(t);
            resolve(s);
          },
          reject: (e) => {
            clearTimeout(t);
            reject(e);
          },
        });
        check();
      });
    },
    output: () => text,
    kill(signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch { /* gone */ }
    },
    status,
  };
}
