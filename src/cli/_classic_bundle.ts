/**
 * Runs the command line's classic-script bundle (`_classic_build.ts`) with a V8 code cache made
 * at the end of an earlier run (`_code_cache.ts`), so that a fit's functions arrive as bytecode
 * instead of being parsed and compiled again in every process: Deno keeps an ES module's code
 * cache only as it stands right after compilation, when just the top level has bytecode. What
 * it saves on CPMG_15N_IP's whole process: docs/performance.md.
 *
 * A run's cache is worth writing when there is none, when V8 refused the one given (another
 * source or flags), or when the run's workload covers more of the program than the one that
 * wrote it: a fit that draws figures more than one that does not, which covers more than any
 * other command (`_code_cache.ts#workloadOf`). Runs that only print help have no workload and write
 * nothing.
 *
 * @example
 * ```ts
 * const loaded = await loadClassicBundle({
 *   file: "/opt/exfit/dist/cli/exfit_cli.js",
 *   source: Deno.readFile("/opt/exfit/dist/cli/exfit_cli.js"),
 *   cachePath: "/opt/exfit/dist/cli/exfit_cli.js.1a2b3c4d.v8cache",
 *   stored: Promise.resolve(null),
 * });
 * const code = await loaded.cli.main(["--help"]);
 * ```
 *
 * @module
 */
import vm from "node:vm";
import type * as Main from "./main.ts";
import { coversMore, type StoredCodeCache, writeCodeCache } from "./_code_cache.ts";

/** What the bundle gives: `main.ts`'s entry points. */
export type CliModule = Pick<typeof Main, "main" | "startCli">;

/** How the code cache was used: none yet, taken by V8, or refused by it. */
export type CacheState = "absent" | "accepted" | "rejected";

/** What {@link loadClassicBundle} runs. */
export interface ClassicBundle {
  /** The script's path. */
  file: string;
  /** Its bytes (being read). */
  source: Promise<Uint8Array<ArrayBuffer>>;
  /** The cache file this process reads and writes. */
  cachePath: string;
  /** The cache read from it (being read and checked). */
  stored: Promise<StoredCodeCache | null>;
  /** What this process runs (`_code_cache.ts#workloadOf`); none for help, which writes no cache. */
  workload?: string;
}

/** A loaded bundle. */
export interface ClassicCli {
  cli: CliModule;
  cache: CacheState;
  /** Write the code cache if this run's is worth keeping; returns whether it was written. */
  saveCache(): Promise<boolean>;
}

/**
 * Compile and run the classic-script bundle with its code cache, if any.
 */
export async function loadClassicBundle(b: ClassicBundle): Promise<ClassicCli> {
  const [bytes, stored] = await Promise.all([b.source, b.stored]);
  const script = new vm.Script(new TextDecoder().decode(bytes), {
    filename: b.file,
    cachedData: stored?.data,
    // The bundle imports the modules it does not hold (figures, the queue) and npm packages.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const factory = script.runInThisContext() as (bundleUrl: string) => CliModule;
  const cli = factory(new URL(`file://${b.file}`).href);
  const cache: CacheState = stored === null
    ? "absent"
    : script.cachedDataRejected
    ? "rejected"
    : "accepted";
  const worth = b.workload !== undefined && (
    cache === "absent" || cache === "rejected" ||
    (cache === "accepted" && coversMore(b.workload, stored!.workload))
  );
  return {
    cli,
    cache,
    saveCache: async () =>
      worth && await writeCodeCache(
        b.cachePath,
        b.workload!,
        bytes,
        new Uint8Array(script.createCachedData()),
      ),
  };
}
