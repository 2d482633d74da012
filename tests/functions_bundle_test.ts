import { strict as assert } from "node:assert";
import { createHandler } from "../functions/handler.ts";
import { PAYLOAD_VERSION, storeToPayload } from "../functions/payload.ts";
import { makeChunk } from "../src/fit/chunk.ts";
import { subStore } from "../src/fit/problem.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { REPO } from "./_refdata.ts";

/** Config to bundle with (the project's unless a test run points elsewhere). */
const CONFIG = Deno.env.get("EXFIT_TEST_CONFIG") ?? `${REPO}deno.json`;

const HAS_ESBUILD = (() => {
  try {
    import.meta.resolve("esbuild");
    return true;
  } catch {
    return false;
  }
})();
if (!HAS_ESBUILD) {
  console.log('notice: skipping the bundle test: "esbuild" is not in deno.json imports');
}

/** Build the bundle into a temp file. */
async function bundle(dir: string): Promise<string> {
  const outfile = `${dir}/functions.js`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, `${REPO}functions/bundle.ts`, "--outfile", outfile],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return outfile;
}

Deno.test({
  name: "the bundle answers like the handler, in Deno and in Node (Lambda shape)",
  ignore: !HAS_ESBUILD,
  fn: async () => {
    const dir = Deno.makeTempDirSync({ prefix: "exfit_bundle_test_" });
    try {
      const file = await bundle(dir);
      assert.ok(Deno.statSync(file).size < 1024 * 1024, "bundle under 1 MiB");
      const s = writeSyntheticStudy(`${dir}/study`, { residues: 2, seed: 9 });
      const { study, store } = loadStudy({
        experiments: s.experiments,
        parameters: [s.parameters],
        model: parseModel("2st"),
      });
      const chunk = makeChunk(study, [0, 2]);
      const payload = {
        version: PAYLOAD_VERSION,
        id: "b:1",
        chunk,
        params: storeToPayload(subStore(store, chunk.profiles.flatMap((p) => p.paramIds))),
      };
      const body = JSON.stringify(payload);
      const expected = await (await createHandler()(
        new Request("http://x/fit", { method: "POST", body }),
      )).json();
      const mod = await import(`file://${file}`);
      const viaDeno = await (await mod.default.fetch(
        new Request("http://x/fit", { method: "POST", body }),
      )).json();
      assert.deepEqual(viaDeno, expected);
      assert.ok(expected.params.length > 0);

      // Node (the Lambda runtime) through the Lambda adapter. Another V8 rounds Math.exp & co.
      // differently in the last bit: residuals agree to ~1e-13, and a fit lands at the same
      // minimum within the rounding noise of χ² (a small fraction of a standard error).
      const script = `${dir}/run.mjs`;
      Deno.writeTextFileSync(
        script,
        `import { handler } from ${JSON.stringify(file)};\n` +
          `import { readFileSync } from "node:fs";\n` +
          `const r = await handler({ rawPath: process.argv[3], ` +
          `requestContext: { http: { method: "POST" } }, ` +
          `headers: { "content-type": "application/json" }, ` +
          `body: readFileSync(process.argv[2], "utf8") });\n` +
          `process.stdout.write(r.body);\n`,
      );
      const viaNode = async (route: string, text: string) => {
        Deno.writeTextFileSync(`${dir}/payload.json`, text);
        const out = await new Deno.Command("node", {
          args: [script, `${dir}/payload.json`, route],
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.ok(out.success, new TextDecoder().decode(out.stderr));
        return JSON.parse(new TextDecoder().decode(out.stdout));
      };
      let hasNode = true;
      try {
        await new Deno.Command("node", { args: ["--version"], stdout: "null" }).output();
      } catch {
        hasNode = false;
        console.log("notice: node is not installed: the check in Node is skipped");
      }
      if (hasNode) {
        const evalBody = JSON.stringify({ ...payload, jacobian: true });
        const ref = await (await createHandler()(
          new Request("http://x/evaluate", { method: "POST", body: evalBody }),
        )).json();
        const ev = await viaNode("/evaluate", evalBody);
        const a = ref.residuals.flat();
        ev.residuals.flat().forEach((v: number, i: number) => {
          assert.ok(Math.abs(v - a[i]) <= 1e-11 * Math.abs(a[i]), `residual ${i}: ${v} vs ${a[i]}`);
        });
        const fit = await viaNode("/fit", body);
        assert.deepEqual(fit.freeIds, expected.freeIds);
        for (const id of expected.freeIds) {
          const e = expected.params.find((p: { id: string }) => p.id === id);
          const n = fit.params.find((p: { id: string }) => p.id === id);
          assert.ok(
            Math.abs(n.value - e.value) <= 1e-3 * e.stderr,
            `${id}: ${n.value} vs ${e.value}`,
          );
        }
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
