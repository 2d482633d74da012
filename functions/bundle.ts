/**
 * `deno task bundle`: the functions as one ES module, `dist/functions.js`, for any runtime
 * (default export `{ fetch }` for Deno Deploy / Cloudflare Workers, named `handler` for AWS
 * Lambda). esbuild bundles `functions/mod.ts`; the npm packages of `deno.json` are taken from
 * Deno's npm cache (exposed to esbuild as a node_modules folder of links), `node:` built-ins
 * stay imports (every target runtime provides them).
 *
 * @module
 */
import * as esbuild from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Options of {@link bundleFunctions}. */
export interface BundleOptions {
  /** Output file (default `<repo>/dist/functions.js`). */
  outfile?: string;
  minify?: boolean;
}

async function npmCache(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
    .output();
  if (!out.success) throw new Error("`deno info --json` failed: cannot find Deno's npm cache");
  return JSON.parse(new TextDecoder().decode(out.stdout)).npmCache;
}

/**
 * A folder laid out like node_modules with links into Deno's npm cache (deno.json versions), for
 * esbuild's `nodePaths` (`<folder>/node_modules`); the caller removes it.
 *
 * @example
 * ```ts
 * const dir = await linkedNodeModules();
 * ```
 */
export async function linkedNodeModules(): Promise<string> {
  const imports: Record<string, string> =
    JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json"))).imports ?? {};
  const cache = join(await npmCache(), "registry.npmjs.org");
  const dir = Deno.makeTempDirSync({ prefix: "exfit_bundle_" });
  const modules = join(dir, "node_modules");
  for (const [name, spec] of Object.entries(imports)) {
    const m = /^npm:(@?[^@]+)@([^/]+)$/.exec(spec);
    if (!m || m[1] === "esbuild") continue;
    const target = join(cache, m[1], m[2]);
    try {
      Deno.statSync(target);
    } catch {
      throw new Error(
        `npm package ${m[1]}@${m[2]} is not in Deno's cache (${target}); run ` +
          "`deno cache functions/mod.ts` first",
      );
    }
    const link = join(modules, name);
    Deno.mkdirSync(dirname(link), { recursive: true });
    Deno.symlinkSync(target, link);
  }
  return dir;
}

/**
 * Bundle the functions; returns the output path and its size in bytes.
 *
 * @example
 * ```ts
 * const { outfile, bytes } = await bundleFunctions();
 * ```
 */
export async function bundleFunctions(
  opts: BundleOptions = {},
): Promise<{ outfile: string; bytes: number }> {
  const outfile = opts.outfile ?? join(ROOT, "dist", "functions.js");
  const tmp = await linkedNodeModules();
  try {
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [join(ROOT, "functions", "mod.ts")],
      outfile,
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      mainFields: ["module", "main"],
      conditions: ["import", "default"],
      nodePaths: [join(tmp, "node_modules")],
      external: ["node:*"],
      minify: opts.minify ?? true,
      legalComments: "eof",
      logLevel: "warning",
      banner: { js: "// exfit functions bundle (functions/mod.ts); see docs/workflows.md" },
    });
  } finally {
    await esbuild.stop();
    Deno.removeSync(tmp, { recursive: true });
  }
  return { outfile, bytes: Deno.statSync(outfile).size };
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--outfile");
  const { outfile, bytes } = await bundleFunctions({
    outfile: at >= 0 ? Deno.args[at + 1] : undefined,
    minify: !Deno.args.includes("--no-minify"),
  });
  console.log(`${outfile}: ${(bytes / 1024).toFixed(1)} KiB`);
}
