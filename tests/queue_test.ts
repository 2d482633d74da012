/**
 * `--executor queue` and `exfit worker` on a real NATS JetStream server (a private
 * `nats-server -js` per test): Output folders identical to local runs with 2 workers, with a
 * worker killed mid-item and the coordinator killed and resumed, across a server restart; a
 * duplicate delivery is acknowledged without running again. Skipped, with a notice, without
 * `nats-server`.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { createEvaluatorCache, runWork } from "../functions/core.ts";
import { PAYLOAD_VERSION } from "../functions/payload.ts";
import { makeChunk } from "../src/fit/chunk.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { storeToPayload } from "../functions/payload.ts";
import { openQueue } from "../workflows/queue.ts";
import { resultKey } from "../workflows/queue_names.ts";
import { runQueueWorker } from "../workflows/queue_worker.ts";
import { decodeResult } from "../workflows/result_files.ts";
import { gridMcStudy, readTree } from "./_cluster.ts";
import { exfitProcess, NATS_SERVER, type NatsServer, type Proc, startNats } from "./_queue.ts";
import { cpmg15nIpInputs, REFDATA, serviceTest } from "./_refdata.ts";

/** What a queue test gets: its own folder, its own `nats-server -js`, its list of processes. */
interface QueueFixture {
  dir: string;
  nats: NatsServer;
  procs: Proc[];
}

/**
 * Register a test on a private NATS server (ignored, with a notice, without `nats-server` or,
 * when `needsRefdata`, the reference data); afterwards every process in `procs` is killed, the
 * server stopped and the folder removed.
 */
function queueTest(
  name: string,
  fn: (fixture: QueueFixture) => Promise<void>,
  needsRefdata = false,
): void {
  const missing = NATS_SERVER ? null : "nats-server is not installed (see .ci/setup.d/30-nats.sh)";
  serviceTest(
    name,
    async () => {
      const dir = Deno.makeTempDirSync({ prefix: "exfit_queue_" });
      const nats = await startNats(dir);
      const procs: Proc[] = [];
      try {
        await fn({ dir, nats, procs });
      } finally {
        await stopAll(procs);
        await nats.stop();
        Deno.removeSync(dir, { recursive: true });
      }
    },
    missing,
    needsRefdata,
  );
}

/** Workers redeliver an unacknowledged item after 2 s (not 2 minutes) in these tests. */
const ENV = { EXFIT_QUEUE_ACK_WAIT: "2" };

async function stopAll(procs: Proc[]): Promise<void> {
  for (const p of procs) p.kill("SIGKILL");
  await Promise.all(procs.map((p) => p.status.catch(() => {})));
}

async function localRun(args: string[], out: string, cwd?: string): Promise<void> {
  const local = exfitProcess(["fit", ...args, "--workers", "0", "-o", out], { cwd });
  const status = await local.status;
  assert.ok(status.success, local.output());
}

/** Two `exfit worker`s on the queue at `url`, added to `procs`. */
function startWorkers(procs: Proc[], url: string): void {
  for (let i = 0; i < 2; i++) procs.push(exfitProcess(["worker", "--queue", url], { env: ENV }));
}

/** The coordinator `exfit fit args… -o out --executor queue --queue url`, added to `procs`. */
function queueFit(procs: Proc[], args: string[], out: string, url: string, cwd?: string): Proc {
  const fit = exfitProcess(
    ["fit", ...args, "-o", out, "--executor", "queue", "--queue", url],
    { cwd, env: ENV },
  );
  procs.push(fit);
  return fit;
}

queueTest(
  "--executor queue with 2 workers: grid + MC study identical to the local run",
  async ({ dir, nats, procs }) => {
    const args = gridMcStudy(`${dir}/study`);
    await localRun(args, `${dir}/local`);
    startWorkers(procs, nats.url);
    const fit = queueFit(procs, args, `${dir}/queue`, nats.url);
    assert.ok((await fit.status).success, fit.output());
    assert.match(fit.output(), /queue\(127\.0\.0\.1:\d+\): \d+ work items/);
    assert.deepEqual(readTree(`${dir}/queue`), readTree(`${dir}/local`));
    // Both workers took part.
    for (const w of procs.slice(0, 2)) assert.match(w.output(), /worker: running /);
  },
);

queueTest(
  "--executor queue: CPMG_15N_IP with 2 workers identical to the local run",
  async ({ dir, nats, procs }) => {
    const folder = `${REFDATA}/fit/CPMG_15N_IP`;
    const args = cpmg15nIpInputs();
    await localRun(args, `${dir}/local`, folder);
    startWorkers(procs, nats.url);
    const fit = queueFit(procs, args, `${dir}/queue`, nats.url, folder);
    assert.ok((await fit.status).success, fit.output());
    assert.deepEqual(readTree(`${dir}/queue`), readTree(`${dir}/local`));
  },
  true,
);

