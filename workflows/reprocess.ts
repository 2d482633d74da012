/**
 * Scheduled reprocessing: every study of a catalogue (`catalog.ts`) whose inputs changed — data,
 * experiments, parameters, method, model, or exfit itself — is refitted into
 * `<folder>/history/<timestamp>-<hash>/` (an Output folder as `exfit fit` writes it — steps,
 * `report.html` and `run_info/` included when the caller records them, see {@link RunRecorder} —
 * plus `reprocess.json` with the hash and the key parameters), and `<folder>/history/latest` then
 * points at it. Unchanged studies are skipped; a broken study is reported and the others go on.
 *
 * @module
 */
import { sha256Hex } from "../src/io/digest.ts";
import { fileURLToPath } from "node:url";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import type { StepOutput } from "../src/run/run.ts";
import type { StepSpec } from "../src/fit/step.ts";
import type { ParamStore } from "../src/params/store.ts";
import { studyHash } from "./checkpoint.ts";
import { type Catalog, type CatalogStudy, readCatalog } from "./catalog.ts";
import { type Executor, inProcessExecutor } from "./executor.ts";
import { parseQueueUrl } from "./queue_names.ts";
import { queueExecutor } from "./queue_executor.ts";
import { runWorkflow } from "./run.ts";

/** A parameter's value and error (null: not estimated). */
export interface ParamValue {
  value: number | null;
  stderr: number | null;
}

/** `reprocess.json` of a history entry. */
export interface ReprocessRecord {
  version: 1;
  study: string;
  hash: string;
  exfit: string;
  time: string;
  key: Record<string, ParamValue>;
}

/** What happened to one study. */
export interface StudyOutcome {
  name: string;
  status: "unchanged" | "refitted" | "failed";
  /** The history entry written (refitted) or current (unchanged). */
  entry?: string;
  message?: string;
  /** Key parameters before (the previous entry, if any) and after. */
  changes: { id: string; before?: ParamValue; after?: ParamValue }[];
}

/**
 * The record of one refit that `exfit fit` keeps beside its steps: `run_info/` (inputs with their
 * checksums, parameter states, outcome) and `report.html`. Kept by the command line (it owns those
 * writers); each history entry then has what a fit's output folder has.
 */
export interface RunRecorder {
  start(store: ParamStore): Promise<void>;
  /** After each step's files are written (`written`: what `writeStep` returned). */
  step(out: StepOutput, written: unknown, store: ParamStore): Promise<void>;
  /** The run completed: write what is written at the end (the report). */
  finish(): Promise<void>;
  fail(error: Error): void;
}

/**
 * How the command line reads method files into steps and writes a step's files, lent to the
 * commands that run studies outside `fit` (reprocess, the cluster commands) so that they write
 * exactly what `fit` does; `W` is what writing a step returns.
 */
export interface StepFileDeps<W = unknown> {
  readSteps: (paths: string[] | undefined) => StepSpec[];
  writeStep: (outDir: string, out: StepOutput, simulate: boolean, smooth: boolean) => Promise<W>;
}

/** What reprocessing needs from the command line (how steps are read and written). */
export interface ReprocessDeps extends StepFileDeps {
  /** Clock (default: the system's). */
  now?: () => Date;
  log?: (message: string) => void;
  /** The record of each refit into `entry` (default: none). */
  recorder?: (entry: string, study: CatalogStudy, steps: StepSpec[]) => RunRecorder;
  /** Executor of a study (default: in process, or the queue it names). */
  executorFor?: (study: CatalogStudy) => Executor;
}

let versionCache: Promise<string> | null = null;

/**
 * exfit's identity for reprocessing: a hash of its source (`src/`, `functions/`, `workflows/`),
 * so that any change of the code refits every study.
 *
 * @example
 * ```ts
 * await exfitVersion(); // "exfit+3f2a9c0d1e4b"
 * ```
 */
export function exfitVersion(): Promise<string> {
  return versionCache ??= (async () => {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const files: string[] = [];
    const walk = (rel: string) => {
      for (const e of Deno.readDirSync(`${root}${rel}`)) {
        const path = `${rel}/${e.name}`;
        if (e.isDirectory) walk(path);
        else if (e.name.endsWith(".ts")) files.push(path);
      }
    };
    for (const dir of ["src", "functions", "workflows"]) walk(dir);
    const parts = files.sort().flatMap((f) => [f, Deno.readTextFileSync(`${root}${f}`)]);
    return `exfit+${(await sha256Hex(parts.join("\0"))).slice(0, 12)}`;
  })();
}

