/**
 * The planner: turns one method step into work items with idempotent ids.
 * - every independent group of profiles (no shared free parameter) small enough for one call
 *   becomes a `fit` item;
 * - a coupled group larger than the chunk size is cut into profile chunks so that each
 *   residue-level parameter lies in one chunk; parameters reaching several chunks (KEX_AB, PB, …)
 *   are the globals of an outer fit that fans `evaluate` out to the chunks.
 * Ids are `<study>:s<step>:g<group>[:c<chunk>]`: the same study, step and group always give the
 * same id and the same payload.
 *
 * @module
 */
import { type Chunk, makeChunk } from "../src/fit/chunk.ts";
import { subStore } from "../src/fit/problem.ts";
import { independentGroups } from "../src/fit/step.ts";
import type { StudySpec } from "../src/fit/study.ts";
import { compileStore, dependents, type ParamStore } from "../src/params/store.ts";
import { isEmptySpinSystem } from "../src/params/spin_system.ts";
import {
  type FitPayload,
  type ParamPayload,
  PAYLOAD_VERSION,
  storeToPayload,
} from "../functions/payload.ts";

/** Default largest number of profiles of one `fit` item or one chunk of a global fit. */
export const DEFAULT_CHUNK_PROFILES = 32;

/** One independent group fitted in one call. */
export interface FitWork {
  kind: "fit";
  id: string;
  /** Study profile indices. */
  profiles: number[];
  payload: FitPayload;
}

/** One chunk of a global fit. */
export interface GlobalChunk {
  id: string;
  profiles: number[];
  chunk: Chunk;
  /** The chunk's sub-store, in store order (values are filled in per evaluation). */
  params: ParamPayload[];
}

/** A coupled group fitted by the outer (block-eliminated) solver over chunks. */
export interface GlobalWork {
  kind: "global";
  id: string;
  profiles: number[];
  chunks: GlobalChunk[];
  /** Free parameters reaching more than one chunk. */
  globalIds: string[];
  /** Free parameters of each chunk that reach only it. */
  localIds: string[][];
  /** The group's sub-store (shared objects with the step's store). */
  store: ParamStore;
}

/** A step's work, in group order. */
export interface StepPlan {
  step: number;
  works: (FitWork | GlobalWork)[];
}

/** Options of {@link planStep}. */
export interface PlanOptions {
  /** Id prefix (e.g. a short study hash). */
  prefix: string;
  /** Largest profiles per `fit` item or chunk (default {@link DEFAULT_CHUNK_PROFILES}). */
  chunkProfiles?: number;
  /** TRF variable scaling of `fit` items (default "jac"). */
  xScale?: "jac" | "start";
  /** Solver evaluations of each `fit` item (default: the solver's own). */
  maxNfev?: number;
}

/**
 * Plan a step: selected profiles → fit items and global fits.
 *
 * @example
 * ```ts
 * const plan = planStep(study, store, selected, 0, { prefix: "ab12cd34" });
 * ```
 */
export function planStep(
  study: StudySpec,
  store: ParamStore,
  selected: readonly boolean[],
  step: number,
  opts: PlanOptions,
): StepPlan {
  const size = opts.chunkProfiles ?? DEFAULT_CHUNK_PROFILES;
  if (!(Number.isInteger(size) && size >= 1)) {
    throw new Error(`chunk size must be a whole number ≥ 1, got ${size}`);
  }
  const chosen = selected.map((s, k) => s ? k : -1).filter((k) => k >= 0);
  const groups = independentGroups(store, study, chosen);
  const works = groups.map((g, gi): FitWork | GlobalWork => {
    const id = `${opts.prefix}:s${step}:g${gi}`;
    const sub = subStore(store, g.flatMap((k) => study.profiles[k].paramIds));
    if (g.length > size) {
      const global = planGlobal(study, sub, g, size, id);
      if (global) return global;
    }
    return {
      kind: "fit",
      id,
      profiles: g,
      payload: {
        version: PAYLOAD_VERSION,
        id,
        chunk: makeChunk(study, g),
        params: storeToPayload(sub),
        ...(opts.xScale === "start" ? { xScale: opts.xScale } : {}),
        ...(opts.maxNfev !== undefined ? { maxNfev: opts.maxNfev } : {}),
      },
    };
  });
  return { step, works };
}

