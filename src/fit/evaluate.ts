/**
 * Profile evaluation: unscaled intensities from a configured sequence, the analytic
 * per-profile scale, and weighted residuals. This is the only place the fit touches physics.
 *
 * @module
 */
import { EXPERIMENTS } from "../experiments/registry.ts";
import { createBasis } from "../nmr/basis.ts";
import { ppmToRadPerS } from "../nmr/constants.ts";
import { Spectrometer } from "../nmr/spectrometer.ts";
import type { Sequence } from "../experiments/types.ts";
import { basisNuclei, type ProfileSpec, type StudySpec } from "./study.ts";
import type { Engine, EnginePool } from "./engines.ts";

/** A ready-to-run profile: its spectrometer, sequence and data as typed arrays. */
export interface ProfileCalculator {
  readonly spec: ProfileSpec;
  readonly spectrometer: Spectrometer;
  readonly sequence: Sequence;
  readonly x: Float64Array;
  /** Retained (masked-in) points only, in file order. */
  readonly xFit: Float64Array;
  readonly expFit: Float64Array;
  readonly errFit: Float64Array;
  readonly scaled: boolean;
  /** EXSY only: per-point state labels of `x` and of `xFit`. */
  readonly labels?: readonly string[];
  readonly labelsFit?: readonly string[];
}

/**
 * Build the calculator of one profile of a study. Calculators built with the same `shared`
 * store may share work between profiles with the same Liouvillian inputs
 * (`SequenceContext.shared`), and with the same `engines` their spectrometer and sequence
 * where their experiment allows (`engines.ts`); each gives the numbers it would give alone.
 *
 * @example
 * ```ts
 * const calc = createCalculator(study, 0);
 * const intensities = intensitiesAt(calc, localValues, calc.x);
 * ```
 */
export function createCalculator(
  study: StudySpec,
  index: number,
  shared?: Map<string, unknown>,
  engines?: EnginePool,
): ProfileCalculator {
  const spec = study.profiles[index];
  const key = engines?.keyOf(study, index) ?? null;
  const { spectrometer, sequence } = key === null
    ? createEngine(study, index, shared)
    : engines!.get(key, () => createEngine(study, index, shared));
  const keep = spec.mask.map((m, k) => m ? k : -1).filter((k) => k >= 0);
  return {
    spec,
    spectrometer,
    sequence,
    x: Float64Array.from(spec.x),
    xFit: Float64Array.from(keep.map((k) => spec.x[k])),
    expFit: Float64Array.from(keep.map((k) => spec.exp[k])),
    errFit: Float64Array.from(keep.map((k) => spec.err[k])),
    scaled: study.experiments[spec.experiment].scaled,
    ...(spec.labels ? { labels: spec.labels, labelsFit: keep.map((k) => spec.labels![k]) } : {}),
  };
}

/** The spectrometer of profile `index` and the sequence set up on it. */
function createEngine(study: StudySpec, index: number, shared?: Map<string, unknown>): Engine {
  const spec = study.profiles[index];
  const exp = study.experiments[spec.experiment];
  const module = EXPERIMENTS[exp.name];
  const choice = module.basis(exp.settings);
  const basis = createBasis(choice.type, study.model.states);
  const nuclei = basisNuclei(choice.type, choice.pair);
  const hz = exp.conditions.h_larmor_frq ?? 0;
  const q = choice.extension === "dq" ? 2 : choice.extension === "tq" ? 3 : 1;
  const spectrometer = new Spectrometer({
    basis,
    localNames: spec.localNames,
    ppmI: nuclei.i ? ppmToRadPerS(nuclei.i, hz) : 0,
    ppmS: nuclei.s ? ppmToRadPerS(nuclei.s, hz) : 0,
    qOrderI: q,
  });
  const sequence = module.setup({
    settings: exp.settings,
    conditions: exp.conditions,
    observed: exp.observed,
    start: exp.start,
    spectrometer,
    model: study.model.name,
    spinSystem: spec.name,
    file: exp.file,
    profileX: spec.x,
    ...(shared ? { shared } : {}),
  });
  return { spectrometer, sequence };
}

/**
 * Unscaled intensities at arbitrary x for the given local parameter values (`labels`: EXSY
 * per-point states aligned with x).
 *
 * @example
 * ```ts
 * intensitiesAt(calc, values, Float64Array.of(0, 1, 2));
 * ```
 */
export function intensitiesAt(
  calc: ProfileCalculator,
  localValues: ArrayLike<number>,
  x: Float64Array,
  labels?: readonly string[],
): Float64Array {
  calc.spectrometer.update(localValues);
  return calc.sequence(x, labels);
}

