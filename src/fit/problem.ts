/**
 * The least-squares problem of one group of profiles: map free parameters to every profile's
 * local values through the definitions, concatenate residuals, and compute the Jacobian
 * (exact derivatives by default, or differences recomputing only the profiles a parameter
 * touches; see `jacobian.ts`).
 *
 * @module
 */
import {
  compileStore,
  dependents,
  exprRefs,
  type ParamStore,
  type ParamVector,
} from "../params/store.ts";
import type { ChunkEvaluator } from "./chunk.ts";
import type { JacobianStructure } from "../solver/trf.ts";
import { activePsdKeys, psdChecks, psdFeasible } from "./relaxation_psd.ts";
import {
  centralJacobian,
  exactJacobian,
  forwardColumns,
  JACOBIAN_MODES,
  type JacobianContext,
  type JacobianMode,
  setFree,
} from "./jacobian.ts";

/** A group's problem, ready for the solver. */
export interface GroupProblem {
  readonly freeIds: readonly string[];
  readonly pv: ParamVector;
  readonly free: Int32Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly x0: Float64Array;
  /** Total retained points. */
  readonly m: number;
  /** Residual offsets of each profile in the concatenated vector. */
  readonly offsets: Int32Array;
  readonly evaluator: ChunkEvaluator;
  residuals(x: Float64Array): Float64Array;
  jacobian(x: Float64Array, f: Float64Array): Float64Array;
  /** How {@link GroupProblem.jacobian} is computed. */
  readonly jacobianMode: JacobianMode;
  /** Profile evaluations done so far (for benchmarks). */
  evaluations(): number;
  /** Scales of each profile at the last residual evaluation. */
  readonly scales: Float64Array;
  /**
   * Whether one of the last few residual evaluations was at x; if so, {@link scales} are set back
   * to x's (the solver's end point is usually among them).
   */
  recall(x: Float64Array): boolean;
  /**
   * Whether every profile's relaxation blocks are positive semidefinite and KHH, D ≥ 0 at x
   * (`relaxation_psd.ts`); the solver evaluates no trial point where this is false.
   */
  feasible(x: Float64Array): boolean;
  /** Free parameters (indices) that reach a relaxation-PSD condition active at x. */
  psdActive(x: Float64Array): number[];
  /** Which free parameters each profile's residual rows depend on (zero elsewhere). */
  readonly structure: JacobianStructure;
}

/** The sub-store a set of profiles needs: their parameters and everything those reference. */
export function subStore(store: ParamStore, ids: Iterable<string>): ParamStore {
  const out: ParamStore = new Map();
  const stack = [...ids];
  const need = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (need.has(id)) continue;
    need.add(id);
    const p = store.get(id);
    if (!p) throw new Error(`unknown parameter ${id}`);
    for (const r of exprRefs(p.expr)) stack.push(r);
  }
  // Keep the store's order so results do not depend on profile order.
  for (const [id, p] of store) if (need.has(id)) out.set(id, p);
  return out;
}

/**
 * Build the problem of a group of profiles with the store's current status.
 *
 * @example
 * ```ts
 * const problem = createGroupProblem(store, createChunkEvaluator(makeChunk(study, [0, 1])));
 * const r = problem.residuals(problem.x0);
 * ```
 */
