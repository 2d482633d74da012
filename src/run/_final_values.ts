/**
 * What a fit's last evaluation and a simulation share: the profiles' local values, their scaled
 * calculated intensities, the finiteness checks, and the CPMG plot data. Private to `src/run`.
 *
 * @module
 */
import type { ProfileCalc, StudySpec } from "../fit/study.ts";
import { intensitiesAt, type ProfileCalculator, scaledIntensities } from "../fit/evaluate.ts";
import {
  compileStore,
  evaluateDefinitions,
  type ParamStore,
  storeValues,
} from "../params/store.ts";
import { cpmgCurveNcyc, type CpmgPlotData, cpmgPlotData } from "../plot/cpmg.ts";
import type { CpmgErrorBars } from "../plot/cpmg_error_bars.ts";
import { EXPERIMENTS } from "../experiments/registry.ts";
import { checkFiniteProfile, firstNonFinite, NonFiniteModelError } from "../fit/finite_guard.ts";
import type { SimulatedProfile } from "./simulate.ts";

/**
 * A step's intensities computed by the step loop's driver (on workers: `run.ts#IntensityRunner`),
 * or null for "compute them here".
 */
export type IntensityAnswer = SimulatedProfile[] | null;

/** Current value of every profile's local parameters. */
export function localValues(store: ParamStore, study: StudySpec): Float64Array[] {
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  // Derived values are reported in constrained.toml: keep the store in step.
  storeValues(store, pv);
  return study.profiles.map((p) =>
    Float64Array.from(p.paramIds.map((id) => pv.values[pv.index.get(id)!]))
  );
}

export function finalCalcs(
  study: StudySpec,
  store: ParamStore,
  calcs: ProfileCalculator[],
  profiles: number[],
): { calcs: ProfileCalc[]; scales: Map<number, number>; values: Float64Array[] } {
  const values = localValues(store, study);
  const scales = new Map<number, number>();
  const out = profiles.map((k) => {
    const { calc, scale } = scaledIntensities(calcs[k], values[k]);
    scales.set(k, scale);
    return { profile: k, calc };
  });
  return { calcs: out, scales, values };
}

/** Every selected profile evaluates to finite intensities at the current values. */
export function checkStart(
  study: StudySpec,
  store: ParamStore,
  calcs: ProfileCalculator[],
  profiles: number[],
  when: string,
): void {
  const values = localValues(store, study);
  for (const k of profiles) {
    const c = calcs[k];
    checkFiniteProfile(study, k, intensitiesAt(c, values[k], c.xFit, c.labelsFit), values[k], when);
  }
}

/**
 * {@link checkStart} from intensities computed elsewhere: a profile found non-finite there is
 * evaluated here again, so the error names its point as {@link checkStart} does.
 */
export function checkStartFrom(
  study: StudySpec,
  store: ParamStore,
  calcs: ProfileCalculator[],
  answer: IntensityAnswer,
  profiles: number[],
  when: string,
): void {
  if (!answer) return checkStart(study, store, calcs, profiles, when);
  const bad = answer.filter((a) => firstNonFinite(a.calc) >= 0).map((a) => a.profile);
  if (bad.length === 0) return;
  checkStart(study, store, calcs, bad, when);
  throw new NonFiniteModelError(
    `model evaluation of profile ${study.profiles[bad[0]].name} ${when} gave a non-finite value`,
  );
}

/** {@link finalCalcs} from intensities computed elsewhere (null: computed here). */
export function finalFrom(
  study: StudySpec,
  store: ParamStore,
  calcs: ProfileCalculator[],
  answer: IntensityAnswer,
  profiles: number[],
): ReturnType<typeof finalCalcs> {
  if (!answer) return finalCalcs(study, store, calcs, profiles);
  const values = localValues(store, study);
  const byProfile = new Map(answer.map((a) => [a.profile, a]));
  const scales = new Map<number, number>();
  const out = profiles.map((k) => {
    const a = byProfile.get(k);
    if (!a) throw new Error(`no final intensities came back for profile ${study.profiles[k].name}`);
    scales.set(k, a.scale);
    return { profile: k, calc: a.calc };
  });
  return { calcs: out, scales, values };
}

/** The fitted curves and chi-square are finite (nothing non-finite reaches an output file). */
export function checkFinal(
  study: StudySpec,
  fin: ReturnType<typeof finalCalcs>,
  when: string,
  chisqr: number,
): void {
  for (const f of fin.calcs) {
    checkFiniteProfile(study, f.profile, f.calc, fin.values[f.profile], when);
  }
  if (!Number.isFinite(chisqr)) {
    throw new NonFiniteModelError(`the chi-square ${when} is ${chisqr}; nothing was written`);
  }
}

export function plotData(
  study: StudySpec,
  calcs: ProfileCalculator[],
  finals: ProfileCalc[],
  scales: Map<number, number>,
  values: Float64Array[],
  seed: number,
  errorBars?: CpmgErrorBars,
): Map<string, CpmgPlotData[]> {
  const out = new Map<string, CpmgPlotData[]>();
  for (const f of finals) {
    const p = study.profiles[f.profile];
    const exp = study.experiments[p.experiment];
    if (EXPERIMENTS[exp.name].xKind !== "ncyc") continue;
    const x = calcs[f.profile].x;
    const even = EXPERIMENTS[exp.name].evenNcycs?.(exp.settings) ?? exp.settings.even_ncycs;
    const curveNcyc = cpmgCurveNcyc(x, Boolean(even));
    const g = scales.get(f.profile)!;
    const curveCalc = intensitiesAt(calcs[f.profile], values[f.profile], curveNcyc).map((v) =>
      v * g
    );
    const data = cpmgPlotData(
      {
        name: p.name,
        timeT2S: exp.settings.time_t2 as number,
        ncyc: x,
        exp: Float64Array.from(p.exp),
        err: Float64Array.from(p.err),
        calc: f.calc,
        used: p.mask,
        curveNcyc,
        curveCalc,
      },
      seed + f.profile,
      errorBars,
    );
    if (!out.has(exp.stem)) out.set(exp.stem, []);
    out.get(exp.stem)!.push(data);
  }
  return out;
}
