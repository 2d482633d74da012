/**
 * Global minimization across chunks: the bounded damped Gauss–Newton / Schur-complement solver
 * of `src/solver/block_lm.ts` on the full free vector (globals + every chunk's locals), whose
 * residuals and normal blocks come from `evaluate` work items fanned out to the chunks on an
 * executor every iteration. This module only lays the study out, fans out, merges the chunk
 * replies into normal blocks, and writes values and errors back to the store.
 *
 * State after every accepted iteration ({@link OuterState}) is plain JSON, handed to a callback
 * (checkpoints) and accepted back to resume: the continued run repeats exactly the iterations the
 * uninterrupted one would have done.
 *
 * @module
 */
import {
  dec,
  type EvaluateResult,
  PAYLOAD_VERSION,
  storeFromPayload,
} from "../functions/payload.ts";
import {
  activePsdIndices,
  PSD_BOUNDARY_NOTE,
  storeFeasibility,
} from "../src/fit/relaxation_psd.ts";
import { compileStore, dependents, evaluateDefinitions } from "../src/params/store.ts";
import { propagateVariance } from "../src/solver/covariance.ts";
import {
  addNormalRows,
  blockCovariance,
  type BlockEval,
  type BlockLayout,
  blockLeastSquares,
  type BlockLmState,
} from "../src/solver/block_lm.ts";
import type { Executor } from "./executor.ts";
import type { GlobalWork } from "./plan.ts";

/** Stopping rules of the outer loop. */
export interface OuterTolerances {
  /** Relative cost reduction (default 1e-8, as the group fits). */
  ftol?: number;
  /** Relative step size (default 1e-8). */
  xtol?: number;
  /** Largest gradient cosine (default 1e-8). */
  gtol?: number;
  /** Accepted iterations at most (default 500). */
  maxIterations?: number;
}

/**
 * Everything the loop needs to continue from an accepted iteration (JSON-safe): the solver's
 * state (`nfev`/`njev` count fan-outs) and the chunks' profile evaluations so far.
 */
export interface OuterState extends BlockLmState {
  evaluations: number;
}

/** Outcome of a global fit (the group's sub-store is updated in place). */
export interface GlobalFitResult {
  freeIds: string[];
  /** All residuals, chunk by chunk in profile order. */
  residuals: Float64Array;
  /** Per study profile index: scale at the final parameters. */
  scales: Map<number, number>;
  evaluations: number;
  iterations: number;
  nfev: number;
  njev: number;
  cost: number;
  /** End point, in `freeIds` order. */
  x: Float64Array;
  /** Why the loop stopped. */
  message: string;
  converged: boolean;
}

/** Options of {@link globalFit}. */
export interface GlobalFitOptions extends OuterTolerances {
  /** Start here (free values in {@link GlobalFitResult.freeIds} order) instead of the store. */
  start?: Float64Array;
  /**
   * Write the end point (values, errors, derived values) into the group's store (default true);
   * false leaves the store as it was, for a basin search's refits.
   */
  apply?: boolean;
  /** Marks the evaluate items' ids (a basin start's), so no two fits share an id. */
  idTag?: string;
  /** Continue from this state (from a checkpoint). */
  resume?: OuterState;
  /** Called after every accepted iteration, before the next one starts (awaited). */
  onIteration?: (state: OuterState) => Promise<void> | void;
}

interface ChunkEval extends BlockEval {
  scales: number[];
  evaluations: number;
}

/** Layout of the free vector (globals first, then each chunk's locals) and the ids in it. */
interface Layout extends BlockLayout {
  index: Map<string, number>;
  freeIds: string[];
}

/**
 * The relaxation-PSD region of the whole group (every chunk's blocks at the chunk's values), as
 * the group fits keep to it (ChemEx 2026.09 §6.7); `null` when no chunk has anything to check.
 */
function feasibilityOf(
  work: GlobalWork,
  slots: Int32Array[],
): ((x: Float64Array) => boolean) | null {
  const checks = work.chunks.map((c) => storeFeasibility(c.chunk, storeFromPayload(c.params)));
  if (checks.every((f) => f === null)) return null;
  return (x) =>
    checks.every((f, ci) => {
      if (f === null) return true;
      const free = new Map<string, number>();
      work.chunks[ci].params.forEach((p, k) => {
        if (slots[ci][k] >= 0) free.set(p.id, x[slots[ci][k]]);
      });
      return f(free);
    });
}

