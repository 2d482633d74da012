/**
 * Work on disk, round by round: the contract every array engine (Slurm job arrays, Kubernetes
 * Indexed Jobs, AWS Batch, Cloud Run jobs) and the shell builds on.
 *
 * - {@link planRound} replays the run from the results already stored and writes the work items
 *   it needs next (the ids and payloads every executor uses) as N task files;
 * - {@link workTask} runs task I's items and stores each result atomically under its id
 *   (idempotent: an item whose valid result exists is skipped);
 * - {@link mergeRun} checks that every task's results are present and valid (naming those that
 *   are not), then replays the run and writes every step it completes into the output folder's
 *   staging folder (`.<out>.run/`, files and checkpoint, as a local run does), and replaces the
 *   output folder with it once every step is complete: a merge killed at any moment, or a run
 *   stopped between rounds, leaves the old output or the new, never a mixture.
 *
 * A step takes one round per dependent stage: its GRID scan, its fits, its STATISTICS
 * replicates; a coupled global fit one round per outer iteration. Folder layout:
 * `state.json` (inputs hash, rounds, what was written where), `rounds/rNNNN/task-IIII.json`,
 * `results/<id>.json`.
 *
 * @module
 */
import { join, resolve } from "../src/config/paths.ts";
import { createEvaluatorCache, runWork } from "../functions/core.ts";
import type { ResultOf, WorkKind } from "../functions/payload.ts";
import type { StepOutput } from "../src/run/run.ts";
import { studyHash } from "./checkpoint.ts";
import { type PendingItem, replay, type ReplayInputs } from "./replay.ts";
import { openRunStaging, publishRun, stagingDir } from "../src/output/run_staging.ts";
import { readResult, type ResultProblem, writeResult } from "./result_files.ts";

/** Version of `state.json` and task files. */
export const RUN_FOLDER_VERSION = 1;

/** Default largest number of tasks of one round (items are batched into them). */
export const DEFAULT_MAX_TASKS = 64;

/** One planned round. */
export interface RoundState {
  tasks: number;
  items: number;
  /** Method step the round belongs to (0-based). */
  step: number;
  merged: boolean;
}

/** `state.json`. */
export interface RunState {
  version: number;
  /** Hash of the inputs and options (the checkpoint's study hash). */
  hash: string;
  rounds: RoundState[];
  /** Steps written by merge into the staging folder of an output folder (`out`). */
  written?: { out: string; steps: number };
}

/** A task file. */
export interface TaskFile {
  version: number;
  round: number;
  index: number;
  items: PendingItem[];
}

/** What {@link planRound} planned. */
export interface RoundPlan {
  /** Round number (1-based); 0 when the run is complete. */
  round: number;
  /** Array tasks to run (0: nothing left to run). */
  tasks: number;
  items: number;
  step: number;
  /** The round was planned before and is not merged yet: planned again unchanged. */
  again: boolean;
  /** Items per kind, e.g. { grid: 16 }. */
  kinds: Record<string, number>;
}

/** A task whose results are missing or corrupt. */
export interface TaskProblem {
  task: number;
  problems: ResultProblem[];
  /** The task's error message, when it failed with one. */
  error?: string;
}

/** Raised by {@link mergeRun} when a round's results are incomplete. */
export class IncompleteRound extends Error {
  readonly round: number;
  readonly tasks: TaskProblem[];
  constructor(dir: string, round: number, tasks: TaskProblem[]) {
    const lines = tasks.map((t) => {
      const p = t.problems[0];
      const more = t.problems.length > 1 ? ` (and ${t.problems.length - 1} more items)` : "";
      const why = p.problem === "missing" ? "result missing" : p.problem.replace(/\s+/g, " ");
      return `  task ${t.task}: ${p.path}: ${why} (${p.id})${more}` +
        (t.error ? `\n    the task failed: ${t.error}` : "");
    });
    super(
      `round ${round} of ${dir} is incomplete: run task${tasks.length > 1 ? "s" : ""} ` +
        `${tasks.map((t) => t.task).join(", ")} again ` +
        `(exfit work --run ${dir} --round ${round} --index I), then merge:\n${lines.join("\n")}`,
    );
    this.name = "IncompleteRound";
    this.round = round;
    this.tasks = tasks;
  }
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const roundDir = (dir: string, round: number) => `${dir}/rounds/r${pad(round, 4)}`;
/** Path of task `index` of `round`. */
export const taskPath = (dir: string, round: number, index: number): string =>
  `${roundDir(dir, round)}/task-${pad(index, 4)}.json`;
const errorPath = (dir: string, round: number, index: number) =>
  `${roundDir(dir, round)}/task-${pad(index, 4)}.error`;
const resultsDir = (dir: string) => `${dir}/results`;
const statePath = (dir: string) => `${dir}/state.json`;

function writeJsonAtomically(path: string, value: unknown): void {
  Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  Deno.writeTextFileSync(tmp, JSON.stringify(value));
  Deno.renameSync(tmp, path);
}

/**
 * Read a run folder's state; null when it has none yet.
 *
 * @example
 * ```ts
 * const state = readRunState("run");
 * ```
 */
export function readRunState(dir: string): RunState | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(statePath(dir));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  let state: RunState;
  try {
    state = JSON.parse(text);
  } catch (e) {
    throw new Error(`${statePath(dir)} is not valid JSON (${(e as Error).message})`);
  }
  if (state?.version !== RUN_FOLDER_VERSION || !Array.isArray(state.rounds)) {
    throw new Error(`${statePath(dir)} is not the state of a run folder of this exfit version`);
  }
  return state;
}

