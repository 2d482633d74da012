/**
 * Basin search of one group in this process (the reference placement; `workflows/steps.ts` runs
 * the same starts as `fit` work items): refit from each planned start, keep the best end point
 * in the store, report every distinct basin.
 *
 * @module
 */
import type { ParamStore } from "../params/store.ts";
import { basinRole, type BasinTrigger, type FitDiagnostics } from "./diagnostics.ts";
import {
  type BasinCandidate,
  type BasinParam,
  type BasinReport,
  chooseBasin,
  DEFAULT_BASIN_STARTS,
  planBasinStarts,
} from "./basins.ts";

/**
 * Largest group (in profiles) whose diagnostics start a search by themselves. A search refits the
 * group {@link DEFAULT_BASIN_STARTS} times from far-off starts, which on a large coupled group is
 * many times the step (CPMG_HN_DQ_ZQ's STEP1, 36 profiles sharing KEX_AB and PB: 41 s of search
 * after a 6 s fit). Larger groups are searched when asked (`--multistart`, `MULTISTART`); their
 * triggers are reported instead ({@link unsearchedReport}).
 */
export const AUTO_SEARCH_MAX_PROFILES = 32;

/** Starts per sampled parameter (Δω, exchange and model-free) of a search nobody asked for. */
export const STARTS_PER_SAMPLED = 2;
/** Most starts a search gets unasked. */
export const MAX_AUTO_STARTS = 24;

/**
 * How many starts a group's search gets: `multistart` when given (0: never search), else, when a
 * diagnostic fired on a group of at most {@link AUTO_SEARCH_MAX_PROFILES} profiles, two per
 * parameter the starts sample (`basinRole`: Δω, exchange rates, populations, τc, S²), at least
 * {@link DEFAULT_BASIN_STARTS} and at most {@link MAX_AUTO_STARTS}; else none. A Latin
 * hypercube needs a few points along each of its dimensions, and the Δω sign flips come first: a
 * two-state residue (Δω, kex, pB) gets 6 starts, a three-state one (two Δω, three kex, two
 * populations) 14, of which 11 are space-filling (with 6 it got 3, and the benchmark's 3-state CEST
 * study #35 ended at χ² 2704.8 instead of 151.3).
 *
 * @example
 * ```ts
 * basinStartCount(undefined, ["symmetric"], 2, ["PB", "KEX_AB", "DW_AB, NUC->G23N"]); // 6
 * basinStartCount(undefined, ["bound"], 1, ["PB", "PC", "KEX_AB", "KEX_AC", "KEX_BC",
 *   "DW_AB, NUC->2N", "DW_AC, NUC->2N", "R2_A, NUC->2N"]); // 14
 * basinStartCount(undefined, ["poor-fit"], 36, ["KEX_AB"]); // 0: too large to search unasked
 * basinStartCount(undefined, [], 2, ["KEX_AB"]); // 0
 * basinStartCount(12, [], 36, ["KEX_AB"]); // 12
 * ```
 */
export function basinStartCount(
  multistart: number | undefined,
  triggers: readonly BasinTrigger[],
  profiles: number,
  freeIds: readonly string[],
): number {
  if (multistart !== undefined) return multistart;
  if (triggers.length === 0 || profiles > AUTO_SEARCH_MAX_PROFILES) return 0;
  let sampled = 0;
  for (const id of freeIds) if (basinRole(id) !== "other") sampled++;
  return Math.min(MAX_AUTO_STARTS, Math.max(DEFAULT_BASIN_STARTS, STARTS_PER_SAMPLED * sampled));
}

/**
 * Why a group's search runs, for its report: "asked" first when `multistart` asked for it.
 *
 * @example
 * ```ts
 * searchTriggers(6, ["symmetric"]); // ["asked", "symmetric"]
 * searchTriggers(undefined, ["poor-fit"]); // ["poor-fit"]
 * ```
 */
export function searchTriggers(
  multistart: number | undefined,
  triggers: readonly BasinTrigger[],
): (BasinTrigger | "asked")[] {
  return multistart ? ["asked", ...triggers] : [...triggers];
}

/**
 * The report of a group whose diagnostics asked for a search it did not get (more than
 * {@link AUTO_SEARCH_MAX_PROFILES} profiles, none asked for): no starts, the plain fit as its only
 * basin. `undefined` when nothing fired or a count was asked for.
 *
 * @example
 * ```ts
 * unsearchedReport(undefined, ["poor-fit"], names, ids, () => ({ chisqr: 10593.8, values: x }));
 * // { starts: 0, ... }
 * ```
 */
