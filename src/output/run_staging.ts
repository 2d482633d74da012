/**
 * Whole-run atomic output: a fit run writes every step into a staging folder beside the output
 * folder (`.<name>.run/`, where its checkpoint lives too, so `--resume` continues there) and
 * replaces the output only when every step has finished. A run killed at any moment before that
 * leaves the old output untouched; the swap itself is two renames of whole folders, and a run
 * killed between them is repaired by the next run (the old output is put back).
 *
 * An existing output folder is replaced as a whole only when it is empty or holds nothing but what
 * exfit published there (`.exfit/published.json` lists the top-level entries of the run that was
 * published; every entry of the folder must be one of them). Anything else (say `-o .` in a
 * study folder) gets the run's entries published one by one into it, and entries the previous
 * run published there that this run does not have (an old `Basins/`, `Grid/` or step folder) are
 * removed: the output is the run's own, and what exfit did not write is never deleted.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "../config/paths.ts";
import { writeTreeAtomically } from "./atomic.ts";
import { lstatOrNull, removeQuietly } from "./_fs.ts";

/** Where a run stages its output and where it publishes it. */
export interface RunStaging {
  /** The output folder the user named (absolute). */
  outDir: string;
  /** The staging folder the steps and the checkpoint are written to. */
  stageDir: string;
}

/**
 * Prepare the staging folder of a run into `outDir`. Without `resume`, leftovers of a killed run
 * are discarded; with it, they are kept (the checkpoint there says where to continue; with none,
 * the run starts afresh). A swap that was cut short between its two renames is undone first.
 *
 * @example
 * ```ts
 * const staging = openRunStaging("Output", false);
 * // ... write steps into staging.stageDir ...
 * publishRun(staging);
 * ```
 */
export function openRunStaging(outDir: string, resume: boolean): RunStaging {
  const out = resolve(outDir);
  const parent = dirname(out);
  Deno.mkdirSync(parent, { recursive: true });
  const stageDir = stagingDir(out);
  recoverInterruptedSwap(out);
  if (!resume) removeQuietly(stageDir);
  // A run stopped with Ctrl-C published its completed steps: --resume continues from them.
  const published = join(out, ".exfit", "checkpoint.json");
  if (resume && !exists(stageDir) && exists(published)) {
    // Only what the run published there: `-o .` must not copy the user's own files.
    Deno.mkdirSync(stageDir, { recursive: true });
    for (const name of [EXFIT_DIR, ...publishedEntries(out)]) {
      const from = join(out, name);
      const info = lstatOrNull(from);
      if (info?.isDirectory) copyTree(from, join(stageDir, name));
      else if (info?.isFile) Deno.copyFileSync(from, join(stageDir, name));
    }
  }
  Deno.mkdirSync(join(stageDir, ".exfit"), { recursive: true });
  return { outDir: out, stageDir };
}

/**
 * The staging folder of a run into `outDir` (its checkpoint is `<staging>/.exfit/checkpoint.json`
 * while the run is going on).
 *
 * @example
 * ```ts
 * stagingDir("/data/Output"); // "/data/.Output.run"
 * ```
 */
export function stagingDir(outDir: string): string {
  const out = resolve(outDir);
  return join(dirname(out), `.${basename(out)}.run`);
}

/**
 * Replace the output by the staged run (see the module notes), then remove the staging folder.
 *
 * @example
 * ```ts
 * publishRun(openRunStaging("Output", false));
 * ```
 */
export function publishRun(staging: RunStaging): void {
  const { outDir, stageDir } = staging;
  const entries = topEntries(stageDir).filter((e) => e !== EXFIT_DIR);
  Deno.mkdirSync(join(stageDir, EXFIT_DIR), { recursive: true });
  Deno.writeTextFileSync(join(stageDir, MANIFEST), formatManifest(entries));
  const info = lstatOrNull(outDir);
  if (info === null) {
    Deno.renameSync(stageDir, outDir);
    return;
  }
  const previous = info.isDirectory ? readManifest(outDir) : null;
  if (info.isDirectory && (isEmpty(outDir) || onlyPublished(outDir, previous))) {
    const aside = `${oldPrefix(outDir)}${crypto.randomUUID().slice(0, 8)}`;
    Deno.renameSync(outDir, aside);
    // A kill here leaves no output folder but `aside`: the next run puts it back.
    Deno.renameSync(stageDir, outDir);
    removeQuietly(aside);
    return;
  }
  // A folder exfit did not create: publish the staged entries into it, one unit at a time.
  const files = new Map<string, Uint8Array>();
  for (const path of walk(stageDir, "")) files.set(path, Deno.readFileSync(join(stageDir, path)));
  const top = [...new Set([...files.keys()].map((p) => p.split("/")[0]))];
  writeTreeAtomically(outDir, files, { replaceSubdirs: top.filter((t) => !files.has(t)) });
  // What the previous run published and this one did not write is stale.
  for (const stale of previous ?? []) {
    if (!entries.includes(stale)) removeQuietly(join(outDir, stale));
  }
  removeQuietly(stageDir);
}

