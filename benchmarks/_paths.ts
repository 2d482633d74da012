/** Path helpers for benchmark scripts. @module */
export { fileURLToPath as fromFileUrl } from "node:url";

/**
 * End the script (exit code 0) with a visible notice when `path` (the reference data) is absent.
 *
 * @example
 * ```ts
 * skipUnlessPresent(REFDATA, "load_bench");
 * ```
 */
export function skipUnlessPresent(path: string, script: string): void {
  try {
    Deno.statSync(path);
  } catch {
    console.log(`${script}: skipped, ${path} is absent`);
    Deno.exit(0);
  }
}