function layoutOf(work: GlobalWork): Layout {
  const freeIds = [...work.globalIds];
  const start: number[] = [];
  const count: number[] = [];
  for (const ids of work.localIds) {
    start.push(freeIds.length);
    count.push(ids.length);
    freeIds.push(...ids);
  }
  return {
    ng: work.globalIds.length,
    start,
    count,
    n: freeIds.length,
    index: new Map(freeIds.map((id, k) => [id, k])),
    freeIds,
  };
}

/**
 * Fit a coupled group chunk by chunk on an executor; the group's sub-store (`work.store`, whose
 * objects are the step store's) receives values and errors.
 *
 * @example
 * ```ts
 * const res = await globalFit(work, inProcessExecutor(), { ftol: 1e-12 });
 * ```
 */
export async function globalFit(
  work: GlobalWork,
  executor: Executor,
  opts: GlobalFitOptions = {},
): Promise<GlobalFitResult> {
  const L = layoutOf(work);
  const { ng } = L;
  const lower = Float64Array.from(L.freeIds, (id) => work.store.get(id)!.min);
  const upper = Float64Array.from(L.freeIds, (id) => work.store.get(id)!.max);
  // Per chunk: for each payload parameter, its slot in x (or -1).
  const slots = work.chunks.map((c) => Int32Array.from(c.params, (p) => L.index.get(p.id) ?? -1));
  let evaluations = opts.resume?.evaluations ?? 0;

  const toChunkEval = (res: EvaluateResult, ci: number, jacobian: boolean): ChunkEval => {
    evaluations += res.evaluations;
    const r = Float64Array.from(res.residuals.flat(), dec);
    const out: ChunkEval = { r, scales: res.scales.map(dec), evaluations: res.evaluations };
    if (!jacobian) return out;
    const q = ng + L.count[ci];
    // Position of each of the chunk function's free ids in this chunk's block.
    const pos = res.freeIds.map((id) => {
      const k = L.index.get(id);
      if (k === undefined) {
        throw new Error(`chunk ${work.chunks[ci].id}: unexpected free parameter ${id}`);
      }
      if (k < ng) return k;
      const local = k - L.start[ci];
      if (local < 0 || local >= L.count[ci]) {
        throw new Error(`chunk ${work.chunks[ci].id}: parameter ${id} belongs to another chunk`);
      }
      return ng + local;
    });
    const h = new Float64Array(q * q);
    const b = new Float64Array(q);
    let row = 0;
    res.jacobian!.forEach((blk, p) => {
      const rows = res.residuals[p].length;
      const cols = blk.cols.map((c) => pos[c]);
      const jac = Float64Array.from(blk.values, dec);
      addNormalRows(h, b, q, cols, jac, r.subarray(row, row + rows), rows);
      row += rows;
    });
    out.h = h;
    out.b = b;
    return out;
  };

  const evaluate = async (
    xv: Float64Array,
    jacobian: boolean,
    at: { iteration: number; tag: string },
  ): Promise<ChunkEval[]> => {
    const results = await Promise.all(work.chunks.map((c, ci) => {
      const params = c.params.map((p, k) =>
        slots[ci][k] >= 0 ? { ...p, value: xv[slots[ci][k]] } : p
      );
      return executor.run("evaluate", {
        version: PAYLOAD_VERSION,
        id: `${c.id}${opts.idTag ? `:${opts.idTag}` : ""}:i${at.iteration}:${at.tag}`,
        chunk: c.chunk,
        params,
        jacobian,
      }, { affinity: ci, large: true });
    }));
    return results.map((res, ci) => toChunkEval(res, ci, jacobian));
  };

  const x0 = opts.start?.slice() ??
    Float64Array.from(L.freeIds, (id) => work.store.get(id)!.value);
  const feasible = feasibilityOf(work, slots);
  const onIteration = opts.onIteration;
  let res;
  try {
    res = await blockLeastSquares(L, x0, lower, upper, evaluate, {
      ftol: opts.ftol,
      xtol: opts.xtol,
      gtol: opts.gtol,
      maxIterations: opts.maxIterations,
      resume: opts.resume,
      ...(feasible ? { feasible } : {}),
      onIteration: onIteration && ((state) => onIteration({ ...state, evaluations })),
    });
  } catch (e) {
    const message = (e as Error).message;
    if (message.startsWith("residuals are not finite")) {
      throw new Error(`global fit ${work.id}: ${message}`);
    }
    throw e;
  }
  const current = res.blocks as ChunkEval[];
  if (opts.apply ?? true) finish(work, L, res.x, current);
  const residuals = new Float64Array(current.reduce((a, e) => a + e.r.length, 0));
  const scales = new Map<number, number>();
  let off = 0;
  current.forEach((e, ci) => {
    residuals.set(e.r, off);
    off += e.r.length;
    work.chunks[ci].profiles.forEach((k, i) => scales.set(k, e.scales[i]));
  });
  return {
    freeIds: L.freeIds,
    residuals,
    scales,
    evaluations,
    iterations: res.iterations,
    nfev: res.nfev,
    njev: res.njev,
    cost: res.cost,
    x: res.x,
    message: res.message,
    converged: res.converged,
  };
}

