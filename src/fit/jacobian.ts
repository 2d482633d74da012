/**
 * Jacobians of a group's residuals with respect to its free parameters (`docs/jacobians.md`):
 *
 * - "exact" (default): each profile's exact derivatives with respect to its local values
 *   (`Sequence.jacobian`, see `src/experiments/_derivatives.ts`), chained to the free
 *   parameters through the definitions (kinetic models, CONSTRAINTS, `.mf`, …) by
 *   ∂r/∂x_j = Σ_l ∂r/∂local_l · ∂local_l/∂x_j. The definitions are cheap scalar expressions; their
 *   derivatives ∂local/∂x are taken with a five-point (fourth-order) central stencil, accurate
 *   to about 1e-11 relative (exact for the models' polynomial ties), with a step relative to
 *   |x| or, where that drowns in rounding (x near 0 beside larger terms), to max(|x|, 1). Profiles whose family has
 *   no exact derivatives yet, or whose exact derivatives cost more evaluations than the free
 *   parameters reaching the profile (`Sequence.jacobianCost`), are forward-differenced as
 *   before, column by column.
 * - "forward": SciPy's "2-point" forward differences (today's ChemEx and exfit behaviour),
 *   recomputing only the profiles a parameter reaches.
 * - "central": central differences with step ∛eps·max(1, |x|), for checking the others.
 *
 * @module
 */
import { evaluateDefinitions, type ParamVector } from "../params/store.ts";
import { forwardDifferenceStep } from "../solver/trf.ts";
import type { ChunkEvaluator } from "./chunk.ts";

/** How a group's Jacobian is computed. */
export type JacobianMode = "exact" | "forward" | "central";

/** Names accepted for {@link JacobianMode} (e.g. on the command line: fd = forward). */
export const JACOBIAN_MODES: Readonly<Record<string, JacobianMode>> = {
  exact: "exact",
  forward: "forward",
  fd: "forward",
  central: "central",
  cd: "central",
};

/** What the Jacobian strategies need from a group problem. */
export interface JacobianContext {
  readonly pv: ParamVector;
  readonly free: Int32Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly m: number;
  readonly offsets: Int32Array;
  readonly evaluator: ChunkEvaluator;
  /** pv indices of each profile's local values. */
  readonly localIdx: readonly Int32Array[];
  /** Profiles each free parameter reaches. */
  readonly touched: readonly Int32Array[];
  /** pv indices depending on each free parameter (itself included). */
  readonly reach: readonly Int32Array[];
  /** Set the free values and evaluate the definitions. */
  setX(x: Float64Array): void;
  /** Residuals of profile k at the current values into out; returns the scale. */
  evalProfile(k: number, out: Float64Array): number;
  /**
   * Use exact derivatives for every profile that has them, also where forward differences
   * would be cheaper (`Sequence.jacobianCost`): for checking and benchmarks.
   */
  readonly everyExact?: boolean;
  /**
   * The region the fit keeps to inside its box (relaxation blocks positive semidefinite), when
   * it has one: a difference step that would leave it is taken backwards instead.
   */
  readonly feasible?: (x: Float64Array) => boolean;
}

