/**
 * Bound-constrained nonlinear least squares by the Trust Region Reflective
 * (TRF) method of Branch, Coleman and Li ("A Subspace, Interior, and Conjugate
 * Gradient Method for Large-Scale Bound-Constrained Minimization Problems",
 * SIAM J. Sci. Comput. 21(1), 1–23, 1999).
 *
 * The iteration follows SciPy's `least_squares(method="trf", tr_solver="exact",
 * loss="linear")` step for step (Coleman–Li scaling of the variables, an
 * SVD-based Levenberg–Marquardt trust-region subproblem after Moré (1977),
 * choice between the truncated, reflected and Cauchy steps, and SciPy's radius
 * and termination rules), so that solutions and evaluation counts agree with
 * SciPy to rounding. Like SciPy, problems without any finite bound use the
 * plain trust-region variant without reflection.
 *
 * Two options go beyond SciPy and are off by default, so that the iteration stays SciPy's
 * evaluation for evaluation: `reuseJacobian` (secant updates between steps, `_secant.ts`) and
 * `chi2Tol` (an absolute χ² stopping rule); exfit's group fits use both (`src/fit/group_solve.ts`).
 *
 * Dense matrices are row-major `Float64Array`s (`m × n`: residuals × parameters).
 *
 * Kept in one file (over 600 lines) so that it can be read side by side with SciPy's `trf.py`,
 * which it follows step for step.
 *
 * @module
 */

import { EPS, svdWorkspace, thinSvd } from "./_linalg.ts";
import { forwardDifferenceJacobian, jacobianScale } from "./jacobian.ts";
import { selectStep } from "./_trf_step.ts";
import {
  type JacobianKeeper,
  jacobianKeeper,
  type JacobianStructure,
  type ReusePolicy,
} from "./_secant.ts";

export { forwardDifferenceJacobian, forwardDifferenceStep, jacobianScale } from "./jacobian.ts";
export { DEFAULT_REUSE, type JacobianStructure, type ReusePolicy } from "./_secant.ts";
import {
  allFinite,
  checkTermination,
  chi2Converged,
  clScalingVector,
  dot,
  evaluateQuadratic,
  findActiveConstraints,
  makeStrictlyFeasible,
  matTVec,
  norm2,
  normInf,
  scaleColumns,
  solveLsqTrustRegion,
  updateTrRadius,
} from "./_trf_common.ts";

/** A nonlinear least-squares problem `min ½‖fun(x)‖²`. */
export interface LeastSquaresProblem {
  /** Residual vector at x (length m). May return non-finite values; treat as failure of that step (see below). */
  fun(x: Float64Array): Float64Array;
  /** Optional Jacobian (m×n row-major) at x, given f = fun(x). Without it use forwardDifferenceJacobian. */
  jac?(x: Float64Array, f: Float64Array): Float64Array;
  /**
   * Optional feasible region inside the box (e.g. positive semidefinite relaxation blocks). When
   * the start is feasible, a trial point outside is never evaluated: it counts as a failed step
   * (one evaluation, the trust region shrinks by 4, like non-finite residuals), so the iterates
   * stay feasible and may end on the region's boundary. An infeasible start disables the test.
   */
  feasible?(x: Float64Array): boolean;
  /** Which columns can be non-zero in which rows (kept by Jacobian updates; default dense). */
  structure?: JacobianStructure;
}

/** Bounds, scaling and stopping rules for {@link leastSquaresTrf}. */
export interface TrfOptions {
  /** Lower bounds (`-Infinity` for none). */
  lower: Float64Array;
  /** Upper bounds (`Infinity` for none). */
  upper: Float64Array;
  /**
   * Characteristic scale of each variable (default all 1), or `"jac"`: SciPy's
   * `x_scale="jac"`, the inverse column norms of the Jacobian, where each norm never decreases
   * over the iterations (`max(old, new)` after every accepted step; zero norms start at 1).
   */
  xScale?: Float64Array | "jac";
  /** Relative cost-reduction tolerance (default 1e-8). */
  ftol?: number;
  /** Relative step-size tolerance (default 1e-8). */
  xtol?: number;
  /** Scaled-gradient tolerance (default 1e-8). */
  gtol?: number;
  /** Maximum number of residual evaluations, Jacobian ones excluded (default 100·n). */
  maxNfev?: number;
  /**
   * Absolute χ² (= 2·cost) tolerance, off by default: stop (status 2) when the last accepted step
   * lowered χ² by at most this, its model agreed (ratio > 0.25), and the Gauss–Newton model at
   * the new point, on an evaluated Jacobian, predicts at most this much further decrease. Near a
   * minimum χ² − χ²_min = δᵀ JᵀJ δ, so every parameter then lies within √chi2Tol standard errors
   * of the model's minimum.
   */
  chi2Tol?: number;
  /**
   * Called after every accepted step with the new iterate; returning `true` stops the solver
   * (status -2, like SciPy's callback raising `StopIteration`).
   */
  callback?: (state: TrfIterate) => boolean;
  /**
   * Reuse the Jacobian between steps (`_secant.ts`): after an accepted step the model predicted
   * well, a secant update replaces up to `maxUpdates` evaluations in a row. A rejected step, a
   * met stopping rule and the end point always get an evaluated Jacobian, so the stopping rules,
   * `jac` and `optimality` of the result are those of a true Jacobian. Off by default (SciPy's
   * iteration, evaluation for evaluation).
   */
  reuseJacobian?: ReusePolicy;
}

