/**
 * The import graph of the repository and the layering rule of docs/architecture.md, for
 * tests/architecture_test.ts: which folder may import which, `_private` modules used only inside
 * their folder, and no I/O in the core.
 *
 * The graph is read from the sources (static imports, re-exports and `import("...")` with a
 * literal specifier), so a lazily imported module counts as an arrow too.
 *
 * @module
 */
import { dirname, join, normalize, relative } from "node:path";

/**
 * The layers, lowest first. A module may import modules of its own folder and of folders in
 * lower layers; two folders in the same layer do not import each other.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["src/math"],
  ["src/nmr", "src/solver"],
  ["src/params"],
  ["src/models"],
  ["src/experiments"],
  ["src/config"],
  ["src/fit"],
  ["src/output"],
  ["src/io", "src/stats"],
  ["src/plot"],
  ["src/run"],
  ["src/report"],
  ["functions"],
  ["workflows"],
  ["src/cli"],
];

/** Folders of the core: pure, no I/O, no configuration (no `Deno.*`, no `node:fs`). */
export const CORE: readonly string[] = [
  "src/math",
  "src/nmr",
  "src/solver",
  "src/params",
  "src/models",
  "src/experiments",
];

/** One import arrow between two repository files (paths relative to the root, `/`-separated). */
export interface Arrow {
  from: string;
  to: string;
  /** 1-based line of the import in `from`. */
  line: number;
}

/** Roots whose files obey the rule (tests and benchmarks may import anything). */
export const CHECKED_ROOTS: readonly string[] = ["src", "functions", "workflows"];

/** Every `.ts` file under `dir` (relative to `root`), sorted. */
export function tsFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(join(root, rel))];
    } catch {
      return;
    }
    for (const e of entries) {
      const path = `${rel}/${e.name}`;
      if (e.isDirectory) walk(path);
      else if (e.isFile && e.name.endsWith(".ts")) out.push(path);
    }
  };
  walk(dir);
  return out.sort();
}

/** Source with comments blanked (line numbers kept), so commented-out imports do not count. */
function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " "))
    .replace(/^[ \t]*\/\/.*$/gm, "");
}

/** Relative import specifiers of one source text with their lines. */
export function importsOf(text: string): { spec: string; line: number }[] {
  const src = stripComments(text);
  const found: { spec: string; line: number }[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) {
    for (const m of src.matchAll(re)) {
      const at = m.index! + m[0].lastIndexOf(m[1]);
      found.push({ spec: m[1], line: src.slice(0, at).split("\n").length });
    }
  }
  return found.filter((f) => f.spec.startsWith("."));
}

/** The arrows out of the checked roots of the repository at `root`. */
export function importGraph(root: string, roots: readonly string[] = CHECKED_ROOTS): Arrow[] {
  const arrows: Arrow[] = [];
  for (const r of roots) {
    for (const file of tsFiles(root, r)) {
      const text = Deno.readTextFileSync(join(root, file));
      for (const { spec, line } of importsOf(text)) {
        const to = normalize(join(dirname(file), spec)).replaceAll("\\", "/");
        arrows.push({ from: file, to, line });
      }
    }
  }
  return arrows;
}

/** The layer folder a file belongs to (longest match), or null. */
export function folderOf(file: string): string | null {
  let best: string | null = null;
  for (const layer of LAYERS) {
    for (const f of layer) {
      if ((file === f || file.startsWith(`${f}/`)) && (!best || f.length > best.length)) best = f;
    }
  }
  return best;
}

function rankOf(folder: string): number {
  return LAYERS.findIndex((l) => l.includes(folder));
}

/**
 * Every breach of the rule in a set of arrows, one readable line each (empty when none):
 * an arrow to the same or a higher layer, a `_private` module imported from outside its folder,
 * a checked file in no layer.
 *
 * @example
 * ```ts
 * layerViolations([{ from: "src/nmr/a.ts", to: "src/fit/b.ts", line: 3 }]);
 * // ["src/nmr/a.ts:3 imports src/fit/b.ts: src/nmr (layer 2) may not depend on src/fit (layer 7)"]
 * ```
 */