/** Cut a coupled group into chunks; null when it does not split (one chunk). */
function planGlobal(
  study: StudySpec,
  sub: ParamStore,
  group: number[],
  size: number,
  id: string,
): GlobalWork | null {
  const pv = compileStore(sub);
  const deps = dependents(pv);
  const freeIds = [...sub.values()].filter((p) => p.vary && !p.expr).map((p) => p.id);
  const local = group.map((k) => new Set(study.profiles[k].paramIds.map((i) => pv.index.get(i)!)));
  // Profiles (positions in group) each free parameter reaches.
  const reach = new Map(freeIds.map((fid) => {
    const d = deps[pv.index.get(fid)!];
    const out: number[] = [];
    local.forEach((s, pos) => {
      if (d.some((i) => s.has(i))) out.push(pos);
    });
    return [fid, out];
  }));
  // Candidate globals: parameters of no spin system (exchange, populations) and anything wider
  // than a chunk; the rest ties profiles into atoms that must stay together.
  const candidate = (fid: string) =>
    isEmptySpinSystem(sub.get(fid)!.pname.spin) || reach.get(fid)!.length > size;
  const parent = group.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (const fid of freeIds) {
    if (candidate(fid)) continue;
    const r = reach.get(fid)!;
    for (let t = 1; t < r.length; t++) parent[find(r[t])] = find(r[0]);
  }
  const atoms = new Map<number, number[]>();
  group.forEach((_, pos) => {
    const root = find(pos);
    if (!atoms.has(root)) atoms.set(root, []);
    atoms.get(root)!.push(pos);
  });
  // Pack atoms, in first-profile order, into chunks of at most `size` profiles, as even as the
  // atoms allow: the fewest chunks that hold the group, each taking the atoms whose middle falls
  // in its share. Chunks are evaluated side by side each iteration, so the largest sets the pace:
  // filling each to `size` first left CPMG_HN_DQ_ZQ's STEP1 (36 profiles) as 32 + 4, one core's
  // work.
  const share = group.length / Math.ceil(group.length / size);
  const packed: number[][] = [];
  let current: number[] = [];
  let placed = 0;
  for (const atom of atoms.values()) {
    const middle = placed + atom.length / 2;
    const full = current.length + atom.length > size || middle > share * (packed.length + 1);
    if (current.length > 0 && full) {
      packed.push(current);
      current = [];
    }
    current.push(...atom);
    placed += atom.length;
  }
  if (current.length > 0) packed.push(current);
  if (packed.length < 2) return null;
  const chunkOf = new Int32Array(group.length);
  packed.forEach((c, ci) => c.forEach((pos) => chunkOf[pos] = ci));
  const globalIds: string[] = [];
  const localIds: string[][] = packed.map(() => []);
  for (const fid of freeIds) {
    const chunks = new Set(reach.get(fid)!.map((pos) => chunkOf[pos]));
    if (chunks.size > 1) globalIds.push(fid);
    else if (chunks.size === 1) localIds[[...chunks][0]].push(fid);
  }
  const chunks = packed.map((c, ci): GlobalChunk => {
    const profiles = c.map((pos) => group[pos]);
    return {
      id: `${id}:c${ci}`,
      profiles,
      chunk: makeChunk(study, profiles),
      params: storeToPayload(subStore(sub, profiles.flatMap((k) => study.profiles[k].paramIds))),
    };
  });
  return { kind: "global", id, profiles: group, chunks, globalIds, localIds, store: sub };
}