/** What {@link TrfOptions.callback} sees after an accepted step (do not modify). */
export interface TrfIterate {
  x: Float64Array;
  /** ½·Σ r² at x. */
  cost: number;
  /** Jacobian at x, m×n row-major. */
  jac: Float64Array;
  m: number;
  n: number;
  /** Residual evaluations so far. */
  nfev: number;
}

/** Outcome of {@link leastSquaresTrf}; field meanings match SciPy's `OptimizeResult`. */
export interface TrfResult {
  x: Float64Array;
  fun: Float64Array;
  /** Last Jacobian, m×n row-major. */
  jac: Float64Array;
  m: number;
  n: number;
  /** ½·Σ r². */
  cost: number;
  optimality: number;
  nfev: number;
  njev: number;
  /** -2 stopped by the callback, -1 improper input, 0 max nfev, 1 gtol, 2 ftol, 3 xtol, 4 both. */
  status: number;
  message: string;
  success: boolean;
  /** -1 lower bound active, 0 free, 1 upper bound active. */
  activeMask: Int8Array;
}

const MESSAGES: Record<number, string> = {
  [-2]: "Stopped by the callback.",
  0: "The maximum number of function evaluations is exceeded.",
  1: "`gtol` termination condition is satisfied.",
  2: "`ftol` termination condition is satisfied.",
  3: "`xtol` termination condition is satisfied.",
  4: "Both `ftol` and `xtol` termination conditions are satisfied.",
};

/**
 * Minimise `½‖r(x)‖²` subject to `lower ≤ x ≤ upper` with the Trust Region
 * Reflective algorithm (SciPy `least_squares(method="trf")` semantics).
 *
 * A starting point outside the box is clipped into it and then moved
 * strictly inside, as SciPy does for feasible starts.
 *
 * @example
 * ```ts
 * const t = [0, 1, 2, 3];
 * const y = [2, 1.2, 0.7, 0.45];
 * const res = leastSquaresTrf(
 *   { fun: (x) => Float64Array.from(t, (ti, i) => x[0] * Math.exp(-x[1] * ti) - y[i]) },
 *   new Float64Array([1, 1]),
 *   { lower: new Float64Array([0, 0]), upper: new Float64Array([10, 10]) },
 * );
 * // res.success === true, res.x ≈ [1.998, 0.511]
 * ```
 */
