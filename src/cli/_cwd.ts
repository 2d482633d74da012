/**
 * `deno task` runs commands in the directory of deno.json and records where the user started it
 * in `INIT_CWD`. Move back there so relative paths are the user's — but only when we are in
 * exfit's own root, since child processes inherit `INIT_CWD` from an outer task.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

/** Restore the user's working directory under `deno task`. */
export function restoreTaskCwd(): void {
  const initCwd = Deno.env.get("INIT_CWD");
  if (!initCwd) return;
  const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
  if (resolve(Deno.cwd()) === root) Deno.chdir(initCwd);
}
