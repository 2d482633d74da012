/**
 * All-or-nothing publication of an output tree: nothing partial is written over good output.
 *
 * Files are first written into a fresh hidden sibling of the output directory (same filesystem, so
 * renames are cheap and atomic). Only when every write succeeded are entries swapped in, one rename
 * aside and one rename in per replaced entry; any failure undoes the swaps already made.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "../config/paths.ts";
import { lstatOrNull, removeQuietly, statOrNull } from "./_fs.ts";

/** The filesystem operations that can fail mid-publication (injectable to test the rollback). */
export interface AtomicFsOps {
  writeFile(path: string, data: string | Uint8Array): void;
  rename(from: string, to: string): void;
}

const DENO_OPS: AtomicFsOps = {
  writeFile(path, data) {
    if (typeof data === "string") Deno.writeTextFileSync(path, data);
    else Deno.writeFileSync(path, data);
  },
  rename(from, to) {
    Deno.renameSync(from, to);
  },
};

/** Options of {@link writeTreeAtomically}. */
export interface WriteTreeOptions {
  /**
   * Directories (relative to `outDir`) whose whole content is replaced: files not in `files`
   * disappear. Elsewhere, given files replace their namesakes and other files are kept.
   */
  replaceSubdirs?: string[];
}

/**
 * Write `files` (relative paths with `/` separators → content) under `outDir` so that either all
 * of them appear or `outDir` is left exactly as it was (it is created when absent and removed again
 * on failure). Throws the error that stopped the publication.
 *
 * @example
 * ```ts
 * writeTreeAtomically("Output", new Map([
 *   ["STEP1/statistics.toml", statisticsText],
 *   ["STEP1/Parameters/fitted.toml", fittedText],
 * ]), { replaceSubdirs: ["STEP1"] });
 * ```
 */
export function writeTreeAtomically(
  outDir: string,
  files: Map<string, string | Uint8Array>,
  opts?: WriteTreeOptions,
): void {
  writeTreeAtomicallyWith(DENO_OPS, outDir, files, opts);
}

/**
 * {@link writeTreeAtomically} with explicit filesystem operations, so tests can make a write or a
 * rename fail at a chosen point.
 *
 * @example
 * ```ts
 * let renames = 0;
 * const ops = { writeFile: Deno.writeTextFileSync, rename: (a: string, b: string) => {
 *   if (++renames === 2) throw new Error("disk gone");
 *   Deno.renameSync(a, b);
 * } };
 * writeTreeAtomicallyWith(ops, "Output", files); // throws; Output unchanged
 * ```
 */
export function writeTreeAtomicallyWith(
  ops: AtomicFsOps,
  outDir: string,
  files: Map<string, string | Uint8Array>,
  opts?: WriteTreeOptions,
): void {
  const entries = [...files].map(([path, data]) => [splitRelative(path), data] as const);
  const replaced = outermost((opts?.replaceSubdirs ?? []).map(splitRelative));
  checkNoFileIsADirectory(entries.map(([parts]) => parts), replaced);

  const out = resolve(outDir);
  const parent = dirname(out);
  Deno.mkdirSync(parent, { recursive: true });
  const outInfo = statOrNull(out);
  if (outInfo !== null && !outInfo.isDirectory) {
    throw new Error(`output path exists and is not a directory: ${out}`);
  }
  const outCreated = outInfo === null;
  if (outCreated) Deno.mkdirSync(out);

  const stage = Deno.makeTempDirSync({ dir: parent, prefix: `.${basename(out)}.new-` });
  let backup: string | null = null;
  try {
    for (const [parts, data] of entries) {
      const target = join(stage, ...parts);
      Deno.mkdirSync(dirname(target), { recursive: true });
      ops.writeFile(target, data);
    }
    for (const parts of replaced) Deno.mkdirSync(join(stage, ...parts), { recursive: true });

    const units = swapUnits(out, entries.map(([parts]) => parts), replaced);
    backup = Deno.makeTempDirSync({ dir: parent, prefix: `.${basename(out)}.old-` });
    commit(ops, out, stage, backup, units);
  } catch (error) {
    removeQuietly(stage);
    if (backup !== null) removeQuietly(backup);
    if (outCreated) {
      try {
        Deno.removeSync(out);
      } catch {
        // Not empty means something else wrote there meanwhile; that is not ours to delete.
      }
    }
    throw error;
  }
  // The new tree is in place; leftovers of the old one must not turn success into failure.
  removeQuietly(backup);
  removeQuietly(stage);
}

