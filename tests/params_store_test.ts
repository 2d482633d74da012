import { strict as assert } from "node:assert";
import {
  addParam,
  compileStore,
  evaluateDefinitions,
  type ParamStore,
} from "../src/params/store.ts";
import { parseParamName } from "../src/params/name.ts";

function tiedStore(): ParamStore {
  const store: ParamStore = new Map();
  addParam(store, parseParamName("KEX_AB"), { value: 200, min: 0, max: 1e6, vary: true, expr: "" });
  addParam(store, parseParamName("PB"), { value: 0.05, min: 0, max: 1, vary: true, expr: "" });
  addParam(store, parseParamName("PA"), {
    value: 0,
    min: 0,
    max: 1,
    vary: false,
    expr: "1.0 - [PB]",
  });
  addParam(store, parseParamName("KAB"), {
    value: 0,
    min: 0,
    max: Infinity,
    vary: false,
    expr: "[KEX_AB] * [PB]",
  });
  return store;
}

Deno.test("compileStore: a definition's text is compiled once and its values stay per store", () => {
  const a = compileStore(tiedStore());
  const b = tiedStore();
  b.get("PB")!.value = 0.2;
  const pb = compileStore(b);
  // The same text, compiled once (every step and every group fit compile the run's definitions).
  assert.deepEqual(a.defs.map((d) => d.fn), pb.defs.map((d) => d.fn));
  a.defs.forEach((d, k) => assert.equal(d.fn, pb.defs[k].fn));
  evaluateDefinitions(a);
  evaluateDefinitions(pb);
  assert.equal(a.values[a.index.get("PA")!], 0.95);
  assert.equal(a.values[a.index.get("KAB")!], 10);
  assert.equal(pb.values[pb.index.get("PA")!], 0.8);
  assert.equal(pb.values[pb.index.get("KAB")!], 40);
});