export function leastSquaresTrf(
  problem: LeastSquaresProblem,
  x0: Float64Array,
  options: TrfOptions,
): TrfResult {
  const n = x0.length;
  const lb = options.lower;
  const ub = options.upper;
  const ftol = options.ftol ?? 1e-8;
  const xtol = options.xtol ?? 1e-8;
  const gtol = options.gtol ?? 1e-8;
  const maxNfev = options.maxNfev ?? 100 * Math.max(n, 1);
  const jacScale = options.xScale === "jac";
  const scale = options.xScale === "jac"
    ? new Float64Array(n).fill(1)
    : options.xScale ?? new Float64Array(n).fill(1);

  const improper = (reason: string): TrfResult => ({
    x: x0.slice(),
    fun: new Float64Array(0),
    jac: new Float64Array(0),
    m: 0,
    n,
    cost: NaN,
    optimality: NaN,
    nfev: 0,
    njev: 0,
    status: -1,
    message: reason,
    success: false,
    activeMask: new Int8Array(n),
  });

  const reason = invalidInput(x0, lb, ub, scale, maxNfev, [ftol, xtol, gtol]);
  if (reason !== null) return improper(reason);

  // SciPy rejects an infeasible start; we clip it instead, then keep it off the bounds.
  const xClipped = new Float64Array(n);
  for (let i = 0; i < n; i++) xClipped[i] = Math.min(Math.max(x0[i], lb[i]), ub[i]);
  const xStart = makeStrictlyFeasible(xClipped, lb, ub);

  const f0 = problem.fun(xStart);
  const m = f0.length;
  if (!allFinite(f0)) {
    return {
      ...improper("Residuals are not finite in the initial point."),
      x: xStart,
      fun: f0,
      m,
      cost: 0.5 * dot(f0, f0),
      nfev: 1,
    };
  }

  if (n === 0) {
    return {
      x: xStart,
      fun: f0,
      jac: new Float64Array(0),
      m,
      n,
      cost: 0.5 * dot(f0, f0),
      optimality: 0,
      nfev: 1,
      njev: 0,
      status: 1,
      message: MESSAGES[1],
      success: true,
      activeMask: new Int8Array(0),
    };
  }

  const jacAt = (x: Float64Array, f: Float64Array): Float64Array =>
    problem.jac !== undefined
      ? problem.jac(x, f)
      : forwardDifferenceJacobian((z) => problem.fun(z), x, f, lb, ub);

  const j0 = jacAt(xStart, f0);
  if (j0.length !== m * n) {
    return {
      ...improper(`The Jacobian has ${j0.length} entries, expected ${m}×${n}.`),
      x: xStart,
      fun: f0,
      m,
      cost: 0.5 * dot(f0, f0),
      nfev: 1,
      njev: 1,
    };
  }

  const ctx: LoopContext = {
    fun: (x) => problem.fun(x),
    jac: jacAt,
    x0: xStart,
    f0,
    j0,
    lb,
    ub,
    m,
    n,
    ftol,
    xtol,
    gtol,
    maxNfev,
    callback: options.callback,
    feasible: feasibleRegion(problem, xStart),
    scale: jacScale ? jacobianScale(j0, m, n, null).scale : scale,
    jacScale,
    chi2Tol: options.chi2Tol ?? 0,
    reuse: options.reuseJacobian && options.reuseJacobian.maxUpdates > 0
      ? options.reuseJacobian
      : null,
    structure: problem.structure,
  };
  let unbounded = true;
  for (let i = 0; i < n; i++) {
    if (lb[i] !== -Infinity || ub[i] !== Infinity) unbounded = false;
  }
  const out = unbounded ? trfNoBounds(ctx) : trfBounds(ctx);
  const status = out.status;
  return {
    x: out.x,
    fun: out.f,
    jac: out.jac,
    m,
    n,
    cost: out.cost,
    optimality: out.optimality,
    nfev: out.nfev,
    njev: out.njev,
    status,
    message: MESSAGES[status],
    success: status > 0,
    activeMask: unbounded ? new Int8Array(n) : findActiveConstraints(out.x, lb, ub, xtol),
  };
}

/** Why SciPy would reject these inputs, or null. */
function invalidInput(
  x0: Float64Array,
  lb: Float64Array,
  ub: Float64Array,
  scale: Float64Array,
  maxNfev: number,
  tols: [number, number, number],
): string | null {
  const n = x0.length;
  const [ftol, xtol, gtol] = tols;
  if (lb.length !== n || ub.length !== n) {
    return "Inconsistent shapes between bounds and `x0`.";
  }
  if (scale.length !== n) return "Inconsistent shapes between `x_scale` and `x0`.";
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(lb[i]) || Number.isNaN(ub[i]) || !(lb[i] < ub[i])) {
      return "Each lower bound must be strictly less than each upper bound.";
    }
    if (!Number.isFinite(x0[i])) return "`x0` must be finite.";
    if (!(Number.isFinite(scale[i]) && scale[i] > 0)) {
      return "`x_scale` must contain only positive finite values.";
    }
  }
  if (!(maxNfev > 0) || !Number.isInteger(maxNfev)) {
    return "`max_nfev` must be a positive integer.";
  }
  if (!(ftol >= 0 && xtol >= 0 && gtol >= 0)) return "Tolerances must be non-negative.";
  if (ftol < EPS && xtol < EPS && gtol < EPS) {
    return "At least one of the tolerances must be higher than machine epsilon.";
  }
  return null;
}

