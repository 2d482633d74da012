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

      let node: Deno.CommandOutput | null = null;
      const script = `${dir}/run.mjs`;
      Deno.writeTextFileSync(
        script,
        `import { handler } from ${JSON.stringify(file)};\n` +
          `import { readFileSync } from "node:fs";\n` +
          `const r = await handler({ rawPath: "/fit", requestContext: { http: { method: "POST" } }, ` +
          `headers: { "content-type": "application/json" }, body: readFileSync(process.argv[2], "utf8") });\n` +
          `process.stdout.write(r.body);\n`,
      );
      Deno.writeTextFileSync(`${dir}/payload.json`, body);
      try {
        node = await new Deno.Command("node", {
          args: [script, `${dir}/payload.json`],
          stdout: "piped",
          stderr: "piped",
        })
          .output();
      } catch {
        console.log("notice: node is not installed: the Lambda-shape check in Node is skipped");
      }
      if (node) {
        assert.ok(node.success, new TextDecoder().decode(node.stderr));
        assert.deepEqual(JSON.parse(new TextDecoder().decode(node.stdout)), expected);
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
