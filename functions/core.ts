/**
 * The work-item functions behind every route, worker and in-process call: validated payload in,
 * result out. They only call the core (`src/fit`): chunk evaluators, group problems, group fits.
 * The same code runs everywhere, so results do not depend on where a work item ran.
 *
 * @module
 */
import { type Chunk, type ChunkEvaluator, createChunkEvaluator } from "../src/fit/chunk.ts";
import { EnginePool } from "../src/fit/engines.ts";
import { createGroupProblem } from "../src/fit/problem.ts";
import { fitGroup } from "../src/fit/step.ts";
import { compileStore, dependents, evaluateDefinitions } from "../src/params/store.ts";
import { type ProfileCalculator, scaledIntensities } from "../src/fit/evaluate.ts";
import type { StudySpec } from "../src/fit/study.ts";
import {
  createGridPointFitter,
  gridPointAt,
  type GridPointResult,
  type GridTask,
} from "../src/fit/grid.ts";
import { type ResamplingTask, runReplicate } from "../src/stats/resampling.ts";
import {
  budgetedEvaluator,
  checkTimeBudget,
  type TimeBudget,
  TimeLimitError,
} from "../src/fit/budget.ts";
import {
  enc,
  type EvaluatePayload,
  type EvaluateResult,
  type FitPayload,
  type FitResult,
  type GridPayload,
  type GridResult,
  PAYLOAD_VERSION,
  type PayloadOf,
  type ProfileJacobian,
  type ReplicatePayload,
  type ReplicateResult,
  type ResultOf,
  type SimulatePayload,
  type SimulateResult,
  storeFromPayload,
  type WorkKind,
} from "./payload.ts";

/** A failure that is the requester's, not the server's (answered with 4xx). */
export class WorkError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "WorkError";
    this.status = status;
    this.code = code;
  }
}

/**
 * Evaluators of recently seen chunks. Building calculators costs more than evaluating them once,
 * and an outer solver sends the same chunks every iteration. Owned by one handler, worker or
 * executor instance, never module-global.
 */
export interface EvaluatorCache {
  get(chunk: Chunk): Promise<ChunkEvaluator>;
  /**
   * The chi-square function of a grid task, with each point's objective evaluations (pure in
   * the point; built once per task).
   */
  gridPoint(task: GridTask): Promise<(point: readonly number[]) => GridPointResult>;
  readonly size: number;
  /**
   * A calculator already built here for profile `k` of `study` (a chunk of it was evaluated in
   * this cache and still is), or undefined: an in-process run computes its final values with it
   * instead of building another one (see `src/run/run.ts`, `RunOptions.calculatorOf`). A
   * calculator gives the same numbers whoever built it; it is recognised by the very profile,
   * experiment and model objects, so a chunk that came through serialisation never matches.
   */
  calculatorFor(study: StudySpec, k: number): ProfileCalculator | undefined;
}

/**
 * A bounded cache of chunk evaluators keyed by the chunk's content (its JSON text itself), with a
 * fast path for the very same object. The text is the key rather than a digest of it: equal
 * texts are the only match (no collision to reason about), and a WebCrypto digest is an
 * asynchronous operation that cost about 1 ms per work item, 40–60 ms of a 0.6 s CPMG_15N_IP run
 * with its 55 group fits, where the text costs 0.06 ms and is no larger than the chunk it keeps.
 * With a `budget` (a local run's `--time-limit`), every evaluation and grid point it hands out
 * checks the clock first and throws {@link TimeLimitError} once the deadline has passed.
 *
 * @example
 * ```ts
 * const cache = createEvaluatorCache(64);
 * const ev = await cache.get(chunk);
 * ```
 */
export function createEvaluatorCache(
  capacity = 128,
  opts: { budget?: TimeBudget } = {},
): EvaluatorCache {
  const budget = opts.budget;
  const byObject = new WeakMap<Chunk, ChunkEvaluator>();
  const byHash = new Map<string, ChunkEvaluator>();
  // Profiles of one experiment share spectrometers and sequences across chunks (engines.ts).
  const engines = new EnginePool();
  const grids = new Map<string, (point: readonly number[]) => GridPointResult>();
  const gridPoint = (task: GridTask) => {
    const key = JSON.stringify(task);
    let fn = grids.get(key);
    if (fn) grids.delete(key);
    else {
      try {
        fn = createGridPointFitter(task);
      } catch (e) {
        throw new WorkError(
          422,
          "invalid_chunk",
          `cannot set up the grid: ${(e as Error).message}`,
        );
      }
      while (grids.size >= capacity) grids.delete(grids.keys().next().value!);
    }
    grids.set(key, fn);
    if (!budget) return fn;
    const point = fn;
    return (p: readonly number[]) => {
      checkTimeBudget(budget);
      return point(p);
    };
  };
  const get = (chunk: Chunk): ChunkEvaluator => {
    const same = byObject.get(chunk);
    if (same) return same;
    const key = JSON.stringify(chunk);
    let ev = byHash.get(key);
    if (ev) {
      // Refresh recency (Map keeps insertion order).
      byHash.delete(key);
    } else {
      ev = buildEvaluator(chunk, engines);
      if (budget) ev = budgetedEvaluator(ev, budget);
      while (byHash.size >= capacity) byHash.delete(byHash.keys().next().value!);
    }
    byHash.set(key, ev);
    byObject.set(chunk, ev);
    return ev;
  };
  return {
    gridPoint: (task) => settle(() => gridPoint(task)),
    get size() {
      return byHash.size;
    },
    calculatorFor(study: StudySpec, k: number): ProfileCalculator | undefined {
      const p = study.profiles[k];
      const experiment = study.experiments[p.experiment];
      for (const ev of byHash.values()) {
        const c = ev.chunk;
        if (c.model !== study.model || !ev.calculators) continue;
        for (let j = 0; j < c.profiles.length; j++) {
          const q = c.profiles[j];
          if (q.x === p.x && q.exp === p.exp && c.experiments[q.experiment] === experiment) {
            return ev.calculators[j];
          }
        }
      }
      return undefined;
    },
    get: (chunk) => settle(() => get(chunk)),
  };
}

