/**
 * What `exfit fit` and `exfit reprocess` load at start (before they run): only what a local run
 * uses. A short fit is about 0.3 s, so every module loaded for nothing shows (issue 10).
 */
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { loadedAtStart } from "./_imports.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));

Deno.test("a local fit loads no remote executor, no server and no node:path or node:url", () => {
  const { files, packages } = loadedAtStart(REPO, "src/cli/fit_command.ts");
  for (
    const remote of [
      "workflows/srun.ts",
      "workflows/slurm.ts",
      "workflows/http.ts",
      "workflows/queue_executor.ts",
      "workflows/serve_command.ts",
      "functions/deno_serve.ts",
      "functions/schema.ts",
    ]
  ) {
    assert.ok(!files.has(remote), `fit loads ${remote} at start`);
  }
  // valibot checks payloads that cross a process boundary (functions/check.ts): a local fit
  // builds payloads but parses none.
  for (const heavy of ["node:path", "node:url", "@nats-io", "vega", "pdfkit", "valibot"]) {
    assert.ok(!packages.has(heavy), `fit loads ${heavy} at start`);
  }
  // The local pool is the default placement: it stays.
  assert.ok(files.has("workflows/worker_pool.ts"));
});

Deno.test("reprocess loads Vega only when it draws a summary figure", () => {
  const { packages } = loadedAtStart(REPO, "src/cli/reprocess.ts");
  assert.ok(!packages.has("vega") && !packages.has("vega-lite"), [...packages].join(", "));
});