/** The hash that identifies a run (the same as its checkpoints'). */
export function inputsHash(inputs: ReplayInputs): Promise<string> {
  return studyHash(inputs.study, inputs.store, inputs.steps, {
    chunkProfiles: inputs.chunkProfiles,
    tolerances: {},
  });
}

async function openRun(dir: string, inputs: ReplayInputs, create: boolean): Promise<RunState> {
  const hash = await inputsHash(inputs);
  const state = readRunState(dir);
  if (state && state.hash !== hash) {
    throw new Error(
      `${statePath(dir)} was planned for other inputs (data, parameters, method or options ` +
        `differ, or a file changed since); use a new --run folder`,
    );
  }
  if (state) return state;
  if (!create) throw new Error(`${dir} is not a run folder (no state.json): run exfit plan first`);
  return { version: RUN_FOLDER_VERSION, hash, rounds: [] };
}

/** All results stored in the folder, by id; corrupt files by path. */
async function loadResults(dir: string): Promise<{
  results: Map<string, { kind: WorkKind; result: unknown }>;
  corrupt: Map<string, string>;
}> {
  const results = new Map<string, { kind: WorkKind; result: unknown }>();
  const corrupt = new Map<string, string>();
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(resultsDir(dir))];
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { results, corrupt };
    throw e;
  }
  for (const e of entries) {
    if (!e.isFile || !e.name.endsWith(".json")) continue;
    const path = `${resultsDir(dir)}/${e.name}`;
    let head: { id?: unknown; kind?: unknown };
    try {
      head = JSON.parse(Deno.readTextFileSync(path));
    } catch (err) {
      corrupt.set(path, `corrupt: ${(err as Error).message}`);
      continue;
    }
    const id = typeof head?.id === "string" ? head.id : "";
    const kind = head?.kind as WorkKind;
    const r = id ? await readResult(resultsDir(dir), kind, id) : null;
    if (r && "result" in r) results.set(id, { kind, result: r.result });
    else corrupt.set(path, r?.problem ?? "corrupt: no work-item id");
  }
  return { results, corrupt };
}

/** Replay the run from the folder's results. */
async function replayFolder(
  dir: string,
  inputs: ReplayInputs,
  opts: Parameters<typeof replay>[2] = {},
) {
  const { results, corrupt } = await loadResults(dir);
  return await replay(inputs, <K extends WorkKind>(kind: K, id: string) => {
    const r = results.get(id);
    if (r && r.kind === kind) return r.result as ResultOf[K];
    const path = `${resultsDir(dir)}/${id.replaceAll(":", "_")}.json`;
    const bad = corrupt.get(path);
    if (bad) {
      throw new Error(`${path} (${id}): ${bad}; delete it and plan again to run the item again`);
    }
    return null;
  }, opts);
}

/** Cut items into at most `maxTasks` contiguous tasks of nearly equal size. */
function splitTasks<T>(items: T[], maxTasks: number): T[][] {
  const n = Math.min(items.length, maxTasks);
  const out: T[][] = [];
  let start = 0;
  for (let t = 0; t < n; t++) {
    const size = Math.floor(items.length / n) + (t < items.length % n ? 1 : 0);
    out.push(items.slice(start, start + size));
    start += size;
  }
  return out;
}

const stepOf = (id: string) => Number(/:s(\d+):/.exec(id)?.[1] ?? 0);

function kindsOf(items: { kind: string }[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const it of items) kinds[it.kind] = (kinds[it.kind] ?? 0) + 1;
  return kinds;
}

/**
 * Plan the next round of a run folder (created on first use): the work items the run needs next,
 * batched into at most `maxTasks` task files. A round planned before and not merged yet is
 * reported again unchanged; `tasks: 0` when nothing is left to run.
 *
 * @example
 * ```ts
 * const plan = await planRound("run", inputs);
 * console.log(plan.tasks);
 * ```
 */
