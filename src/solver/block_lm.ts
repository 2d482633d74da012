/**
 * Bounded damped Gauss–Newton (Levenberg–Marquardt) for least-squares problems whose parameters
 * split into a few globals shared by every block and locals of one block each, as a study cut
 * into chunks: the damped normal equations are solved by block elimination (Schur complement
 * S = Σ Hgg − Hgl Hll⁻¹ Hlg over the blocks, then back-substitution of each block's locals), so
 * work and memory grow linearly with the number of blocks. The residuals and normal blocks come
 * from an asynchronous callback, so the blocks may be evaluated anywhere (`workflows/global_fit.ts`
 * fans them out to executors); this module does the linear algebra and the iteration only.
 *
 * Bounds: variables at a bound whose gradient points outwards are held for the iteration, and the
 * trial point is projected into the box; a trial past the optional feasible region (the
 * relaxation-PSD test) is cut where the step meets its boundary, or damped further; accepted
 * steps always lower the cost. Damping follows
 * Nielsen's rule; the variables are scaled like SciPy's `x_scale="jac"` (Moré's scaling: D² is
 * the running maximum of diag JᵀJ, i.e. of the squared Jacobian column norms).
 *
 * The state after every accepted iteration ({@link BlockLmState}) is plain JSON, handed to a
 * callback and accepted back to resume: the continued run repeats exactly the iterations the
 * uninterrupted one would have done.
 *
 * @module
 */
import { cholesky, cholSolve } from "./_linalg.ts";

/** Layout of the free vector: globals first, then each block's locals. */
export interface BlockLayout {
  /** Number of globals. */
  ng: number;
  /** Start of each block's locals in x, and their count. */
  start: number[];
  count: number[];
  /** Total free parameters. */
  n: number;
}

/** One block's residuals and, when the Jacobian was asked for, its normal blocks. */
export interface BlockEval {
  r: Float64Array;
  /** Dense normal matrix JᵀJ over [globals | block locals] (q×q, q = ng + count). */
  h?: Float64Array;
  /** Jᵀr over [globals | block locals]. */
  b?: Float64Array;
}

/** Everything the loop needs to continue from an accepted iteration (JSON-safe). */
export interface BlockLmState {
  iteration: number;
  x: number[];
  cost: number;
  lambda: number;
  nu: number;
  /** Moré scaling squared, per free parameter. */
  diag: number[];
  /** Residual-only and Jacobian evaluations so far. */
  nfev: number;
  njev: number;
  /** Set when this iteration met a stopping rule: the reason (a resumed fit just finishes). */
  stop?: string;
}

/** Which evaluation a callback call is: iteration number and "j" or `r<trial>`. */
export interface BlockEvalTag {
  iteration: number;
  tag: string;
}

/**
 * Default stopping tolerances: those of the group fits' TRF (`trf.ts`, SciPy's `least_squares`
 * defaults, which ChemEx uses), so a coupled group gives the same answer, to within them, cut
 * into chunks or not. (They were 1e-10 until exfit 2026-12: on ChemEx's CPMG_HN_DQ_ZQ example
 * that spent half of STEP1's 59 iterations lowering χ² by 2e-6 of itself.)
 */
export const BLOCK_LM_DEFAULT_TOL = 1e-8;

/** Stopping rules and resumption of {@link blockLeastSquares}. */
export interface BlockLmOptions {
  /** Relative cost reduction (default {@link BLOCK_LM_DEFAULT_TOL}). */
  ftol?: number;
  /** Relative step size (default {@link BLOCK_LM_DEFAULT_TOL}). */
  xtol?: number;
  /** Largest gradient cosine (default {@link BLOCK_LM_DEFAULT_TOL}). */
  gtol?: number;
  /** Accepted iterations at most (default 500). */
  maxIterations?: number;
  /** Continue from this state. */
  resume?: BlockLmState;
  /** Called after every accepted iteration, before the next one starts (awaited). */
  onIteration?: (state: BlockLmState) => Promise<void> | void;
  /**
   * Region the fit must stay in (relaxation blocks positive semidefinite, ChemEx 2026.09 §6.7):
   * a trial outside it is not evaluated and counts as a failed step (more damping). Used only
   * when the start is inside, so an infeasible start cannot stall the fit.
   */
  feasible?: (x: Float64Array) => boolean;
}