/** Exact derivatives of profiles that have them, differences for the others. */
export function exactJacobian(
  ctx: JacobianContext,
  x: Float64Array,
  f: Float64Array,
): Float64Array {
  const { free, offsets, evaluator, localIdx, pv } = ctx;
  const n = free.length;
  const profiles = localIdx.length;
  const jac = new Float64Array(ctx.m * n);
  // ∂local/∂x is computed on the first profile with exact derivatives (never for groups whose
  // families are all differenced, which then cost what forward differences cost).
  let sens: Float64Array[] | null = null;
  const fallback: number[] = [];
  // Free parameters reaching each profile: what forward differences would cost it.
  const reaching = new Int32Array(profiles);
  for (const list of ctx.touched) for (const k of list) reaching[k]++;
  ctx.setX(x);
  for (let k = 0; k < profiles; k++) {
    const cost = evaluator.calculators?.[k]?.sequence.jacobianCost ?? 0;
    if (!ctx.everyExact && reaching[k] < cost) {
      fallback.push(k);
      continue;
    }
    const li = localIdx[k];
    const nl = li.length;
    const lo = offsets[k];
    const rows = offsets[k + 1] - lo;
    const lv = Float64Array.from(li, (i) => pv.values[i]);
    const seg = new Float64Array(rows);
    const jl = new Float64Array(rows * nl);
    // A derivative that over- or underflowed (∞·0 in a long delay) must not reach the solver,
    // which would step to NaN: that profile is differenced instead.
    if (
      !evaluator.profileJacobian || evaluator.profileJacobian(k, lv, seg, jl) === null ||
      !allFinite(jl)
    ) {
      fallback.push(k);
      continue;
    }
    // J_k = J_local · S_k, S_k[l, j] = ∂local_l/∂x_j.
    sens ??= localSensitivities(ctx, x);
    const s = sens[k];
    for (let i = 0; i < rows; i++) {
      const ro = (lo + i) * n;
      for (let l = 0; l < nl; l++) {
        const a = jl[i * nl + l];
        if (a === 0) continue;
        const so = l * n;
        for (let j = 0; j < n; j++) jac[ro + j] += a * s[so + j];
      }
    }
  }
  if (fallback.length > 0) forwardColumns(ctx, x, f, jac, new Set(fallback));
  return jac;
}

/**
 * ∂local/∂x of every profile (locals × free, row-major), through the definitions: 1 for a free
 * parameter used directly, a five-point central difference of the (scalar) definitions
 * otherwise.
 */
function localSensitivities(ctx: JacobianContext, x: Float64Array): Float64Array[] {
  const { pv, free, reach, localIdx } = ctx;
  const n = free.length;
  const nv = pv.values.length;
  const d = new Float64Array(nv * n);
  const base = new Float64Array(nv);
  ctx.setX(x);
  base.set(pv.values);
  const xs = x.slice();
  // Samples at ±h and ±2h of one step, per defined value.
  const take = (j: number, h: number, defined: Int32Array | number[]) => {
    const out = [1, -1, 2, -2].map(() => new Float64Array(nv));
    [1, -1, 2, -2].forEach((k, q) => {
      xs[j] = x[j] + k * h;
      ctx.setX(xs);
      for (const i of defined) out[q][i] = pv.values[i];
    });
    xs[j] = x[j];
    return out;
  };
  for (let j = 0; j < n; j++) {
    const fi = free[j];
    d[fi * n + j] = 1;
    const defined = reach[j].filter((i) => i !== fi);
    if (defined.length === 0) continue;
    // A step relative to |x| suits the definitions' own scale (a dissociation constant of
    // 1e-6 M); it drowns in rounding where x is near 0 beside larger terms (R2 − R1_S with
    // R1_S at its bound 0), and there a step relative to max(|x|, 1) is tried, for the values
    // whose estimate the rounding bound 2·eps·max|sample|/h does not trust to 1e-8.
    const hRel = 1e-4 * (x[j] !== 0 ? Math.abs(x[j]) : 1);
    const hAbs = 1e-4 * Math.max(Math.abs(x[j]), 1);
    const estimate = (h: number, smp: Float64Array[], i: number) =>
      (8 * (smp[0][i] - smp[1][i]) - (smp[2][i] - smp[3][i])) / (12 * h);
    const rounding = (h: number, smp: Float64Array[], i: number) =>
      2 * Number.EPSILON * Math.max(...smp.map((v) => Math.abs(v[i]))) / h;
    const rel = take(j, hRel, defined);
    const retry = hAbs > hRel
      ? defined.filter((i) => rounding(hRel, rel, i) > 1e-8 * Math.abs(estimate(hRel, rel, i)))
      : [];
    const abs = retry.length > 0 ? take(j, hAbs, retry) : null;
    for (const i of defined) d[i * n + j] = estimate(hRel, rel, i);
    for (const i of retry) {
      // Kept only where it lies within the first estimate's rounding: a step that large may
      // leave the definitions' own scale (a dissociation constant again).
      const v = estimate(hAbs, abs!, i);
      const first = d[i * n + j];
      if (Number.isFinite(v) && Math.abs(v - first) <= rounding(hRel, rel, i)) d[i * n + j] = v;
    }
  }
  pv.values.set(base);
  return localIdx.map((li) => {
    const s = new Float64Array(li.length * n);
    li.forEach((i, l) => s.set(d.subarray(i * n, (i + 1) * n), l * n));
    return s;
  });
}

