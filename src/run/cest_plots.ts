/**
 * CEST plot data of a step: for each profile of an offset-type experiment, the data as I/I0,
 * the model on ChemEx's 400-point grid and the state positions (see `src/plot/cest.ts`).
 *
 * @module
 */
import type { StudySpec } from "../fit/study.ts";
import { basisNuclei } from "../fit/study.ts";
import { intensitiesAt, type ProfileCalculator } from "../fit/evaluate.ts";
import { EXPERIMENTS } from "../experiments/registry.ts";
import { ppmToRadPerS } from "../nmr/constants.ts";
import { cestCurveOffsets, type CestPlotData, cestPlotData } from "../plot/cest.ts";
import { type Final, sortedBySpin } from "./_final.ts";

/** How a CEST profile's offsets map to ppm (see `CestPlotInput`). */
export interface CestAxis {
  isReference: (offsetHz: number) => boolean;
  carrierPpm: number;
  radPerSPerPpm: number;
  swHz: number;
}

/**
 * The ppm axis of profile `index` of an offset-type experiment: carrier, |rad/s per ppm| of the
 * I spin at the experiment's field, spectral width and reference test.
 *
 * @example
 * ```ts
 * const axis = cestAxisOf(study, 0);
 * ```
 */
export function cestAxisOf(study: StudySpec, index: number): CestAxis {
  const exp = study.experiments[study.profiles[index].experiment];
  const module = EXPERIMENTS[exp.name];
  const choice = module.basis(exp.settings);
  const nucleus = basisNuclei(choice.type, choice.pair).i;
  return {
    isReference: module.isReference,
    carrierPpm: (exp.settings.carrier as number | undefined) ?? 0,
    radPerSPerPpm: Math.abs(nucleus ? ppmToRadPerS(nucleus, exp.conditions.h_larmor_frq ?? 0) : 0),
    swHz: (exp.settings.sw as number | undefined) ?? Infinity,
  };
}

/**
 * Plot data per experiment stem for the offset-type profiles among `finals`. With `simulate`,
 * the data are the calculated intensities (ChemEx simulates with exp := calc, so I0 is the mean
 * calculated reference).
 *
 * @example
 * ```ts
 * const plots = cestPlotsOf(study, calcs, fin.calcs, fin.scales, fin.values, false);
 * ```
 */
export function cestPlotsOf(
  study: StudySpec,
  calcs: ProfileCalculator[],
  finals: readonly Final[],
  scales: ReadonlyMap<number, number>,
  values: readonly Float64Array[],
  simulate: boolean,
): Map<string, CestPlotData[]> {
  const out = new Map<string, CestPlotData[]>();
  for (const f of sortedBySpin(study, finals)) {
    const p = study.profiles[f.profile];
    const exp = study.experiments[p.experiment];
    const module = EXPERIMENTS[exp.name];
    // R1ρ rates also run over offsets: they have their own plots (`r1rho_plots.ts`).
    if (module.xKind !== "offset" || module.schema.family === "r1rho") continue;
    const calc = calcs[f.profile];
    const g = scales.get(f.profile) ?? 1;
    const curveOffsetsHz = cestCurveOffsets(calc.x, module.isReference);
    const curveCalc = intensitiesAt(calc, values[f.profile], curveOffsetsHz).map((v) => v * g);
    const axis = cestAxisOf(study, f.profile);
    const statesPpm = study.model.states
      .map((s) => p.localNames.indexOf(`cs_i_${s}`))
      .filter((k) => k >= 0)
      .map((k) => values[f.profile][k]);
    const data = cestPlotData({
      name: p.name,
      offsetsHz: calc.x,
      exp: simulate ? f.calc : Float64Array.from(p.exp),
      err: Float64Array.from(p.err),
      calc: f.calc,
      used: p.mask,
      curveOffsetsHz,
      curveCalc,
      ...axis,
      statesPpm,
    });
    if (!out.has(exp.stem)) out.set(exp.stem, []);
    out.get(exp.stem)!.push(data);
  }
  return out;
}
