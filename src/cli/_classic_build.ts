/**
 * The command line as one classic script (`dist/cli/exfit_cli.js`) beside the ES-module bundle,
 * for `deno task build` (`build.ts`). Why a second form: Deno keeps V8's code cache of an ES
 * module as it stands right after compilation, when only the module's top level has bytecode, so
 * every function a fit runs is parsed and compiled again in every process. A classic script run
 * through `node:vm` can hand V8 a code cache made at the end of a run instead
 * (`_classic_bundle.ts`), holding the bytecode of everything that run compiled.
 *
 * The script is `(function (bundleUrl) { "use strict"; …; return exfitCli; })`, where `exfitCli`
 * is `main.ts`'s exports. Modules the command line loads through `lazyImport(new URL("./x.ts",
 * import.meta.url))` are inside it, evaluated only when first imported (esbuild turns a literal
 * dynamic import into a lazy initialiser when the output is not split), unless they import an
 * npm package or a `node:` built-in statically: an IIFE cannot import, so those (the figures'
 * renderer, the queue, the bundlers) stay in the ES-module bundle and are imported from there,
 * as are the modules of literal dynamic imports that do (each has an entry of its own there).
 * Those hold their own copies of the modules they import, classes included: what crosses between
 * them and the script should be plain data (the figures' SVG text, the queue's messages), not
 * objects tested with `instanceof`.
 * Worker scripts and other `new URL(…)` targets also name the ES-module bundle's files.
 *
 * @example
 * ```ts
 * const outside = externalReaching(result.metafile);
 * const opts = { root, outFile, entries, outside, rewriteUrls, resolve, base };
 * await buildClassic(esbuild.build, opts);
 * ```
 *
 * @module
 */
import type * as esbuild from "esbuild";
import { dirname, relative, resolve } from "node:path";
import { bundleEntryName } from "./_bundle_manifest.ts";

/** The parameter of the script's function that stands for `import.meta.url`. */
const BUNDLE_URL = "exfitBundleUrl";

/**
 * Source modules (paths relative to the root, as esbuild's metafile names them) whose static
 * imports reach an external module — an npm package left as an import or a `node:` built-in —
 * directly or through other modules: an IIFE cannot hold them.
 *
 * @example
 * ```ts
 * externalReaching(result.metafile).has("workflows/queue.ts"); // true: it imports NATS
 * ```
 */
export function externalReaching(meta: esbuild.Metafile): Set<string> {
  const reaches = new Map<string, boolean>();
  const visit = (path: string): boolean => {
    const known = reaches.get(path);
    if (known !== undefined) return known;
    reaches.set(path, false); // a cycle adds nothing
    let ext = false;
    for (const imp of meta.inputs[path]?.imports ?? []) {
      if (imp.kind !== "import-statement") continue;
      // esbuild lists an import of types only (`import { type A } from "./a.ts"`), which it
      // drops, as external under its written path: only `npm:` and `node:` ones are real.
      if (imp.external ? /^(npm|node):/.test(imp.path) : visit(imp.path)) ext = true;
    }
    reaches.set(path, ext);
    return ext;
  };
  return new Set(Object.keys(meta.inputs).filter(visit));
}

/**
 * `lazy_import.ts` as the classic script compiles it: the modules inside the script by the file
 * name their URL has after the build's rewriting, each loaded by a literal dynamic import (which
 * esbuild bundles), anything else imported at run time.
 */
function lazyImportSource(root: string, inside: Iterable<string>): string {
  const rows = [...inside].sort().map((rel) =>
    `  ${JSON.stringify(`${bundleEntryName(rel)}.js`)}: () => import(${
      JSON.stringify(`${root}/${rel}`)
    }),`
  );
  return [
    "const BUNDLED: Record<string, () => Promise<unknown>> = {",
    ...rows,
    "};",
    "export function lazyImport<T>(url: URL): Promise<T> {",
    '  const load = BUNDLED[url.pathname.slice(url.pathname.lastIndexOf("/") + 1)];',
    "  return (load ? load() : import(url.href)) as Promise<T>;",
    "}",
    "",
  ].join("\n");
}

/** What {@link buildClassic} needs from the ES-module build. */
export interface ClassicBuild {
  /** Repository root (absolute). */
  root: string;
  /** The script to write. */
  outFile: string;
  /** Entry modules of the ES-module build (relative to the root). */
  entries: string[];
  /** Source modules the script cannot hold ({@link externalReaching}). */
  outside: Set<string>;
  /** Rewrites one source's relative `new URL(…, import.meta.url)` for the bundle's folder. */
  rewriteUrls: (file: string, text: string) => string;
  /** The ES-module build's resolution rules (which imports stay external). */
  resolve: (build: esbuild.PluginBuild) => void;
  /** The ES-module build's options (working folder, minification, npm folders). */
  base: esbuild.BuildOptions;
}

/**
 * Write the classic script; returns esbuild's metafile (for the manifest's inputs).
 *
 * @example
 * ```ts
 * const meta = await buildClassic(esbuild.build, opts); // opts: a ClassicBuild
 * ```
 */
export async function buildClassic(
  build: typeof esbuild.build,
  opts: ClassicBuild,
): Promise<esbuild.Metafile> {
  const inside = opts.entries.filter((rel) => !opts.outside.has(rel));
  const lazySource = lazyImportSource(opts.root, inside);
  const result = await build({
    ...opts.base,
    entryPoints: [`${opts.root}/src/cli/main.ts`],
    outfile: opts.outFile,
    splitting: false,
    format: "iife",
    globalName: "exfitCli",
    metafile: true,
    // Strict, as the modules it is made of; the function's value is the script's result.
    banner: { js: `(function(${BUNDLE_URL}){"use strict";` },
    footer: { js: "return exfitCli})" },
    plugins: [
      {
        name: "exfit-classic",
        setup(b: esbuild.PluginBuild) {
          opts.resolve(b);
          // A literal dynamic import of a module the script cannot hold: its ES-module entry
          // (the build makes one for each), found beside the script at run time.
          b.onResolve(
            { filter: /^\.{1,2}\/.*\.ts$/ },
            (a: esbuild.OnResolveArgs) => {
              if (a.kind !== "dynamic-import") return undefined;
              const rel = relative(opts.root, resolve(dirname(a.importer), a.path));
              if (!opts.outside.has(rel)) return undefined;
              return { path: `./${bundleEntryName(rel)}.js`, external: true };
            },
          );
          b.onLoad({ filter: /\.ts$/ }, (a: esbuild.OnLoadArgs) => {
            const rel = relative(opts.root, a.path);
            const text = rel === "src/config/lazy_import.ts"
              ? lazySource
              : opts.rewriteUrls(a.path, Deno.readTextFileSync(a.path));
            return {
              contents: text.replaceAll("import.meta.url", BUNDLE_URL)
                .replaceAll("import.meta.main", "false"),
              loader: "ts",
            };
          });
        },
      },
    ],
  });
  return result.metafile!;
}
