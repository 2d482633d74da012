/**
 * Per-profile χ², point counts and free parameters of a fitted study (the input of
 * `compare.ts`), computed from the fitted store with the fit's own calculators.
 *
 * @module
 */
import type { StudySpec } from "../fit/study.ts";
import { createCalculator, profileResiduals } from "../fit/evaluate.ts";
import { compileStore, evaluateDefinitions, exprRefs, type ParamStore } from "../params/store.ts";
import type { ModelFit, ProfileFit } from "./compare.ts";
import { residueOf } from "./figures.ts";

/**
 * The fit of `model` on the selected profiles of a study whose store holds the fitted values
 * and the last step's free/fixed status.
 *
 * @example
 * ```ts
 * const fit = modelFit("2st", loaded.study, loaded.store, lastStep.result.selected);
 * ```
 */
export function modelFit(
  model: string,
  study: StudySpec,
  store: ParamStore,
  selected: readonly boolean[],
): ModelFit {
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const reach = new Map<string, string[]>();
  const freeReach = (id: string): string[] => {
    const hit = reach.get(id);
    if (hit) return hit;
    const p = store.get(id)!;
    const out = p.expr ? [...new Set(exprRefs(p.expr).flatMap(freeReach))] : p.vary ? [id] : [];
    reach.set(id, out);
    return out;
  };
  const profiles: ProfileFit[] = [];
  study.profiles.forEach((p, k) => {
    if (!selected[k]) return;
    const calc = createCalculator(study, k);
    const values = Float64Array.from(p.paramIds.map((id) => pv.values[pv.index.get(id)!]));
    const r = new Float64Array(calc.xFit.length);
    profileResiduals(calc, values, r);
    let chi2 = 0;
    for (const v of r) chi2 += v * v;
    profiles.push({
      name: p.name,
      residue: residueOf(p.name),
      chi2,
      points: r.length,
      free: [...new Set(p.paramIds.flatMap(freeReach))],
    });
  });
  return { model, profiles };
}
