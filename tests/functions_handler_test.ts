import { strict as assert } from "node:assert";
import { createHandler } from "../functions/handler.ts";
import { handler as lambdaHandler } from "../functions/aws_lambda.ts";
import cloudflare from "../functions/cloudflare.ts";
import { evaluateWork } from "../functions/core.ts";
import { PAYLOAD_VERSION, storeFromPayload, storeToPayload } from "../functions/payload.ts";
import { evaluateGridTask, evaluateGridTaskCounts } from "../src/fit/grid.ts";
import { makeResamplingTask, runReplicate } from "../src/stats/resampling.ts";
import { createChunkEvaluator, evaluateChunk, makeChunk } from "../src/fit/chunk.ts";
import { createGroupProblem, subStore } from "../src/fit/problem.ts";
import { scaledIntensities } from "../src/fit/evaluate.ts";
import { fitGroup, independentGroups } from "../src/fit/step.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import * as v from "valibot";
import { ChunkSchema } from "../functions/schema.ts";

/** A 3-residue, 2-field synthetic study (6 profiles, one coupled group). */
function smallStudy() {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_fn_" });
  const s = writeSyntheticStudy(dir, { residues: 3, seed: 5 });
  const loaded = loadStudy({
    experiments: s.experiments,
    parameters: [s.parameters],
    model: parseModel("2st"),
  });
  Deno.removeSync(dir, { recursive: true });
  return loaded;
}

const { study, store } = smallStudy();
const all = study.profiles.map((_, k) => k);
const chunk = makeChunk(study, [0, 3]);
const params = storeToPayload(subStore(store, chunk.profiles.flatMap((p) => p.paramIds)));
const base = { version: PAYLOAD_VERSION, id: "t:1", chunk, params };

async function post(
  h: (r: Request) => Promise<Response>,
  path: string,
  body: unknown,
  type = "application/json",
) {
  const res = await h(
    new Request(`http://127.0.0.1${path}`, {
      method: "POST",
      headers: { "content-type": type },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
  return { status: res.status, body: await res.json() };
}

Deno.test("functions: GET /health, 404, 405 and 415 answer with JSON", async () => {
  const h = createHandler();
  const health = await h(new Request("http://x/health"));
  assert.equal(health.status, 200);
  const hb = await health.json();
  assert.equal(hb.status, "ok");
  assert.deepEqual(hb.routes, ["/evaluate", "/fit", "/grid", "/replicate", "/simulate"]);
  const nf = await post(h, "/nope", {});
  assert.equal(nf.status, 404);
  assert.equal(nf.body.error.code, "not_found");
  const get = await h(new Request("http://x/evaluate"));
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
  const text = await post(h, "/evaluate", "a=1", "application/x-www-form-urlencoded");
  assert.equal(text.status, 415);
});

Deno.test("functions: malformed requests get 400 naming the field and what was expected", async () => {
  const h = createHandler();
  const notJson = await post(h, "/evaluate", "{oops");
  assert.equal(notJson.status, 400);
  assert.equal(notJson.body.error.code, "invalid_json");

  const badVersion = await post(h, "/evaluate", { ...base, version: 99 });
  assert.equal(badVersion.status, 400);
  assert.equal(badVersion.body.error.field, "version");
  assert.match(badVersion.body.error.message, /payload version 1, got 99/);

  const x = chunk.profiles[1].x.slice() as unknown[];
  x[2] = "seven";
  const badX = {
    ...base,
    chunk: { ...chunk, profiles: [chunk.profiles[0], { ...chunk.profiles[1], x }] },
  };
  const r = await post(h, "/evaluate", badX);
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, "invalid_payload");
  assert.equal(r.body.error.field, "chunk.profiles[1].x[2]");
  assert.equal(r.body.error.expected, "a finite number");

  const missing = await post(h, "/fit", { ...base, params: params.slice(1) });
  assert.equal(missing.status, 400);
  assert.match(
    missing.body.error.field,
    /^chunk\.profiles\[0\]\.paramIds\[0\]$|^params\[\d+\]\.expr$/,
  );

  const badBound = await post(h, "/evaluate", {
    ...base,
    params: params.map((p, k) => k === 0 ? { ...p, min: 5, max: 1 } : p),
  });
  assert.equal(badBound.status, 400);
  assert.equal(badBound.body.error.field, "params[0].max");

  const unknownExp = await post(h, "/evaluate", {
    ...base,
    chunk: { ...chunk, experiments: chunk.experiments.map((e) => ({ ...e, name: "cpmg_nope" })) },
  });
  assert.equal(unknownExp.status, 400);
  assert.equal(unknownExp.body.error.field, "chunk.experiments[0].name");
});

Deno.test("functions: bodies over the limit get 413", async () => {
  const h = createHandler({ maxBodyBytes: 1000 });
  const r = await post(h, "/evaluate", base);
  assert.equal(r.status, 413);
  assert.equal(r.body.error.code, "payload_too_large");
});

Deno.test("functions: evaluate returns the chunk's residuals and the group problem's Jacobian blocks", async () => {
  const h = createHandler();
  const r = await post(h, "/evaluate", { ...base, jacobian: true });
  assert.equal(r.status, 200);
  assert.equal(r.body.id, "t:1");
  // Residuals: the chunk call at the stored values (derived values through the definitions).
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const values = chunk.profiles.map((p) => p.paramIds.map((id) => pv.values[pv.index.get(id)!]));
  const direct = evaluateChunk({ chunk, values });
  assert.deepEqual(r.body.residuals, direct.residuals);
  // Jacobian: the same entries as the single-process group problem's dense Jacobian.
  const problem = createGroupProblem(store, createChunkEvaluator(chunk));
  const f = problem.residuals(problem.x0);
  const jac = problem.jacobian(problem.x0, f);
  assert.deepEqual(r.body.freeIds, problem.freeIds);
  const n = problem.freeIds.length;
  let row = 0;
  let nonzero = 0;
  r.body.jacobian.forEach((blk: { cols: number[]; values: number[] }, p: number) => {
    const rows = r.body.residuals[p].length;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < n; j++) {
        const c = blk.cols.indexOf(j);
        const v = c >= 0 ? blk.values[i * blk.cols.length + c] : 0;
        assert.equal(v, jac[(row + i) * n + j], `profile ${p} row ${i} column ${j}`);
        if (v !== 0) nonzero++;
      }
    }
    row += rows;
  });
  assert.ok(nonzero > 0);
  // A profile's block holds only the columns that reach it: KEX_AB, PB, DW_AB, its own R2_A.
  assert.equal(r.body.jacobian[0].cols.length, 4);
});