interface LoopContext {
  fun(x: Float64Array): Float64Array;
  jac(x: Float64Array, f: Float64Array): Float64Array;
  x0: Float64Array;
  f0: Float64Array;
  j0: Float64Array;
  lb: Float64Array;
  ub: Float64Array;
  m: number;
  n: number;
  ftol: number;
  xtol: number;
  gtol: number;
  maxNfev: number;
  scale: Float64Array;
  /** Update `scale` from the Jacobian after each accepted step (`x_scale="jac"`). */
  jacScale: boolean;
  callback?: (state: TrfIterate) => boolean;
  /** Whether a trial point may be evaluated (see {@link LeastSquaresProblem.feasible}). */
  feasible(x: Float64Array): boolean;
  reuse: ReusePolicy | null;
  structure?: JacobianStructure;
  chi2Tol: number;
}

interface LoopOutcome {
  x: Float64Array;
  f: Float64Array;
  jac: Float64Array;
  cost: number;
  optimality: number;
  nfev: number;
  njev: number;
  status: number;
}

/** The problem's feasibility test, or none when it has none or the start lies outside. */
function feasibleRegion(problem: LeastSquaresProblem, start: Float64Array) {
  const test = problem.feasible?.bind(problem);
  return test !== undefined && test(start) ? test : () => true;
}

/** An evaluated Jacobian at x, its gradient, and the `"jac"` scaling updated from it. */
function evaluatedAt(
  ctx: LoopContext,
  keep: JacobianKeeper,
  x: Float64Array,
  f: Float64Array,
  scaling: { scale: Float64Array; scaleInv: Float64Array },
) {
  const jac = keep.evaluate(x, f);
  const g = matTVec(jac, ctx.m, ctx.n, f);
  const next = ctx.jacScale ? jacobianScale(jac, ctx.m, ctx.n, scaling.scaleInv) : scaling;
  return { jac, g, scale: next.scale, scaleInv: next.scaleInv };
}

/** SciPy's first trust radius of the bounded loop: ‖x‖ in the Coleman–Li scaled variables. */
function initialRadius(
  x: Float64Array,
  g: Float64Array,
  lb: Float64Array,
  ub: Float64Array,
  scaleInv: Float64Array,
): number {
  const { v, dv } = clScalingVector(x, g, lb, ub);
  let acc = 0;
  for (let i = 0; i < x.length; i++) {
    const vi = dv[i] !== 0 ? v[i] * scaleInv[i] : v[i];
    const t = (x[i] * scaleInv[i]) / Math.sqrt(vi);
    acc += t * t;
  }
  const delta = Math.sqrt(acc);
  return delta === 0 ? 1 : delta;
}