export function layerViolations(arrows: readonly Arrow[]): string[] {
  const out: string[] = [];
  for (const a of arrows) {
    const where = `${a.from}:${a.line} imports ${a.to}`;
    const name = a.to.slice(a.to.lastIndexOf("/") + 1);
    if (name.startsWith("_")) {
      const home = dirname(a.to);
      const rel = relative(home, dirname(a.from)).replaceAll("\\", "/");
      if (rel.startsWith("..")) {
        out.push(`${where}: private module used outside ${home}/`);
      }
    }
    const from = folderOf(a.from);
    const to = folderOf(a.to);
    if (from === null) {
      out.push(`${where}: ${dirname(a.from)} is in no layer (add it to LAYERS and the docs)`);
      continue;
    }
    if (to === null || from === to) continue;
    const [rf, rt] = [rankOf(from), rankOf(to)];
    if (rt >= rf) {
      out.push(
        `${where}: ${from} (layer ${rf + 1}) may not depend on ${to} (layer ${rt + 1})`,
      );
    }
  }
  return [...new Set(out)];
}

/**
 * Core files that do I/O (use `Deno.*` or `node:fs`), one line each.
 *
 * @example
 * ```ts
 * coreIoViolations(".", ["src/nmr/eig.ts"]); // []
 * ```
 */
export function coreIoViolations(root: string, files: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    const folder = folderOf(file);
    if (folder === null || !CORE.includes(folder)) continue;
    const src = stripComments(Deno.readTextFileSync(join(root, file)));
    src.split("\n").forEach((line, i) => {
      if (/\bDeno\.|["']node:fs/.test(line)) out.push(`${file}:${i + 1}: I/O in the core`);
    });
  }
  return out;
}

/**
 * Bare (package) specifiers reachable from `entry` through static imports only: what a process
 * loads before it runs anything, whatever command it is given.
 *
 * @example
 * ```ts
 * staticPackages(".", "src/cli/main.ts").has("vega"); // false: plots load vega when they run
 * ```
 */
export function staticPackages(root: string, entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = stripComments(Deno.readTextFileSync(join(root, file)));
    const re =
      /^\s*(?:import|export)\b(?!\s+type\b)[^;'"]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;
    for (const m of src.matchAll(re)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith(".")) visit(normalize(join(dirname(file), spec)).replaceAll("\\", "/"));
      else packages.add(spec.replace(/^npm:/, "").split("/")[0].replace(/@[^@]*$/, ""));
    }
  };
  visit(entry);
  return packages;
}

/**
 * What `deno run ENTRY` loads before running it: modules reached by value imports (not
 * `import type`) and by `import("literal")` (Deno loads those graphs at start too, run or not;
 * `typeof import("…")` in a type is not loaded), with the npm packages among them.
 * `src/config/lazy_import.ts#lazyImport` is how a module is kept out of this set.
 *
 * @example
 * ```ts
 * loadedAtStart(".", "src/cli/main.ts").files.size; // 6: the command table and the parser
 * ```
 */
export function loadedAtStart(
  root: string,
  entry: string,
): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const patterns = [
    /^\s*(?:import|export)\b(?!\s+type\b)[^;'"]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /(?<!typeof\s*)\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const src = stripComments(Deno.readTextFileSync(join(root, file)));
    for (const re of patterns) {
      for (const m of src.matchAll(re)) {
        const spec = m[1];
        if (spec.startsWith(".")) visit(normalize(join(dirname(file), spec)).replaceAll("\\", "/"));
        else packages.add(spec.replace(/^npm:/, "").split("/")[0].replace(/@[^@]*$/, ""));
      }
    }
  };
  visit(entry);
  return { files, packages };
}
