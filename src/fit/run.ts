/**
 * Running a study through method steps (fit) or once (simulate), producing for each step the
 * files of its output folder. No I/O here: callers write the returned maps.
 *
 * @module
 */
import type { StudySpec } from "./study.ts";
import { createCalculator, fitScale, intensitiesAt, type ProfileCalculator } from "./evaluate.ts";
import {
  compileStore,
  evaluateDefinitions,
  type ParamStore,
  storeValues,
} from "../params/store.ts";
import { applyStatus, runFitStep, selectProfiles, type StepResult, type StepSpec } from "./step.ts";
import { type ProfileCalc, stepFiles } from "../output/step_files.ts";
import { cpmgCurveNcyc, type CpmgPlotData, cpmgPlotData } from "../plot/cpmg.ts";
import { EXPERIMENTS } from "../experiments/registry.ts";

/** The output of one step. */
export interface StepOutput {
  /** Step folder name, "" for a single unnamed step. */
  name: string;
  files: Map<string, string>;
  result?: StepResult;
  /** Plot data per experiment stem, when plots were requested. */
  plots: Map<string, CpmgPlotData[]>;
}

/** Current value of every profile's local parameters. */
function localValues(store: ParamStore, study: StudySpec): Float64Array[] {
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  // Derived values are reported in constrained.toml: keep the store in step.
  storeValues(store, pv);
  return study.profiles.map((p) =>
    Float64Array.from(p.paramIds.map((id) => pv.values[pv.index.get(id)!]))
  );
}

function finalCalcs(
  study: StudySpec,
  store: ParamStore,
  calcs: ProfileCalculator[],
  profiles: number[],
): { calcs: ProfileCalc[]; scales: Map<number, number>; values: Float64Array[] } {
  const values = localValues(store, study);
  const scales = new Map<number, number>();
  const out = profiles.map((k) => {
    const c = calcs[k];
    const full = intensitiesAt(c, values[k], c.x);
    const fitted = intensitiesAt(c, values[k], c.xFit);
    const g = c.scaled ? fitScale(fitted, c.expFit, c.errFit) : 1;
    scales.set(k, g);
    return { profile: k, calc: full.map((v) => v * g) };
  });
  return { calcs: out, scales, values };
}

function plotData(
  study: StudySpec,
  calcs: ProfileCalculator[],
  finals: ProfileCalc[],
  scales: Map<number, number>,
  values: Float64Array[],
  seed: number,
): Map<string, CpmgPlotData[]> {
  const out = new Map<string, CpmgPlotData[]>();
  for (const f of finals) {
    const p = study.profiles[f.profile];
    const exp = study.experiments[p.experiment];
    if (EXPERIMENTS[exp.name].xKind !== "ncyc") continue;
    const x = calcs[f.profile].x;
    const curveNcyc = cpmgCurveNcyc(x, Boolean(exp.settings.even_ncycs));
    const g = scales.get(f.profile)!;
    const curveCalc = intensitiesAt(calcs[f.profile], values[f.profile], curveNcyc).map((v) =>
      v * g
    );
    const data = cpmgPlotData({
      name: p.name,
      timeT2S: exp.settings.time_t2 as number,
      ncyc: x,
      exp: Float64Array.from(p.exp),
      err: Float64Array.from(p.err),
      calc: f.calc,
      used: p.mask,
      curveNcyc,
      curveCalc,
    }, seed + f.profile);
    if (!out.has(exp.stem)) out.set(exp.stem, []);
    out.get(exp.stem)!.push(data);
  }
  return out;
}

/** Options common to fit and simulate. */
export interface RunOptions {
  plot: boolean;
  seed: number;
}

/**
 * Fit a study step by step; the store is updated in place and status carries over.
 *
 * @example
 * ```ts
 * for (const out of runFit(study, store, steps, { plot: false, seed: 0 })) write(out);
 * ```
 */
export function* runFit(
  study: StudySpec,
  store: ParamStore,
  steps: StepSpec[],
  opts: RunOptions,
): Generator<StepOutput> {
  const calcs = study.profiles.map((_, k) => createCalculator(study, k));
  let selected = study.profiles.map(() => true);
  for (const step of steps) {
    selected = selectProfiles(study, step, selected);
    applyStatus(store, step);
    const result = runFitStep(study, store, step, selected);
    const chosen = selected.map((s, k) => s ? k : -1).filter((k) => k >= 0);
    const fin = finalCalcs(study, store, calcs, chosen);
    const files = stepFiles({
      study,
      store,
      profiles: chosen,
      calcs: fin.calcs,
      stats: result.stats,
    });
    const plots = opts.plot
      ? plotData(study, calcs, fin.calcs, fin.scales, fin.values, opts.seed)
      : new Map();
    yield { name: step.name, files, result, plots };
  }
}

/**
 * Simulate every profile with the starting parameters (scaled to the data, noise-free).
 *
 * @example
 * ```ts
 * const out = runSimulate(study, store, { plot: false, seed: 0 });
 * ```
 */
export function runSimulate(study: StudySpec, store: ParamStore, opts: RunOptions): StepOutput {
  const calcs = study.profiles.map((_, k) => createCalculator(study, k));
  const all = study.profiles.map((_, k) => k);
  const fin = finalCalcs(study, store, calcs, all);
  const files = stepFiles({ study, store, profiles: all, calcs: fin.calcs });
  const plots = opts.plot
    ? plotData(study, calcs, fin.calcs, fin.scales, fin.values, opts.seed)
    : new Map();
  return { name: "", files, plots };
}
