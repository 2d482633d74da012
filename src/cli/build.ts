/**
 * `deno task build`: the command line as a few ES modules in `dist/cli/`, which start faster than
 * the ~250 TypeScript modules they come from (Deno checks and loads each module of a graph on
 * every start; one bundled file loads in about half the time — `deno task bench` prints both).
 * `deno task exfit` (`src/cli/exfit.ts`) runs the bundle while it is current and the sources
 * otherwise, so a stale build is never used.
 *
 * esbuild bundles `src/cli/main.ts` and every module the code loads through
 * `new URL("./x.ts", import.meta.url)` (the lazily loaded commands, plots, reports and the worker
 * scripts) as entry points of one flat folder, shared code split into chunks. Such URLs are
 * rewritten to the entry's file name in that folder; other relative URLs (the repository root,
 * `deno.json`) to the same place seen from `dist/cli/`. The small npm packages a fit loads are
 * bundled from Deno's npm cache at the versions of `deno.json`; the large ones some runs load stay
 * `npm:` imports (`KEEP_EXTERNAL`), and `node:` built-ins stay imports. The list of inputs with their sizes
 * and modification times goes to `dist/cli/manifest.json` (`_bundle_manifest.ts`). The same code is
 * also written as one classic script, `dist/cli/exfit_cli.js` (`_classic_build.ts`), which
 * `deno task exfit` runs with a V8 code cache (`_classic_bundle.ts`).
 *
 * @example
 * ```sh
 * deno task build   # dist/cli/main.js and friends
 * deno task exfit fit -e ... # runs the bundle while it is current
 * ```
 *
 * @module
 */
import * as esbuild from "esbuild";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BUNDLE_DIR,
  bundleEntryName,
  CLASSIC_BUNDLE_FILE,
  inputStamp,
  type Manifest,
} from "./_bundle_manifest.ts";
import { buildClassic, externalReaching } from "./_classic_build.ts";
import { linkedNodeModules } from "../../functions/bundle.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SOURCE_DIRS = ["src", "workflows", "functions"];
/**
 * npm packages left as `npm:` imports: large ones loaded only by some runs (grid and statistics
 * figures, `plot_param`, the queue, bundling, the browser) and esbuild's native binary. The small
 * ones a fit loads (TOML, expressions, random numbers, payload schemas) are bundled: the first
 * `npm:` import of a process costs about 10 ms of Deno's npm resolution.
 */
const KEEP_EXTERNAL = [
  "vega",
  "vega-lite",
  "pdfkit",
  "svg-to-pdfkit",
  "esbuild",
  "playwright-core",
  "@nats-io/transport-node",
  "@nats-io/jetstream",
  "@nats-io/kv",
];

const URL_PATTERN = /new URL\(\s*"(\.{1,2}\/?[^"]*)"\s*,\s*import\.meta\.url\s*\)/g;
/** A literal dynamic import of a relative module (not a `typeof import(…)` type). */
const DYNAMIC_IMPORT = /(?<!typeof\s+)\bimport\(\s*"(\.{1,2}\/[^"]*\.ts)"\s*\)/g;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...sourceFiles(p));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/**
 * Modules reached through `new URL("….ts", import.meta.url)` anywhere in the sources, and those
 * of literal dynamic imports (which the classic script may have to import from the ES-module
 * bundle, `_classic_build.ts`).
 */
function urlEntries(): Set<string> {
  const entries = new Set<string>();
  for (const d of SOURCE_DIRS) {
    for (const file of sourceFiles(join(ROOT, d))) {
      if (file.endsWith("/build.ts") || file.endsWith("functions/bundle.ts")) continue;
      const text = Deno.readTextFileSync(file);
      for (const m of text.matchAll(URL_PATTERN)) {
        if (m[1].endsWith(".ts")) entries.add(resolve(dirname(file), m[1]));
      }
      for (const m of text.matchAll(DYNAMIC_IMPORT)) entries.add(resolve(dirname(file), m[1]));
    }
  }
  return entries;
}

/** `deno.json` imports of npm packages: bare name → `npm:name@version`. */
function npmImports(): Map<string, string> {
  const imports: Record<string, string> =
    JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json"))).imports ?? {};
  return new Map(Object.entries(imports).filter(([, spec]) => spec.startsWith("npm:")));
}

/** Rewrite the relative `import.meta.url` URLs of one source file for the flat output folder. */
function rewriteUrls(file: string, text: string, outDir: string): string {
  return text.replace(URL_PATTERN, (_all, rel: string) => {
    const target = resolve(dirname(file), rel);
    const mapped = rel.endsWith(".ts")
      ? `./${bundleEntryName(relative(ROOT, target))}.js`
      : (relative(outDir, target) || ".") + (rel.endsWith("/") || rel.endsWith("..") ? "/" : "");
    return `new URL(${JSON.stringify(mapped)}, import.meta.url)`;
  });
}

