/**
 * Output folders as data, for the atomic-output tests: every file of a tree (path → text), and
 * whether two trees are the same. A folder that does not exist reads as an empty tree.
 *
 * @module
 */
import { join } from "node:path";

/**
 * Every file under `dir`, by relative path, but the top-level entries named in `skip` (say the
 * checkpoint `.exfit` and `run_info/`, which record each invocation).
 *
 * @example
 * ```ts
 * const before = outputTree("Out", [".exfit", "run_info"]);
 * ```
 */
export function outputTree(dir: string, skip: readonly string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(join(dir, rel))];
    } catch {
      return;
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (skip.includes(path)) continue;
      if (e.isDirectory) walk(path);
      else out.set(path, Deno.readTextFileSync(join(dir, path)));
    }
  };
  walk("");
  return out;
}

/**
 * Whether two trees hold the same files with the same texts.
 *
 * @example
 * ```ts
 * sameTree(outputTree("Out"), outputTree("Ref"));
 * ```
 */
export function sameTree(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}
