/**
 * One method step: update parameter status (CONSTRAINTS, FIX, FIT), select profiles
 * (INCLUDE/EXCLUDE), split them into independent groups, fit each group with the bounded
 * trust-region solver, and compute uncertainties and fit statistics.
 *
 * @module
 */
import {
  BASIN_NFEV,
  type GroupSolution,
  MAX_NFEV,
  solveGroup,
  type SolverEconomy,
  type XScalePolicy,
} from "./group_solve.ts";
import type { BudgetHit } from "./budget.ts";
import { diagnoseFit, type FitDiagnostics } from "./diagnostics.ts";
import type { BasinReport } from "./basins.ts";
import {
  basinStartCount,
  searchGroupBasins,
  searchTriggers,
  unsearchedReport,
} from "./basin_search.ts";
import { parseSeed } from "../math/random.ts";
import { covarianceFromJacobian, propagateVariance } from "../solver/covariance.ts";
import { chi2Sf, ksTestNormal } from "../math/distributions.ts";
import { evaluateDefinitions, exprRefs, type ParamStore, selectIds } from "../params/store.ts";
import { parseSpinSystem, spinSystemMatches } from "../params/spin_system.ts";
import type { StudySpec } from "./study.ts";
import { createGroupProblem, type GroupProblem } from "./problem.ts";
import { PSD_BOUNDARY_NOTE } from "./relaxation_psd.ts";
import { type ChunkEvaluator, createChunkEvaluator, makeChunk } from "./chunk.ts";
import type { StepStatistics } from "../config/method.ts";
import type { RoleAction, SearchSpec } from "../config/method_plan.ts";

/** What a step asks for (a parsed method-file table). */
export interface StepSpec {
  name: string;
  include?: string[] | "all";
  exclude?: string[] | "all";
  fit: string[];
  fix: string[];
  constraints: string[];
  /** GRID entries (`src/fit/grid.ts`). */
  grid?: string[];
  /** STATISTICS (`src/stats/step.ts`). */
  statistics?: StepStatistics;
  /** Method file and table name, for messages. */
  origin?: { file: string; step: string };
  /**
   * The canonical method plan (v1 and v2, `src/config/method_plan.ts`): where the roles start
   * and the ordered role actions. Without it, the step applies CONSTRAINTS, FIX, FIT to the
   * previous step's roles.
   */
  plan?: { format: 1 | 2; rolesFrom: string | null; roles: RoleAction[] };
  /** GRID, PREPARE or DE search (wins over `grid`). */
  search?: SearchSpec;
  /**
   * Variable scaling of the group fits: `"jac"` (default; SciPy's `x_scale="jac"`, as ChemEx
   * since 2026.09) or `"start"` (`max(1, |x0|)`, ChemEx up to 2026.06.1).
   */
  xScale?: XScalePolicy;
  /**
   * Basin search after each group's fit (`MULTISTART` in the method file, `--multistart`): N
   * seeded starts always, 0 never; absent: two starts per sampled parameter, 6 to 24
   * (`basinStartCount`), when the fit's diagnostics say the answer may not be the best
   * (`diagnostics.ts`).
   */
  multistart?: number;
  /**
   * Solver evaluations per group fit (`--max-evaluations`; default {@link MAX_NFEV}). A group
   * that reaches it is reported (`budgetHits`), never silently kept as if converged.
   */
  maxNfev?: number;
}

export type { XScalePolicy };

/** Options of {@link fitGroup}. */
export interface GroupFitOptions {
  /** Variable scaling (default `"jac"`). */
  xScale?: XScalePolicy;
  /** Evaluation budget (default `MAX_NFEV`; basin-search starts get `BASIN_NFEV`). */
  maxNfev?: number;
  /** Evaluation savings of the solver (default: `solveGroup`'s for the scaling policy). */
  economy?: SolverEconomy;
}

/** Fit statistics of a step (ChemEx's statistics.toml fields). */
export interface FitStatistics {
  ndata: number;
  nvarys: number;
  chisqr: number;
  redchi: number;
  /** χ² test p-value. */
  chisqrTest: number;
  /** Kolmogorov–Smirnov p-value of the residuals against N(0, 1). */
  ksTest: number;
  aic: number;
  bic: number;
  /** G: selected profiles with an analytic scale, when the 2026.09 counts were applied. */
  scaledProfiles?: number;
}