export function unsearchedReport(
  multistart: number | undefined,
  triggers: readonly BasinTrigger[],
  profiles: string[],
  freeIds: readonly string[],
  end: () => { chisqr: number; values: ArrayLike<number> },
): BasinReport | undefined {
  if (multistart !== undefined || triggers.length === 0 || freeIds.length === 0) return undefined;
  // The end point is read only here: most fits have no trigger.
  const { chisqr, values } = end();
  return {
    profiles,
    triggers: [...triggers],
    ids: [...freeIds],
    starts: 0,
    choice: {
      best: 0,
      basins: [{ chisqr, values: Array.from(values), starts: [0] }],
      moved: false,
    },
  };
}

/** The planner's view of a group's free parameters: current (fitted) values and starts. */
export function basinParams(
  store: ParamStore,
  freeIds: readonly string[],
  starts: ArrayLike<number>,
): BasinParam[] {
  return freeIds.map((id, j) => {
    const p = store.get(id)!;
    return { id, value: p.value, start: starts[j], min: p.min, max: p.max };
  });
}

function restore(store: ParamStore, params: Saved<unknown>["params"]): void {
  for (const p of params) {
    const q = store.get(p.id)!;
    q.value = p.value;
    q.stderr = p.stderr;
    if (p.errorNote !== undefined) q.errorNote = p.errorNote;
    else delete q.errorNote;
  }
}

/** What one refit leaves behind, enough to restore it. */
interface Saved<F> {
  fit: F;
  params: { id: string; value: number; stderr: number | null; errorNote?: string }[];
}

/** Inputs of {@link searchGroupBasins}. */
export interface GroupSearch<F extends { chisqr: number; diagnostics: FitDiagnostics }> {
  store: ParamStore;
  /** Parameters a refit writes (free and derived ones of the group). */
  ids: readonly string[];
  freeIds: readonly string[];
  /** Where the plain fit started (free parameters). */
  x0: ArrayLike<number>;
  /** The plain fit (already in the store). */
  plain: F;
  /** Refit the group from the store's current values with a start's budget (updates the store). */
  refit: () => F;
  /** Refit with the full budget, to finish a winning start that ran out of its own. */
  polish: () => F;
  count: number;
  rootSeed: bigint;
  step: number;
  group: number;
  profiles: string[];
  triggers: (BasinTrigger | "asked")[];
}

/**
 * Run a group's basin search in process; the store ends at the best basin.
 *
 * @example
 * ```ts
 * const { fit, report } = searchGroupBasins({ store, ids, freeIds, plain, refit, count: 6, ... });
 * ```
 */
export function searchGroupBasins<F extends { chisqr: number; diagnostics: FitDiagnostics }>(
  s: GroupSearch<F>,
): { fit: F; report: BasinReport; all: F[] } {
  const save = (fit: F): Saved<F> => ({
    fit,
    params: s.ids.map((id) => {
      const p = s.store.get(id)!;
      return {
        id,
        value: p.value,
        stderr: p.stderr,
        ...(p.errorNote !== undefined ? { errorNote: p.errorNote } : {}),
      };
    }),
  });
  const values = () => Float64Array.from(s.freeIds, (id) => s.store.get(id)!.value);
  const stderr = () => Float64Array.from(s.freeIds, (id) => s.store.get(id)!.stderr ?? NaN);
  const starts = planBasinStarts(
    basinParams(s.store, s.freeIds, s.x0),
    s.count,
    s.rootSeed,
    s.step,
    s.group,
  );
  const saved: Saved<F>[] = [save(s.plain)];
  const candidates: BasinCandidate[] = [
    { chisqr: s.plain.chisqr, values: values(), stderr: stderr() },
  ];
  for (const x of starts) {
    s.freeIds.forEach((id, j) => s.store.get(id)!.value = x[j]);
    const fit = s.refit();
    saved.push(save(fit));
    candidates.push({ chisqr: fit.chisqr, values: values(), stderr: stderr() });
  }
  const choice = chooseBasin(candidates);
  const best = saved[choice.best];
  restore(s.store, best.params);
  let fit = best.fit;
  if (choice.best > 0 && fit.diagnostics.triggers.includes("budget")) {
    fit = s.polish();
    saved.push(save(fit));
    choice.basins[0].chisqr = Math.min(choice.basins[0].chisqr, fit.chisqr);
    choice.basins[0].values = Array.from(values());
  }
  return {
    fit,
    all: saved.map((x) => x.fit),
    report: {
      profiles: s.profiles,
      triggers: s.triggers,
      ids: [...s.freeIds],
      starts: starts.length,
      choice,
    },
  };
}