interface SwapRecord {
  target: string;
  staged: string;
  aside: string | null;
  placed: boolean;
}

function commit(
  ops: AtomicFsOps,
  out: string,
  stage: string,
  backup: string,
  units: string[][],
): void {
  const journal: SwapRecord[] = [];
  try {
    units.forEach((parts, index) => {
      const record: SwapRecord = {
        target: join(out, ...parts),
        staged: join(stage, ...parts),
        aside: null,
        placed: false,
      };
      if (lstatOrNull(record.target) !== null) {
        const aside = join(backup, String(index));
        ops.rename(record.target, aside);
        record.aside = aside;
      }
      journal.push(record);
      ops.rename(record.staged, record.target);
      record.placed = true;
    });
  } catch (error) {
    const rollbackErrors: unknown[] = [];
    for (const record of journal.reverse()) {
      try {
        if (record.placed) ops.rename(record.target, record.staged);
        if (record.aside !== null) ops.rename(record.aside, record.target);
      } catch (rollbackError) {
        rollbackErrors.push(rollbackError);
      }
    }
    if (rollbackErrors.length > 0) {
      throw new AggregateError(
        [error, ...rollbackErrors],
        `publication failed and could not be fully undone (old entries remain in ${backup})`,
      );
    }
    throw error;
  }
}

/**
 * The entries to swap: for each destination, the shallowest path that does not yet exist as a
 * directory in `out` (a missing or non-directory ancestor is replaced whole), else the destination
 * itself. Replaced subdirectories always count as destinations.
 */
function swapUnits(out: string, filePaths: string[][], replaced: string[][]): string[][] {
  const targets = [
    ...replaced,
    ...filePaths.filter((parts) => !replaced.some((dir) => isPrefix(dir, parts))),
  ];
  const units = new Map<string, string[]>();
  for (const parts of targets) {
    let unit = parts;
    for (let i = 1; i < parts.length; i++) {
      if (!(statOrNull(join(out, ...parts.slice(0, i)))?.isDirectory ?? false)) {
        unit = parts.slice(0, i);
        break;
      }
    }
    units.set(unit.join("/"), unit);
  }
  return [...units.values()];
}

function splitRelative(path: string): string[] {
  const parts = path.split("/").filter((part) => part !== "");
  if (path.startsWith("/") || parts.length === 0 || parts.some((p) => p === "." || p === "..")) {
    throw new Error(`not a plain relative path: ${JSON.stringify(path)}`);
  }
  return parts;
}

function isPrefix(prefix: string[], parts: string[]): boolean {
  return prefix.length <= parts.length && prefix.every((part, i) => parts[i] === part);
}

/** Drop replaced directories nested in another one: the outer swap already covers them. */
function outermost(dirs: string[][]): string[][] {
  return dirs.filter((dir, i) =>
    !dirs.some((other, j) =>
      j !== i && isPrefix(other, dir) && (other.length < dir.length || j < i)
    )
  );
}

function checkNoFileIsADirectory(files: string[][], replaced: string[][]): void {
  const fileKeys = new Set(files.map((parts) => parts.join("/")));
  for (const parts of [...files, ...replaced]) {
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join("/");
      const isSelf = i === parts.length && files.includes(parts);
      if (!isSelf && fileKeys.has(prefix)) {
        throw new Error(`"${prefix}" is both a file and a directory in the output tree`);
      }
    }
  }
}