/** Result of one step. */
export interface StepResult {
  name: string;
  selected: boolean[];
  /** Ids that were free in this step. */
  freeIds: string[];
  stats: FitStatistics;
  /** Per profile (study index): scale used at the final parameters. */
  scales: Map<number, number>;
  /** Profile evaluations performed. */
  evaluations: number;
  /** Basin searches of the step's groups (only groups that had one). */
  basins?: BasinReport[];
  /** Groups whose fit stopped at its evaluation budget (absent when none did). */
  budgetHits?: BudgetHit[];
}

/**
 * Which profiles a step uses: unchanged when it names neither INCLUDE nor EXCLUDE.
 *
 * @example
 * ```ts
 * selectProfiles(study, { include: ["15", "31"] }, previous);
 * ```
 */
export function selectProfiles(
  study: StudySpec,
  step: Pick<StepSpec, "include" | "exclude">,
  previous: boolean[],
): boolean[] {
  if (step.include === undefined && step.exclude === undefined) return previous.slice();
  const pat = (list: string[]) => list.map((t) => parseSpinSystem(t));
  const inc = step.include === undefined || step.include === "all" ? null : pat(step.include);
  const exc = step.exclude === undefined ? [] : step.exclude === "all" ? null : pat(step.exclude);
  return study.profiles.map((p) => {
    const spin = parseSpinSystem(p.name);
    const included = inc === null || inc.some((q) => spinSystemMatches(spin, q));
    const excluded = exc === null || exc.some((q) => spinSystemMatches(spin, q));
    return included && !excluded;
  });
}

/**
 * Apply FIX then FIT selectors (CONSTRAINTS come first; see `constraints.ts`). Status persists.
 *
 * @example
 * ```ts
 * applyStatus(store, { fix: ["PB", "KEX_AB"], fit: [] });
 * ```
 */
export function applyStatus(store: ParamStore, step: Pick<StepSpec, "fit" | "fix">): void {
  for (const sel of step.fix) {
    for (const id of selectIds(store, sel)) {
      const p = store.get(id)!;
      p.vary = false;
      p.expr = "";
    }
  }
  for (const sel of step.fit) {
    for (const id of selectIds(store, sel)) {
      const p = store.get(id)!;
      p.vary = true;
      p.expr = "";
    }
  }
}

/**
 * Split selected profiles into groups that share no free parameter (through definitions).
 *
 * @example
 * ```ts
 * const groups = independentGroups(store, study, [0, 1, 2]);
 * ```
 */
export function independentGroups(
  store: ParamStore,
  study: StudySpec,
  profiles: number[],
): number[][] {
  const parent = new Map<number, number>(profiles.map((k) => [k, k]));
  const find = (k: number): number => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  const owner = new Map<string, number>();
  const freeOf = new Map<string, string[]>();
  const freeReach = (id: string): string[] => {
    const hit = freeOf.get(id);
    if (hit) return hit;
    const p = store.get(id)!;
    const out = p.expr ? exprRefs(p.expr).flatMap(freeReach) : p.vary ? [id] : [];
    freeOf.set(id, out);
    return out;
  };
  for (const k of profiles) {
    for (const id of study.profiles[k].paramIds) {
      for (const f of freeReach(id)) {
        const o = owner.get(f);
        if (o === undefined) owner.set(f, k);
        else parent.set(find(k), find(o));
      }
    }
  }
  const groups = new Map<number, number[]>();
  for (const k of profiles) {
    const r = find(k);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r)!.push(k);
  }
  return [...groups.values()];
}

/** A fitted group: residuals at the end point, its problem, and what the end point says. */
export interface GroupFit {
  residuals: Float64Array;
  problem: GroupProblem;
  diagnostics: FitDiagnostics;
  /** Σ r² at the end point. */
  chisqr: number;
}

/**
 * Fit one group in place: the store receives fitted values, standard errors and, where an error
 * means nothing or needs a caveat, `errorNote` (see `diagnostics.ts`).
 *
 * @example
 * ```ts
 * const { residuals } = fitGroup(store, createChunkEvaluator(makeChunk(study, [0, 1])));
 * ```
 */
