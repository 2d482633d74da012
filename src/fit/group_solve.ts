/**
 * Solving one group's least-squares problem with the bounded TRF, and getting out of the one
 * crawl the TRF cannot leave by itself: a Δω drifting towards the symmetric point 0. There χ² is
 * even in Δω, its Jacobian column vanishes, the Gauss–Newton model is singular in that direction
 * and every step is tiny (the ChemEx 2026.06 failure on methyl data, thousands of evaluations).
 * When the cost has almost stopped falling and such a Δω is within one conditional standard
 * error of 0, the Δω is held at 0 and the rest refitted; that answer is kept when it is at least
 * as good, and the Δω is then reported as undetermined (`diagnostics.ts`); otherwise the fit goes
 * on unchanged. Fits that converge normally never reach this test.
 *
 * @module
 */
import {
  DEFAULT_REUSE,
  leastSquaresTrf,
  type ReusePolicy,
  type TrfIterate,
  type TrfResult,
} from "../solver/trf.ts";
import { isShiftDifference } from "./diagnostics.ts";
import type { GroupProblem } from "./problem.ts";

/** How a group fit scales its variables: SciPy's `"jac"` or ChemEx 2026.06's `max(1, |x0|)`. */
export type XScalePolicy = "jac" | "start";

/** Budget like ChemEx's 2000·(n+1) objective calls, counted here in solver iterations. */
export const MAX_NFEV = 2000;

/**
 * Budget of a basin-search start: enough to fall into the start's basin, not to crawl along it;
 * the winning start is then polished with the full budget when it ran out.
 */
export const BASIN_NFEV = 100;

/** Evaluations before the crawl test starts, the window it looks back over, and its tolerance. */
const CRAWL_START = 10;
const CRAWL_WINDOW = 5;
const CRAWL_RTOL = 0.02;

/**
 * How a group fit saves evaluations on top of SciPy's iteration (`trf.ts` options): Jacobian
 * reuse between steps and the χ² stopping rule.
 */
export interface SolverEconomy {
  reuseJacobian: ReusePolicy | null;
  /** Absolute χ² tolerance (0: SciPy's rules only). */
  chi2Tol: number;
}

/**
 * The default for `x_scale="jac"` fits. χ² within 1e-5 of the minimum puts every parameter within
 * 0.003 standard errors of it (a refit from the end point reproduces it to about 1e-3 σ) and χ²
 * far below its own spread (√(2·dof) ≥ 1); SciPy's relative `ftol` alone goes on to 1e-8·χ².
 * Secant updates replace up to five Jacobians in a row after steps the model predicted to 25 %:
 * a forward-difference Jacobian costs one evaluation of each profile per free parameter reaching
 * it, a residual vector one.
 */
export const ECONOMY: SolverEconomy = { reuseJacobian: DEFAULT_REUSE, chi2Tol: 1e-5 };

/** SciPy's iteration, evaluation for evaluation (and ChemEx 2026.06's `"start"` policy). */
export const SCIPY_ITERATION: SolverEconomy = { reuseJacobian: null, chi2Tol: 0 };

/** The solved group: end point, Jacobian columns of the parameters that stayed free. */
export interface GroupSolution {
  x: Float64Array;
  cost: number;
  /** Residuals at x. */
  fun: Float64Array;
  status: number;
  nfev: number;
  /** Jacobian at x for the columns in `active` (m × active.length, row-major). */
  jac: Float64Array;
  /** Indices (into the free parameters) that were fitted to the end. */
  active: number[];
  /** Free parameters held at 0 at the symmetric point. */
  pinned: Set<string>;
}

/**
 * Fit a group problem from `x0` (default: the problem's start).
 *
 * @example
 * ```ts
 * const sol = solveGroup(problem, "jac");
 * ```
 */