Deno.test("functions: fit equals the in-process group fit bit for bit", async () => {
  const groups = independentGroups(store, study, all);
  assert.equal(groups.length, 1);
  const g = groups[0];
  const c = makeChunk(study, g);
  const sub = subStore(store, c.profiles.flatMap((p) => p.paramIds));
  const payload = { version: PAYLOAD_VERSION, id: "fit:1", chunk: c, params: storeToPayload(sub) };
  const r = await post(createHandler(), "/fit", payload);
  assert.equal(r.status, 200);
  const local = structuredClone(store);
  for (const p of local.values()) p.stderr = null;
  const out = fitGroup(local, createChunkEvaluator(c));
  for (const p of r.body.params) {
    assert.equal(p.value, local.get(p.id)!.value, p.id);
    assert.equal(p.stderr, local.get(p.id)!.stderr, p.id);
  }
  assert.deepEqual(r.body.residuals, Array.from(out.residuals));
  assert.equal(r.body.freeIds.length, 2 + 3 + 6);
});

Deno.test("functions: grid and replicate run the grid and resampling work items", async () => {
  const h = createHandler();
  const gridReq = {
    ...base,
    id: "g:1",
    axes: ["PB"],
    values: [[0.04, 0.06, 0.08]],
    indices: [2, 0],
  };
  const grid = await post(h, "/grid", gridReq);
  assert.equal(grid.status, 200);
  const task = {
    chunk,
    params: [...storeFromPayload(params).values()],
    axes: ["PB"],
    values: [[0.04, 0.06, 0.08]],
  };
  assert.deepEqual(grid.body.indices, [2, 0]);
  assert.deepEqual(grid.body.chisqr, Array.from(evaluateGridTask(task, [2, 0])));
  // Each point's objective evaluations travel with it, as counted in-process.
  const counted = evaluateGridTaskCounts(task, [2, 0]).evaluations;
  assert.deepEqual(grid.body.evaluations, Array.from(counted));
  assert.ok(counted[0] > 1);
  assert.ok(grid.body.chisqr[0] > 0);

  const outOfRange = await post(h, "/grid", { ...gridReq, indices: [3] });
  assert.equal(outOfRange.status, 400);
  assert.equal(outOfRange.body.error.field, "indices[0]");
  const unknownAxis = await post(h, "/grid", { ...gridReq, axes: ["PC"] });
  assert.equal(unknownAxis.status, 400);
  assert.equal(unknownAxis.body.error.field, "axes[0]");

  const calculated = chunk.profiles.map((p) => p.exp.map((v) => v * 1.001));
  const outputIds = ["KEX_AB", "PB"];
  const repReq = {
    ...base,
    id: "r:1",
    kind: "mc",
    rootSeed: "18446744073709551615",
    calculated,
    outputIds,
    indices: [0, 5],
  };
  const rep = await post(h, "/replicate", repReq);
  assert.equal(rep.status, 200);
  const rtask = makeResamplingTask(
    "mc",
    "18446744073709551615",
    chunk,
    calculated,
    task.params,
    outputIds,
  );
  const direct = [0, 5].map((i) => runReplicate(rtask, i));
  assert.deepEqual(
    rep.body.replicates.map((r: { values: number[] }) => r.values),
    direct.map((r) => r.values),
  );
  assert.deepEqual(
    rep.body.replicates.map((r: { chisqr: number }) => r.chisqr),
    direct.map((r) => r.chisqr),
  );
  const bad = await post(h, "/replicate", { ...repReq, kind: "xx" });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, "kind");
  const seed = await post(h, "/replicate", { ...repReq, rootSeed: "-1" });
  assert.equal(seed.status, 400);
  assert.equal(seed.body.error.field, "rootSeed");
});

