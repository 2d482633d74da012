/**
 * File paths as the readers and writers use them: POSIX `join`, `resolve`, `dirname`,
 * `basename` and `extname` with Node's semantics (`node:path`'s posix flavour).
 *
 * Why not `node:path`: loading it (with the `node:url` and error modules it pulls in) costs about
 * 10–20 ms of every start, a twentieth of a short fit; `benchmarks/startup_imports_bench.ts`
 * prints the figure. exfit runs on POSIX systems (Linux, macOS); `tests/paths_test.ts` checks these
 * against `node:path/posix` on a table of awkward paths.
 *
 * @example
 * ```ts
 * import { join, resolve } from "./paths.ts";
 * resolve("/data/study", "Experiments/../Data/a.out"); // "/data/study/Data/a.out"
 * join("Output", "STEP1", ""); // "Output/STEP1"
 * ```
 *
 * @module
 */

/** Collapse `.`, `..` and repeated slashes; `absolute` keeps `..` from climbing above `/`. */
function normalizeSegments(path: string, absolute: boolean): string {
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
    } else out.push(seg);
  }
  return out.join("/");
}

/**
 * Normalise a path: `.`/`..` and repeated slashes resolved, a trailing slash kept.
 *
 * @example
 * ```ts
 * normalize("a//b/../c/"); // "a/c/"
 * ```
 */
export function normalize(path: string): string {
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const trailing = path.endsWith("/");
  let body = normalizeSegments(path, absolute);
  if (body === "" && !absolute) body = ".";
  if (body !== "" && trailing) body += "/";
  return absolute ? `/${body}` : body;
}

/**
 * Join path segments with `/` and normalise (empty segments are skipped).
 *
 * @example
 * ```ts
 * join("Output", "STEP1", "Plots"); // "Output/STEP1/Plots"
 * ```
 */
export function join(...parts: string[]): string {
  const joined = parts.filter((p) => p !== "").join("/");
  return joined === "" ? "." : normalize(joined);
}

/**
 * The absolute path of the segments read right to left until one is absolute, from the working
 * directory otherwise; no trailing slash.
 *
 * @example
 * ```ts
 * resolve("/a/b", "../c"); // "/a/c"
 * ```
 */
export function resolve(...parts: string[]): string {
  let path = "";
  for (let i = parts.length - 1; i >= 0 && !path.startsWith("/"); i--) {
    if (parts[i] !== "") path = path === "" ? parts[i] : `${parts[i]}/${path}`;
  }
  if (!path.startsWith("/")) path = path === "" ? Deno.cwd() : `${Deno.cwd()}/${path}`;
  return `/${normalizeSegments(path, true)}`;
}

/** `path` without trailing slashes (but `/` stays `/`). */
function trimTrailing(path: string): string {
  let end = path.length;
  while (end > 1 && path[end - 1] === "/") end--;
  return path.slice(0, end);
}

/**
 * The folder part of a path (`.` when there is none).
 *
 * @example
 * ```ts
 * dirname("/a/b/c.toml"); // "/a/b"
 * ```
 */
export function dirname(path: string): string {
  if (path === "") return ".";
  const p = trimTrailing(path);
  const slash = p.lastIndexOf("/");
  if (slash < 0) return ".";
  if (slash === 0) return "/";
  return p.slice(0, slash);
}

/**
 * The last segment of a path, without `ext` when it ends with it (and is more than it).
 *
 * @example
 * ```ts
 * basename("/a/b/c.toml", ".toml"); // "c"
 * ```
 */
export function basename(path: string, ext = ""): string {
  const p = trimTrailing(path);
  const base = p === "/" ? "" : p.slice(p.lastIndexOf("/") + 1);
  return ext !== "" && base !== ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
}

/**
 * The extension of a path's last segment, dot included (`""` for none or a leading-dot name).
 *
 * @example
 * ```ts
 * extname("Data/a.out"); // ".out"
 * ```
 */
export function extname(path: string): string {
  const base = basename(path);
  const dot = base.lastIndexOf(".");
  if (dot <= 0 || (dot === 1 && base === "..")) return "";
  return base.slice(dot);
}