/** Outcome of {@link blockLeastSquares}. */
export interface BlockLmResult {
  x: Float64Array;
  /** Blocks at x, with their normal blocks. */
  blocks: BlockEval[];
  cost: number;
  iterations: number;
  nfev: number;
  njev: number;
  message: string;
  converged: boolean;
}

/**
 * Accumulate one block's normal matrix and gradient from its Jacobian rows: `cols[a]` is the
 * position in the block's [globals | locals] vector of Jacobian column a.
 *
 * @example
 * ```ts
 * const h = new Float64Array(4), b = new Float64Array(2);
 * addNormalRows(h, b, 2, [0, 1], new Float64Array([1, 2]), new Float64Array([0.5]), 1);
 * // h = [1, 2, 2, 4], b = [0.5, 1]
 * ```
 */
export function addNormalRows(
  h: Float64Array,
  b: Float64Array,
  q: number,
  cols: readonly number[],
  jac: ArrayLike<number>,
  r: ArrayLike<number>,
  rows: number,
): void {
  const w = cols.length;
  for (let i = 0; i < rows; i++) {
    const ri = r[i];
    for (let a = 0; a < w; a++) {
      const ja = jac[i * w + a];
      b[cols[a]] += ja * ri;
      for (let c = 0; c < w; c++) h[cols[a] * q + cols[c]] += ja * jac[i * w + c];
    }
  }
}

/**
 * Minimise `½ Σ‖r_c(x)‖²` over the box from `x0` (clipped into it).
 *
 * @example
 * ```ts
 * const res = await blockLeastSquares(layout, x0, lower, upper, (x, jac, tag) => evalBlocks(x, jac));
 * ```
 */
export async function blockLeastSquares(
  layout: BlockLayout,
  x0: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  evaluate: (x: Float64Array, jacobian: boolean, tag: BlockEvalTag) => Promise<BlockEval[]>,
  opts: BlockLmOptions = {},
): Promise<BlockLmResult> {
  const ftol = opts.ftol ?? BLOCK_LM_DEFAULT_TOL;
  const xtol = opts.xtol ?? BLOCK_LM_DEFAULT_TOL;
  const gtol = opts.gtol ?? BLOCK_LM_DEFAULT_TOL;
  const maxIter = opts.maxIterations ?? 500;
  const { n } = layout;
  const s = opts.resume;
  const x = s ? Float64Array.from(s.x) : x0.slice();
  if (x.length !== n) throw new Error(`checkpoint state has ${x.length} parameters, the fit ${n}`);
  for (let j = 0; j < n; j++) x[j] = Math.min(Math.max(x[j], lower[j]), upper[j]);
  let lambda = s?.lambda ?? 1e-3;
  let nu = s?.nu ?? 2;
  const diag = s ? Float64Array.from(s.diag) : new Float64Array(n);
  let iteration = s?.iteration ?? 0;
  let nfev = s?.nfev ?? 0;
  let njev = s?.njev ?? 0;
  let trial = 0;
  const evaluateAt = (xv: Float64Array, jacobian: boolean): Promise<BlockEval[]> => {
    const tag = jacobian ? "j" : `r${trial++}`;
    if (jacobian) njev++;
    else nfev++;
    return evaluate(xv, jacobian, { iteration, tag });
  };

  const inside = opts.feasible && opts.feasible(x) ? opts.feasible : null;
  let current = await evaluateAt(x, true);
  let cost = costOf(current);
  if (!Number.isFinite(cost)) throw new Error("residuals are not finite at the starting values");
  let message = s?.stop ?? "";
  let converged = message !== "";
  let needJ = false;
  while (!converged) {
    if (needJ) {
      current = await evaluateAt(x, true);
      needJ = false;
    }
    const { g, hd } = blockGradient(layout, current);
    for (let j = 0; j < n; j++) {
      const d = hd[j] > 0 ? hd[j] : 1;
      if (d > diag[j]) diag[j] = d;
    }
    const held = new Uint8Array(n);
    let gmax = 0;
    const rnorm = Math.sqrt(2 * cost);
    for (let j = 0; j < n; j++) {
      if ((x[j] <= lower[j] && g[j] > 0) || (x[j] >= upper[j] && g[j] < 0)) {
        held[j] = 1;
        continue;
      }
      if (hd[j] > 0 && rnorm > 0) {
        gmax = Math.max(gmax, Math.abs(g[j]) / (Math.sqrt(hd[j]) * rnorm));
      }
    }
    if (gmax <= gtol) {
      message = "gradient tolerance reached";
      converged = true;
      break;
    }
    if (iteration >= maxIter) {
      message = `stopped after ${maxIter} iterations`;
      break;
    }
    // Inner loop: raise the damping until a step lowers the cost.
    let accepted = false;
    for (;;) {
      const delta = solveDampedBlocks(layout, current, held, lambda, diag);
      if (delta === null) {
        lambda *= nu;
        nu *= 2;
        if (lambda > 1e32) break;
        continue;
      }
      const xt = trialPoint(x, delta, lower, upper, inside);
      if (xt === "still") break;
      if (xt === "outside") {
        lambda *= nu;
        nu *= 2;
        if (lambda > 1e32) break;
        continue;
      }
      const trialEval = await evaluateAt(xt, false);
      const tcost = costOf(trialEval);
      const { bd, dhd } = blockModel(layout, current, delta);
      const predicted = -(bd + 0.5 * dhd);
      const actual = cost - tcost;
      if (Number.isFinite(tcost) && actual > 0) {
        const rho = predicted > 0 ? actual / predicted : 0;
        lambda *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
        nu = 2;
        let dx = 0;
        let xn = 0;
        for (let j = 0; j < n; j++) {
          const sc = Math.sqrt(diag[j]);
          dx += (sc * delta[j]) ** 2;
          xn += (sc * xt[j]) ** 2;
        }
        x.set(xt);
        cost = tcost;
        current = trialEval;
        needJ = true;
        iteration++;
        accepted = true;
        trial = 0;
        // Both the achieved and the predicted decrease negligible (MINPACK): past this point
        // decreases are at the rounding level of the objective.
        if (actual <= ftol * cost && predicted <= ftol * cost) message = "cost tolerance reached";
        else if (Math.sqrt(dx) <= xtol * (xtol + Math.sqrt(xn))) message = "step tolerance reached";
        converged = message !== "";
        await opts.onIteration?.({
          iteration,
          x: Array.from(x),
          cost,
          lambda,
          nu,
          diag: Array.from(diag),
          nfev,
          njev,
          ...(converged ? { stop: message } : {}),
        });
        break;
      }
      lambda *= nu;
      nu *= 2;
      if (lambda > 1e32) break;
    }
    if (converged) break;
    if (!accepted) {
      message = "no further decrease possible (converged to rounding)";
      converged = true;
      break;
    }
  }
  // Errors and final bookkeeping need the Jacobian at the final point.
  if (needJ) current = await evaluateAt(x, true);
  return { x, blocks: current, cost, iterations: iteration, nfev, njev, message, converged };
}

