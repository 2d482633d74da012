/**
 * The classic-script bundle's V8 code cache (src/cli/_code_cache.ts, _classic_bundle.ts): a
 * cache is given to V8 only when whole and made from the same script, and written only when it
 * holds more than the one there.
 */
import { strict as assert } from "node:assert";
import {
  canKeepCodeCache,
  codeCacheKey,
  coversMore,
  decodeCodeCache,
  encodeCodeCache,
  readCodeCache,
  workloadOf,
} from "../src/cli/_code_cache.ts";
import { sha256Hex } from "../src/io/digest.ts";
import { loadClassicBundle } from "../src/cli/_classic_bundle.ts";

const enc = new TextEncoder();

Deno.test("a code cache file reads back only whole, unaltered and for its own script", async () => {
  const data = new Uint8Array([5, 4, 3, 2, 1, 0, 255]);
  const source = await sha256Hex(enc.encode("script A"));
  const bytes = await encodeCodeCache("fit", source, data);
  const back = await decodeCodeCache(bytes, source);
  assert.deepEqual(back, { workload: "fit", data });
  assert.equal(await decodeCodeCache(bytes, await sha256Hex(enc.encode("script B"))), null);
  assert.equal(await decodeCodeCache(bytes.slice(0, bytes.length - 1), source), null, "truncated");
  assert.equal(await decodeCodeCache(bytes.slice(0, 3), source), null, "no header");
  const flipped = bytes.slice();
  flipped[flipped.length - 2] ^= 1;
  assert.equal(await decodeCodeCache(flipped, source), null, "a changed byte");
  const badHead = bytes.slice();
  badHead[5] ^= 0x20;
  assert.equal(await decodeCodeCache(badHead, source), null, "a damaged header");
});

Deno.test("a code cache file is named by Deno, V8 and the V8 flags", () => {
  const k = codeCacheKey("2.9.6", "15.0", "--v8-flags=--max-semi-space-size=8|");
  assert.match(k, /^[0-9a-f]{8}$/);
  assert.equal(codeCacheKey("2.9.6", "15.0", "--v8-flags=--max-semi-space-size=8|"), k);
  assert.notEqual(codeCacheKey("2.9.6", "15.0", "|"), k);
  assert.notEqual(codeCacheKey("2.9.7", "15.0", "--v8-flags=--max-semi-space-size=8|"), k);
});

Deno.test("a run's workload: what of the program its cache would hold", () => {
  assert.equal(workloadOf(["fit", "-e", "a.toml", "--plot", "nothing"]), "fit");
  assert.equal(workloadOf(["fit", "--plot=nothing", "-e", "a.toml"]), "fit");
  assert.equal(workloadOf(["fit", "-e", "a.toml"]), "fit+plots");
  assert.equal(workloadOf(["simulate", "-e", "a.toml"]), "simulate");
  assert.equal(workloadOf(["fit", "--help"]), undefined);
  assert.equal(workloadOf(["--version"]), undefined);
  assert.equal(workloadOf([]), undefined);
  assert.ok(coversMore("fit+plots", "fit"));
  assert.ok(coversMore("fit", "simulate"));
  assert.ok(!coversMore("fit", "fit+plots"));
  assert.ok(!coversMore("simulate", "serve"));
});

/** A classic script in the bundle's shape: a function of the bundle's URL giving `main`. */
function writeScript(file: string, body: string): void {
  Deno.writeTextFileSync(
    file,
    `(function(u){"use strict";${body}return{main:async(a)=>f(a.length),startCli:async()=>0}})`,
  );
}

async function load(file: string, cachePath: string, workload?: string) {
  const source = Deno.readFile(file);
  return await loadClassicBundle({
    file,
    source,
    cachePath,
    stored: readCodeCache(cachePath, source),
    workload,
  });
}

Deno.test("the classic script runs with an earlier run's cache, writes one only if worth it", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_code_cache_" });
  try {
    // Every script differs from the others' text (V8 keeps compiled scripts per isolate).
    const file = `${dir}/s.js`;
    const cachePath = `${file}.k.v8cache`;
    writeScript(file, `function f(x){return x+1/*${crypto.randomUUID()}*/}`);
    const first = await load(file, cachePath, "fit");
    assert.equal(first.cache, "absent");
    assert.equal(await first.cli.main(["a"]), 2);
    assert.ok(await first.saveCache());
    const second = await load(file, cachePath, "fit");
    assert.equal(second.cache, "accepted");
    assert.equal(await second.cli.main(["a", "b"]), 3);
    assert.ok(!await second.saveCache(), "the same workload again");
    assert.ok(!await (await load(file, cachePath, "simulate")).saveCache(), "a smaller one");
    assert.ok(!await (await load(file, cachePath)).saveCache(), "help");
    assert.ok(await (await load(file, cachePath, "fit+plots")).saveCache(), "a larger one");
    assert.equal((await readCodeCache(cachePath, Deno.readFile(file)))?.workload, "fit+plots");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a cache of another script of the same length is not run", async () => {
  // V8 checks a code cache against the source's length only: given this cache, it would run
  // the first script's code for the second.
  const dir = Deno.makeTempDirSync({ prefix: "exfit_code_cache_" });
  try {
    const file = `${dir}/s.js`;
    const cachePath = `${file}.k.v8cache`;
    const tag = crypto.randomUUID();
    writeScript(file, `function f(x){return x+1/*${tag}*/}`);
    const first = await load(file, cachePath, "fit");
    assert.equal(await first.cli.main(["a"]), 2);
    assert.ok(await first.saveCache());
    writeScript(file, `function f(x){return x+5/*${tag}*/}`);
    const second = await load(file, cachePath, "fit");
    assert.equal(second.cache, "absent");
    assert.equal(await second.cli.main(["a"]), 6);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("the classic script is used only where its cache can be kept", () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_code_cache_" });
  try {
    const path = `${dir}/s.js.k.v8cache`;
    assert.ok(canKeepCodeCache(path), "a writable folder");
    assert.deepEqual([...Deno.readDirSync(dir)], [], "the probe is removed");
    assert.ok(!canKeepCodeCache(`${dir}/absent/s.js.k.v8cache`), "a folder it cannot write in");
    Deno.writeFileSync(path, new Uint8Array([1]));
    assert.ok(canKeepCodeCache(path), "a cache to read");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