export function createGroupProblem(
  store: ParamStore,
  evaluator: ChunkEvaluator,
  options: { jacobian?: JacobianMode; everyExact?: boolean } = {},
): GroupProblem {
  // A chunk's mode may come from an untrusted payload: anything unknown means the default.
  const asked = options.jacobian ?? evaluator.chunk.jacobian ?? "exact";
  const jacobianMode: JacobianMode = Object.hasOwn(JACOBIAN_MODES, asked)
    ? JACOBIAN_MODES[asked]
    : "exact";
  const profiles = evaluator.chunk.profiles;
  const sub = subStore(store, profiles.flatMap((p) => p.paramIds));
  const pv = compileStore(sub);
  const freeIds = [...sub.values()].filter((p) => p.vary && !p.expr).map((p) => p.id);
  const free = Int32Array.from(freeIds.map((id) => pv.index.get(id)!));
  const lower = Float64Array.from(freeIds.map((id) => sub.get(id)!.min));
  const upper = Float64Array.from(freeIds.map((id) => sub.get(id)!.max));
  const x0 = Float64Array.from(freeIds.map((id) => sub.get(id)!.value));
  const localIdx = profiles.map((p) => Int32Array.from(p.paramIds.map((id) => pv.index.get(id)!)));
  const offsets = new Int32Array(profiles.length + 1);
  profiles.forEach((_, k) => offsets[k + 1] = offsets[k] + evaluator.sizes[k]);
  const m = offsets[profiles.length];
  const deps = dependents(pv);
  // Profiles each free parameter reaches through the definitions.
  const touched = Array.from(free, (fi) => {
    const reach = new Set(deps[fi]);
    const list: number[] = [];
    localIdx.forEach((li, k) => {
      if (li.some((i) => reach.has(i))) list.push(k);
    });
    return Int32Array.from(list);
  });
  const columns = profiles.map(() => [] as number[]);
  touched.forEach((list, j) => list.forEach((k) => columns[k].push(j)));
  const structure = { offsets, columns: columns.map((c) => Int32Array.from(c)) };
  const psd = psdChecks(evaluator.chunk, localIdx, pv);
  const locals = profiles.map((p) => new Float64Array(p.paramIds.length));
  const scales = new Float64Array(profiles.length);
  let nEval = 0;
  // The last few evaluated points and their scales, newest last.
  const recent: { x: Float64Array; scales: Float64Array }[] = [];
  const setX = (x: Float64Array) => setFree(pv, free, x);
  const feasibleAt = (x: Float64Array) => {
    setX(x);
    return psdFeasible(psd, pv.values);
  };
  const evalProfile = (k: number, out: Float64Array) => {
    const li = localIdx[k];
    const lv = locals[k];
    for (let i = 0; i < li.length; i++) lv[i] = pv.values[li[i]];
    nEval++;
    return evaluator.profile(k, lv, out);
  };
  const ctx: JacobianContext = {
    pv,
    free,
    lower,
    upper,
    m,
    offsets,
    evaluator,
    localIdx,
    touched,
    reach: Array.from(free, (fi) => deps[fi]),
    setX,
    evalProfile,
    everyExact: options.everyExact,
    ...(psd.blocks.length > 0 ? { feasible: (x: Float64Array) => feasibleAt(x) } : {}),
  };
  return {
    freeIds,
    pv,
    free,
    lower,
    upper,
    x0,
    m,
    offsets,
    evaluator,
    scales,
    jacobianMode,
    structure,
    evaluations: () => nEval,
    feasible: (x: Float64Array) => feasibleAt(x),
    psdActive(x: Float64Array): number[] {
      setX(x);
      const hit = new Set(psd.blocks.flatMap(([b, at]) => activePsdKeys(b, at)));
      const out: number[] = [];
      free.forEach((fi, j) => {
        if (hit.size > 0 && [...deps[fi]].some((i) => hit.has(i))) out.push(j);
      });
      return out;
    },
    recall(x: Float64Array): boolean {
      const hit = recent.find((e) => e.x.every((v, j) => Object.is(v, x[j])));
      if (hit) scales.set(hit.scales);
      return hit !== undefined;
    },
    residuals(x: Float64Array): Float64Array {
      setX(x);
      const r = new Float64Array(m);
      for (let k = 0; k < profiles.length; k++) {
        scales[k] = evalProfile(k, r.subarray(offsets[k], offsets[k + 1]));
      }
      if (recent.length === 4) recent.shift();
      recent.push({ x: x.slice(), scales: scales.slice() });
      return r;
    },
    jacobian(x: Float64Array, f: Float64Array): Float64Array {
      if (jacobianMode === "exact") return exactJacobian(ctx, x, f);
      if (jacobianMode === "central") return centralJacobian(ctx, x, f);
      return forwardColumns(ctx, x, f, new Float64Array(m * free.length));
    },
  };
}
