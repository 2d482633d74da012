/**
 * CEST-specific data handling at load time (chemex-compat 4.5/4.7/9.1, physics-conventions 7):
 * the check that every profile has a reference point, and
 * `filter_offsets`, which masks points around the starting chemical shift of the primary
 * observed state, folded into the spectral window when `sw` is finite.
 *
 * @module
 */
import { ConfigError } from "../config/errors.ts";
import { EXPERIMENTS } from "../experiments/registry.ts";
import { ppmToRadPerS } from "../nmr/constants.ts";
import { compileStore, evaluateDefinitions, type ParamStore } from "../params/store.ts";
import { basisNuclei, type StudySpec } from "../fit/study.ts";

/**
 * Throw a {@link ConfigError} naming the data file and the profile when a CEST profile has no
 * reference point (|offset| > 10 kHz): intensities cannot be normalised without I0.
 *
 * @example
 * ```ts
 * requireReferencePoint([-2e4, 0, 100], (x) => Math.abs(x) > 1e4, "13N.out", "13N"); // ok
 * ```
 */
export function requireReferencePoint(
  x: ArrayLike<number>,
  isReference: (x: number) => boolean,
  dataFile: string,
  profile: string,
): void {
  for (let i = 0; i < x.length; i++) if (isReference(x[i])) return;
  throw new ConfigError(
    dataFile,
    `CEST profile '${profile}' has no reference point: at least one row needs a saturation ` +
      "offset beyond ±10000 Hz (the unsaturated intensity I0)",
  );
}

/**
 * Python's float `a % b` (floor semantics, result has the sign of b; `x % inf` is x for x ≥ 0
 * and inf for x < 0), pitfall P11.
 *
 * @example
 * ```ts
 * pyMod(-1, 500); // 499
 * pyMod(-1, Infinity); // Infinity
 * ```
 */
export function pyMod(a: number, b: number): number {
  let m = a % b;
  if (m !== 0 && (b < 0) !== (m < 0)) m += b;
  else if (m === 0) m = b < 0 ? -0 : 0;
  return m;
}

/**
 * Clear the mask of the points hit by `filter_offsets`: for each [offset, width], target =
 * offset + stateOffsetHz folded into [m, m + sw) with m the smallest non-reference offset;
 * points with |x − target| < width/2 are masked. Mutates and returns `mask`.
 *
 * @example
 * ```ts
 * filterOffsetsMask([-2e4, -10, 0, 10], [true, true, true, true], [[0, 13]], 0, Infinity,
 *   (x) => Math.abs(x) > 1e4); // [true, true, false, true]
 * ```
 */
export function filterOffsetsMask(
  x: ArrayLike<number>,
  mask: boolean[],
  filters: readonly (readonly [number, number])[],
  stateOffsetHz: number,
  swHz: number,
  isReference: (x: number) => boolean,
): boolean[] {
  let min = Infinity;
  for (let i = 0; i < x.length; i++) if (!isReference(x[i]) && x[i] < min) min = x[i];
  if (min === Infinity) return mask;
  for (const [offset, width] of filters) {
    const target = pyMod(offset + stateOffsetHz - min, swHz) + min;
    for (let i = 0; i < x.length; i++) {
      if (Math.abs(x[i] - target) < width * 0.5) mask[i] = false;
    }
  }
  return mask;
}

/** Profiles of one experiment that `filter_offsets` applies to. */
export interface PendingOffsetFilter {
  experiment: number;
  /** Indices into `study.profiles`. */
  profiles: number[];
  filters: [number, number][];
}

/**
 * Apply `filter_offsets` once, with the starting parameter values (the chemical shift of each
 * profile's primary observed state), as ChemEx does before the first method step.
 *
 * @example
 * ```ts
 * applyOffsetFilters(study, store, pending);
 * ```
 */
export function applyOffsetFilters(
  study: StudySpec,
  store: ParamStore,
  pending: readonly PendingOffsetFilter[],
): void {
  if (pending.every((p) => p.filters.length === 0)) return;
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  for (const item of pending) {
    if (item.filters.length === 0) continue;
    const exp = study.experiments[item.experiment];
    const module = EXPERIMENTS[exp.name];
    const choice = module.basis(exp.settings);
    const nucleus = basisNuclei(choice.type, choice.pair).i;
    const hzPerPpm = nucleus
      ? Math.abs(ppmToRadPerS(nucleus, exp.conditions.h_larmor_frq ?? 0)) / (2 * Math.PI)
      : 0;
    const carrier = (exp.settings.carrier as number | undefined) ?? 0;
    const sw = (exp.settings.sw as number | undefined) ?? Infinity;
    const local = `cs_i_${exp.observed[0]}`;
    for (const k of item.profiles) {
      const p = study.profiles[k];
      const j = p.localNames.indexOf(local);
      if (j < 0) continue;
      const cs = pv.values[pv.index.get(p.paramIds[j])!];
      const stateOffsetHz = (cs - carrier) * hzPerPpm;
      filterOffsetsMask(p.x, p.mask, item.filters, stateOffsetHz, sw, module.isReference);
    }
  }
}