function trfBounds(ctx: LoopContext): LoopOutcome {
  const { m, n, lb, ub, ftol, xtol, gtol, maxNfev } = ctx;
  let scale: Float64Array = ctx.scale;
  let scaleInv: Float64Array = scale.map((s) => 1 / s);
  let x: Float64Array = ctx.x0.slice();
  let f: Float64Array = ctx.f0;
  let jac: Float64Array = ctx.j0;
  let nfev = 1;
  const keep = jacobianKeeper(ctx.jac, m, n, ctx.reuse, ctx.structure);
  // χ² drop of the last accepted step whose model agreed (Infinity: none yet).
  let lastDrop = Infinity;
  const evaluated =
    () => ({ jac, g, scale, scaleInv } = evaluatedAt(ctx, keep, x, f, { scale, scaleInv }));
  let cost = 0.5 * dot(f, f);
  let g: Float64Array = matTVec(jac, m, n, f);

  let delta = initialRadius(x, g, lb, ub, scaleInv);

  let alpha = 0;
  let status: number | null = null;
  let gNorm = 0;

  // Stacked [J·D; diag(sqrt(C))] and [f; 0]; the lower block changes every iteration.
  const aug = new Float64Array((m + n) * n);
  const fAug = new Float64Array(m + n);
  const svdWork = svdWorkspace(m + n, n);

  for (;;) {
    const { v, dv } = clScalingVector(x, g, lb, ub);
    {
      const gv = new Float64Array(n);
      for (let i = 0; i < n; i++) gv[i] = g[i] * v[i];
      gNorm = normInf(gv);
    }
    if (gNorm < gtol) status = 1;
    if (status === 1 && !keep.fresh) {
      // A gradient test passed on an updated Jacobian is confirmed on an evaluated one.
      status = null;
      evaluated();
      continue;
    }
    if (status !== null || nfev === maxNfev) break;

    // Scale first by x_scale, then apply Coleman–Li in the scaled variables.
    const d = new Float64Array(n);
    const diagH = new Float64Array(n);
    const gH = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const vi = dv[i] !== 0 ? v[i] * scaleInv[i] : v[i];
      d[i] = Math.sqrt(vi) * scale[i];
      diagH[i] = g[i] * dv[i] * scale[i];
      gH[i] = d[i] * g[i];
    }
    // J·D written straight into the top block of the stacked matrix, and read from there.
    const jh = scaleColumns(jac, m, n, d, aug).subarray(0, m * n);
    aug.fill(0, m * n);
    for (let i = 0; i < n; i++) aug[(m + i) * n + i] = Math.sqrt(diagH[i]);
    fAug.set(f);
    fAug.fill(0, m);
    const { s, v: vs, utb: uf } = thinSvd(aug, m + n, n, fAug, svdWork);
    if (keep.fresh && chi2Converged(lastDrop, uf, ctx, cost)) {
      status = 2;
      break;
    }

    const theta = Math.max(0.995, 1 - gNorm);

    let actualReduction = -1;
    let xNew: Float64Array = x;
    let fNew: Float64Array = f;
    let costNew = cost;
    let ratio = 0;
    // An updated Jacobian whose step fails, or meets a stopping rule, is evaluated instead.
    let refresh = false;
    while (actualReduction <= 0 && nfev < maxNfev) {
      const tr = solveLsqTrustRegion(n, m, uf, s, vs, delta, alpha);
      alpha = tr.alpha;
      const pH = tr.p;
      const p = new Float64Array(n);
      for (let i = 0; i < n; i++) p[i] = d[i] * pH[i];
      const sel = selectStep(x, jh, m, n, diagH, gH, p, pH, d, delta, lb, ub, theta);

      const xTrial = new Float64Array(n);
      for (let i = 0; i < n; i++) xTrial[i] = x[i] + sel.step[i];
      xNew = makeStrictlyFeasible(xTrial, lb, ub, 0);
      const stepHNorm = norm2(sel.stepH);
      const inside = ctx.feasible(xNew);
      fNew = inside ? ctx.fun(xNew) : f;
      nfev += 1;

      if (!inside || !allFinite(fNew)) {
        if (!keep.fresh) {
          refresh = true;
          break;
        }
        delta = 0.25 * stepHNorm;
        continue;
      }
      costNew = 0.5 * dot(fNew, fNew);
      actualReduction = cost - costNew;
      const upd = updateTrRadius(
        delta,
        actualReduction,
        sel.predicted,
        stepHNorm,
        stepHNorm > 0.95 * delta,
      );
      const stepNorm = norm2(sel.step);
      status = checkTermination(actualReduction, cost, stepNorm, norm2(x), upd.ratio, ftol, xtol);
      ratio = upd.ratio;
      if ((status !== null || actualReduction <= 0) && !keep.fresh) {
        status = null;
        refresh = true;
        if (actualReduction <= 0) break;
      }
      if (status !== null) break;
      alpha *= delta / upd.delta;
      delta = upd.delta;
    }

    if (actualReduction > 0) {
      lastDrop = ratio > 0.25 ? 2 * actualReduction : Infinity;
      const step = { x0: x, f0: f, x1: xNew, f1: fNew };
      x = xNew;
      f = fNew;
      cost = costNew;
      jac = keep.next(jac, step, ratio, scale, refresh || status !== null);
      g = matTVec(jac, m, n, f);
      if (ctx.jacScale && keep.fresh) ({ scale, scaleInv } = jacobianScale(jac, m, n, scaleInv));
      if (status === null && ctx.callback?.({ x, cost, jac, m, n, nfev })) status = -2;
    } else if (refresh) {
      evaluated();
    }
  }
  // The result's Jacobian (errors, diagnostics) is always an evaluated one.
  if (!keep.fresh) {
    evaluated();
    const { v } = clScalingVector(x, g, lb, ub);
    gNorm = normInf(g.map((gi, i) => gi * v[i]));
  }
  return { x, f, jac, cost, optimality: gNorm, nfev, njev: keep.njev, status: status ?? 0 };
}