queueTest(
  "simulate --executor queue with 2 workers writes the in-process simulation",
  async ({ dir, nats, procs }) => {
    const args = gridMcStudy(`${dir}/study`).slice(0, -2); // no method: a simulation
    const local = exfitProcess(["simulate", ...args, "--workers", "0", "-o", `${dir}/local`]);
    assert.ok((await local.status).success, local.output());
    startWorkers(procs, nats.url);
    const sim = exfitProcess(
      ["simulate", ...args, "-o", `${dir}/queue`, "--executor", "queue", "--queue", nats.url],
      { env: ENV },
    );
    procs.push(sim);
    assert.ok((await sim.status).success, sim.output());
    assert.match(sim.output(), /queue\(127\.0\.0\.1:\d+\): 1 work items/);
    assert.deepEqual(readTree(`${dir}/queue`), readTree(`${dir}/local`));
    assert.ok(Object.keys(readTree(`${dir}/local`)).some((k) => k.startsWith("Plots/")));
  },
);

queueTest(
  "--executor queue: a worker killed mid-item and the coordinator killed and resumed still give the local result",
  async ({ dir, nats, procs }) => {
    const args = gridMcStudy(`${dir}/study`);
    await localRun(args, `${dir}/local`);
    const coordinator = ["fit", ...args, "-o", `${dir}/queue`, "--executor", "queue"];
    coordinator.push("--queue", nats.url);
    const doomed = exfitProcess(["worker", "--queue", nats.url], { env: ENV });
    procs.push(doomed);
    const first = exfitProcess(coordinator, { env: ENV });
    procs.push(first);
    // The worker dies in the middle of its first item: it is never acknowledged.
    const seen = await doomed.waitFor(/worker: running (\S+) \(delivery 1\)/);
    const lost = /worker: running (\S+) \(delivery 1\)/.exec(seen)![1];
    doomed.kill("SIGKILL");
    const worker = exfitProcess(["worker", "--queue", nats.url], { env: ENV });
    procs.push(worker);
    // Redelivered to the new worker after the ack wait.
    await worker.waitFor(new RegExp(`worker: running ${lost} \\(delivery [2-9]\\)`));
    // The coordinator dies once the first step is written.
    await first.waitFor(/STEP1: 6 free parameters/);
    first.kill("SIGKILL");
    await first.status;
    const resumed = exfitProcess([...coordinator, "--resume"], { env: ENV });
    procs.push(resumed);
    assert.ok((await resumed.status).success, resumed.output());
    assert.match(resumed.output(), /resuming: [01] of 3 steps done/);
    assert.deepEqual(readTree(`${dir}/queue`), readTree(`${dir}/local`));
  },
);

queueTest(
  "--executor queue: the server restarted mid-run (file store) and the run finishes identically",
  async ({ dir, nats, procs }) => {
    const args = gridMcStudy(`${dir}/study`);
    await localRun(args, `${dir}/local`);
    startWorkers(procs, nats.url);
    const fit = queueFit(procs, args, `${dir}/queue`, nats.url);
    await fit.waitFor(/STEP1: 6 free parameters/);
    await nats.stop();
    await new Promise((r) => setTimeout(r, 1500));
    await nats.start();
    assert.ok((await fit.status).success, fit.output());
    assert.deepEqual(readTree(`${dir}/queue`), readTree(`${dir}/local`));
  },
);

queueTest(
  "a duplicate delivery is acknowledged without running the item again; its result is unchanged",
  async ({ dir, nats }) => {
    const args = gridMcStudy(`${dir}/study`);
    const loaded = loadStudy({
      experiments: args.slice(1, args.indexOf("-p")),
      parameters: [args[args.indexOf("-p") + 1]],
      model: parseModel("2st"),
    });
    const payload = {
      version: PAYLOAD_VERSION,
      id: "dup:s0:g0",
      chunk: makeChunk(loaded.study, [0]),
      params: storeToPayload(loaded.store),
    };
    const servers = [nats.url.slice("nats://".length)];
    const q = await openQueue(servers);
    // The same item twice, under two message ids (past the stream's de-duplication).
    const body = JSON.stringify({ kind: "fit", payload });
    await q.js.publish("exfit.work.fit", body, { msgID: "one" });
    await q.js.publish("exfit.work.fit", body, { msgID: "two" });
    const ac = new AbortController();
    const logs: string[] = [];
    const worker = runQueueWorker({
      servers,
      signal: ac.signal,
      log: (m) => {
        logs.push(m);
      },
    });
    for (let i = 0; i < 200; i++) {
      const info = await (await q.js.consumers.get("EXFIT_WORK", "exfit-workers")).info();
      if (info.num_pending === 0 && info.num_ack_pending === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    ac.abort();
    const stats = await worker;
    assert.deepEqual(stats, { ran: 1, duplicates: 1, failed: 0 }, logs.join("\n"));
    const stored = (await q.kv.get(resultKey(payload.id)))!.string();
    const expected = await runWork("fit", payload, createEvaluatorCache());
    assert.deepEqual(await decodeResult("fit", payload.id, stored), expected);
    await q.close();
  },
);