export function fitGroup(
  store: ParamStore,
  evaluator: ChunkEvaluator,
  options: GroupFitOptions = {},
): GroupFit {
  const problem = createGroupProblem(store, evaluator);
  const n = problem.free.length;
  if (n === 0) {
    const residuals = problem.residuals(problem.x0);
    return {
      residuals,
      problem,
      diagnostics: { notes: [], triggers: [] },
      chisqr: sumSq(residuals),
    };
  }
  const sol = solveGroup(
    problem,
    options.xScale ?? "jac",
    problem.x0,
    options.maxNfev,
    options.economy,
  );
  // The solver evaluated its end point recently: residuals and scales are known.
  const residuals = problem.recall(sol.x) ? sol.fun : problem.residuals(sol.x);
  const { cov, diagnostics } = errorsOf(problem, sol);
  problem.freeIds.forEach((id, j) => {
    const p = store.get(id)!;
    p.value = sol.x[j];
    const note = diagnostics.notes[j];
    p.stderr = note.kind === "unavailable" || cov === null ? null : Math.sqrt(cov[j * n + j]);
    if (note.kind !== "") p.errorNote = note.text;
    else delete p.errorNote;
  });
  // On an active relaxation-PSD boundary the quadratic model behind the covariance ignores the
  // constraint: those errors mean nothing (ChemEx 2026.09, #726).
  const limited = problem.psdActive(sol.x);
  for (const j of limited) {
    const p = store.get(problem.freeIds[j])!;
    p.stderr = null;
    p.errorNote = PSD_BOUNDARY_NOTE;
  }
  // Derived parameters: first-order propagation through their definitions.
  const pv = problem.pv;
  for (const d of pv.defs) {
    const id = pv.ids[d.target];
    store.get(id)!.value = pv.values[d.target];
  }
  if (cov) propagateDerived(store, problem, sol.x, cov, new Set(limited));
  return { residuals, problem, diagnostics, chisqr: sumSq(residuals) };
}

function sumSq(r: Float64Array): number {
  let s = 0;
  for (const v of r) s += v * v;
  return s;
}

/**
 * Covariance (n×n; pinned rows and columns 0) and diagnostics of a solution. The covariance of
 * the parameters fitted to the end is conditional on the pinned ones.
 */
function errorsOf(
  problem: GroupProblem,
  sol: GroupSolution,
): { cov: Float64Array | null; diagnostics: FitDiagnostics } {
  const n = problem.free.length;
  const k = sol.active.length;
  const c = covarianceFromJacobian(sol.jac, problem.m, k);
  const pick = (a: Float64Array) => Float64Array.from(sol.active, (j) => a[j]);
  const sub = diagnoseFit({
    freeIds: sol.active.map((j) => problem.freeIds[j]),
    x: pick(sol.x),
    lower: pick(problem.lower),
    upper: pick(problem.upper),
    cov: c,
    status: sol.status,
    chisqr: 2 * sol.cost,
    m: problem.m,
  });
  const notes: FitDiagnostics["notes"] = problem.freeIds.map(() => ({ kind: "", text: "" }));
  sol.active.forEach((j, a) => notes[j] = sub.notes[a]);
  const triggers = new Set(sub.triggers);
  if (sol.pinned.size > 0) {
    const pinnedNotes = diagnoseFit({
      freeIds: [...sol.pinned],
      x: new Float64Array(sol.pinned.size),
      lower: new Float64Array(sol.pinned.size).fill(-Infinity),
      upper: new Float64Array(sol.pinned.size).fill(Infinity),
      cov: { covariance: null, rank: 0 },
      status: 1,
      pinned: sol.pinned,
      chisqr: 2 * sol.cost,
      m: problem.m - sol.active.length,
    });
    let q = 0;
    problem.freeIds.forEach((id, j) => {
      if (sol.pinned.has(id)) notes[j] = pinnedNotes.notes[q++];
    });
    for (const t of pinnedNotes.triggers) triggers.add(t);
  }
  if (c.covariance === null) return { cov: null, diagnostics: { notes, triggers: [...triggers] } };
  const cov = new Float64Array(n * n);
  sol.active.forEach((i, a) => {
    sol.active.forEach((j, b) => cov[i * n + j] = c.covariance![a * k + b]);
  });
  return { cov, diagnostics: { notes, triggers: [...triggers] } };
}