Deno.test("functions: the Lambda and Workers adapters run the same handler", async () => {
  const event = {
    rawPath: "/evaluate",
    requestContext: { http: { method: "POST" } },
    headers: { "content-type": "application/json" },
    body: btoa(JSON.stringify(base)),
    isBase64Encoded: true,
  };
  const lr = await lambdaHandler(event);
  assert.equal(lr.statusCode, 200);
  const viaLambda = JSON.parse(lr.body);
  const cr = await cloudflare.fetch(
    new Request("https://w.example/evaluate", { method: "POST", body: JSON.stringify(base) }),
  );
  assert.equal(cr.status, 200);
  const viaWorkers = await cr.json();
  assert.deepEqual(viaLambda, viaWorkers);
  const direct = evaluateWork(base, createChunkEvaluator(chunk));
  assert.deepEqual(viaLambda, JSON.parse(JSON.stringify(direct)));
  const v1 = await lambdaHandler({ httpMethod: "GET", path: "/health" });
  assert.equal(v1.statusCode, 200);
});

Deno.test("functions: POST /simulate answers each profile's scaled intensities at every point", async () => {
  const h = createHandler();
  const sim = await post(h, "/simulate", { ...base, id: "s:1" });
  assert.equal(sim.status, 200);
  assert.equal(sim.body.id, "s:1");
  const ev = createChunkEvaluator(chunk);
  const pv = compileStore(storeFromPayload(params));
  evaluateDefinitions(pv);
  chunk.profiles.forEach((p, k) => {
    const values = p.paramIds.map((id) => pv.values[pv.index.get(id)!]);
    const { calc, scale } = scaledIntensities(ev.calculators[k], values);
    assert.deepEqual(sim.body.calc[k], Array.from(calc));
    assert.equal(sim.body.scales[k], scale);
    assert.equal(sim.body.calc[k].length, p.x.length);
  });
  const bad = await post(h, "/simulate", { ...base, chunk: { ...chunk, profiles: "x" } });
  assert.equal(bad.status, 400);
});

Deno.test("functions: the models of --compat 2026.06 are known model names, others are not", () => {
  const modelIssues = (name: string) => {
    const r = v.safeParse(ChunkSchema, { ...chunk, model: { ...chunk.model, name } });
    return r.success
      ? []
      : r.issues.filter((i) => i.path?.some((p) => p.key === "model")).map((i) => i.message);
  };
  for (const legacy of ["3st_eyring", "4st", "3st_binding_cs"]) {
    assert.deepEqual(modelIssues(parseModel(legacy, "2026.06").name), [], legacy);
  }
  assert.deepEqual(modelIssues("2st"), []);
  assert.equal(modelIssues("9st").length, 1);
  assert.equal(modelIssues("3st_eyring@2026.09").length, 1);
});
