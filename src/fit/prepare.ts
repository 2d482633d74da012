/**
 * `[STEP.SEARCH.PREPARE]` (ChemEx 2026.09 spec §1.9): with `HOLD` parameters held, fit the other
 * FIT parameters ("nuisances") of each independent factor, try the sign flips of the fitted
 * non-zero `TRY_DW_SIGNS` shift differences and keep the lowest χ²; the step's normal full fit
 * (HOLD released) then starts there. Preparation failures are never fatal.
 *
 * The sign search is {@link tryDwSignFlips}, one function, so that the general basin discovery
 * of the fit solver can replace it.
 *
 * @module
 */
import type { ParamStore } from "../params/store.ts";
import { createChunkEvaluator, makeChunk } from "./chunk.ts";
import { type TimeBudget, withBudget } from "./budget.ts";
import { fitGroup, independentGroups } from "./step.ts";
import type { StudySpec } from "./study.ts";
import { activeFitIds, resolveActive } from "./roles.ts";
import { subStore } from "./problem.ts";
import { type BasinCandidate, chooseBasin } from "./basins.ts";

/** A factor's starting point search: fit from the store's values, χ² of the result. */
export type FactorFit = () => number;

/** Most sign-flipped DWs per factor (2^n − 1 refits). */
const MAX_FLIPPED = 2;

function chiSquare(r: Float64Array): number {
  let s = 0;
  for (const v of r) s += v * v;
  return Number.isFinite(s) ? s : Infinity;
}

/**
 * From the fitted state in `store`, refit with every combination of sign flips of `dwIds`
 * (identity excluded: 1 refit for one DW, 3 for two) and keep the lowest χ² (ties keep the
 * earlier within 1e-6: the unflipped state first, then combinations in binary order; the chooser is
 * `chooseBasin` of `basins.ts`, the fit solver's basin search). Returns the χ² kept and
 * how many alternatives were tried.
 *
 * @example
 * ```ts
 * tryDwSignFlips(store, ["DW_AB, NUC->15N"], chi2, fit);
 * ```
 */
export function tryDwSignFlips(
  store: ParamStore,
  ids: readonly string[],
  dwIds: readonly string[],
  chi2: number,
  fit: FactorFit,
): { chi2: number; tried: number } {
  const save = () => Float64Array.from(ids, (id) => store.get(id)!.value);
  const load = (v: Float64Array) => ids.forEach((id, j) => store.get(id)!.value = v[j]);
  const start = save();
  // Candidate 0 is the unflipped fit; the choice (lowest χ², ties to the earlier candidate) is
  // the fit solver's basin chooser, shared with --multistart.
  const candidates: BasinCandidate[] = [{ chisqr: chi2, values: start }];
  for (let mask = 1; mask < 1 << dwIds.length; mask++) {
    load(start);
    dwIds.forEach((id, b) => {
      if (mask & (1 << b)) store.get(id)!.value = -store.get(id)!.value;
    });
    let c = Infinity;
    try {
      c = fit();
    } catch {
      // a failed alternative is simply not kept
    }
    candidates.push({ chisqr: c, values: save() });
  }
  const { best } = chooseBasin(candidates);
  load(candidates[best].values);
  return { chi2: candidates[best].chisqr, tried: candidates.length - 1 };
}

/**
 * Run a step's PREPARE in place on the store's values (roles are restored afterwards); returns
 * notices for the user.
 *
 * @example
 * ```ts
 * runPrepare(study, store, { hold: ["PB"], tryDwSigns: ["DW_AB"] }, selected);
 * ```
 */
export function runPrepare(
  study: StudySpec,
  store: ParamStore,
  spec: { hold: readonly string[]; tryDwSigns: readonly string[] },
  selected: readonly boolean[],
  budget?: TimeBudget,
): string[] {
  const notices: string[] = [];
  const active = activeFitIds(store, study, selected);
  const hold = new Set(spec.hold.flatMap((s) => resolveActive(store, s, active)));
  const dws = new Set(spec.tryDwSigns.flatMap((s) => resolveActive(store, s, active)));
  for (const id of hold) store.get(id)!.vary = false;
  try {
    const chosen = selected.map((s, k) => s ? k : -1).filter((k) => k >= 0);
    for (const group of independentGroups(store, study, chosen)) {
      const evaluator = withBudget(createChunkEvaluator(makeChunk(study, group)), budget);
      const ids = [...subStore(store, group.flatMap((k) => study.profiles[k].paramIds)).keys()];
      const free = ids.filter((id) => store.get(id)!.vary && !store.get(id)!.expr);
      if (free.length === 0) continue;
      const original = new Map(ids.map((id) => [id, store.get(id)!.value]));
      const fit = () => chiSquare(fitGroup(store, evaluator).residuals);
      let chi2: number;
      try {
        chi2 = fit();
      } catch (e) {
        original.forEach((v, id) => store.get(id)!.value = v);
        notices.push(
          `PREPARE: the nuisance fit of ${study.profiles[group[0]].name} failed ` +
            `(${(e as Error).message}); continuing with the normal final fit`,
        );
        continue;
      }
      const flip = free.filter((id) => dws.has(id) && store.get(id)!.value !== 0);
      if (flip.length > MAX_FLIPPED) {
        notices.push(
          `PREPARE: ${flip.length} sign-searched DWs in the factor of ` +
            `${study.profiles[group[0]].name} (at most ${MAX_FLIPPED}); sign search skipped`,
        );
      } else if (flip.length > 0) tryDwSignFlips(store, ids, flip, chi2, fit);
      if (!ids.every((id) => Number.isFinite(store.get(id)!.value))) {
        original.forEach((v, id) => store.get(id)!.value = v);
      }
    }
  } finally {
    for (const id of hold) store.get(id)!.vary = true;
  }
  return notices;
}