/**
 * A profile's calculated intensities at all its points, scaled like the data (the scale fitted
 * on its retained points when the experiment is scaled, else 1): what output files and plots
 * show, the same wherever it is computed (a run's last step, a simulation, a work item).
 *
 * @example
 * ```ts
 * const { calc: scaled, scale } = scaledIntensities(calc, localValues);
 * ```
 */
export function scaledIntensities(
  calc: ProfileCalculator,
  localValues: ArrayLike<number>,
): { calc: Float64Array; scale: number } {
  const full = intensitiesAt(calc, localValues, calc.x, calc.labels);
  // Every point retained (the usual case): the fitted points are the same x, so the same numbers;
  // evaluating them again doubled the cost of writing a step (a second propagation per profile).
  const fitted = calc.xFit.length === calc.x.length
    ? full
    : intensitiesAt(calc, localValues, calc.xFit, calc.labelsFit);
  const scale = calc.scaled ? fitScale(fitted, calc.expFit, calc.errFit) : 1;
  return { calc: full.map((v) => v * scale), scale };
}

/**
 * Least-squares scale g = Σ(c·e/σ²)/Σ(c²/σ²) of calculated onto experimental intensities.
 *
 * @example
 * ```ts
 * fitScale(Float64Array.of(1, 2), Float64Array.of(2, 4), Float64Array.of(1, 1)); // 2
 * ```
 */
export function fitScale(calc: Float64Array, exp: Float64Array, err: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < calc.length; i++) {
    const c = calc[i] / err[i];
    num += c * (exp[i] / err[i]);
    den += c * c;
  }
  return den === 0 ? 1 : num / den;
}

/**
 * Residuals (g·c − e)/σ of the retained points into `out` (length = retained points);
 * returns the scale used.
 *
 * @example
 * ```ts
 * const r = new Float64Array(calc.xFit.length);
 * profileResiduals(calc, values, r);
 * ```
 */
export function profileResiduals(
  calc: ProfileCalculator,
  localValues: ArrayLike<number>,
  out: Float64Array,
): number {
  const c = intensitiesAt(calc, localValues, calc.xFit, calc.labelsFit);
  const g = calc.scaled ? fitScale(c, calc.expFit, calc.errFit) : 1;
  for (let i = 0; i < c.length; i++) out[i] = (g * c[i] - calc.expFit[i]) / calc.errFit[i];
  return g;
}

/**
 * Residuals of the retained points into `out` as {@link profileResiduals}, and their exact
 * derivatives with respect to the profile's local values into `jac` (row-major, points × local
 * count), the analytic scale g differentiated too: g = N/D with N = Σc·e/σ², D = Σc²/σ², so
 * ∂g = (∂N − g·∂D)/D. Returns the scale, or null (nothing written) when the experiment family
 * provides no exact derivatives.
 *
 * @example
 * ```ts
 * const jac = new Float64Array(calc.xFit.length * values.length);
 * profileResidualsJacobian(calc, values, r, jac); // null for families without derivatives
 * ```
 */
export function profileResidualsJacobian(
  calc: ProfileCalculator,
  localValues: ArrayLike<number>,
  out: Float64Array,
  jac: Float64Array,
): number | null {
  const seq = calc.sequence;
  if (!seq.jacobian) return null;
  calc.spectrometer.update(localValues);
  const { values: c, jac: dc } = seq.jacobian(calc.xFit, calc.labelsFit);
  const nl = localValues.length;
  const { expFit: e, errFit: err } = calc;
  const m = c.length;
  let g = 1;
  let den = 0;
  if (calc.scaled) {
    g = fitScale(c, e, err);
    for (let i = 0; i < m; i++) den += (c[i] / err[i]) ** 2;
  }
  for (let i = 0; i < m; i++) out[i] = (g * c[i] - e[i]) / err[i];
  for (let l = 0; l < nl; l++) {
    let dg = 0;
    if (calc.scaled && den !== 0) {
      let dn = 0;
      let dd = 0;
      for (let i = 0; i < m; i++) {
        const w = 1 / (err[i] * err[i]);
        dn += dc[i * nl + l] * e[i] * w;
        dd += 2 * c[i] * dc[i * nl + l] * w;
      }
      dg = (dn - g * dd) / den;
    }
    for (let i = 0; i < m; i++) jac[i * nl + l] = (dg * c[i] + g * dc[i * nl + l]) / err[i];
  }
  return g;
}
