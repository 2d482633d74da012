/**
 * Bottleneck profile of one fit, in process: the time share of each stage — load (reading the
 * files into a study), evaluate (residuals at the solver's points and the final intensities),
 * Jacobian (the problem's Jacobian hook, forward differences or exact), linear algebra (the TRF
 * solver itself) and output (formatting the step's files) — for every step
 * of a study's method.
 *
 * The step loop mirrors `src/run/run.ts` and runs the production group solver
 * (`src/fit/group_solve.ts#solveGroup`) on the group problem with timers around its residual and
 * Jacobian calls, so no production code carries timers (error estimates and basin search are left
 * out).
 *
 * @module
 */
import { loadStudy } from "../src/io/load.ts";
import { readMethodFiles } from "../src/config/method.ts";
import { parseModel } from "../src/models/model.ts";
import { applyStatus, independentGroups, selectProfiles } from "../src/fit/step.ts";
import { applyConstraints } from "../src/fit/constraints.ts";
import { createChunkEvaluator, makeChunk } from "../src/fit/chunk.ts";
import { createGroupProblem, type GroupProblem } from "../src/fit/problem.ts";
import { solveGroup } from "../src/fit/group_solve.ts";
import { createCalculator, fitScale, intensitiesAt } from "../src/fit/evaluate.ts";
import { compileStore, evaluateDefinitions, storeValues } from "../src/params/store.ts";
import { stepFiles } from "../src/output/step_files.ts";
import type { Result } from "./_results.ts";

/** Stage times in milliseconds. */
export interface StageTimes {
  load: number;
  evaluate: number;
  jacobian: number;
  linalg: number;
  output: number;
}

function expand(folder: string, pattern: string): string[] {
  const [dir, glob] = [pattern.slice(0, pattern.lastIndexOf("/")), pattern.split("/").pop()!];
  const re = new RegExp(`^${glob.replace(/\./g, "\\.").replace(/\*/g, ".*")}$`);
  return [...Deno.readDirSync(`${folder}/${dir}`)].map((e) => e.name).filter((n) => re.test(n))
    .sort().map((n) => `${dir}/${n}`);
}

/**
 * Fit the study in `folder` (its Experiments/*.toml, Parameters/*.toml and the given method)
 * once, timing each stage.
 *
 * @example
 * ```ts
 * const t = profileFit("../shared/refdata/fit/CPMG_15N_IP", "Methods/method.toml", "2st");
 * ```
 */
export function profileFit(folder: string, method: string, model = "2st"): StageTimes {
  const t: StageTimes = { load: 0, evaluate: 0, jacobian: 0, linalg: 0, output: 0 };
  const cwd = Deno.cwd();
  Deno.chdir(folder);
  let t0 = performance.now();
  let loaded, steps;
  try {
    steps = readMethodFiles([method]);
    loaded = loadStudy({
      experiments: expand(".", "Experiments/*.toml"),
      parameters: expand(".", "Parameters/*.toml"),
      model: parseModel(model),
    });
  } finally {
    Deno.chdir(cwd);
  }
  t.load += performance.now() - t0;
  const { study, store } = loaded;
  let selected = study.profiles.map(() => true);
  for (const step of steps) {
    applyStatus(store, step);
    applyConstraints(store, step.constraints, { file: method, step: step.name });
    selected = selectProfiles(study, step, selected);
    const chosen = selected.map((s, k) => s ? k : -1).filter((k) => k >= 0);
    for (const g of independentGroups(store, study, chosen)) {
      const problem = createGroupProblem(store, createChunkEvaluator(makeChunk(study, g)));
      const n = problem.free.length;
      if (n === 0) continue;
      let inner = 0;
      // The production solver (`solveGroup`, x_scale "jac"), on the same problem with timers
      // around its residual and Jacobian calls.
      const timed: GroupProblem = {
        ...problem,
        residuals: (x) => {
          const s = performance.now();
          const r = problem.residuals(x);
          const d = performance.now() - s;
          t.evaluate += d;
          inner += d;
          return r;
        },
        jacobian: (x, f) => {
          const s = performance.now();
          const j = problem.jacobian(x, f);
          const d = performance.now() - s;
          t.jacobian += d;
          inner += d;
          return j;
        },
      };
      t0 = performance.now();
      const sol = solveGroup(timed, "jac");
      t.linalg += performance.now() - t0 - inner;
      problem.freeIds.forEach((id, j) => {
        store.get(id)!.value = sol.x[j];
      });
    }
    // Final intensities of the step's profiles (evaluate), then its files (output).
    t0 = performance.now();
    const pv = compileStore(store);
    evaluateDefinitions(pv);
    storeValues(store, pv);
    const calcs = chosen.map((k) => {
      const c = createCalculator(study, k);
      const values = Float64Array.from(
        study.profiles[k].paramIds.map((id) => pv.values[pv.index.get(id)!]),
      );
      const full = intensitiesAt(c, values, c.x, c.labels);
      const fitted = intensitiesAt(c, values, c.xFit, c.labelsFit);
      const g = c.scaled ? fitScale(fitted, c.expFit, c.errFit) : 1;
      return { profile: k, calc: full.map((v) => v * g) };
    });
    t.evaluate += performance.now() - t0;
    t0 = performance.now();
    stepFiles({ study, store, profiles: chosen, calcs });
    t.output += performance.now() - t0;
  }
  return t;
}

/**
 * Profile `runs` fits of the example and print the share of each stage (medians); returns one
 * result per stage (`profile <name> <stage>`, ms).
 */
export function profileBenchmark(
  name: string,
  folder: string,
  method: string,
  runs = 3,
  model = "2st",
): Result[] {
  const all: StageTimes[] = [];
  for (let i = 0; i < runs; i++) all.push(profileFit(folder, method, model));
  const stages = Object.keys(all[0]) as (keyof StageTimes)[];
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const medians = stages.map((s) => med(all.map((t) => t[s])));
  const total = medians.reduce((a, b) => a + b, 0);
  console.log(`== bottleneck profile: one fit of ${name} (median of ${runs}) ==`);
  stages.forEach((s, i) => {
    console.log(
      `${s.padEnd(10)} ${medians[i].toFixed(1).padStart(9)} ms  ${
        (100 * medians[i] / total).toFixed(1).padStart(5)
      } %`,
    );
  });
  console.log(`${"total".padEnd(10)} ${total.toFixed(1).padStart(9)} ms`);
  return stages.map((s) => ({
    name: `profile ${name} ${s}`,
    unit: "ms" as const,
    samples: all.map((t) => t[s]),
  }));
}