/**
 * Forward-difference columns (SciPy's "2-point" rule), of the given profiles only (all when
 * `only` is null), into `jac`.
 */
export function forwardColumns(
  ctx: JacobianContext,
  x: Float64Array,
  f: Float64Array,
  jac: Float64Array,
  only: Set<number> | null = null,
): Float64Array {
  const { free, lower, upper, offsets, touched } = ctx;
  const n = free.length;
  const xh = x.slice();
  const segBuf = new Float64Array(ctx.m);
  for (let j = 0; j < n; j++) {
    const list = only ? touched[j].filter((k) => only.has(k)) : touched[j];
    if (list.length === 0) continue;
    const h = forwardDifferenceStep(x[j], lower[j], upper[j]);
    xh[j] = x[j] + h;
    // On the boundary of the feasible region (ChemEx 2026.09 §6.7) the model is never evaluated
    // outside it, not even for a difference: step back into the box where that is feasible.
    if (ctx.feasible && !ctx.feasible(xh) && x[j] - h >= lower[j]) {
      xh[j] = x[j] - h;
      if (!ctx.feasible(xh)) xh[j] = x[j] + h;
    }
    const dx = xh[j] - x[j];
    ctx.setX(xh);
    for (const k of list) {
      const lo = offsets[k];
      const seg = segBuf.subarray(0, offsets[k + 1] - lo);
      ctx.evalProfile(k, seg);
      for (let i = 0; i < seg.length; i++) jac[(lo + i) * n + j] = (seg[i] - f[lo + i]) / dx;
    }
    xh[j] = x[j];
  }
  ctx.setX(x);
  return jac;
}

/** Central differences, step ∛eps·max(1, |x|) (one-sided where a bound is nearer). */
export function centralJacobian(
  ctx: JacobianContext,
  x: Float64Array,
  f: Float64Array,
): Float64Array {
  const { free, lower, upper, offsets, touched } = ctx;
  const n = free.length;
  const jac = new Float64Array(ctx.m * n);
  const xh = x.slice();
  const plus = new Float64Array(ctx.m);
  const minus = new Float64Array(ctx.m);
  for (let j = 0; j < n; j++) {
    const h = Math.cbrt(Number.EPSILON) * Math.max(1, Math.abs(x[j]));
    const hi = Math.min(x[j] + h, upper[j]);
    const lo = Math.max(x[j] - h, lower[j]);
    for (const [xv, buf] of [[hi, plus], [lo, minus]] as const) {
      xh[j] = xv;
      ctx.setX(xh);
      for (const k of touched[j]) {
        if (xv === x[j]) buf.set(f.subarray(offsets[k], offsets[k + 1]), offsets[k]);
        else ctx.evalProfile(k, buf.subarray(offsets[k], offsets[k + 1]));
      }
    }
    xh[j] = x[j];
    const dx = hi - lo;
    for (const k of touched[j]) {
      for (let i = offsets[k]; i < offsets[k + 1]; i++) jac[i * n + j] = (plus[i] - minus[i]) / dx;
    }
  }
  ctx.setX(x);
  return jac;
}

/** Evaluate the definitions after setting the free values (the problems' `setX`). */
export function setFree(pv: ParamVector, free: Int32Array, x: Float64Array): void {
  for (let j = 0; j < free.length; j++) pv.values[free[j]] = x[j];
  evaluateDefinitions(pv);
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
