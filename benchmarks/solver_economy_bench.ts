/**
 * Evaluations per fit: the group fits with SciPy's iteration (a forward-difference Jacobian
 * after every accepted step, SciPy's stopping rules only) against exfit's default economy
 * (`src/fit/group_solve.ts#ECONOMY`: secant Jacobian updates between steps and the χ² stopping
 * rule), on refdata examples run step by step in this process as `exfit fit` runs them (basin
 * searches included). Rounds alternate the two; printed: profile evaluations (residual vectors and
 * forward-difference columns), fit time (medians), each step's χ², and the largest change of a
 * fitted parameter of the last step in standard errors.
 *
 * Run: deno run -A benchmarks/solver_economy_bench.ts [rounds, default 3] [label part]
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { median } from "./_timing.ts";
import { loadStudy } from "../src/io/load.ts";
import { type MethodStep, readMethodFiles } from "../src/config/method.ts";
import { parseModel } from "../src/models/model.ts";
import { applyStatus, fitStepGroup, independentGroups, selectProfiles } from "../src/fit/step.ts";
import { applyConstraints } from "../src/fit/constraints.ts";
import { ECONOMY, SCIPY_ITERATION, type SolverEconomy } from "../src/fit/group_solve.ts";

const REFDATA = fromFileUrl(new URL("../../shared/refdata", import.meta.url));

interface Case {
  label: string;
  folder: string;
  method: string;
  /** Only these spin systems (a cut of a long example). */
  include?: string[];
}

const CASES: Case[] = [
  { label: "CPMG_15N_IP", folder: "fit/CPMG_15N_IP", method: "Methods/method.toml" },
  {
    label: "CPMG_CH3_1H_SQ (3 steps)",
    folder: "inputs/fit/CPMG_CH3_1H_SQ",
    method: "Methods/method.toml",
  },
  {
    // Its STEP2 with the kinetics fixed at the file's values, on 12 residues (basin searches
    // included): the whole example's global STEP1 runs through the chunked solver instead.
    label: "CPMG_HN_DQ_ZQ, 12 residues, kinetics fixed",
    folder: "inputs/chemex-examples/Experiments/CPMG_HN_DQ_ZQ",
    method: "",
    include: ["D9", "A12", "T14", "D16", "S19", "H21", "S32", "G34", "W36", "E46", "S52", "R60"],
  },
];

interface Outcome {
  ms: number;
  evaluations: number;
  chi2: number[];
  /** Final value and error of every parameter fitted in the last step. */
  last: Map<string, { value: number; stderr: number | null }>;
}

function expand(folder: string, dir: string): string[] {
  return [...Deno.readDirSync(`${folder}/${dir}`)].map((e) => e.name)
    .filter((n) => n.endsWith(".toml")).sort().map((n) => `${dir}/${n}`);
}

/** Fit every step of a case with one economy, as `runFitStep` does. */
function runCase(c: Case, economy: SolverEconomy): Outcome {
  const folder = `${REFDATA}/${c.folder}`;
  const cwd = Deno.cwd();
  Deno.chdir(folder);
  let loaded, steps: (Omit<MethodStep, "fitmethod" | "grid" | "file"> & Partial<MethodStep>)[];
  try {
    steps = c.method ? readMethodFiles([c.method]) : [{
      name: "STEP1",
      include: c.include,
      fit: [],
      fix: ["PB", "KEX_AB"],
      constraints: [],
    }];
    loaded = loadStudy({
      experiments: expand(".", "Experiments"),
      parameters: ["Parameters/parameters.toml"],
      model: parseModel("2st"),
    });
  } finally {
    Deno.chdir(cwd);
  }
  const { study, store } = loaded;
  let selected = study.profiles.map(() => true);
  const out: Outcome = { ms: 0, evaluations: 0, chi2: [], last: new Map() };
  for (const [si, step] of steps.entries()) {
    applyStatus(store, step);
    applyConstraints(store, step.constraints, { file: c.method, step: step.name });
    selected = selectProfiles(study, step, selected);
    const chosen = selected.map((s, k) => s ? k : -1).filter((k) => k >= 0);
    const t0 = performance.now();
    let chi2 = 0;
    out.last.clear();
    for (const [gi, g] of independentGroups(store, study, chosen).entries()) {
      const { fit, evaluations } = fitStepGroup(study, store, step, g, {
        index: si,
        group: gi,
      }, economy);
      out.evaluations += evaluations;
      chi2 += fit.chisqr;
      for (const id of fit.problem.freeIds) {
        const p = store.get(id)!;
        out.last.set(id, { value: p.value, stderr: p.stderr });
      }
    }
    out.ms += performance.now() - t0;
    out.chi2.push(chi2);
  }
  return out;
}

/** Largest |a − b| / σ over the parameters both fitted (σ: the larger of the two errors). */
function largestShift(a: Outcome, b: Outcome): { id: string; sigmas: number } {
  let worst = { id: "", sigmas: 0 };
  for (const [id, pa] of a.last) {
    const pb = b.last.get(id);
    const s = Math.max(pa.stderr ?? 0, pb?.stderr ?? 0);
    if (!pb || !(s > 0)) continue;
    const d = Math.abs(pa.value - pb.value) / s;
    if (d > worst.sigmas) worst = { id, sigmas: d };
  }
  return worst;
}

if (import.meta.main) {
  const rounds = Number(Deno.args[0] ?? 3);
  const only = Deno.args[1] ?? "";
  console.log(
    `== solver economy: SciPy's iteration (A) against exfit's default (B), ${rounds} ` +
      "alternated rounds, in process ==",
  );
  for (const c of CASES.filter((c) => c.label.includes(only))) {
    const runs: Record<"A" | "B", Outcome[]> = { A: [], B: [] };
    for (let r = 0; r < rounds; r++) {
      runs.A.push(runCase(c, SCIPY_ITERATION));
      runs.B.push(runCase(c, ECONOMY));
    }
    const [a, b] = [runs.A[0], runs.B[0]];
    const msA = median(runs.A.map((o) => o.ms));
    const msB = median(runs.B.map((o) => o.ms));
    const shift = largestShift(a, b);
    console.log(c.label);
    console.log(
      `  profile evaluations  A ${a.evaluations}  B ${b.evaluations}  B/A ${
        (b.evaluations / a.evaluations).toFixed(3)
      }`,
    );
    console.log(
      `  fit time (median)    A ${msA.toFixed(0)} ms  B ${msB.toFixed(0)} ms  B/A ${
        (msB / msA).toFixed(3)
      }`,
    );
    console.log(
      `  chi2 per step        A ${a.chi2.map((v) => v.toFixed(4)).join(", ")}  B ${
        b.chi2.map((v) => v.toFixed(4)).join(", ")
      }`,
    );
    console.log(
      `  largest parameter change of the last step: ${shift.sigmas.toFixed(4)} σ (${shift.id})`,
    );
  }
}