/** The checkpoint folder of a run (kept in the published output for `--resume`). */
const EXFIT_DIR = ".exfit";
/** The top-level entries of the published run, relative to the output folder. */
const MANIFEST = `${EXFIT_DIR}/published.json`;

function formatManifest(entries: string[]): string {
  return JSON.stringify({ version: 1, entries: [...entries].sort() }, null, 2) + "\n";
}

/** The entries the last published run wrote into `dir`; null when it has no (valid) record. */
function readManifest(dir: string): string[] | null {
  try {
    const m = JSON.parse(Deno.readTextFileSync(join(dir, MANIFEST)));
    const ok = m?.version === 1 && Array.isArray(m.entries) &&
      m.entries.every((e: unknown) =>
        typeof e === "string" && e !== "" && !/[\\/]|^\.\.?$/.test(e)
      );
    return ok ? m.entries : null;
  } catch {
    return null;
  }
}

/** Top-level names an output written before `published.json` existed can hold. */
const RUN_NAMES = new Set([
  "run_info",
  "report.html",
  "statistics.toml",
  "Parameters",
  "Data",
  "Plots",
  "Grid",
  "Statistics",
  "Basins",
]);

/**
 * The entries the last published run wrote into `dir`: its manifest, or for an output published
 * before manifests existed, the names a run writes and step folders (those with a
 * `statistics.toml` or `Parameters/`).
 */
function publishedEntries(dir: string): string[] {
  const listed = readManifest(dir);
  if (listed !== null) return listed.filter((e) => lstatOrNull(join(dir, e)) !== null);
  return topEntries(dir).filter((e) =>
    RUN_NAMES.has(e) ||
    exists(join(dir, e, "statistics.toml")) || exists(join(dir, e, "Parameters"))
  );
}

/** Every entry of `dir` is the checkpoint folder or one the last published run wrote. */
function onlyPublished(dir: string, published: string[] | null): boolean {
  if (published === null) return false;
  return topEntries(dir).every((e) => e === EXFIT_DIR || published.includes(e));
}

function topEntries(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name);
}

/**
 * Whether the staging folder holds step output (and not only a checkpoint): a resumed run whose
 * steps were all done before it was killed still has its output to publish.
 *
 * @example
 * ```ts
 * hasStagedOutput(openRunStaging("Output", true)); // false for a fresh staging folder
 * ```
 */
export function hasStagedOutput(staging: RunStaging): boolean {
  for (const entry of Deno.readDirSync(staging.stageDir)) if (entry.name !== ".exfit") return true;
  return false;
}

/**
 * Drop the staging folder without publishing (a run that had nothing to do).
 *
 * @example
 * ```ts
 * discardRun(openRunStaging("Output", true));
 * ```
 */
export function discardRun(staging: RunStaging): void {
  removeQuietly(staging.stageDir);
}

function oldPrefix(out: string): string {
  return join(dirname(out), `.${basename(out)}.old-`);
}

/** Undo a swap killed between its renames: the output is missing, its old copy is aside. */
function recoverInterruptedSwap(out: string): void {
  const parent = dirname(out);
  const prefix = `.${basename(out)}.old-`;
  const asides = [...Deno.readDirSync(parent)].filter((e) => e.name.startsWith(prefix));
  for (const entry of asides) {
    const path = join(parent, entry.name);
    if (lstatOrNull(out) === null) Deno.renameSync(path, out);
    else removeQuietly(path);
  }
}

function* walk(root: string, rel: string): Generator<string> {
  for (const entry of Deno.readDirSync(join(root, rel))) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory) yield* walk(root, path);
    else if (entry.isFile) yield path;
  }
}

function copyTree(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const entry of Deno.readDirSync(from)) {
    if (entry.isDirectory) copyTree(join(from, entry.name), join(to, entry.name));
    else if (entry.isFile) Deno.copyFileSync(join(from, entry.name), join(to, entry.name));
  }
}

function isEmpty(dir: string): boolean {
  for (const _ of Deno.readDirSync(dir)) return false;
  return true;
}

function exists(path: string): boolean {
  return lstatOrNull(path) !== null;
}