/** Values, standard errors of free parameters, derived values and their propagated errors. */
function finish(work: GlobalWork, L: Layout, x: Float64Array, ev: ChunkEval[]): void {
  const n = L.n;
  const store = work.store;
  L.freeIds.forEach((id, j) => store.get(id)!.value = x[j]);
  const cov = blockCovariance(L, ev);
  L.freeIds.forEach((id, j) => store.get(id)!.stderr = cov ? Math.sqrt(cov.entry(j, j)) : null);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  for (const d of pv.defs) store.get(pv.ids[d.target])!.value = pv.values[d.target];
  if (!cov) return;
  // First-order propagation through the definitions, with the steps of single-process fits.
  const base = pv.values.slice();
  const free = L.freeIds.map((id) => pv.index.get(id)!);
  const grads = pv.defs.map(() => new Map<number, number>());
  for (let j = 0; j < n; j++) {
    const h = 1e-7 * Math.max(1, Math.abs(x[j]));
    pv.values.set(base);
    pv.values[free[j]] = x[j] + h;
    evaluateDefinitions(pv);
    pv.defs.forEach((d, k) => {
      const v = (pv.values[d.target] - base[d.target]) / h;
      if (v !== 0) grads[k].set(j, v);
    });
  }
  pv.values.set(base);
  pv.defs.forEach((d, k) => {
    const p = store.get(pv.ids[d.target])!;
    const gmap = grads[k];
    if (gmap.size === 0) {
      p.stderr = null;
      return;
    }
    const idx = [...gmap.keys()];
    const gv = Float64Array.from(idx, (j) => gmap.get(j)!);
    const m = idx.length;
    const c = new Float64Array(m * m);
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) c[a * m + b] = cov.entry(idx[a], idx[b]);
    }
    p.stderr = Math.sqrt(propagateVariance(gv, c, m));
  });
  markPsdBoundary(work, pv, free, grads);
}

/**
 * On an active relaxation-PSD boundary the quadratic model behind the covariance ignores the
 * constraint (ChemEx 2026.09, #726): the free parameters reaching it, and the derived ones moving
 * with those, get no error and the "boundary limited" note, as in the group fits.
 */
function markPsdBoundary(
  work: GlobalWork,
  pv: ReturnType<typeof compileStore>,
  free: number[],
  grads: Map<number, number>[],
): void {
  const hit = activePsdIndices(work.chunks.map((c) => c.chunk), pv);
  if (hit.size === 0) return;
  const deps = dependents(pv);
  const limited = new Set<number>();
  free.forEach((fi, j) => {
    if ([...deps[fi]].some((i) => hit.has(i))) limited.add(j);
  });
  const mark = (id: string) => {
    const p = work.store.get(id)!;
    p.stderr = null;
    p.errorNote = PSD_BOUNDARY_NOTE;
  };
  for (const j of limited) mark(pv.ids[free[j]]);
  pv.defs.forEach((d, k) => {
    if ([...grads[k].keys()].some((j) => limited.has(j))) mark(pv.ids[d.target]);
  });
}
