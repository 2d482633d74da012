/**
 * `deno task exfit`: runs the bundled command line (`deno task build`, `dist/cli/`) while it is
 * current — every file it was built from unchanged — and the sources (`main.ts`) otherwise. The
 * bundle's classic-script form runs with a V8 code cache of an earlier run
 * (`_classic_bundle.ts`), which spares a short fit most of its compilation; what it does is the
 * same code.
 *
 * @example
 * ```sh
 * deno task build && deno task exfit fit -e Experiments/*.toml -p Parameters/parameters.toml
 * ```
 *
 * @module
 */
import { classicScriptIn, currentBundle } from "./_bundle_manifest.ts";
import { repoRoot } from "./_cwd.ts";
import type { CliModule } from "./_classic_bundle.ts";
import {
  canKeepCodeCache,
  codeCacheEnabled,
  codeCachePath,
  readCodeCache,
  workloadOf,
} from "./_code_cache.ts";

/** A loaded command line, and what to do once it has run. */
export interface LoadedCli {
  cli: CliModule;
  /** Keep what this run leaves for the next (the code cache); call after the run. */
  finish(): Promise<void>;
}

/**
 * The command line to run `args` with: the current bundle's classic script with its code cache
 * (unless `args` ask for help or the version only, or the cache cannot be kept), else the current
 * ES-module bundle, else the sources.
 *
 * @example
 * ```ts
 * const { cli, finish } = await loadCli(Deno.args);
 * const code = await cli.main(Deno.args);
 * await finish();
 * ```
 */
export async function loadCli(args: readonly string[]): Promise<LoadedCli> {
  const root = repoRoot();
  // Help and version start faster without `node:vm` (which the classic script needs), and the
  // script without its cache is slower than the ES modules: it runs only where its cache can be
  // kept (not with EXFIT_CODE_CACHE=0, nor from a folder that cannot be written).
  const workload = workloadOf(args);
  const bundle = currentBundle(root);
  const classic = bundle === null || workload === undefined || !codeCacheEnabled()
    ? null
    : classicScriptIn(root);
  const cachePath = classic === null ? null : codeCachePath(classic);
  if (classic !== null && cachePath !== null && canKeepCodeCache(cachePath)) {
    // The script and its cache are read (and the cache checked) while `node:vm` loads.
    const source = Deno.readFile(classic);
    const stored = readCodeCache(cachePath, source);
    const { loadClassicBundle } = await import("./_classic_bundle.ts");
    const loaded = await loadClassicBundle({ file: classic, source, cachePath, stored, workload });
    return { cli: loaded.cli, finish: async () => void await loaded.saveCache() };
  }
  const entry = bundle ?? new URL("./main.ts", import.meta.url);
  const cli = await (import(entry.href) as Promise<typeof import("./main.ts")>);
  return { cli, finish: () => Promise.resolve() };
}

if (import.meta.main) {
  const { cli, finish } = await loadCli(Deno.args);
  const code = await cli.startCli();
  await finish();
  Deno.exit(code);
}
