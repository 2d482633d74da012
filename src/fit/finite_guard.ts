/**
 * Guards against non-finite model values: a profile whose calculated intensities contain NaN or
 * ±∞ (an exchange matrix that overflows, a constraint that divides by zero at some point of
 * the fit) stops the step with one message naming the profile, its experiment file and the
 * parameter values it was evaluated at — never a `chi-square = nan` written with exit 0.
 *
 * @module
 */
import type { StudySpec } from "./study.ts";

/** A model evaluation gave a non-finite value. */
export class NonFiniteModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NonFiniteModelError";
  }
}

/** First non-finite entry of an array, or -1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/**
 * Throw a {@link NonFiniteModelError} when `calc` (the intensities of profile `k`) holds a
 * non-finite value. `local` are the profile's local parameter values (same order as its
 * `localNames`); `when` says at which moment (e.g. "at the starting values of step [STEP2]").
 *
 * @example
 * ```ts
 * checkFiniteProfile(study, 0, Float64Array.of(1, NaN), Float64Array.of(0.1), "after STEP1");
 * // throws: "model evaluation of profile 10N (Experiments/500mhz.toml) gave NaN at point 2 ..."
 * ```
 */
export function checkFiniteProfile(
  study: StudySpec,
  k: number,
  calc: ArrayLike<number>,
  local: ArrayLike<number>,
  when: string,
): void {
  const bad = firstNonFinite(calc);
  if (bad < 0) return;
  const p = study.profiles[k];
  const file = study.experiments[p.experiment]?.file ?? "?";
  const values = p.localNames.map((name, i) => `${name} = ${local[i]}`);
  const shown = values.length > 12 ? [...values.slice(0, 12), "…"] : values;
  throw new NonFiniteModelError(
    `${file}: model evaluation of profile ${p.name} ${when} gave ${calc[bad]} at point ` +
      `${bad + 1}; parameters: ${shown.join(", ")}. Check the starting values, bounds and ` +
      "constraints of these parameters",
  );
}

/**
 * The error of a model evaluation that threw (say an eigendecomposition that failed), naming the
 * experiment file, the profile and the parameter values as {@link checkFiniteProfile} does; an
 * error that already says where it comes from passes unchanged.
 *
 * @example
 * ```ts
 * try { evaluate(); } catch (e) { throw modelFailure(study, 0, values, e); }
 * ```
 */
export function modelFailure(
  study: StudySpec,
  k: number,
  local: ArrayLike<number>,
  cause: unknown,
): Error {
  if (cause instanceof NonFiniteModelError || !(cause instanceof Error)) return cause as Error;
  if (cause.name !== "Error" && cause.name !== "RangeError") return cause;
  const p = study.profiles[k];
  const file = study.experiments[p.experiment]?.file ?? "?";
  const values = p.localNames.map((name, i) => `${name} = ${local[i]}`);
  const shown = values.length > 12 ? [...values.slice(0, 12), "…"] : values;
  return new NonFiniteModelError(
    `${file}: model evaluation of profile ${p.name} failed (${cause.message}); parameters: ` +
      `${shown.join(", ")}. Check the starting values, bounds and constraints of these parameters`,
  );
}