export async function planRound(
  dir: string,
  inputs: ReplayInputs,
  opts: { maxTasks?: number } = {},
): Promise<RoundPlan> {
  const maxTasks = opts.maxTasks ?? DEFAULT_MAX_TASKS;
  if (!(Number.isInteger(maxTasks) && maxTasks >= 1)) {
    throw new Error(`--max-tasks: expected a whole number ≥ 1, got ${maxTasks}`);
  }
  const state = await openRun(dir, inputs, true);
  const last = state.rounds.at(-1);
  if (last && !last.merged) {
    const round = state.rounds.length;
    const items = Array.from({ length: last.tasks }, (_, i) => readTask(dir, round, i).items)
      .flat();
    return { ...last, round, again: true, kinds: kindsOf(items) };
  }
  const { pending } = await replayFolder(dir, inputs);
  if (pending.length === 0) {
    writeJsonAtomically(statePath(dir), state);
    return { round: 0, tasks: 0, items: 0, step: inputs.steps.length, again: false, kinds: {} };
  }
  const round = state.rounds.length + 1;
  const tasks = splitTasks(pending, maxTasks);
  tasks.forEach((items, index) => {
    const file: TaskFile = { version: RUN_FOLDER_VERSION, round, index, items };
    writeJsonAtomically(taskPath(dir, round, index), file);
  });
  const planned: RoundState = {
    tasks: tasks.length,
    items: pending.length,
    step: stepOf(pending[0].id),
    merged: false,
  };
  state.rounds.push(planned);
  writeJsonAtomically(statePath(dir), state);
  return { ...planned, round, again: false, kinds: kindsOf(pending) };
}

/**
 * Read one task file (an error naming the file when it is absent or damaged).
 *
 * @example
 * ```ts
 * const task = readTask("run", 1, 0);
 * ```
 */
export function readTask(dir: string, round: number, index: number): TaskFile {
  const path = taskPath(dir, round, index);
  let task: TaskFile;
  try {
    task = JSON.parse(Deno.readTextFileSync(path));
  } catch (e) {
    throw new Error(
      `cannot read task ${index} of round ${round} (${path}): ${(e as Error).message}`,
    );
  }
  if (task?.version !== RUN_FOLDER_VERSION || !Array.isArray(task.items)) {
    throw new Error(`${path} is not a task file of this exfit version`);
  }
  return task;
}

/**
 * Run task `index` of a round (default: the last planned round): every item without a valid
 * stored result is run in this process and its result stored atomically. Idempotent.
 *
 * @example
 * ```ts
 * const { ran, skipped } = await workTask("run", 3);
 * ```
 */
export async function workTask(
  dir: string,
  index: number,
  opts: { round?: number; log?: (message: string) => void } = {},
): Promise<{ round: number; ran: number; skipped: number }> {
  const state = readRunState(dir);
  if (!state) throw new Error(`${dir} is not a run folder (no state.json): run exfit plan first`);
  const round = opts.round ?? state.rounds.length;
  const info = state.rounds[round - 1];
  if (!info) {
    throw new Error(`${dir} has no round ${round} (${state.rounds.length} planned)`);
  }
  if (!(index >= 0 && index < info.tasks)) {
    throw new Error(
      `task index ${index} is out of range: round ${round} has ${info.tasks} tasks (0 to ${
        info.tasks - 1
      })`,
    );
  }
  const task = readTask(dir, round, index);
  const cache = createEvaluatorCache(64);
  let ran = 0;
  let skipped = 0;
  try {
    Deno.removeSync(errorPath(dir, round, index));
  } catch { /* none */ }
  for (const item of task.items) {
    const have = await readResult(resultsDir(dir), item.kind, item.id);
    if ("result" in have) {
      skipped++;
      continue;
    }
    try {
      const result = await runWork(item.kind, item.payload as never, cache);
      await writeResult(resultsDir(dir), item.kind, result);
      ran++;
    } catch (e) {
      const message = `${item.id}: ${(e as Error).message}`;
      writeJsonAtomically(errorPath(dir, round, index), { message });
      throw new Error(message);
    }
  }
  opts.log?.(`round ${round}, task ${index}: ${ran} work items run, ${skipped} already stored`);
  return { round, ran, skipped };
}

/**
 * Tasks of a round whose results are missing or corrupt (empty: the round is complete).
 *
 * @example
 * ```ts
 * for (const t of await checkRound("run", 2)) console.log(t.task, t.problems[0].problem);
 * ```
 */