/** `work()`'s value, or its exception, as a settled promise (the cache's interface is async). */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (e) {
    return Promise.reject(e);
  }
}

function buildEvaluator(chunk: Chunk, engines: EnginePool): ChunkEvaluator {
  try {
    return createChunkEvaluator(chunk, engines);
  } catch (e) {
    throw new WorkError(422, "invalid_chunk", `cannot set up the chunk: ${(e as Error).message}`);
  }
}

function problemFor(payload: EvaluatePayload | FitPayload, ev: ChunkEvaluator) {
  try {
    return createGroupProblem(storeFromPayload(payload.params), ev);
  } catch (e) {
    if (e instanceof WorkError) throw e;
    throw new WorkError(422, "invalid_params", (e as Error).message);
  }
}

/**
 * Residuals of every profile of the chunk at the payload's values and, when asked, the
 * forward-difference Jacobian with respect to the free parameters the chunk touches, as one
 * dense block per profile over the columns that reach it. Steps and differences are those of
 * the single-process group problem, so blocks equal the corresponding entries of its Jacobian.
 *
 * @example
 * ```ts
 * const r = evaluateWork(payload, createChunkEvaluator(payload.chunk));
 * ```
 */
export function evaluateWork(payload: EvaluatePayload, ev: ChunkEvaluator): EvaluateResult {
  const problem = problemFor(payload, ev);
  const x = problem.x0;
  const before = problem.evaluations();
  const f = problem.residuals(x);
  const profiles = payload.chunk.profiles;
  const off = problem.offsets;
  const residuals = profiles.map((_, k) => Array.from(f.subarray(off[k], off[k + 1]), enc));
  const scales = Array.from(problem.scales, enc);
  let jacobian: ProfileJacobian[] | undefined;
  if (payload.jacobian) {
    const n = problem.free.length;
    const jac = problem.jacobian(x, f);
    // Columns that reach each profile through the definitions (the problem's own sparsity).
    const deps = dependents(problem.pv);
    const index = problem.pv.index;
    const cols = profiles.map((p) => {
      const local = new Set(p.paramIds.map((pid) => index.get(pid)!));
      const out: number[] = [];
      for (let j = 0; j < n; j++) {
        if (deps[problem.free[j]].some((i) => local.has(i))) out.push(j);
      }
      return out;
    });
    jacobian = profiles.map((_, k) => {
      const c = cols[k];
      const values: (number | null)[] = [];
      for (let i = off[k]; i < off[k + 1]; i++) {
        for (const j of c) values.push(enc(jac[i * n + j]));
      }
      return { cols: c, values };
    });
  }
  return {
    version: PAYLOAD_VERSION,
    id: payload.id,
    freeIds: [...problem.freeIds],
    residuals,
    scales,
    ...(jacobian ? { jacobian } : {}),
    evaluations: problem.evaluations() - before,
  };
}

/**
 * Fit the chunk's free parameters (the group fit of a step, `src/fit/step.ts#fitGroup`) with the
 * payload's fixed values held; returns every parameter of the sub-store with its error.
 *
 * @example
 * ```ts
 * const r = fitWork(payload, createChunkEvaluator(payload.chunk));
 * ```
 */
export function fitWork(payload: FitPayload, ev: ChunkEvaluator): FitResult {
  const store = storeFromPayload(payload.params);
  let out;
  try {
    out = fitGroup(store, ev, { xScale: payload.xScale, maxNfev: payload.maxNfev });
  } catch (e) {
    if (e instanceof TimeLimitError) throw e;
    throw new WorkError(422, "fit_failed", (e as Error).message);
  }
  return {
    version: PAYLOAD_VERSION,
    id: payload.id,
    freeIds: [...out.problem.freeIds],
    params: [...store.values()].map((p) => ({
      id: p.id,
      value: enc(p.value),
      stderr: p.stderr === null ? null : enc(p.stderr),
      ...(p.errorNote !== undefined ? { errorNote: p.errorNote } : {}),
    })),
    residuals: Array.from(out.residuals, enc),
    scales: Array.from(out.problem.scales, enc),
    evaluations: out.problem.evaluations(),
    ...(out.diagnostics.triggers.length > 0 ? { triggers: out.diagnostics.triggers } : {}),
  };
}

