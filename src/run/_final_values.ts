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
import { checkFiniteProfile, NonFiniteModelError } from "../fit/finite_guard.ts";

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

/**
 * Every selected profile evaluates to finite intensities at `values` (each profile's local
 * values; default: the store's current values).
 */
export function checkStart(
  study: StudySpec,
  store: ParamStore,
  calcs: ProfileCalculator[],
  profiles: number[],
  when: string,
  values: Float64Array[] = localValues(store, study),
): void {
  for (const k of profiles) {
    const c = calcs[k];
    checkFiniteProfile(study, k, intensitiesAt(c, values[k], c.xFit, c.labelsFit), values[k], when);
  }
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
