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
import { exfitProcess, NATS_SERVER, type Proc, startNats } from "./_queue.ts";
import { REFDATA } from "./_refdata.ts";

function queueTest(name: string, fn: () => Promise<void>, needsRefdata = false): void {
  const missing = !NATS_SERVER
    ? "nats-server is not installed (see .ci/setup.d/30-nats.sh)"
    : needsRefdata && !REFDATA
    ? "../shared/refdata is absent"
    : null;
  Deno.test({ name, ignore: missing !== null, fn, sanitizeResources: false, sanitizeOps: false });
  if (missing) console.log(`notice: skipping "${name}": ${missing}`);
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

queueTest(
  "--executor queue with 2 workers: grid + MC study identical to the local run",
  async () => {
    const dir = Deno.makeTempDirSync({ prefix: "exfit_queue_" });
    const nats = await startNats(dir);
    const procs: Proc[] = [];
    try {
      const args = gridMcStudy(`${dir}/study`);
      await localRun(args, `${dir}/local`);
      for (let i = 0; i < 2; i++) {
        procs.push(exfitProcess(["worker", "--queue", nats.url], { env: ENV }));
      }
      const fit = exfitProcess(
        ["fit", ...args, "-o", `${dir}/queue`, "--executor", "queue", "--queue", nats.url],
        { env: ENV },
      );
      procs.push(fit);
      assert.ok((await fit.status).success, fit.output());
      assert.match(fit.output(), /queue\(127\.0\.0\.1:\d+\): \d+ work items/);
      assert.deepEqual(readTree(`${dir}/queue`), readTree(`${dir}/local`));
      // Both workers took part.
      for (const w of procs.slice(0, 2)) assert.match(w.output(), /worker: running /);
    } finally {
      await stopAll(procs);
      await nats.stop();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

queueTest("--executor queue: CPMG_15N_IP with 2 workers identical to the local run", async () => {
  const folder = `${REFDATA}/fit/CPMG_15N_IP`;
  const dir = Deno.makeTempDirSync({ prefix: "exfit_queue_" });
  const nats = await startNats(dir);
  const procs: Proc[] = [];
  try {
    const args = [
      "-e",
      "Experiments/500mhz.toml",
      "Experiments/800mhz.toml",
      "-p",
      "Parameters/parameters.toml",
      "-m",
      "Methods/method.toml",
    ];
    await localRun(args, `${dir}/local`, folder);
    for (let i = 0; i < 2; i++) {
      procs.push(exfitProcess(["worker", "--queue", nats.url], { env: ENV }));
    }
    const fit = exfitProcess(
      ["fit", ...args, "-o", `${dir}/queue`, "--executor", "queue", "--queue", nats.url],
      { cwd: folder, env: ENV },
    );
    procs.push(fit);
    assert.ok((await fit.status).success, fit.output());
    assert.deepEqual(readTree(`${dir}/queue`), readTree(`${dir}/local`));
  } finally {
    await stopAll(procs);
    await nats.stop();
    Deno.removeSync(dir, { recursive: true });
  }
}, true);

queueTest("simulate --executor queue with 2 workers writes the in-process simulation", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_queue_" });
  const nats = await startNats(dir);
  const procs: Proc[] = [];
  try {
    const args = gridMcStudy(`${dir}/study`).slice(0, -2); // no method: a simulation
    const local = exfitProcess(["simulate", ...args, "--workers", "0", "-o", `${dir}/local`]);
    assert.ok((await local.status).success, local.output());
    for (let i = 0; i < 2; i++) {
      procs.push(exfitProcess(["worker", "--queue", nats.url], { env: ENV }));
    }
    const sim = exfitProcess(
      ["simulate", ...args, "-o", `${dir}/queue`, "--executor", "queue", "--queue", nats.url],
      { env: ENV },
    );
    procs.push(sim);
    assert.ok((await sim.status).success, sim.output());
    assert.match(sim.output(), /queue\(127\.0\.0\.1:\d+\): 1 work items/);
    assert.deepEqual(readTree(`${dir}/queue`), readTree(`${dir}/local`));
    assert.ok(Object.keys(readTree(`${dir}/local`)).some((k) => k.startsWith("Plots/")));
  } finally {
    await stopAll(procs);
    await nats.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

queueTest(
  "--executor queue: a worker killed mid-item and the coordinator killed and resumed still give the local result",
  async () => {
    const dir = Deno.makeTempDirSync({ prefix: "exfit_queue_" });
    const nats = await startNats(dir);
    const procs: Proc[] = [];
    try {
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
    } finally {
      await stopAll(procs);
      await nats.stop();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

queueTest(
  "--executor queue: the server restarted mid-run (file store) and the run finishes identically",
  async () => {
    const dir = Deno.makeTempDirSync({ prefix: "exfit_queue_" });
    const nats = await startNats(dir);
    const procs: Proc[] = [];
    try {
      const args = gridMcStudy(`${dir}/study`);
      await localRun(args, `${dir}/local`);
      for (let i = 0; i < 2; i++) {
        procs.push(exfitProcess(["worker", "--queue", nats.url], { env: ENV }));
      }
      const fit = exfitProcess(
        ["fit", ...args, "-o", `${dir}/queue`, "--executor", "queue", "--queue", nats.url],
        { env: ENV },
      );
      procs.push(fit);
      await fit.waitFor(/STEP1: 6 free parameters/);
      await nats.stop();
      await new Promise((r) => setTimeout(r, 1500));
      await nats.start();
      assert.ok((await fit.status).success, fit.output());
      assert.deepEqual(readTree(`${dir}/queue`), readTree(`${dir}/local`));
    } finally {
      await stopAll(procs);
      await nats.stop();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

queueTest(
  "a duplicate delivery is acknowledged without running the item again; its result is unchanged",
  async () => {
    const dir = Deno.makeTempDirSync({ prefix: "exfit_queue_" });
    const nats = await startNats(dir);
    try {
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
    } finally {
      await nats.stop();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);