/** Below this fraction of a step inside the region, damping rather than truncation. */
const MIN_INSIDE_FRACTION = 0.1;

/**
 * The trial point x + δ clipped to the bounds (δ set to the step taken): "still" when that does
 * not move; past the feasible region, the step cut where it meets the boundary when at least
 * {@link MIN_INSIDE_FRACTION} of it stays inside (the boundary ahead, not at hand), else
 * "outside" (more damping). With damping alone the fit crept towards a boundary optimum and
 * stopped anywhere up to 1e-6 short of it, where the boundary no longer counts as active
 * (`PSD_ACTIVE_RTOL`).
 */
function trialPoint(
  x: Float64Array,
  delta: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  inside: ((x: Float64Array) => boolean) | null,
): Float64Array | "still" | "outside" {
  const n = x.length;
  const xt = new Float64Array(n);
  let moved = false;
  for (let j = 0; j < n; j++) {
    xt[j] = Math.min(Math.max(x[j] + delta[j], lower[j]), upper[j]);
    delta[j] = xt[j] - x[j];
    if (delta[j] !== 0) moved = true;
  }
  if (!moved) return "still";
  if (!inside || inside(xt)) return xt;
  const t = insideFraction(x, delta, inside);
  if (t < MIN_INSIDE_FRACTION) return "outside";
  for (let j = 0; j < n; j++) {
    xt[j] = x[j] + t * delta[j];
    delta[j] = xt[j] - x[j];
  }
  return xt;
}

/**
 * The largest t in [0, 1) (to 2⁻⁴⁰) with x + t·δ inside the region, by bisection on the
 * feasibility test (cheap beside an evaluation); x is inside, x + δ is not.
 */
function insideFraction(
  x: Float64Array,
  delta: Float64Array,
  inside: (x: Float64Array) => boolean,
): number {
  const xt = new Float64Array(x.length);
  let lo = 0;
  let hi = 1;
  for (let k = 0; k < 40; k++) {
    const t = 0.5 * (lo + hi);
    for (let j = 0; j < x.length; j++) xt[j] = x[j] + t * delta[j];
    if (inside(xt)) lo = t;
    else hi = t;
  }
  return lo;
}

