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

/** `deno.lock`'s npm section: package key ("name@version", maybe with a peer suffix) → its
 * dependencies ("name", or "name@version" where the lock holds several versions of it). */
type LockPackages = Record<string, { dependencies?: string[] }>;

/** The lock key a dependency entry names: "name@version" as written, or the only "name@…". */
function lockKeyOf(dep: string, packages: LockPackages, byName: Map<string, string[]>): string {
  if (dep in packages) return dep;
  const keys = byName.get(dep) ?? [];
  if (keys.length !== 1) {
    throw new Error(`deno.lock: cannot tell which version of npm package ${dep} is meant`);
  }
  return keys[0];
}

/**
 * Every package `roots` (lock keys) need, themselves first, then their dependencies breadth
 * first, as name → version; a name met again at another version keeps the first one (deno.json's
 * own imports win, as in a flat node_modules).
 */
function lockClosure(roots: string[], packages: LockPackages): Map<string, string> {
  const byName = new Map<string, string[]>();
  for (const key of Object.keys(packages)) {
    const name = key.slice(0, key.lastIndexOf("@"));
    byName.set(name, [...byName.get(name) ?? [], key]);
  }
  const out = new Map<string, string>();
  const queue = [...roots];
  for (let i = 0; i < queue.length; i++) {
    const key = queue[i];
    const at = key.lastIndexOf("@");
    const name = key.slice(0, at);
    if (out.has(name)) continue;
    // "6.5.0_vega@6.4.0": the peer suffix is not part of the cache folder's name.
    out.set(name, key.slice(at + 1).split("_")[0]);
    for (const dep of packages[key]?.dependencies ?? []) {
      queue.push(lockKeyOf(dep, packages, byName));
    }
  }
  return out;
}

/**
 * A folder laid out like node_modules with links into Deno's npm cache, for esbuild's `nodePaths`
 * (`<folder>/node_modules`): deno.json's npm packages at their versions and, from `deno.lock`,
 * every package they depend on (a bundled package may `require` its own dependencies, as
 * `@stdlib/math-base-special-erfc` does). The caller removes it.
 *
 * @example
 * ```ts
 * const dir = await linkedNodeModules();
 * ```
 */
export async function linkedNodeModules(): Promise<string> {
  const imports: Record<string, string> =
    JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json"))).imports ?? {};
  const lock = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.lock")));
  const specifiers: Record<string, string> = lock.specifiers ?? {};
  const packages: LockPackages = lock.npm ?? {};
  const cache = join(await npmCache(), "registry.npmjs.org");
  const roots: string[] = [];
  for (const spec of Object.values(imports)) {
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
    roots.push(`${m[1]}@${specifiers[`npm:${m[1]}@${m[2]}`] ?? m[2]}`);
  }
  const dir = Deno.makeTempDirSync({ prefix: "exfit_bundle_" });
  const modules = join(dir, "node_modules");
  for (const [name, version] of lockClosure(roots, packages)) {
    const target = join(cache, name, version);
    // A dependency Deno never fetched (of a package no run has loaded) is left out: esbuild
    // names it if a bundled file needs it.
    try {
      Deno.statSync(target);
    } catch {
      continue;
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
