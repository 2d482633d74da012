/**
 * The bundled command line (`deno task build`, src/cli/build.ts) writes what the sources write —
 * worker threads included — and `deno task exfit` (src/cli/exfit.ts) runs it only while every
 * file it was built from is unchanged.
 */
import { strict as assert } from "node:assert";
import { buildCli } from "../src/cli/build.ts";
import {
  bundleEntryName,
  CLASSIC_BUNDLE_FILE,
  currentBundle,
  currentClassicBundle,
  inputStamp,
} from "../src/cli/_bundle_manifest.ts";
import { readTree } from "./_cluster.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";

const REPO = new URL("..", import.meta.url).pathname;

/**
 * Fit the study of `dir` (written once: the checkpoint's study hash names its files) with the
 * module `main`, or with the script after it through `_classic_child.ts`; returns stdout and
 * stderr.
 */
async function fitWith(
  main: string | string[],
  dir: string,
  out: string,
  workers: string,
): Promise<{ stdout: string; stderr: string }> {
  const s = writeSyntheticStudy(dir, { residues: 3, seed: 9, fields: [600] });
  Deno.writeTextFileSync(s.method, `[STEP1]\nFIX = ["KEX_AB", "PB"]\n\n[STEP2]\n`);
  const res = await new Deno.Command(Deno.execPath(), {
    args: [
      ...["run", "-A", ...[main].flat(), "fit", "-e", ...s.experiments, "-p", s.parameters],
      ...["-m", s.method, "-o", out, "--workers", workers],
    ],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const td = new TextDecoder();
  assert.equal(res.code, 0, td.decode(res.stderr));
  return {
    stdout: td.decode(res.stdout).replace(/done in [\d.]+ s/, "done in <T> s"),
    stderr: td.decode(res.stderr),
  };
}

/** Every file of `out` as `ref`'s, PDFs aside (they carry their creation time). */
function assertSameTree(out: string, ref: string): void {
  const [a, b] = [readTree(ref), readTree(out)];
  assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort());
  assert.ok(Object.keys(a).some((p) => p.endsWith(".pdf")), "plots were written");
  for (const path of Object.keys(a)) {
    if (!path.endsWith(".pdf")) assert.equal(b[path], a[path], path);
  }
}

Deno.test({
  name: "the bundle fits a study (plots, report, 2 worker threads) with the sources' output",
  sanitizeResources: false,
  async fn() {
    const tmp = Deno.makeTempDirSync({ prefix: "exfit_bundle_test_" });
    try {
      const { dir } = await buildCli({ outDir: `${tmp}/dist` });
      const main = `${dir}/${bundleEntryName("src/cli/main.ts")}.js`;
      // The bundle is one entry per lazily loaded module plus shared chunks, not the sources.
      const files = [...Deno.readDirSync(dir)].map((e) => e.name);
      assert.ok(!files.some((n) => n.endsWith(".ts")));
      // Every relative URL of the bundle (lazy modules, worker scripts, the repository root,
      // deno.json) names something that exists, seen from the bundle's folder.
      const urls = new Set<string>();
      for (const f of files.filter((n) => n.endsWith(".js"))) {
        const text = Deno.readTextFileSync(`${dir}/${f}`);
        for (const m of text.matchAll(/new URL\("([^"]+)",\s*import\.meta\.url\)/g)) urls.add(m[1]);
      }
      assert.ok(urls.has("./workflows_worker.js"), [...urls].join());
      assert.ok([...urls].some((u) => u.endsWith("/deno.json")), [...urls].join());
      for (const u of urls) Deno.statSync(new URL(u, `file://${dir}/`));
      const outA = (await fitWith(`${REPO}src/cli/main.ts`, `${tmp}/s`, `${tmp}/A`, "0")).stdout;
      const outB = (await fitWith(main, `${tmp}/s`, `${tmp}/B`, "2")).stdout;
      assert.equal(outB.replaceAll(`${tmp}/B`, "<O>"), outA.replaceAll(`${tmp}/A`, "<O>"));
      assertSameTree(`${tmp}/B`, `${tmp}/A`);
      // The classic script (what `deno task exfit` runs), twice: the first run writes the
      // code cache, the second runs with it; worker threads and figures come from the ES
      // modules beside it.
      // The classic script holds the fit's modules; it imports only those that import npm
      // packages or `node:` built-ins (the queue) from the ES modules beside it.
      const script = Deno.readTextFileSync(`${dir}/${CLASSIC_BUNDLE_FILE}`);
      assert.ok(script.includes('"src_cli_fit_command.js":'), "the fit command is inside");
      const imported = [...script.matchAll(/import\("\.\/([^"]+)"\)/g)].map((m) => m[1]);
      assert.deepEqual(imported.filter((f) => !f.startsWith("workflows_queue")), []);
      const classic = [`${REPO}tests/_classic_child.ts`, `${dir}/${CLASSIC_BUNDLE_FILE}`];
      for (const [k, state] of [[1, "absent written"], [2, "accepted kept"]] as const) {
        const run = await fitWith(classic, `${tmp}/s`, `${tmp}/C${k}`, "2");
        assert.equal(
          run.stdout.replaceAll(`${tmp}/C${k}`, "<O>"),
          outA.replaceAll(`${tmp}/A`, "<O>"),
        );
        assert.match(run.stderr, new RegExp(`code cache: ${state}`));
        assertSameTree(`${tmp}/C${k}`, `${tmp}/A`);
      }
    } finally {
      Deno.removeSync(tmp, { recursive: true });
    }
  },
});

Deno.test("a bundle is used only while every input is as it was built from", () => {
  const root = Deno.makeTempDirSync({ prefix: "exfit_bundle_root_" });
  try {
    Deno.mkdirSync(`${root}/src/cli`, { recursive: true });
    Deno.mkdirSync(`${root}/dist/cli`, { recursive: true });
    Deno.writeTextFileSync(`${root}/src/cli/main.ts`, "export {};\n");
    Deno.writeTextFileSync(`${root}/deno.json`, "{}\n");
    Deno.writeTextFileSync(`${root}/dist/cli/src_cli_main.js`, "export {};\n");
    const manifest = (paths: string[]) =>
      Deno.writeTextFileSync(
        `${root}/dist/cli/manifest.json`,
        JSON.stringify({ inputs: paths.map((p) => inputStamp(root, p)) }),
      );
    manifest(["src/cli/main.ts", "deno.json"]);
    assert.equal(currentBundle(root)?.pathname, `${root}/dist/cli/src_cli_main.js`);
    assert.equal(currentClassicBundle(root), null, "no classic script");
    Deno.writeTextFileSync(`${root}/dist/cli/${CLASSIC_BUNDLE_FILE}`, "(function(){})\n");
    assert.equal(currentClassicBundle(root), `${root}/dist/cli/${CLASSIC_BUNDLE_FILE}`);
    // An edit of the same size with a new modification time.
    Deno.utimeSync(`${root}/src/cli/main.ts`, new Date(), new Date(Date.now() + 5000));
    assert.equal(currentBundle(root), null);
    assert.equal(currentClassicBundle(root), null);
    manifest(["src/cli/main.ts", "deno.json"]);
    assert.notEqual(currentBundle(root), null);
    Deno.writeTextFileSync(`${root}/deno.json`, '{ "imports": {} }\n');
    assert.equal(currentBundle(root), null, "a changed size");
    manifest(["src/cli/main.ts", "deno.json"]);
    Deno.removeSync(`${root}/src/cli/main.ts`);
    assert.equal(currentBundle(root), null, "a deleted input");
    Deno.writeTextFileSync(`${root}/dist/cli/manifest.json`, "not json");
    assert.equal(currentBundle(root), null, "an unreadable manifest");
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
