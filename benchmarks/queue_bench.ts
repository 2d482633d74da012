/**
 * NATS JetStream queue figures: throughput of small work items (one-profile `evaluate` items)
 * through `--executor queue` with 2 `exfit worker`s, and a 400-point grid (KEX_AB 20 × PB 20 in
 * 16 items of 25 points) through the queue against the local worker pool (2 workers); runs
 * alternated, medians. Uses a private `nats-server -js` on a free loopback port; prints a notice
 * and nothing else when nats-server is not installed.
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { subStore } from "../src/fit/problem.ts";
import { makeChunk } from "../src/fit/chunk.ts";
import { PAYLOAD_VERSION, storeToPayload } from "../functions/payload.ts";
import type { Executor } from "../workflows/executor.ts";
import { queueExecutor } from "../workflows/queue_executor.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { workerPool } from "../workflows/worker_pool.ts";
import { median } from "./_timing.ts";

const REPO = fromFileUrl(new URL("..", import.meta.url));

function natsInstalled(): boolean {
  try {
    return new Deno.Command("nats-server", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`nats-server did not listen on ${port}`);
}

/** Start `exfit worker` processes and wait until each pulls. */
async function startWorkers(n: number, url: string): Promise<Deno.ChildProcess[]> {
  const procs: Deno.ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    const p = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-env",
        "--allow-net",
        `--config=${REPO}deno.json`,
        `${REPO}src/cli/main.ts`,
        "worker",
        "--queue",
        url,
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    procs.push(p);
    const reader = p.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!/pulling work items/.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`worker did not start: ${text}`);
      text += value;
    }
    // Keep draining its log.
    (async () => {
      while (!(await reader.read()).done) { /* drain */ }
    })().catch(() => {});
  }
  return procs;
}

if (!natsInstalled()) {
  console.log("notice: nats-server is not installed; skipping the queue benchmark");
} else {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_bench_queue_" });
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const server = new Deno.Command("nats-server", {
    args: ["-js", "-a", "127.0.0.1", "-p", `${port}`, "-sd", `${dir}/store`],
    stdout: "null",
    stderr: "null",
  }).spawn();
  let workers: Deno.ChildProcess[] = [];
  const executors: Executor[] = [];
  try {
    await waitPort(port);
    const url = `nats://127.0.0.1:${port}`;
    workers = await startWorkers(2, url);
    const s = writeSyntheticStudy(dir, { residues: 2, seed: 5 });
    const { study, store } = loadStudy({
      experiments: s.experiments,
      parameters: [s.parameters],
      model: parseModel("2st"),
    });
    for (const p of store.values()) if (p.id === "KEX_AB" || p.id === "PB") p.vary = false;
    const profiles = study.profiles.map((_, k) => k);
    const chunk = makeChunk(study, profiles);
    const params = storeToPayload(subStore(store, chunk.profiles.flatMap((p) => p.paramIds)));
    const one = makeChunk(study, [0]);
    const oneParams = storeToPayload(subStore(store, study.profiles[0].paramIds));
    const queue = queueExecutor({ servers: [`127.0.0.1:${port}`], pollMs: 1000 });
    const pool = workerPool(2);
    executors.push(queue, pool);
    let tag = 0;
    // Small items: a residual evaluation of one profile (no Jacobian); fresh ids every run.
    const small = (ex: Executor, n: number) => {
      const t = tag++;
      const t0 = performance.now();
      return Promise.all(
        Array.from({ length: n }, (_, i) =>
          ex.run("evaluate", {
            version: PAYLOAD_VERSION,
            id: `bench:small:${t}:${i}`,
            chunk: one,
            params: oneParams,
          })),
      ).then(() => (performance.now() - t0) / 1000);
    };
    const kex = Array.from({ length: 20 }, (_, k) => 200 + 20 * k);
    const pb = Array.from({ length: 20 }, (_, k) => 0.03 + 0.005 * k);
    const grid = (ex: Executor) => {
      const t = tag++;
      const t0 = performance.now();
      return Promise.all(Array.from({ length: 16 }, (_, b) =>
        ex.run("grid", {
          version: PAYLOAD_VERSION,
          id: `bench:grid:${t}:${b}`,
          chunk,
          params,
          axes: ["KEX_AB", "PB"],
          values: [kex, pb],
          indices: Array.from({ length: 25 }, (_, i) => b * 25 + i),
        }))).then((out) => ({
          s: (performance.now() - t0) / 1000,
          chi2: out.flatMap((r) => r.chisqr),
        }));
    };
    // Warm-up (connections, module loading, JIT) outside the clock.
    await small(queue, 20);
    await small(pool, 20);
    await grid(queue);
    await grid(pool);
    const n = 200;
    const rates: number[][] = [[], []];
    const grids: number[][] = [[], []];
    let same = true;
    for (let rep = 0; rep < 3; rep++) {
      rates[0].push(n / await small(queue, n));
      rates[1].push(n / await small(pool, n));
      const a = await grid(queue);
      const b = await grid(pool);
      grids[0].push(a.s);
      grids[1].push(b.s);
      same &&= a.chi2.every((v, k) => v === b.chi2[k]);
    }
    console.log("== NATS JetStream queue (loopback nats-server -js, 2 exfit workers) ==");
    console.log(
      `small items (${n} one-profile evaluations): queue ${
        median(rates[0]).toFixed(0)
      } items/s, local pool (2 workers) ${median(rates[1]).toFixed(0)} items/s`,
    );
    const q = median(grids[0]);
    const w = median(grids[1]);
    console.log(
      `400-point grid (16 items of 25 points): queue ${q.toFixed(2)} s, local pool ${
        w.toFixed(2)
      } s; overhead ${(q - w).toFixed(2)} s, ratio ${(q / w).toFixed(2)}x ` +
        `(medians of 3 alternated runs; chi-square tables identical: ${same})`,
    );
  } finally {
    for (const ex of executors) await ex.close();
    for (const w of workers) {
      try {
        w.kill("SIGTERM");
      } catch { /* gone */ }
      await w.status;
    }
    server.kill("SIGTERM");
    await server.status;
    Deno.removeSync(dir, { recursive: true });
  }
}