function trfNoBounds(ctx: LoopContext): LoopOutcome {
  const { m, n, ftol, xtol, gtol, maxNfev } = ctx;
  let scale: Float64Array = ctx.scale;
  let scaleInv: Float64Array = scale.map((s) => 1 / s);
  let x: Float64Array = ctx.x0.slice();
  let f: Float64Array = ctx.f0;
  let jac: Float64Array = ctx.j0;
  let nfev = 1;
  const keep = jacobianKeeper(ctx.jac, m, n, ctx.reuse, ctx.structure);
  // χ² drop of the last accepted step whose model agreed (Infinity: none yet).
  let lastDrop = Infinity;
  const evaluated =
    () => ({ jac, g, scale, scaleInv } = evaluatedAt(ctx, keep, x, f, { scale, scaleInv }));
  let cost = 0.5 * dot(f, f);
  let g: Float64Array = matTVec(jac, m, n, f);
  // Scratch reused by every iteration (the scaled Jacobian is read only within one).
  const jhBuf = new Float64Array(m * n);
  const svdWork = svdWorkspace(m, n);

  let delta: number;
  {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const t = x[i] / scale[i];
      acc += t * t;
    }
    delta = Math.sqrt(acc);
    if (delta === 0) delta = 1;
  }

  let alpha = 0;
  let status: number | null = null;
  let gNorm = 0;

  for (;;) {
    const d = scale;
    gNorm = normInf(g);
    if (gNorm < gtol) status = 1;
    if (status === 1 && !keep.fresh) {
      // A gradient test passed on an updated Jacobian is confirmed on an evaluated one.
      status = null;
      evaluated();
      continue;
    }
    if (status !== null || nfev === maxNfev) break;

    const gH = new Float64Array(n);
    for (let i = 0; i < n; i++) gH[i] = d[i] * g[i];
    const jh = scaleColumns(jac, m, n, d, jhBuf);
    const { s, v: vs, utb: uf } = thinSvd(jh, m, n, f, svdWork);
    if (keep.fresh && chi2Converged(lastDrop, uf, ctx, cost)) {
      status = 2;
      break;
    }

    let actualReduction = -1;
    let xNew: Float64Array = x;
    let fNew: Float64Array = f;
    let costNew = cost;
    let ratio = 0;
    // An updated Jacobian whose step fails, or meets a stopping rule, is evaluated instead.
    let refresh = false;
    while (actualReduction <= 0 && nfev < maxNfev) {
      const tr = solveLsqTrustRegion(n, m, uf, s, vs, delta, alpha);
      alpha = tr.alpha;
      const stepH = tr.p;
      const predicted = -evaluateQuadratic(jh, m, n, gH, stepH, null);
      const step = new Float64Array(n);
      xNew = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        step[i] = d[i] * stepH[i];
        xNew[i] = x[i] + step[i];
      }
      const stepHNorm = norm2(stepH);
      const inside = ctx.feasible(xNew);
      fNew = inside ? ctx.fun(xNew) : f;
      nfev += 1;

      if (!inside || !allFinite(fNew)) {
        if (!keep.fresh) {
          refresh = true;
          break;
        }
        delta = 0.25 * stepHNorm;
        continue;
      }
      costNew = 0.5 * dot(fNew, fNew);
      actualReduction = cost - costNew;
      const upd = updateTrRadius(
        delta,
        actualReduction,
        predicted,
        stepHNorm,
        stepHNorm > 0.95 * delta,
      );
      const stepNorm = norm2(step);
      status = checkTermination(actualReduction, cost, stepNorm, norm2(x), upd.ratio, ftol, xtol);
      ratio = upd.ratio;
      if ((status !== null || actualReduction <= 0) && !keep.fresh) {
        status = null;
        refresh = true;
        if (actualReduction <= 0) break;
      }
      if (status !== null) break;
      alpha *= delta / upd.delta;
      delta = upd.delta;
    }

    if (actualReduction > 0) {
      lastDrop = ratio > 0.25 ? 2 * actualReduction : Infinity;
      const step = { x0: x, f0: f, x1: xNew, f1: fNew };
      x = xNew;
      f = fNew;
      cost = costNew;
      jac = keep.next(jac, step, ratio, scale, refresh || status !== null);
      g = matTVec(jac, m, n, f);
      if (ctx.jacScale && keep.fresh) ({ scale, scaleInv } = jacobianScale(jac, m, n, scaleInv));
      if (status === null && ctx.callback?.({ x, cost, jac, m, n, nfev })) status = -2;
    } else if (refresh) {
      evaluated();
    }
  }
  // The result's Jacobian (errors, diagnostics) is always an evaluated one.
  if (!keep.fresh) {
    evaluated();
    gNorm = normInf(g);
  }
  return { x, f, jac, cost, optimality: gNorm, nfev, njev: keep.njev, status: status ?? 0 };
}