/**
 * Chi-square at grid points, each refitting the chunk's free parameters with the scanned ones
 * held at the point (`src/fit/grid.ts`).
 *
 * @example
 * ```ts
 * const r = await gridWork({ ...base, axes: ["PB"], values: [[0.05, 0.07]] }, cache);
 * ```
 */
export async function gridWork(payload: GridPayload, cache: EvaluatorCache): Promise<GridResult> {
  const task: GridTask = {
    chunk: payload.chunk,
    params: [...storeFromPayload(payload.params).values()],
    axes: payload.axes,
    values: payload.values,
    ...(payload.maxNfev !== undefined ? { maxNfev: payload.maxNfev } : {}),
  };
  const size = payload.values.reduce((n, v) => n * v.length, 1);
  const indices = payload.indices ?? Array.from({ length: size }, (_, k) => k);
  const fit = await cache.gridPoint(task);
  const points = indices.map((k) => {
    try {
      return fit(gridPointAt(task, k));
    } catch (e) {
      if (e instanceof TimeLimitError) throw e;
      throw new WorkError(422, "grid_failed", `grid point ${k}: ${(e as Error).message}`);
    }
  });
  return {
    version: PAYLOAD_VERSION,
    id: payload.id,
    indices,
    chisqr: points.map((p) => enc(p.chisqr)),
    evaluations: points.map((p) => p.evaluations),
    ...(points.some((p) => p.budgetHit)
      ? { budgetHits: indices.filter((_, i) => points[i].budgetHit) }
      : {}),
  };
}

/**
 * Statistics replicates of a fitted step (`src/stats/resampling.ts`), with the chunk's
 * calculators taken from the cache.
 *
 * @example
 * ```ts
 * const r = replicateWork(payload, createChunkEvaluator(payload.chunk));
 * ```
 */
export function replicateWork(payload: ReplicatePayload, ev: ChunkEvaluator): ReplicateResult {
  const task: ResamplingTask = {
    kind: payload.kind,
    rootSeed: payload.rootSeed,
    chunk: payload.chunk,
    calculated: payload.calculated,
    params: [...storeFromPayload(payload.params).values()],
    outputIds: payload.outputIds,
    ...(payload.maxNfev !== undefined ? { maxNfev: payload.maxNfev } : {}),
  };
  return {
    version: PAYLOAD_VERSION,
    id: payload.id,
    replicates: payload.indices.map((index) => {
      const r = runReplicate(task, index, { base: ev });
      return {
        index,
        values: r.values.map(enc),
        chisqr: enc(r.chisqr),
        ...(r.error ? { error: r.error } : {}),
        ...(r.budgetHit ? { budgetHit: true } : {}),
      };
    }),
  };
}

/**
 * A simulation of the chunk's profiles (`exfit simulate`): each profile's intensities at every
 * point for the payload's values, scaled like the data (`src/fit/evaluate.ts#scaledIntensities`,
 * as a run's own output files).
 *
 * @example
 * ```ts
 * const r = simulateWork(payload, createChunkEvaluator(payload.chunk));
 * ```
 */
export function simulateWork(payload: SimulatePayload, ev: ChunkEvaluator): SimulateResult {
  let pv;
  try {
    pv = compileStore(storeFromPayload(payload.params));
  } catch (e) {
    if (e instanceof WorkError) throw e;
    throw new WorkError(422, "invalid_params", (e as Error).message);
  }
  evaluateDefinitions(pv);
  const out = payload.chunk.profiles.map((p, k) => {
    const values = p.paramIds.map((id) => {
      const at = pv.index.get(id);
      if (at === undefined) {
        throw new WorkError(422, "invalid_params", `profile ${p.name}: no parameter "${id}"`);
      }
      return pv.values[at];
    });
    return scaledIntensities(ev.calculators[k], values);
  });
  return {
    version: PAYLOAD_VERSION,
    id: payload.id,
    calc: out.map((r) => Array.from(r.calc, enc)),
    scales: out.map((r) => enc(r.scale)),
  };
}

/**
 * Run one validated work item.
 *
 * @example
 * ```ts
 * const result = await runWork("evaluate", payload, createEvaluatorCache());
 * ```
 */
export async function runWork<K extends WorkKind>(
  kind: K,
  payload: PayloadOf[K],
  cache: EvaluatorCache,
): Promise<ResultOf[K]> {
  if (kind === "grid") return await gridWork(payload as GridPayload, cache) as ResultOf[K];
  const ev = await cache.get(payload.chunk);
  if (kind === "evaluate") {
    return evaluateWork(payload as EvaluatePayload, ev) as ResultOf[K];
  }
  if (kind === "replicate") {
    return replicateWork(payload as ReplicatePayload, ev) as ResultOf[K];
  }
  if (kind === "simulate") {
    return simulateWork(payload as SimulatePayload, ev) as ResultOf[K];
  }
  return fitWork(payload as FitPayload, ev) as ResultOf[K];
}
