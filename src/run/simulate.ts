/**
 * `exfit simulate`: every profile at the starting parameters, scaled to the data, noise-free —
 * in this process ({@link runSimulate}) or with the intensities computed elsewhere
 * ({@link runSimulateWith}, e.g. `simulate` work items on an executor); the same files either way.
 *
 * @module
 */
import type { ProfileCalc, StudySpec } from "../fit/study.ts";
import { createCalculator, type ProfileCalculator } from "../fit/evaluate.ts";
import type { ParamStore } from "../params/store.ts";
import { stepFiles } from "../output/step_files.ts";
import { cestPlotsOf } from "./cest_plots.ts";
import { decayPlotsOf, shiftPlotsOf } from "./decay_plots.ts";
import { r1rhoPlotsOf } from "./r1rho_plots.ts";
import { checkFinal, finalCalcs, localValues, plotData } from "./_final_values.ts";
import type { RunOptions, StepOutput } from "./run.ts";

/**
 * The study a simulation evaluates: ChemEx applies no data filter when simulating (filter_planes,
 * filter_ref_planes and filter_offsets only act before fitting), so every point is used for the
 * scale and printed.
 *
 * @example
 * ```ts
 * const all = simulationStudy(loaded.study);
 * ```
 */
export function simulationStudy(fitStudy: StudySpec): StudySpec {
  return {
    ...fitStudy,
    profiles: fitStudy.profiles.map((p) => ({ ...p, mask: p.mask.map(() => true) })),
  };
}

/** Scaled calculated intensities of one simulated profile (study index) and its scale. */
export interface SimulatedProfile extends ProfileCalc {
  scale: number;
}

/**
 * Simulates profiles `profiles` of a simulation study (what {@link scaledIntensities} gives for
 * each), e.g. as `simulate` work items on an executor; answers may come in any order.
 */
export type SimulationRunner = (
  study: StudySpec,
  store: ParamStore,
  profiles: number[],
) => Promise<SimulatedProfile[]>;

/**
 * Simulate every profile with the starting parameters (scaled to the data, noise-free).
 *
 * @example
 * ```ts
 * const out = runSimulate(study, store, { plot: false, seed: 0 });
 * ```
 */
export function runSimulate(
  fitStudy: StudySpec,
  store: ParamStore,
  opts: RunOptions,
): StepOutput {
  const study = simulationStudy(fitStudy);
  const calcs = study.profiles.map((_, k) => createCalculator(study, k));
  const fin = finalCalcs(study, store, calcs, study.profiles.map((_, k) => k));
  return simulationOutput(study, store, calcs, fin, opts);
}

/**
 * {@link runSimulate} with the profiles' intensities computed by `simulate` (an executor's work
 * items): the same files, since each profile's intensities are a pure function of the profile
 * and the parameters, wherever they are computed.
 *
 * @example
 * ```ts
 * const out = await runSimulateWith(study, store, { plot: false, seed: 0 }, simulateOn(executor));
 * ```
 */
export async function runSimulateWith(
  fitStudy: StudySpec,
  store: ParamStore,
  opts: RunOptions,
  simulate: SimulationRunner,
): Promise<StepOutput> {
  const study = simulationStudy(fitStudy);
  const calcs = study.profiles.map((_, k) => createCalculator(study, k));
  const all = study.profiles.map((_, k) => k);
  const values = localValues(store, study);
  const byProfile = new Map<number, SimulatedProfile>();
  for (const r of await simulate(study, store, all)) {
    if (byProfile.has(r.profile) || !(r.profile in study.profiles)) {
      throw new Error(`simulation: unexpected or repeated profile ${r.profile}`);
    }
    if (r.calc.length !== study.profiles[r.profile].x.length) {
      throw new Error(`simulation: profile ${r.profile} has ${r.calc.length} intensities`);
    }
    byProfile.set(r.profile, r);
  }
  const missing = all.find((k) => !byProfile.has(k));
  if (missing !== undefined) throw new Error(`simulation: profile ${missing} is missing`);
  const fin = {
    calcs: all.map((k) => ({ profile: k, calc: byProfile.get(k)!.calc })),
    scales: new Map(all.map((k) => [k, byProfile.get(k)!.scale])),
    values,
  };
  return simulationOutput(study, store, calcs, fin, opts);
}

/** The files and plots of a simulation from its scaled intensities. */
function simulationOutput(
  study: StudySpec,
  store: ParamStore,
  calcs: ProfileCalculator[],
  fin: ReturnType<typeof finalCalcs>,
  opts: RunOptions,
): StepOutput {
  const all = study.profiles.map((_, k) => k);
  checkFinal(study, fin, "in the simulation", 0);
  const files = stepFiles({ study, store, profiles: all, calcs: fin.calcs });
  const plots = opts.plot
    ? plotData(study, calcs, fin.calcs, fin.scales, fin.values, opts.seed)
    : new Map();
  const cestPlots = opts.plot
    ? cestPlotsOf(study, calcs, fin.calcs, fin.scales, fin.values, true)
    : undefined;
  const decayPlots = opts.plot
    ? decayPlotsOf(study, calcs, fin.calcs, fin.scales, fin.values, true)
    : undefined;
  const shiftPlots = opts.plot ? shiftPlotsOf(study, fin.calcs, true) : undefined;
  const r1rhoPlots = opts.plot
    ? r1rhoPlotsOf(study, calcs, fin.calcs, fin.values, true)
    : undefined;
  return { name: "", files, plots, cestPlots, decayPlots, shiftPlots, r1rhoPlots };
}