function costOf(ev: BlockEval[]): number {
  let c = 0;
  for (const e of ev) for (const v of e.r) c += v * v;
  return 0.5 * c;
}

/** Damped step for the variables not held: δ (length n), or null if a block is singular. */
function solveDampedBlocks(
  L: BlockLayout,
  ev: BlockEval[],
  held: Uint8Array,
  lam: number,
  diag: Float64Array,
): Float64Array | null {
  const { ng, n } = L;
  const gIdx: number[] = [];
  for (let j = 0; j < ng; j++) if (!held[j]) gIdx.push(j);
  const gq = gIdx.length;
  const S = new Float64Array(gq * gq);
  const t = new Float64Array(gq);
  const back: { lIdx: number[]; Y: Float64Array; y: Float64Array }[] = [];
  for (let ci = 0; ci < ev.length; ci++) {
    const { h, b } = ev[ci];
    const q = ng + L.count[ci];
    const lIdx: number[] = [];
    for (let k = 0; k < L.count[ci]; k++) if (!held[L.start[ci] + k]) lIdx.push(k);
    const lq = lIdx.length;
    const M = new Float64Array(lq * lq);
    for (let a = 0; a < lq; a++) {
      for (let c = 0; c < lq; c++) M[a * lq + c] = h![(ng + lIdx[a]) * q + ng + lIdx[c]];
      M[a * lq + a] += lam * diag[L.start[ci] + lIdx[a]];
    }
    if (!cholesky(M, lq)) return null;
    // Y = M⁻¹ Hlg, y = M⁻¹ bl.
    const Y = new Float64Array(lq * gq);
    const y = new Float64Array(lq);
    for (let a = 0; a < lq; a++) {
      for (let c = 0; c < gq; c++) Y[a * gq + c] = h![(ng + lIdx[a]) * q + gIdx[c]];
      y[a] = b![ng + lIdx[a]];
    }
    cholSolve(M, lq, Y, gq);
    cholSolve(M, lq, y, 1);
    for (let a = 0; a < gq; a++) {
      const ga = gIdx[a];
      t[a] += b![ga];
      for (let k = 0; k < lq; k++) t[a] -= h![ga * q + ng + lIdx[k]] * y[k];
      for (let c = 0; c < gq; c++) {
        let v = h![ga * q + gIdx[c]];
        for (let k = 0; k < lq; k++) v -= h![ga * q + ng + lIdx[k]] * Y[k * gq + c];
        S[a * gq + c] += v;
      }
    }
    back.push({ lIdx, Y, y });
  }
  for (let a = 0; a < gq; a++) S[a * gq + a] += lam * diag[gIdx[a]];
  if (!cholesky(S, gq)) return null;
  cholSolve(S, gq, t, 1);
  const delta = new Float64Array(n);
  for (let a = 0; a < gq; a++) delta[gIdx[a]] = -t[a];
  back.forEach(({ lIdx, Y, y }, ci) => {
    for (let a = 0; a < lIdx.length; a++) {
      let v = -y[a];
      for (let c = 0; c < gq; c++) v -= Y[a * gq + c] * delta[gIdx[c]];
      delta[L.start[ci] + lIdx[a]] = v;
    }
  });
  return delta;
}

/**
 * b·δ and δᵀHδ from the blocks (the globals' block is split among blocks, so summing the
 * per-block quadratic forms gives the full one).
 */
function blockModel(
  L: BlockLayout,
  ev: BlockEval[],
  d: Float64Array,
): { bd: number; dhd: number } {
  const { ng } = L;
  let bd = 0;
  let dhd = 0;
  for (let ci = 0; ci < ev.length; ci++) {
    const { h, b } = ev[ci];
    const q = ng + L.count[ci];
    const v = new Float64Array(q);
    for (let j = 0; j < ng; j++) v[j] = d[j];
    for (let k = 0; k < L.count[ci]; k++) v[ng + k] = d[L.start[ci] + k];
    for (let a = 0; a < q; a++) {
      if (v[a] === 0) continue;
      bd += b![a] * v[a];
      let acc = 0;
      for (let c = 0; c < q; c++) acc += h![a * q + c] * v[c];
      dhd += v[a] * acc;
    }
  }
  return { bd, dhd };
}

