/**
 * Child process of tests/cli_bundle_test.ts: runs the command line from a classic-script bundle
 * (`src/cli/_classic_bundle.ts`) as `deno task exfit` does, with the code cache beside it, and
 * prints the cache's state on stderr as `code cache: <state> <written>`.
 *
 * Usage: `deno run -A tests/_classic_child.ts <dist>/exfit_cli.js <exfit arguments…>`
 *
 * @module
 */
import { loadClassicBundle } from "../src/cli/_classic_bundle.ts";
import { codeCachePath, readCodeCache, workloadOf } from "../src/cli/_code_cache.ts";

const [file, ...args] = Deno.args;
const cachePath = codeCachePath(file);
const source = Deno.readFile(file);
const loaded = await loadClassicBundle({
  file,
  source,
  cachePath,
  stored: readCodeCache(cachePath, source),
  workload: workloadOf(args),
});
const code = await loaded.cli.main(args);
const written = await loaded.saveCache();
console.error(`code cache: ${loaded.cache} ${written ? "written" : "kept"}`);
Deno.exit(code);