function propagateDerived(
  store: ParamStore,
  problem: GroupProblem,
  x: Float64Array,
  cov: Float64Array,
  limited: ReadonlySet<number> = new Set(),
): void {
  const pv = problem.pv;
  const n = x.length;
  const base = pv.values.slice();
  const grads = pv.defs.map(() => new Float64Array(n));
  for (let j = 0; j < n; j++) {
    const h = 1e-7 * Math.max(1, Math.abs(x[j]));
    pv.values.set(base);
    pv.values[problem.free[j]] = x[j] + h;
    evaluateDefinitions(pv);
    pv.defs.forEach((d, k) => grads[k][j] = (pv.values[d.target] - base[d.target]) / h);
  }
  pv.values.set(base);
  pv.defs.forEach((d, k) => {
    const p = store.get(pv.ids[d.target])!;
    const g = grads[k];
    p.stderr = g.some((v) => v !== 0) ? Math.sqrt(propagateVariance(g, cov, n)) : null;
    // A definition moving with a parameter on the PSD boundary inherits its missing error.
    if (g.some((v, j) => v !== 0 && limited.has(j))) {
      p.stderr = null;
      p.errorNote = PSD_BOUNDARY_NOTE;
    } else if (p.errorNote === PSD_BOUNDARY_NOTE) delete p.errorNote;
  });
}

/**
 * Statistics of a set of residuals with P free parameters (ChemEx's definitions).
 *
 * @example
 * ```ts
 * fitStatistics(residuals, 17);
 * ```
 */
export function fitStatistics(residuals: Float64Array, nvarys: number): FitStatistics {
  const ndata = residuals.length;
  let chisqr = 0;
  for (const r of residuals) chisqr += r * r;
  const dof = ndata - nvarys;
  return {
    ndata,
    nvarys,
    chisqr,
    redchi: dof > 0 ? chisqr / dof : NaN,
    chisqrTest: dof > 0 ? chi2Sf(chisqr, dof) : NaN,
    ksTest: ndata > 0 ? ksTestNormal(residuals) : NaN,
    aic: chisqr + 2 * nvarys,
    bic: chisqr + Math.log(ndata) * nvarys,
  };
}

/**
 * Fit one group of a step (profiles `g` of the study) and, when the step or the fit's diagnostics
 * ask for it, search its basins (`basin_search.ts`); the store ends at the kept answer. Returns
 * the kept fit, the search's report and the profile evaluations of every fit.
 *
 * @example
 * ```ts
 * const { fit } = fitStepGroup(study, store, step, [0, 1], { group: 0 });
 * ```
 */
export function fitStepGroup(
  study: StudySpec,
  store: ParamStore,
  step: StepSpec,
  g: number[],
  where: { seed?: number; index?: number; group: number },
  economy?: SolverEconomy,
): { fit: GroupFit; basins?: BasinReport; evaluations: number } {
  const fullNfev = step.maxNfev ?? MAX_NFEV;
  const ev = createChunkEvaluator(makeChunk(study, g));
  const refit = (maxNfev = fullNfev) =>
    fitGroup(store, ev, { xScale: step.xScale, maxNfev, economy });
  const plain = refit();
  const names = [...new Set(g.map((k) => study.profiles[k].name))];
  const count = basinStartCount(
    step.multistart,
    plain.diagnostics.triggers,
    g.length,
    plain.problem.freeIds,
  );
  if (count === 0 || plain.problem.freeIds.length === 0) {
    const unsearched = unsearchedReport(
      step.multistart,
      plain.diagnostics.triggers,
      names,
      plain.problem.freeIds,
      () => ({
        chisqr: plain.chisqr,
        values: Float64Array.from(plain.problem.freeIds, (id) => store.get(id)!.value),
      }),
    );
    return {
      fit: plain,
      evaluations: plain.problem.evaluations(),
      ...(unsearched ? { basins: unsearched } : {}),
    };
  }
  const search = searchGroupBasins({
    store,
    ids: plain.problem.pv.ids,
    freeIds: plain.problem.freeIds,
    x0: plain.problem.x0,
    plain,
    refit: () => refit(Math.min(BASIN_NFEV, fullNfev)),
    polish: () => refit(),
    count,
    rootSeed: parseSeed(where.seed ?? 0),
    step: where.index ?? 0,
    group: where.group,
    profiles: names,
    triggers: searchTriggers(step.multistart, plain.diagnostics.triggers),
  });
  let evaluations = 0;
  for (const f of search.all) evaluations += f.problem.evaluations();
  if (!search.all.includes(search.fit)) evaluations += search.fit.problem.evaluations();
  return { fit: search.fit, basins: search.report, evaluations };
}

