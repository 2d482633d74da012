/**
 * The final (scaled) calculation of each profile that the plot builders of a run receive, and
 * the order they draw profiles in.
 *
 * @module
 */
import type { StudySpec } from "../fit/study.ts";
import { compareSpinSystems, parseSpinSystem } from "../params/spin_system.ts";

/** Final (scaled) calculation of one profile. */
export interface Final {
  profile: number;
  calc: Float64Array;
}

/**
 * The profiles in spin-system order (ChemEx's), profiles of one spin system in their order.
 *
 * @example
 * ```ts
 * sortedBySpin(study, finals).map((f) => study.profiles[f.profile].name); // ["G2N", "A10N", …]
 * ```
 */
export function sortedBySpin(study: StudySpec, finals: readonly Final[]): Final[] {
  return finals
    .map((f, index) => ({ f, index }))
    .sort((a, b) =>
      compareSpinSystems(
        parseSpinSystem(study.profiles[a.f.profile].name),
        parseSpinSystem(study.profiles[b.f.profile].name),
      ) || a.index - b.index
    )
    .map(({ f }) => f);
}