/**
 * Build the bundle; returns its folder and the number of input files.
 *
 * @example
 * ```ts
 * const { dir, inputs } = await buildCli();
 * ```
 */
export async function buildCli(
  opts: { outDir?: string } = {},
): Promise<{ dir: string; inputs: number }> {
  const outDir = opts.outDir ?? join(ROOT, BUNDLE_DIR);
  const entries = urlEntries();
  entries.add(join(ROOT, "src", "cli", "main.ts"));
  const entryPoints = [...entries].sort().map((abs) => ({
    in: abs,
    out: bundleEntryName(relative(ROOT, abs)),
  }));
  const npm = npmImports();
  const tmp = `${outDir}.tmp`;
  const modules = await linkedNodeModules();
  try {
    Deno.removeSync(tmp, { recursive: true });
  } catch { /* absent */ }
  // Which imports stay imports: `node:` built-ins, `npm:` specifiers, the large npm packages.
  const resolveExternals = (build: esbuild.PluginBuild) => {
    build.onResolve(
      { filter: /^node:/ },
      (a: esbuild.OnResolveArgs) => ({ path: a.path, external: true }),
    );
    build.onResolve(
      { filter: /^npm:/ },
      (a: esbuild.OnResolveArgs) => ({ path: a.path, external: true }),
    );
    build.onResolve({ filter: /^[^./]/ }, (a: esbuild.OnResolveArgs) => {
      const name = KEEP_EXTERNAL.find((n) => a.path === n || a.path.startsWith(`${n}/`));
      if (name === undefined || !npm.has(name)) return undefined;
      return { path: npm.get(name)! + a.path.slice(name.length), external: true };
    });
  };
  const base: esbuild.BuildOptions = {
    absWorkingDir: ROOT,
    bundle: true,
    // Less source to load and to parse when a function first runs (the GUARDD case: 313 ms
    // against 327 ms, 12 alternated pairs); names are kept, so tracebacks still read.
    minifyWhitespace: true,
    minifySyntax: true,
    platform: "neutral",
    target: "es2022",
    logLevel: "warning",
    // croner's package.json lists a "browser" condition after "import": esbuild notes it.
    logOverride: { "package.json": "silent" },
    mainFields: ["module", "main"],
    conditions: ["import", "default"],
    nodePaths: [join(modules, "node_modules")],
  };
  const rewrite = (file: string, text: string) => rewriteUrls(file, text, outDir);
  let inputPaths: string[];
  try {
    const result = await esbuild.build({
      ...base,
      entryPoints,
      outdir: tmp,
      splitting: true,
      format: "esm",
      metafile: true,
      chunkNames: "chunk-[hash]",
      banner: { js: "// exfit command line bundle (deno task build); see src/cli/build.ts" },
      plugins: [{
        name: "exfit",
        setup(build: esbuild.PluginBuild) {
          resolveExternals(build);
          build.onLoad({ filter: /\.ts$/ }, (a: esbuild.OnLoadArgs) => ({
            contents: rewrite(a.path, Deno.readTextFileSync(a.path)),
            loader: "ts",
          }));
        },
      }],
    });
    const classic = await buildClassic(esbuild.build, {
      root: ROOT,
      outFile: join(tmp, CLASSIC_BUNDLE_FILE),
      entries: entryPoints.map((e) => relative(ROOT, e.in)),
      outside: externalReaching(result.metafile),
      rewriteUrls: rewrite,
      resolve: resolveExternals,
      base,
    });
    inputPaths = [
      ...new Set([...Object.keys(result.metafile.inputs), ...Object.keys(classic.inputs)]),
    ];
  } finally {
    await esbuild.stop();
    Deno.removeSync(modules, { recursive: true });
  }
  // Sources of the repository; npm packages (from Deno's cache, outside it) are pinned by
  // deno.json and deno.lock, which are inputs.
  const inputs = inputPaths
    .filter((p) => !p.startsWith("..") && !p.startsWith("npm:") && !p.startsWith("node:"))
    .concat(["deno.json", "deno.lock"]);
  const manifest: Manifest = { inputs: inputs.map((p) => inputStamp(ROOT, p)) };
  Deno.writeTextFileSync(join(tmp, "manifest.json"), JSON.stringify(manifest));
  try {
    Deno.removeSync(outDir, { recursive: true });
  } catch { /* absent */ }
  Deno.renameSync(tmp, outDir);
  return { dir: outDir, inputs: inputs.length };
}

if (import.meta.main) {
  const { dir, inputs } = await buildCli();
  console.log(`${relative(Deno.cwd(), dir) || "."}: the command line bundled from ${inputs} files`);
}
