/**
 * Group fits on real CPMG data (ChemEx's CPMG_15N_IP, one residue at two fields): the default
 * economy (`src/fit/group_solve.ts#ECONOMY`) costs fewer profile evaluations than SciPy's
 * iteration for the same answer, and `fitGroup` takes the end point's residuals and scales from
 * the solver instead of evaluating them again. A step's evaluation count is the same in this
 * process and on an executor.
 */
import { strict as assert } from "node:assert";
import { refdataTest } from "./_refdata.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { createChunkEvaluator, makeChunk } from "../src/fit/chunk.ts";
import { createGroupProblem } from "../src/fit/problem.ts";
import { ECONOMY, SCIPY_ITERATION, solveGroup } from "../src/fit/group_solve.ts";
import { fitGroup, independentGroups, runFitStep, type StepSpec } from "../src/fit/step.ts";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { createStepRunner } from "../workflows/steps.ts";
import { inProcessExecutor } from "../workflows/executor.ts";
import { covarianceFromJacobian } from "../src/solver/covariance.ts";

function residueGroups(refdata: string) {
  const folder = `${refdata}/fit/CPMG_15N_IP`;
  const cwd = Deno.cwd();
  Deno.chdir(folder);
  try {
    const { study, store } = loadStudy({
      experiments: ["Experiments/500mhz.toml", "Experiments/800mhz.toml"],
      parameters: ["Parameters/parameters.toml"],
      model: parseModel("2st"),
    });
    for (const id of ["KEX_AB", "PB"]) {
      for (const p of store.values()) if (p.id === id) p.vary = false;
    }
    const all = study.profiles.map((_, k) => k);
    return { study, store, groups: independentGroups(store, study, all) };
  } finally {
    Deno.chdir(cwd);
  }
}

refdataTest("group fits: the economy saves profile evaluations, same answer", (refdata) => {
  const { study, store, groups } = residueGroups(refdata);
  let scipyEvals = 0;
  let economyEvals = 0;
  for (const g of groups.slice(0, 12)) {
    const a = createGroupProblem(store, createChunkEvaluator(makeChunk(study, g)));
    const b = createGroupProblem(store, createChunkEvaluator(makeChunk(study, g)));
    const ref = solveGroup(a, "jac", a.x0, undefined, SCIPY_ITERATION);
    const sol = solveGroup(b, "jac", b.x0, undefined, ECONOMY);
    scipyEvals += a.evaluations();
    economyEvals += b.evaluations();
    assert.ok(2 * (sol.cost - ref.cost) <= 1e-4, `Δχ² ${2 * (sol.cost - ref.cost)}`);
    const n = ref.x.length;
    const cov = covarianceFromJacobian(ref.jac, a.m, n).covariance!;
    for (let j = 0; j < n; j++) {
      const sigmas = Math.abs(sol.x[j] - ref.x[j]) / Math.sqrt(cov[j * n + j]);
      assert.ok(sigmas < 0.02, `${a.freeIds[j]}: ${sigmas} σ`);
    }
    // Every Jacobian handed out with the result is an evaluated one.
    assert.deepEqual(Array.from(sol.jac), Array.from(b.jacobian(sol.x, sol.fun)));
  }
  assert.ok(
    economyEvals < 0.9 * scipyEvals,
    `profile evaluations ${economyEvals} against ${scipyEvals}`,
  );
});

refdataTest("fitGroup takes the end point's residuals and scales from the solver", (refdata) => {
  const { study, store, groups } = residueGroups(refdata);
  const g = groups[0];
  const solo = createGroupProblem(store, createChunkEvaluator(makeChunk(study, g)));
  solveGroup(solo, "jac");
  const fit = fitGroup(store, createChunkEvaluator(makeChunk(study, g)));
  // No evaluation beyond the solver's own.
  assert.equal(fit.problem.evaluations(), solo.evaluations());
  const x = Float64Array.from(fit.problem.freeIds, (id) => store.get(id)!.value);
  const scales = fit.problem.scales.slice();
  const again = fit.problem.residuals(x);
  assert.deepEqual(Array.from(fit.residuals), Array.from(again));
  assert.deepEqual(Array.from(scales), Array.from(fit.problem.scales));
});

Deno.test("a step's evaluations count every fit of a basin search, in this process as on an executor", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_evals_" });
  try {
    // Seed 1: the search's best start is not the plain fit.
    const s = writeSyntheticStudy(dir, { residues: 3, seed: 1, noise: 0.02 });
    const load = () =>
      loadStudy({
        experiments: s.experiments,
        parameters: [s.parameters],
        model: parseModel("2st"),
      });
    const step: StepSpec = { name: "STEP1", fit: [], fix: [], constraints: [], multistart: 3 };
    const a = load();
    const inProcess = runFitStep(a.study, a.store, step, a.study.profiles.map(() => true), {
      seed: 7,
    });
    const b = load();
    const runner = createStepRunner({ executor: inProcessExecutor(), prefix: "t", seed: 7 });
    const onExecutor = await runner(b.study, b.store, step, b.study.profiles.map(() => true), 0);
    assert.equal(inProcess.basins?.length, onExecutor.basins?.length);
    assert.ok(inProcess.basins?.some((b) => b.choice.best > 0));
    assert.equal(inProcess.evaluations, onExecutor.evaluations);
    assert.equal(inProcess.stats.chisqr, onExecutor.stats.chisqr);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