/** Full gradient Jᵀr and diag JᵀJ in x order. */
function blockGradient(L: BlockLayout, ev: BlockEval[]): { g: Float64Array; hd: Float64Array } {
  const { ng, n } = L;
  const g = new Float64Array(n);
  const hd = new Float64Array(n);
  for (let ci = 0; ci < ev.length; ci++) {
    const { h, b } = ev[ci];
    const q = ng + L.count[ci];
    for (let j = 0; j < ng; j++) {
      g[j] += b![j];
      hd[j] += h![j * q + j];
    }
    for (let k = 0; k < L.count[ci]; k++) {
      g[L.start[ci] + k] = b![ng + k];
      hd[L.start[ci] + k] = h![(ng + k) * q + ng + k];
    }
  }
  return { g, hd };
}

/**
 * (JᵀJ)⁻¹ entries through the blocks: with M_c = Hll_c, Y_c = M_c⁻¹ Hlg_c and
 * C_gg = (Σ Hgg_c − Hgl_c Y_c)⁻¹: C_gl = −C_gg Y_cᵀ, C_ll = M_c⁻¹ + Y_c C_gg Y_cᵀ, and across
 * blocks C_lc,lc' = Y_c C_gg Y_c'ᵀ. Null when JᵀJ is not positive definite.
 *
 * @example
 * ```ts
 * const cov = blockCovariance(layout, res.blocks);
 * const variance = cov?.entry(0, 0);
 * ```
 */
export function blockCovariance(
  L: BlockLayout,
  ev: BlockEval[],
): { entry(a: number, b: number): number } | null {
  const { ng } = L;
  const nc = ev.length;
  const S = new Float64Array(ng * ng);
  const Ys: Float64Array[] = [];
  const Minv: Float64Array[] = [];
  for (let ci = 0; ci < nc; ci++) {
    const { h } = ev[ci];
    const q = ng + L.count[ci];
    const lq = L.count[ci];
    const M = new Float64Array(lq * lq);
    for (let a = 0; a < lq; a++) {
      for (let c = 0; c < lq; c++) M[a * lq + c] = h![(ng + a) * q + ng + c];
    }
    if (!cholesky(M, lq)) return null;
    const Y = new Float64Array(lq * ng);
    for (let a = 0; a < lq; a++) for (let c = 0; c < ng; c++) Y[a * ng + c] = h![(ng + a) * q + c];
    cholSolve(M, lq, Y, ng);
    const I = new Float64Array(lq * lq);
    for (let a = 0; a < lq; a++) I[a * lq + a] = 1;
    cholSolve(M, lq, I, lq);
    for (let a = 0; a < ng; a++) {
      for (let c = 0; c < ng; c++) {
        let v = h![a * q + c];
        for (let k = 0; k < lq; k++) v -= h![a * q + ng + k] * Y[k * ng + c];
        S[a * ng + c] += v;
      }
    }
    Ys.push(Y);
    Minv.push(I);
  }
  if (!cholesky(S, ng)) return null;
  const Cgg = new Float64Array(ng * ng);
  for (let a = 0; a < ng; a++) Cgg[a * ng + a] = 1;
  cholSolve(S, ng, Cgg, ng);
  // Block of each local position.
  const where = (j: number): [number, number] => {
    for (let ci = 0; ci < nc; ci++) {
      if (j >= L.start[ci] && j < L.start[ci] + L.count[ci]) return [ci, j - L.start[ci]];
    }
    throw new Error(`no block holds parameter ${j}`);
  };
  // (Y_c C_gg)[a,:] for row a of block c.
  const yc = (ci: number, a: number) => {
    const out = new Float64Array(ng);
    const Y = Ys[ci];
    for (let k = 0; k < ng; k++) {
      const yk = Y[a * ng + k];
      if (yk === 0) continue;
      for (let c = 0; c < ng; c++) out[c] += yk * Cgg[k * ng + c];
    }
    return out;
  };
  return {
    entry(a: number, b: number): number {
      if (a < ng && b < ng) return Cgg[a * ng + b];
      if (a >= ng && b < ng) return this.entry(b, a);
      const [cb, lb] = where(b);
      if (a < ng) return -yc(cb, lb)[a];
      const [ca, la] = where(a);
      const row = yc(ca, la);
      let v = 0;
      const Y = Ys[cb];
      for (let k = 0; k < ng; k++) v += row[k] * Y[lb * ng + k];
      if (ca === cb) v += Minv[ca][la * L.count[ca] + lb];
      return v;
    },
  };
}