/** `20261205T193000Z` */
function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/** The entry `history/latest` points at, with its record; null when there is none. */
function readLatest(history: string): { entry: string; record: ReprocessRecord } | null {
  let target: string;
  try {
    target = Deno.readLinkSync(`${history}/latest`);
  } catch {
    return null;
  }
  const entry = `${history}/${target}`;
  try {
    return { entry, record: JSON.parse(Deno.readTextFileSync(`${entry}/reprocess.json`)) };
  } catch {
    return null;
  }
}

/** Point `history/latest` at `name` atomically (a new link renamed over the old one). */
function pointLatest(history: string, name: string): void {
  const tmp = `${history}/.latest-${crypto.randomUUID()}`;
  Deno.symlinkSync(name, tmp);
  Deno.renameSync(tmp, `${history}/latest`);
}

const enc = (v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : v;

/** The key parameters: those named, else the independent parameters of no residue. */
function keyParameters(store: ParamStore, names?: string[]): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  const ids = names ?? [...store.values()].filter((p) => !p.id.includes(",") && !p.expr)
    .map((p) => p.id);
  for (const id of ids) {
    const p = store.get(id);
    if (!p) throw new Error(`key parameter "${id}" is not a parameter of the study`);
    out[id] = { value: enc(p.value), stderr: enc(p.stderr) };
  }
  return out;
}

function defaultExecutor(study: CatalogStudy): Executor {
  return study.executor === "queue"
    ? queueExecutor({ servers: parseQueueUrl(study.queue) })
    : inProcessExecutor();
}

/** Refit one study if its inputs changed. */
async function reprocessStudy(study: CatalogStudy, deps: ReprocessDeps): Promise<StudyOutcome> {
  const log = deps.log ?? (() => {});
  if (study.experiments.length === 0) throw new Error("no experiment file matches");
  const loaded = loadStudy({
    experiments: study.experiments,
    parameters: study.parameters,
    model: parseModel(study.model),
  });
  const steps = deps.readSteps(study.method.length ? study.method : undefined);
  const version = await exfitVersion();
  const hash = await studyHash(loaded.study, loaded.store, steps, { version, model: study.model });
  const history = `${study.folder}/history`;
  const prev = readLatest(history);
  if (prev?.record.hash === hash) {
    return { name: study.name, status: "unchanged", entry: prev.entry, changes: [] };
  }
  const time = (deps.now ?? (() => new Date()))();
  const entry = `${history}/${stamp(time)}-${hash.slice(0, 12)}`;
  log(`${study.name}: inputs changed, refitting into ${entry}`);
  const executor = (deps.executorFor ?? defaultExecutor)(study);
  const recorder = deps.recorder?.(entry, study, steps);
  try {
    await recorder?.start(loaded.store);
    for await (
      const out of runWorkflow(loaded.study, loaded.store, steps, {
        plot: true,
        seed: 0,
        executor,
        outDir: entry,
      })
    ) {
      const written = await deps.writeStep(entry, out, false, true);
      await recorder?.step(out, written, loaded.store);
    }
    await recorder?.finish();
    const record: ReprocessRecord = {
      version: 1,
      study: study.name,
      hash,
      exfit: version,
      time: time.toISOString(),
      key: keyParameters(loaded.store, study.keyParameters),
    };
    Deno.writeTextFileSync(`${entry}/reprocess.json`, JSON.stringify(record, null, 2) + "\n");
  } catch (e) {
    recorder?.fail(e as Error);
    // Nothing partial stays in the history.
    try {
      Deno.removeSync(entry, { recursive: true });
    } catch { /* never created */ }
    throw e;
  } finally {
    await executor.close();
  }
  const record = JSON.parse(Deno.readTextFileSync(`${entry}/reprocess.json`)) as ReprocessRecord;
  pointLatest(history, entry.slice(history.length + 1));
  const ids = [...new Set([...Object.keys(prev?.record.key ?? {}), ...Object.keys(record.key)])];
  return {
    name: study.name,
    status: "refitted",
    entry,
    changes: ids.map((id) => ({ id, before: prev?.record.key[id], after: record.key[id] })),
  };
}

/**
 * Reprocess every study of a catalogue, one after the other; a study that fails is reported with
 * its message and the others go on.
 *
 * @example
 * ```ts
 * const outcomes = await reprocessCatalog("catalog.toml", { readSteps, writeStep });
 * ```
 */
export async function reprocessCatalog(
  file: string | Catalog,
  deps: ReprocessDeps,
): Promise<StudyOutcome[]> {
  const catalog = typeof file === "string" ? readCatalog(file) : file;
  const outcomes: StudyOutcome[] = [];
  for (const study of catalog.studies) {
    try {
      outcomes.push(await reprocessStudy(study, deps));
    } catch (e) {
      outcomes.push({
        name: study.name,
        status: "failed",
        message: `${study.where} (${study.folder}): ${(e as Error).message}`,
        changes: [],
      });
    }
  }
  return outcomes;
}
