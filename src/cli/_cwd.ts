/**
 * `deno task` runs commands in the directory of deno.json and records where the user started it
 * in `INIT_CWD`. Move back there so relative paths are the user's — but only when we are in
 * exfit's own root, since child processes inherit `INIT_CWD` from an outer task.
 *
 * No `node:path` here: it is loaded on every start, and Node's modules cost `exfit --help` about
 * 25 ms; comparing real paths is also right where the root is reached through a link.
 *
 * @module
 */

/** Restore the user's working directory under `deno task`. */
export function restoreTaskCwd(): void {
  const initCwd = Deno.env.get("INIT_CWD");
  if (!initCwd) return;
  if (realPath(Deno.cwd()) === repoRoot()) Deno.chdir(initCwd);
}

/** exfit's own root folder (the one holding deno.json), as a real path. */
export function repoRoot(): string {
  return realPath(new URL("../..", import.meta.url));
}

/** The real path, or the path as written where it cannot be read (no read permission). */
function realPath(path: string | URL): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return (path instanceof URL ? decodeURIComponent(path.pathname) : path).replace(/\/$/, "");
  }
}
