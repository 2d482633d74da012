/**
 * Plot data of a step for relaxation, EXSY and shift experiments (see `src/plot/relaxation.ts`
 * and `src/plot/shift.ts`): panels with the model evaluated on ChemEx's smooth delay grids, and
 * the calculated-versus-observed shifts.
 *
 * @module
 */
import type { StudySpec } from "../fit/study.ts";
import { intensitiesAt, type ProfileCalculator } from "../fit/evaluate.ts";
import { EXPERIMENTS } from "../experiments/registry.ts";
import { type Final, sortedBySpin } from "./_final.ts";
import {
  decayCurveTimes,
  type DecayPanel,
  decayPanel,
  largestMagnitude,
} from "../plot/relaxation.ts";
import type { ShiftPoint } from "../plot/shift.ts";

/**
 * Relaxation and EXSY panels per experiment stem. Relaxation: one panel per profile, curve on
 * 100 delays spanning the data ±2 % (positive delays only). EXSY: one panel per (start,
 * detected) state pair of each profile, curve on 100 delays spanning the data. Intensities are
 * divided by the profile's data point of largest magnitude; with `simulate` the data are the
 * calculated intensities (ChemEx simulates with exp := calc).
 *
 * @example
 * ```ts
 * const panels = decayPlotsOf(study, calcs, fin.calcs, fin.scales, fin.values, false);
 * ```
 */
export function decayPlotsOf(
  study: StudySpec,
  calcs: ProfileCalculator[],
  finals: readonly Final[],
  scales: ReadonlyMap<number, number>,
  values: readonly Float64Array[],
  simulate: boolean,
): Map<string, DecayPanel[]> {
  const out = new Map<string, DecayPanel[]>();
  for (const f of sortedBySpin(study, finals)) {
    const p = study.profiles[f.profile];
    const exp = study.experiments[p.experiment];
    const family = EXPERIMENTS[exp.name].schema.family;
    if (family !== "relaxation" && family !== "exsy") continue;
    const calc = calcs[f.profile];
    const g = scales.get(f.profile) ?? 1;
    const data = simulate ? f.calc : Float64Array.from(p.exp);
    const i0 = largestMagnitude(data);
    const panels: DecayPanel[] = [];
    if (family === "relaxation") {
      const curveTimesS = decayCurveTimes(p.x, 0.02, true);
      const curveCalc = intensitiesAt(calc, values[f.profile], curveTimesS).map((v) => v * g);
      panels.push(decayPanel({
        name: p.name,
        timesS: p.x,
        exp: data,
        err: p.err,
        calc: f.calc,
        used: p.mask,
        curveTimesS,
        curveCalc,
        i0,
      }));
    } else {
      const labels = p.labels ?? [];
      const pairs = [...new Set(labels)];
      const grid = decayCurveTimes(p.x, 0, false);
      for (const pair of pairs) {
        const idx = labels.map((l, k) => l === pair ? k : -1).filter((k) => k >= 0);
        const curveCalc = intensitiesAt(
          calc,
          values[f.profile],
          grid,
          Array.from(grid, () => pair),
        ).map((v) => v * g);
        panels.push(decayPanel({
          name: `${p.name}_${pair}`,
          exsy: true,
          timesS: idx.map((k) => p.x[k]),
          exp: idx.map((k) => data[k]),
          err: idx.map((k) => p.err[k]),
          calc: idx.map((k) => f.calc[k]),
          used: idx.map((k) => p.mask[k]),
          curveTimesS: grid,
          curveCalc,
          i0,
        }));
      }
    }
    if (!out.has(exp.stem)) out.set(exp.stem, []);
    out.get(exp.stem)!.push(...panels);
  }
  return out;
}

/**
 * Calculated and observed shifts (ppb) per shift-experiment stem, one point per spin system;
 * with `simulate` the observed value is the calculated one (exp := calc).
 *
 * @example
 * ```ts
 * const shifts = shiftPlotsOf(study, fin.calcs, false);
 * ```
 */
export function shiftPlotsOf(
  study: StudySpec,
  finals: readonly Final[],
  simulate: boolean,
): Map<string, ShiftPoint[]> {
  const out = new Map<string, ShiftPoint[]>();
  for (const f of sortedBySpin(study, finals)) {
    const p = study.profiles[f.profile];
    const exp = study.experiments[p.experiment];
    if (EXPERIMENTS[exp.name].schema.family !== "shift") continue;
    if (!out.has(exp.stem)) out.set(exp.stem, []);
    out.get(exp.stem)!.push({
      name: p.name,
      exp: simulate ? f.calc[0] : p.exp[0],
      err: p.err[0],
      calc: f.calc[0],
    });
  }
  return out;
}
