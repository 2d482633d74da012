/**
 * Jacobian reuse between TRF steps (`trf.ts`, option `reuseJacobian`): after an accepted step
 * whose quadratic model predicted the actual reduction well, the next Jacobian is Broyden's
 * rank-one secant update of the last one instead of a new evaluation (a new evaluation costs one
 * residual evaluation per free parameter with forward differences). The update keeps the
 * Jacobian's sparsity (Schubert's row-wise form: rows of a block of residuals change only in the
 * columns that reach them) and measures steps in the solver's scaled variables, so that a step in
 * an exchange rate of 10³ s⁻¹ and one in a population of 10⁻² weigh alike.
 *
 * @module
 */

/**
 * Which columns can be non-zero in which rows: rows `offsets[k] … offsets[k+1]-1` depend only on
 * the parameters `columns[k]` (e.g. one profile's residuals on the parameters reaching it).
 */
export interface JacobianStructure {
  offsets: Int32Array;
  columns: readonly Int32Array[];
}

/** When the solver may reuse its Jacobian (see {@link TrfReuse} in `trf.ts`). */
export interface ReusePolicy {
  /** Secant updates in a row before a new evaluation (0: never update). */
  maxUpdates: number;
  /** Smallest ratio of actual to predicted reduction of the step that allows an update. */
  minRatio: number;
}

/** Default policy: at most five updates in a row, after steps the model predicted to 25 %. */
export const DEFAULT_REUSE: ReusePolicy = { maxUpdates: 5, minRatio: 0.25 };

/**
 * Broyden's ("good") secant update of a row-major `m × n` Jacobian after the step `s` changed
 * the residuals from `f0` to `f1`: `J + (Δf − J s) wᵀ / (wᵀ s)`, `w = s / scale²` restricted to
 * each block's columns, so that the new Jacobian maps `s` onto `Δf` exactly (where a block's step
 * is not zero) and changes least in the scaled norm. Returns `out`: a new matrix by default, or
 * `jac` itself to update in place (each row is read before it is written, so the numbers are the
 * same).
 *
 * @example
 * ```ts
 * const j = secantUpdate(new Float64Array([1]), 1, 1, new Float64Array([0.5]),
 *   new Float64Array([0]), new Float64Array([1]), new Float64Array([1]));
 * // j[0] === 2
 * ```
 */
export function secantUpdate(
  jac: Float64Array,
  m: number,
  n: number,
  s: Float64Array,
  f0: Float64Array,
  f1: Float64Array,
  scale: Float64Array,
  structure?: JacobianStructure,
  out: Float64Array = jac.slice(),
): Float64Array {
  const w = new Float64Array(n);
  for (let j = 0; j < n; j++) w[j] = s[j] / (scale[j] * scale[j]);
  const update = (lo: number, hi: number, cols: ArrayLike<number>) => {
    let ws = 0;
    for (let a = 0; a < cols.length; a++) ws += w[cols[a]] * s[cols[a]];
    if (!(ws > 0)) return;
    for (let i = lo; i < hi; i++) {
      const row = i * n;
      let js = 0;
      for (let a = 0; a < cols.length; a++) js += jac[row + cols[a]] * s[cols[a]];
      const r = (f1[i] - f0[i] - js) / ws;
      if (r === 0) continue;
      for (let a = 0; a < cols.length; a++) out[row + cols[a]] += r * w[cols[a]];
    }
  };
  if (structure === undefined) {
    update(0, m, Int32Array.from({ length: n }, (_, j) => j));
  } else {
    const { offsets, columns } = structure;
    for (let k = 0; k < columns.length; k++) update(offsets[k], offsets[k + 1], columns[k]);
  }
  return out;
}

/** The solver's Jacobian source: evaluations, or secant updates where the policy allows. */
export interface JacobianKeeper {
  /** Whether the last Jacobian handed out was evaluated (not updated). */
  readonly fresh: boolean;
  /** Jacobian evaluations so far (the start's included). */
  readonly njev: number;
  /** An evaluated Jacobian at x. */
  evaluate(x: Float64Array, f: Float64Array): Float64Array;
  /**
   * The Jacobian at `x1` after the accepted step from `x0`: updated when the policy allows it
   * (model ratio high enough, not too many updates in a row, `evaluate` false), else evaluated.
   */
  next(
    jac: Float64Array,
    step: { x0: Float64Array; f0: Float64Array; x1: Float64Array; f1: Float64Array },
    ratio: number,
    scale: Float64Array,
    evaluate: boolean,
  ): Float64Array;
}

/**
 * A {@link JacobianKeeper} over `jacAt` (whose first evaluation, at the start, was already done)
 * for an `m × n` problem; `policy` null: every Jacobian is evaluated.
 *
 * @example
 * ```ts
 * const keep = jacobianKeeper((x, f) => jacobianOf(x, f), m, n, DEFAULT_REUSE);
 * ```
 */
export function jacobianKeeper(
  jacAt: (x: Float64Array, f: Float64Array) => Float64Array,
  m: number,
  n: number,
  policy: ReusePolicy | null,
  structure?: JacobianStructure,
): JacobianKeeper {
  let fresh = true;
  let updates = 0;
  let njev = 1;
  const evaluate = (x: Float64Array, f: Float64Array) => {
    njev++;
    fresh = true;
    updates = 0;
    return jacAt(x, f);
  };
  return {
    get fresh() {
      return fresh;
    },
    get njev() {
      return njev;
    },
    evaluate,
    next(jac, step, ratio, scale, mustEvaluate) {
      if (
        mustEvaluate || policy === null || updates >= policy.maxUpdates ||
        !(ratio >= policy.minRatio)
      ) return evaluate(step.x1, step.f1);
      const s = new Float64Array(n);
      for (let j = 0; j < n; j++) s[j] = step.x1[j] - step.x0[j];
      updates++;
      fresh = false;
      // In place: the solver keeps no earlier Jacobian (138 doubles per copy in a CPMG_15N_IP
      // group, a backing store allocated and freed outside V8's heap each time).
      return secantUpdate(jac, m, n, s, step.f0, step.f1, scale, structure, jac);
    },
  };
}