export async function checkRound(dir: string, round: number): Promise<TaskProblem[]> {
  const state = readRunState(dir);
  const info = state?.rounds[round - 1];
  if (!info) throw new Error(`${dir} has no round ${round}`);
  const out: TaskProblem[] = [];
  for (let t = 0; t < info.tasks; t++) {
    const problems: ResultProblem[] = [];
    for (const item of readTask(dir, round, t).items) {
      const r = await readResult(resultsDir(dir), item.kind, item.id);
      if (!("result" in r)) problems.push(r);
    }
    if (problems.length === 0) continue;
    let error: string | undefined;
    try {
      error = JSON.parse(Deno.readTextFileSync(errorPath(dir, round, t))).message;
    } catch { /* the task left no message */ }
    out.push({ task: t, problems, ...(error ? { error } : {}) });
  }
  return out;
}

/** What {@link mergeRun} did. */
export interface MergeOutcome {
  /** The round merged now (0: none was waiting). */
  round: number;
  /** Step outputs written into the staging folder now. */
  written: StepOutput[];
  /** Every step output the run has completed (written now or before), in step order. */
  outputs: StepOutput[];
  /** Steps complete (in the staging folder until the run is complete, then in the output). */
  completedSteps: number;
  /** Every step is complete (and the output folder was replaced). */
  complete: boolean;
  /** The staging folder the steps are written to (gone once the output was replaced). */
  stageDir: string;
}

/**
 * Merge the last planned round (all its tasks' results present and valid, else
 * {@link IncompleteRound} naming them), then write every step that is now complete with `write`
 * (the files of a local run) into the staging folder of `outDir` (where the checkpoint a local
 * run writes goes too). Once the run is complete, `finish` adds what comes last (the report)
 * and the staging folder replaces `outDir` in one swap (`src/output/run_staging.ts`).
 *
 * @example
 * ```ts
 * await mergeRun("run", inputs, "Output", (out, dir) => writeStep(dir, out));
 * ```
 */
export async function mergeRun(
  dir: string,
  inputs: ReplayInputs,
  outDir: string,
  write: (out: StepOutput, intoDir: string) => Promise<void>,
  finish?: (intoDir: string, outputs: StepOutput[]) => Promise<void>,
): Promise<MergeOutcome> {
  const state = await openRun(dir, inputs, false);
  let merged = 0;
  const last = state.rounds.at(-1);
  if (last && !last.merged) {
    const round = state.rounds.length;
    const problems = await checkRound(dir, round);
    writeJsonAtomically(`${roundDir(dir, round)}/merge.json`, {
      complete: !problems.length,
      problems,
    });
    if (problems.length) throw new IncompleteRound(dir, round, problems);
    last.merged = true;
    merged = round;
    writeJsonAtomically(statePath(dir), state);
  }
  const out = resolve(outDir);
  // Steps staged by an earlier merge of this run stay (the staging folder is kept between
  // rounds); the staging folder's own record says which. Without it (first merge, another run's
  // leftovers, or the run was published and is merged again) every step is rewritten.
  const marker = join(stagingDir(out), ".exfit", "merge.json");
  const run = resolve(dir);
  const mark = readMark(marker);
  const continuing = mark !== null && mark.run === run && mark.hash === state.hash;
  const staging = openRunStaging(out, continuing);
  const already = continuing ? mark!.steps : 0;
  const written: StepOutput[] = [];
  const outputs: StepOutput[] = [];
  const { pending, completedSteps } = await replayFolder(dir, inputs, {
    outDir: staging.stageDir,
    onStep: async (step, index) => {
      outputs.push(step);
      if (index < already) return;
      await write(step, staging.stageDir);
      written.push(step);
      // After the step's files: a kill in between rewrites the step next time.
      writeJsonAtomically(marker, { run, hash: state.hash, steps: index + 1 });
      state.written = { out, steps: index + 1 };
      writeJsonAtomically(statePath(dir), state);
    },
  });
  const complete = pending.length === 0;
  if (complete) {
    await finish?.(staging.stageDir, outputs);
    // The record is the merge's, not part of the output a local run writes.
    try {
      Deno.removeSync(marker);
    } catch { /* no step written by this run folder: nothing recorded */ }
    publishRun(staging);
  }
  return { round: merged, written, outputs, completedSteps, complete, stageDir: staging.stageDir };
}

/** What a staging folder holds of a merged run (`.exfit/merge.json`), or null. */
function readMark(path: string): { run: string; hash: string; steps: number } | null {
  try {
    const m = JSON.parse(Deno.readTextFileSync(path));
    return typeof m?.run === "string" && typeof m.hash === "string" &&
        Number.isInteger(m.steps)
      ? m
      : null;
  } catch {
    return null;
  }
}