export function solveGroup(
  problem: GroupProblem,
  xScalePolicy: XScalePolicy = "jac",
  x0: Float64Array = problem.x0,
  maxNfev = MAX_NFEV,
  economy: SolverEconomy = xScalePolicy === "jac" ? ECONOMY : SCIPY_ITERATION,
): GroupSolution {
  const n = problem.free.length;
  const all = Array.from({ length: n }, (_, j) => j);
  const scaleOf = (cols: number[], x: Float64Array) =>
    xScalePolicy === "start"
      ? Float64Array.from(cols, (j) => Math.max(1, Math.abs(x[j])))
      : "jac" as const;
  const history: [number, number][] = [];
  let candidates: number[] = [];
  const crawl = (it: TrfIterate): boolean => {
    history.push([it.nfev, it.cost]);
    if (it.nfev < CRAWL_START) return false;
    let before = NaN;
    for (const [nf, c] of history) if (nf <= it.nfev - CRAWL_WINDOW) before = c;
    if (!(before - it.cost <= CRAWL_RTOL * it.cost)) return false;
    candidates = symmetricCandidates(problem, it);
    return candidates.length > 0;
  };
  const first = leastSquaresTrf(
    {
      fun: (x) => problem.residuals(x),
      jac: (x, f) => problem.jacobian(x, f),
      feasible: (x) => problem.feasible(x),
      structure: problem.structure,
    },
    x0,
    {
      reuseJacobian: economy.reuseJacobian ?? undefined,
      chi2Tol: economy.chi2Tol,
      lower: problem.lower,
      upper: problem.upper,
      xScale: scaleOf(all, x0),
      maxNfev,
      // ChemEx 2026.06's policy is kept as it was, crawl included, to reproduce its runs.
      callback: xScalePolicy === "jac" ? crawl : undefined,
    },
  );
  const whole = (res: TrfResult, nfev: number): GroupSolution => ({
    x: res.x,
    cost: res.cost,
    fun: res.fun,
    status: res.status,
    nfev,
    jac: res.jac,
    active: all,
    pinned: new Set(),
  });
  if (first.status !== -2) return whole(first, first.nfev);
  const left = Math.max(1, maxNfev - first.nfev);
  const pinnedSol = solvePinned(problem, first.x, candidates, scaleOf, left, economy);
  if (pinnedSol.cost <= first.cost) {
    return { ...pinnedSol, nfev: first.nfev + pinnedSol.nfev };
  }
  // Zero was not the bottom: carry on from where the crawl was stopped.
  const rest = leastSquaresTrf(
    {
      fun: (x) => problem.residuals(x),
      jac: (x, f) => problem.jacobian(x, f),
      feasible: (x) => problem.feasible(x),
      structure: problem.structure,
    },
    first.x,
    {
      lower: problem.lower,
      upper: problem.upper,
      xScale: scaleOf(all, first.x),
      maxNfev: left,
      reuseJacobian: economy.reuseJacobian ?? undefined,
      chi2Tol: economy.chi2Tol,
    },
  );
  return whole(rest, first.nfev + pinnedSol.nfev + rest.nfev);
}

/** Δω parameters within one conditional standard error (1/‖J_j‖) of 0, 0 inside their bounds. */
function symmetricCandidates(problem: GroupProblem, it: TrfIterate): number[] {
  const out: number[] = [];
  const { m, n, x, jac } = it;
  for (let j = 0; j < n; j++) {
    if (!isShiftDifference(problem.freeIds[j])) continue;
    if (!(problem.lower[j] < 0 && problem.upper[j] > 0)) continue;
    let s = 0;
    for (let i = 0; i < m; i++) s += jac[i * n + j] * jac[i * n + j];
    if (Math.abs(x[j]) * Math.sqrt(s) < 1) out.push(j);
  }
  return out;
}

/** Refit with the `pinned` parameters held at 0. */
function solvePinned(
  problem: GroupProblem,
  from: Float64Array,
  pinned: number[],
  scaleOf: (cols: number[], x: Float64Array) => Float64Array | "jac",
  maxNfev: number,
  economy: SolverEconomy,
): GroupSolution {
  const n = from.length;
  const held = new Set(pinned);
  const active = Array.from({ length: n }, (_, j) => j).filter((j) => !held.has(j));
  const full = from.slice();
  for (const j of pinned) full[j] = 0;
  const expand = (xr: Float64Array) => {
    const x = full.slice();
    active.forEach((j, k) => x[j] = xr[k]);
    return x;
  };
  const pick = (jac: Float64Array, m: number) => {
    const out = new Float64Array(m * active.length);
    for (let i = 0; i < m; i++) {
      active.forEach((j, k) => out[i * active.length + k] = jac[i * n + j]);
    }
    return out;
  };
  const xr0 = Float64Array.from(active, (j) => from[j]);
  const slot = new Map(active.map((j, k) => [j, k]));
  const structure = {
    offsets: problem.structure.offsets,
    columns: problem.structure.columns.map((cols) =>
      Int32Array.from([...cols].filter((j) => slot.has(j)), (j) => slot.get(j)!)
    ),
  };
  const res = leastSquaresTrf(
    {
      fun: (xr) => problem.residuals(expand(xr)),
      jac: (xr, f) => pick(problem.jacobian(expand(xr), f), f.length),
      feasible: (xr) => problem.feasible(expand(xr)),
      structure,
    },
    xr0,
    {
      lower: Float64Array.from(active, (j) => problem.lower[j]),
      upper: Float64Array.from(active, (j) => problem.upper[j]),
      xScale: scaleOf(active, from),
      maxNfev,
      reuseJacobian: economy.reuseJacobian ?? undefined,
      chi2Tol: economy.chi2Tol,
    },
  );
  return {
    x: expand(res.x),
    cost: res.cost,
    fun: res.fun,
    status: res.status,
    nfev: res.nfev,
    jac: res.jac,
    active,
    pinned: new Set(pinned.map((j) => problem.freeIds[j])),
  };
}
