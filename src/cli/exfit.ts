/**
 * `deno task exfit`: runs the bundled command line (`deno task build`, `dist/cli/`) while it is
 * current — every file it was built from unchanged — and the sources (`main.ts`) otherwise. The
 * bundle starts about 0.1 s sooner; what it does is the same code.
 *
 * @example
 * ```sh
 * deno task build && deno task exfit fit -e Experiments/*.toml -p Parameters/parameters.toml
 * ```
 *
 * @module
 */
import { currentBundle } from "./_bundle_manifest.ts";
import { repoRoot } from "./_cwd.ts";

/** The main module to run: the current bundle, else the sources. */
export function cliEntry(): URL {
  return currentBundle(repoRoot()) ?? new URL("./main.ts", import.meta.url);
}

if (import.meta.main) {
  const { runCli } = await (import(cliEntry().href) as Promise<typeof import("./main.ts")>);
  await runCli();
}