/**
 * Run a step on the selected profiles: group, fit, gather statistics.
 *
 * @example
 * ```ts
 * const result = runFitStep(study, store, step, selected);
 * ```
 */
export function runFitStep(
  study: StudySpec,
  store: ParamStore,
  step: StepSpec,
  selected: boolean[],
  where: { seed?: number; index?: number } = {},
): StepResult {
  const chosen = selected.map((s, k) => s ? k : -1).filter((k) => k >= 0);
  const groups = independentGroups(store, study, chosen);
  // Reset errors: only what this step estimates is reported.
  for (const p of store.values()) {
    p.stderr = null;
    delete p.errorNote;
  }
  const all: Float64Array[] = [];
  const freeIds: string[] = [];
  const scales = new Map<number, number>();
  let evaluations = 0;
  const basins: BasinReport[] = [];
  const budgetHits: BudgetHit[] = [];
  const fullNfev = step.maxNfev ?? MAX_NFEV;
  for (const [gi, g] of groups.entries()) {
    const { fit, basins: report, evaluations: spent } = fitStepGroup(study, store, step, g, {
      ...where,
      group: gi,
    });
    if (report) basins.push(report);
    evaluations += spent;
    const { residuals, problem } = fit;
    if (fit.diagnostics.triggers.includes("budget")) {
      budgetHits.push({
        group: gi + 1,
        profiles: [...new Set(g.map((k) => study.profiles[k].name))],
        budget: `${fullNfev} solver evaluations`,
        freeIds: [...problem.freeIds],
      });
    }
    all.push(residuals);
    freeIds.push(...problem.freeIds);
    g.forEach((k, i) => scales.set(k, problem.scales[i]));
  }
  return stepResult(step.name, selected, {
    freeIds,
    residuals: all,
    scales,
    evaluations,
    basins,
    budgetHits,
  });
}

/**
 * A step's result from what its groups gave, in group order: residuals concatenated for the
 * statistics, free parameters, profile scales, evaluations, basin reports and the groups stopped
 * by the evaluation budget (in-process, or merged from work items by `workflows/steps.ts`).
 *
 * @example
 * ```ts
 * const r = stepResult("STEP1", [true], {
 *   freeIds: ["PB"], residuals: [new Float64Array([0.5, -0.5])], scales: new Map(),
 *   evaluations: 12, basins: [], budgetHits: [],
 * });
 * r.stats.chisqr; // 0.5
 * ```
 */
export function stepResult(
  name: string,
  selected: boolean[],
  parts: {
    freeIds: string[];
    residuals: readonly ArrayLike<number>[];
    scales: Map<number, number>;
    evaluations: number;
    basins: BasinReport[];
    budgetHits: BudgetHit[];
  },
): StepResult {
  const { freeIds, residuals, scales, evaluations, basins, budgetHits } = parts;
  const total = new Float64Array(residuals.reduce((s, r) => s + r.length, 0));
  let off = 0;
  for (const r of residuals) {
    total.set(r, off);
    off += r.length;
  }
  return {
    name,
    selected,
    freeIds,
    stats: fitStatistics(total, freeIds.length),
    scales,
    evaluations,
    ...(basins.length > 0 ? { basins } : {}),
    ...(budgetHits.length > 0 ? { budgetHits } : {}),
  };
}
