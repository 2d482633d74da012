/**
 * Checkpoints: `<out>/.exfit/checkpoint.json`, rewritten atomically (temp file + rename) after
 * every completed step, every outer iteration of a global fit and (at most once a second)
 * finished work items. Holds the study hash (inputs + method + planning options), the completed
 * step count with the parameter store and profile selection after it, and the progress of the
 * step under way. `exfit fit … --resume` continues from it to the same result.
 *
 * @module
 */
import { sha256Hex } from "../src/io/digest.ts";
import { EXFIT_VERSION } from "../src/output/version.ts";
import type { StepSpec } from "../src/fit/step.ts";
import type { StudySpec } from "../src/fit/study.ts";
import type { ParamStore } from "../src/params/store.ts";
import type { PartialStep } from "./steps.ts";

/** Version of the checkpoint file. */
export const CHECKPOINT_VERSION = 1;

/** One parameter as saved (null: ±∞ bounds, non-finite values). */
export interface SavedParam {
  id: string;
  value: number | null;
  min: number | null;
  max: number | null;
  vary: boolean;
  expr: string;
  stderr: number | null;
}

/** The checkpoint file. */
export interface Checkpoint {
  version: number;
  studyHash: string;
  /** Steps whose output folders are written. */
  completedSteps: number;
  /** Profile selection after the last completed step. */
  selected: boolean[];
  /** Parameter store after the last completed step. */
  store: SavedParam[];
  /** Progress of step `completedSteps`, when it had started. */
  partial?: PartialStep;
  /** All steps done. */
  complete: boolean;
}

/** Path of the checkpoint of an output folder. */
export function checkpointPath(outDir: string): string {
  return `${outDir.replace(/\/+$/, "")}/.exfit/checkpoint.json`;
}

/**
 * Hash of everything that determines a run's numbers: the study (data, experiments, model), the
 * starting parameter store, the method steps, the planning options and the exfit release (work
 * ids start with it, so a queue's stored results, a checkpoint or a run folder of another release
 * are not reused).
 *
 * @example
 * ```ts
 * const hash = await studyHash(study, store, steps, { chunkProfiles: 32 });
 * ```
 */
export async function studyHash(
  study: StudySpec,
  store: ParamStore,
  steps: StepSpec[],
  options: unknown,
  version: string = EXFIT_VERSION,
): Promise<string> {
  const text = JSON.stringify({
    exfit: version,
    study,
    store: saveStore(store).map((p) => ({ ...p, stderr: null })),
    steps,
    options,
  });
  return await sha256Hex(text);
}

const enc = (v: number): number | null => Number.isFinite(v) ? v : null;

/** The store as saved. */
export function saveStore(store: ParamStore): SavedParam[] {
  return [...store.values()].map((p) => ({
    id: p.id,
    value: enc(p.value),
    min: enc(p.min),
    max: enc(p.max),
    vary: p.vary,
    expr: p.expr,
    stderr: p.stderr === null ? null : enc(p.stderr),
  }));
}

/**
 * Put saved values, bounds, status and errors back into a freshly loaded store of the same study.
 *
 * @example
 * ```ts
 * restoreStore(loaded.store, checkpoint.store);
 * ```
 */
export function restoreStore(store: ParamStore, saved: readonly SavedParam[]): void {
  if (saved.length !== store.size) {
    throw new Error(`checkpoint has ${saved.length} parameters, the study ${store.size}`);
  }
  for (const s of saved) {
    const p = store.get(s.id);
    if (!p) throw new Error(`checkpoint parameter ${s.id} is not in the study`);
    p.value = s.value ?? NaN;
    p.min = s.min ?? -Infinity;
    p.max = s.max ?? Infinity;
    p.vary = s.vary;
    p.expr = s.expr;
    p.stderr = s.stderr;
  }
}

/**
 * Read the checkpoint of an output folder; null when there is none. A file that cannot be read
 * as a checkpoint is an error (never silently ignored).
 *
 * @example
 * ```ts
 * const cp = readCheckpoint("Output");
 * ```
 */
export function readCheckpoint(outDir: string): Checkpoint | null {
  const path = checkpointPath(outDir);
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  let cp: Checkpoint;
  try {
    cp = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `${path} is not a valid checkpoint (${(e as Error).message}); remove it to start over`,
    );
  }
  if (
    cp?.version !== CHECKPOINT_VERSION || typeof cp.studyHash !== "string" ||
    !Array.isArray(cp.store)
  ) {
    throw new Error(`${path} is not a checkpoint of this exfit version; remove it to start over`);
  }
  return cp;
}

/**
 * Write a checkpoint atomically (a reader sees the old or the new file, never a partial one).
 *
 * @example
 * ```ts
 * writeCheckpoint("Output", checkpoint);
 * ```
 */
export function writeCheckpoint(outDir: string, cp: Checkpoint): void {
  const path = checkpointPath(outDir);
  const dir = path.slice(0, path.lastIndexOf("/"));
  Deno.mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  Deno.writeTextFileSync(tmp, JSON.stringify(cp));
  Deno.renameSync(tmp, path);
}
