/**
 * Plot data of a step for the R1ρ rate experiments (see `src/plot/r1rho.ts`): measured rates
 * and the model evaluated on a dense grid of the profile's x (offsets or fields).
 *
 * @module
 */
import type { StudySpec } from "../fit/study.ts";
import { basisNuclei } from "../fit/study.ts";
import { intensitiesAt, type ProfileCalculator } from "../fit/evaluate.ts";
import { EXPERIMENTS } from "../experiments/registry.ts";
import { ppmToRadPerS } from "../nmr/constants.ts";
import { r1rhoCurveX, type R1rhoPlotData, r1rhoPlotData } from "../plot/r1rho.ts";

/**
 * R1ρ plot data per experiment stem for the profiles of rate experiments (family `r1rho`); with
 * `simulate` the data are the calculated values.
 *
 * @example
 * ```ts
 * const plots = r1rhoPlotsOf(study, calcs, fin.calcs, fin.values, false);
 * ```
 */
export function r1rhoPlotsOf(
  study: StudySpec,
  calcs: ProfileCalculator[],
  finals: readonly { profile: number; calc: Float64Array }[],
  values: readonly Float64Array[],
  simulate: boolean,
): Map<string, R1rhoPlotData[]> {
  const out = new Map<string, R1rhoPlotData[]>();
  for (const f of finals) {
    const p = study.profiles[f.profile];
    const exp = study.experiments[p.experiment];
    const module = EXPERIMENTS[exp.name];
    if (module.schema.family !== "r1rho") continue;
    const calc = calcs[f.profile];
    const xAxis = exp.settings.x_axis === "b1_frq" ? "b1_frq" : "offset";
    const curveX = r1rhoCurveX(calc.x, xAxis);
    const curveCalc = intensitiesAt(calc, values[f.profile], curveX);
    const choice = module.basis(exp.settings);
    const nucleus = basisNuclei(choice.type, choice.pair).i;
    const hzPerPpm = nucleus
      ? Math.abs(ppmToRadPerS(nucleus, exp.conditions.h_larmor_frq ?? 0)) / (2 * Math.PI)
      : 0;
    const cs = p.localNames.indexOf(`cs_i_${exp.observed[0]}`);
    const csPpm = cs >= 0 ? values[f.profile][cs] : (exp.settings.carrier as number);
    const data = r1rhoPlotData({
      name: p.name,
      xAxis,
      x: calc.x,
      b1Hz: exp.settings.b1_frq as number | undefined,
      stateFromCarrierHz: (csPpm - (exp.settings.carrier as number)) * hzPerPpm,
      exp: simulate ? f.calc : p.exp,
      err: p.err,
      calc: f.calc,
      used: p.mask,
      curveX,
      curveCalc,
    });
    if (!out.has(exp.stem)) out.set(exp.stem, []);
    out.get(exp.stem)!.push(data);
  }
  return out;
}
