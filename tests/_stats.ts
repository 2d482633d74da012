/**
 * Test helper for the statistics tests: the best-fit calculated (scaled) intensities at every
 * point of some profiles, as a step hands them to `runStatistics`.
 *
 * @module
 */
import { createCalculator, fitScale, intensitiesAt } from "../src/fit/evaluate.ts";
import type { ProfileCalc, StudySpec } from "../src/fit/study.ts";
import type { ParamStore } from "../src/params/store.ts";

/** Scaled calculated intensities of `profiles` at the store's values. */
export function scaledCalcs(
  study: StudySpec,
  store: ParamStore,
  profiles: readonly number[],
): ProfileCalc[] {
  return profiles.map((k) => {
    const c = createCalculator(study, k);
    const values = study.profiles[k].paramIds.map((id) => store.get(id)!.value);
    const g = fitScale(intensitiesAt(c, values, c.xFit), c.expFit, c.errFit);
    return { profile: k, calc: intensitiesAt(c, values, c.x).map((v) => v * g) };
  });
}
