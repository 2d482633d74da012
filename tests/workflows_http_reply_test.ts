/**
 * Issue 12, endpoints: a server that never answers makes a work item (and `exfit fit`) fail with
 * a message within the configured timeout and retries, with progress notices while waiting; a
 * lying server's replies (shortened arrays, nulls, all zeros, another id) are dropped and the item
 * is retried elsewhere or reported. Local servers on loopback only.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { createHandler } from "../functions/handler.ts";
import { PAYLOAD_VERSION, storeToPayload } from "../functions/payload.ts";
import { makeChunk } from "../src/fit/chunk.ts";
import { subStore } from "../src/fit/problem.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { main } from "../src/cli/main.ts";
import { httpExecutor } from "../workflows/http.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { miniFitArgs, writeMiniStudy } from "./_mini_study.ts";

function smallPayload() {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_http_" });
  const s = writeSyntheticStudy(dir, { residues: 3, seed: 5 });
  const { study, store } = loadStudy({
    experiments: s.experiments,
    parameters: [s.parameters],
    model: parseModel("2st"),
  });
  Deno.removeSync(dir, { recursive: true });
  const chunk = makeChunk(study, [0, 3]);
  const params = storeToPayload(subStore(store, chunk.profiles.flatMap((p) => p.paramIds)));
  return { version: PAYLOAD_VERSION, id: "t:1", chunk, params };
}

const payload = smallPayload();

type Lie = (reply: Record<string, unknown>) => Record<string, unknown>;

const LIES: Record<string, Lie> = {
  "a shortened residual array": (r) => ({
    ...r,
    residuals: (r.residuals as number[][]).map((x, k) => k === 0 ? x.slice(0, -1) : x),
  }),
  "null values": (r) => ({
    ...r,
    residuals: (r.residuals as number[][]).map((x) => x.map((v, i) => i === 1 ? null : v)),
  }),
  "all zeros": (r) => ({
    ...r,
    residuals: (r.residuals as number[][]).map((x) => x.map(() => 0)),
  }),
  "another id": (r) => ({ ...r, id: "someone-else" }),
};

/** Local servers: one that never answers, one honest, and liars; stopped by `stop()`. */
function startServers() {
  const honest = createHandler();
  const ac = new AbortController();
  let release!: () => void;
  const never = new Promise<void>((r) => release = r);
  const urls: Record<string, string> = {};
  const servers: Deno.HttpServer[] = [];
  const add = (name: string, handler: (r: Request) => Promise<Response>) => {
    servers.push(Deno.serve({
      port: 0,
      hostname: "127.0.0.1",
      signal: ac.signal,
      onListen: (a) => urls[name] = `http://127.0.0.1:${a.port}`,
    }, handler));
  };
  add("never", async () => {
    await never;
    return new Response("late", { status: 503 });
  });
  add("honest", honest);
  for (const [name, lie] of Object.entries(LIES)) {
    add(name, async (req) => {
      const res = await honest(req);
      const body = await res.json();
      return Response.json(res.ok ? lie(body) : body, { status: res.status });
    });
  }
  return {
    urls,
    async stop() {
      release();
      ac.abort();
      await Promise.all(servers.map((s) => s.finished));
    },
  };
}

Deno.test("a never-answering endpoint fails the item within timeout × attempts, with notices", async () => {
  const s = startServers();
  try {
    await new Promise((r) => setTimeout(r, 50));
    const notices: number[] = [];
    const ex = httpExecutor({
      endpoints: [s.urls.never],
      timeoutMs: 300,
      retries: 1,
      backoffMs: 10,
      waitNoticeMs: 100,
      onWaiting: (w) => notices.push(w.elapsedMs),
    });
    const t0 = performance.now();
    await assert.rejects(
      () => ex.run("evaluate", payload),
      /work item t:1 failed after 2 attempts; last: .*no reply within 300 ms/,
    );
    const ms = performance.now() - t0;
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
    assert.ok(notices.length >= 2, `progress notices: ${notices}`);
    assert.equal(ex.stats().timeouts, 2);
    await ex.close();
  } finally {
    await s.stop();
  }
});

for (const name of Object.keys(LIES)) {
  Deno.test(`a reply with ${name} is dropped: retried elsewhere, or reported`, async () => {
    const s = startServers();
    try {
      await new Promise((r) => setTimeout(r, 50));
      const alone = httpExecutor({ endpoints: [s.urls[name]], retries: 1, backoffMs: 10 });
      await assert.rejects(() => alone.run("evaluate", payload), /reply dropped: /);
      assert.equal(alone.stats().discarded, 2);
      await alone.close();
      const honest = httpExecutor({ endpoints: [s.urls.honest] });
      const truth = await honest.run("evaluate", payload);
      await honest.close();
      // The liar first (affinity 0), then the honest endpoint.
      const both = httpExecutor({ endpoints: [s.urls[name], s.urls.honest], backoffMs: 10 });
      const got = await both.run("evaluate", payload, { affinity: 0 });
      assert.deepEqual(got, truth);
      assert.equal(both.stats().discarded, 1);
      await both.close();
    } finally {
      await s.stop();
    }
  });
}

Deno.test("exfit fit against a never-answering endpoint exits 1 within --timeout × attempts", async () => {
  const s = startServers();
  const dir = writeMiniStudy();
  const lines: string[] = [];
  const [error, log] = [console.error, console.log];
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  console.log = () => {};
  try {
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const code = await main([
      ...miniFitArgs(dir, join(dir, "Out"), false),
      "--endpoints",
      s.urls.never,
      "--timeout",
      "0.4",
      "--retries",
      "1",
    ]);
    const ms = performance.now() - t0;
    console.error = error;
    const text = lines.join("\n");
    assert.equal(code, 1, text);
    assert.match(
      text,
      /exfit: error: work item .* failed after 2 attempts; last: .*no reply within 400 ms/,
    );
    assert.match(text, /retry 1 of 1 for /);
    assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
    assert.throws(() => Deno.statSync(join(dir, "Out")), Deno.errors.NotFound);
  } finally {
    console.error = error;
    console.log = log;
    await s.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});
