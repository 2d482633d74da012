/**
 * Global minimization across chunks: a bounded Levenberg–Marquardt outer loop on the full free
 * vector (globals + every chunk's locals) whose damped normal equations are solved by block
 * elimination. Each iteration fans `evaluate` out to the chunks (residuals and Jacobian blocks),
 * forms per chunk the small normal blocks [Hgg Hgl; Hlg Hll], eliminates the local block of every
 * chunk (Schur complement S = Σ Hgg − Hgl Hll⁻¹ Hlg), solves for the globals, and back-substitutes
 * the locals. Work and memory per iteration grow linearly with the number of chunks (residues).
 *
 * Bounds: variables at a bound whose gradient points outwards are held for the iteration, and the
 * trial point is projected into the box; accepted steps always lower the cost. Damping follows
 * Nielsen's rule with Moré's scaling (D² = running max of diag JᵀJ). After convergence the
 * parameter covariance (JᵀJ)⁻¹ is formed from the same blocks, and derived parameters get
 * first-order propagated errors as in single-process group fits.
 *
 * State after every accepted iteration ({@link OuterState}) is plain JSON, handed to a callback
 * (checkpoints) and accepted back to resume: the continued run repeats exactly the iterations the
 * uninterrupted one would have done.
 *
 * @module
 */
import { dec, type EvaluateResult, PAYLOAD_VERSION } from "../functions/payload.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import { propagateVariance } from "../src/solver/covariance.ts";
import type { Executor } from "./executor.ts";
import type { GlobalWork } from "./plan.ts";

/** Stopping rules of the outer loop. */
export interface OuterTolerances {
  /** Relative cost reduction (default 1e-10). */
  ftol?: number;
  /** Relative step size (default 1e-10). */
  xtol?: number;
  /** Largest gradient cosine (default 1e-10). */
  gtol?: number;
  /** Accepted iterations at most (default 500). */
  maxIterations?: number;
}

/** Everything the loop needs to continue from an accepted iteration (JSON-safe). */
export interface OuterState {
  iteration: number;
  x: number[];
  cost: number;
  lambda: number;
  nu: number;
  /** Moré scaling squared, per free parameter. */
  diag: number[];
  /** Residual-only and Jacobian fan-outs so far. */
  nfev: number;
  njev: number;
  /** Profile evaluations reported by the chunks so far. */
  evaluations: number;
  /** Set when this iteration met a stopping rule: the reason (a resumed fit just finishes). */
  stop?: string;
}

/** Outcome of a global fit (the group's sub-store is updated in place). */
export interface GlobalFitResult {
  freeIds: string[];
  /** All residuals, chunk by chunk in profile order. */
  residuals: Float64Array;
  /** Per study profile index: scale at the final parameters. */
  scales: Map<number, number>;
  evaluations: number;
  iterations: number;
  nfev: number;
  njev: number;
  cost: number;
  /** Why the loop stopped. */
  message: string;
  converged: boolean;
}

/** Options of {@link globalFit}. */
export interface GlobalFitOptions extends OuterTolerances {
  /** Continue from this state (from a checkpoint). */
  resume?: OuterState;
  /** Called after every accepted iteration, before the next one starts (awaited). */
  onIteration?: (state: OuterState) => Promise<void> | void;
}

interface ChunkEval {
  r: Float64Array;
  scales: number[];
  /** Dense normal blocks over [globals | chunk locals]: H (q×q), b = Jᵀr (q). */
  h?: Float64Array;
  b?: Float64Array;
  evaluations: number;
}

/** Cholesky factor in place (lower), false when not positive definite. */
function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const l = Math.sqrt(d);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / l;
    }
  }
  return true;
}

/** Solve L Lᵀ x = b in place (b: n×cols row-major). */
function cholSolve(l: Float64Array, n: number, b: Float64Array, cols: number): void {
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < n; i++) {
      let s = b[i * cols + c];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * b[k * cols + c];
      b[i * cols + c] = s / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = b[i * cols + c];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k * cols + c];
      b[i * cols + c] = s / l[i * n + i];
    }
  }
}

/** Layout of the free vector: globals first, then each chunk's locals. */
interface Layout {
  ng: number;
  /** Start of each chunk's locals in x, and their count. */
  start: number[];
  count: number[];
  n: number;
  index: Map<string, number>;
  freeIds: string[];
}

function layoutOf(work: GlobalWork): Layout {
  const freeIds = [...work.globalIds];
  const start: number[] = [];
  const count: number[] = [];
  for (const ids of work.localIds) {
    start.push(freeIds.length);
    count.push(ids.length);
    freeIds.push(...ids);
  }
  return {
    ng: work.globalIds.length,
    start,
    count,
    n: freeIds.length,
    index: new Map(freeIds.map((id, k) => [id, k])),
    freeIds,
  };
}

/**
 * Fit a coupled group chunk by chunk on an executor; the group's sub-store (`work.store`, whose
 * objects are the step store's) receives values and errors.
 *
 * @example
 * ```ts
 * const res = await globalFit(work, inProcessExecutor(), { ftol: 1e-12 });
 * ```
 */
export async function globalFit(
  work: GlobalWork,
  executor: Executor,
  opts: GlobalFitOptions = {},
): Promise<GlobalFitResult> {
  const ftol = opts.ftol ?? 1e-10;
  const xtol = opts.xtol ?? 1e-10;
  const gtol = opts.gtol ?? 1e-10;
  const maxIter = opts.maxIterations ?? 500;
  const L = layoutOf(work);
  const { ng, n } = L;
  const lower = Float64Array.from(L.freeIds, (id) => work.store.get(id)!.min);
  const upper = Float64Array.from(L.freeIds, (id) => work.store.get(id)!.max);
  const nc = work.chunks.length;
  // Per chunk: for each payload parameter, its slot in x (or -1), and the map from the chunk
  // function's free ids to positions in the chunk's [globals | locals] block.
  const slots = work.chunks.map((c) => Int32Array.from(c.params, (p) => L.index.get(p.id) ?? -1));

  const s = opts.resume;
  const x = s
    ? Float64Array.from(s.x)
    : Float64Array.from(L.freeIds, (id) => work.store.get(id)!.value);
  if (x.length !== n) throw new Error(`checkpoint state has ${x.length} parameters, the fit ${n}`);
  for (let j = 0; j < n; j++) x[j] = Math.min(Math.max(x[j], lower[j]), upper[j]);
  let lambda = s?.lambda ?? 1e-3;
  let nu = s?.nu ?? 2;
  const diag = s ? Float64Array.from(s.diag) : new Float64Array(n);
  let iteration = s?.iteration ?? 0;
  let nfev = s?.nfev ?? 0;
  let njev = s?.njev ?? 0;
  let evaluations = s?.evaluations ?? 0;
  let trial = 0;

  const evaluateAt = async (xv: Float64Array, jacobian: boolean): Promise<ChunkEval[]> => {
    const tag = jacobian ? "j" : `r${trial++}`;
    if (jacobian) njev++;
    else nfev++;
    const results = await Promise.all(work.chunks.map((c, ci) => {
      const params = c.params.map((p, k) =>
        slots[ci][k] >= 0 ? { ...p, value: xv[slots[ci][k]] } : p
      );
      return executor.run("evaluate", {
        version: PAYLOAD_VERSION,
        id: `${c.id}:i${iteration}:${tag}`,
        chunk: c.chunk,
        params,
        jacobian,
      }, { affinity: ci });
    }));
    return results.map((res, ci) => toChunkEval(res, ci, jacobian));
  };

  const toChunkEval = (res: EvaluateResult, ci: number, jacobian: boolean): ChunkEval => {
    evaluations += res.evaluations;
    const r = Float64Array.from(res.residuals.flat(), dec);
    const out: ChunkEval = { r, scales: res.scales.map(dec), evaluations: res.evaluations };
    if (!jacobian) return out;
    const q = ng + L.count[ci];
    // Position of each of the chunk function's free ids in this chunk's block.
    const pos = res.freeIds.map((id) => {
      const k = L.index.get(id);
      if (k === undefined) {
        throw new Error(`chunk ${work.chunks[ci].id}: unexpected free parameter ${id}`);
      }
      if (k < ng) return k;
      const local = k - L.start[ci];
      if (local < 0 || local >= L.count[ci]) {
        throw new Error(`chunk ${work.chunks[ci].id}: parameter ${id} belongs to another chunk`);
      }
      return ng + local;
    });
    const h = new Float64Array(q * q);
    const b = new Float64Array(q);
    let row = 0;
    res.jacobian!.forEach((blk, p) => {
      const cols = blk.cols.map((c) => pos[c]);
      const w = cols.length;
      const rows = res.residuals[p].length;
      for (let i = 0; i < rows; i++) {
        const ri = r[row + i];
        for (let a = 0; a < w; a++) {
          const ja = dec(blk.values[i * w + a]);
          b[cols[a]] += ja * ri;
          for (let c = 0; c < w; c++) h[cols[a] * q + cols[c]] += ja * dec(blk.values[i * w + c]);
        }
      }
      row += rows;
    });
    out.h = h;
    out.b = b;
    return out;
  };

  const costOf = (ev: ChunkEval[]) => {
    let c = 0;
    for (const e of ev) for (const v of e.r) c += v * v;
    return 0.5 * c;
  };

  // Damped step for the variables not held: returns δ (length n) or null if a block is singular.
  const solve = (ev: ChunkEval[], held: Uint8Array, lam: number): Float64Array | null => {
    const gIdx: number[] = [];
    for (let j = 0; j < ng; j++) if (!held[j]) gIdx.push(j);
    const gq = gIdx.length;
    const S = new Float64Array(gq * gq);
    const t = new Float64Array(gq);
    const back: { lIdx: number[]; Y: Float64Array; y: Float64Array }[] = [];
    for (let ci = 0; ci < nc; ci++) {
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
  };

  // b·δ and δᵀHδ from the chunk blocks (the globals' block is split among chunks, so summing
  // the per-chunk quadratic forms gives the full one).
  const model = (ev: ChunkEval[], d: Float64Array) => {
    let bd = 0;
    let dhd = 0;
    for (let ci = 0; ci < nc; ci++) {
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
  };

  // Full gradient Jᵀr and diag JᵀJ in x order.
  const gradient = (ev: ChunkEval[]) => {
    const g = new Float64Array(n);
    const hd = new Float64Array(n);
    for (let ci = 0; ci < nc; ci++) {
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
  };

  let current = await evaluateAt(x, true);
  let cost = costOf(current);
  if (!Number.isFinite(cost)) {
    throw new Error(`global fit ${work.id}: residuals are not finite at the starting values`);
  }
  let message = s?.stop ?? "";
  let converged = message !== "";
  let needJ = false;
  while (!converged) {
    if (needJ) {
      const fresh = await evaluateAt(x, true);
      current = fresh;
      needJ = false;
    }
    const { g, hd } = gradient(current);
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
      const delta = solve(current, held, lambda);
      if (delta === null) {
        lambda *= nu;
        nu *= 2;
        if (lambda > 1e32) break;
        continue;
      }
      const xt = new Float64Array(n);
      let moved = false;
      for (let j = 0; j < n; j++) {
        xt[j] = Math.min(Math.max(x[j] + delta[j], lower[j]), upper[j]);
        delta[j] = xt[j] - x[j];
        if (delta[j] !== 0) moved = true;
      }
      if (!moved) break;
      const trialEval = await evaluateAt(xt, false);
      const tcost = costOf(trialEval);
      const { bd, dhd } = model(current, delta);
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
        if (opts.onIteration) {
          await opts.onIteration({
            iteration,
            x: Array.from(x),
            cost,
            lambda,
            nu,
            diag: Array.from(diag),
            nfev,
            njev,
            evaluations,
            ...(converged ? { stop: message } : {}),
          });
        }
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
  finish(work, L, x, current);
  const residuals = new Float64Array(current.reduce((a, e) => a + e.r.length, 0));
  const scales = new Map<number, number>();
  let off = 0;
  current.forEach((e, ci) => {
    residuals.set(e.r, off);
    off += e.r.length;
    work.chunks[ci].profiles.forEach((k, i) => scales.set(k, e.scales[i]));
  });
  return {
    freeIds: L.freeIds,
    residuals,
    scales,
    evaluations,
    iterations: iteration,
    nfev,
    njev,
    cost,
    message,
    converged,
  };
}

/** Values, standard errors of free parameters, derived values and their propagated errors. */
function finish(work: GlobalWork, L: Layout, x: Float64Array, ev: ChunkEval[]): void {
  const n = L.n;
  const store = work.store;
  L.freeIds.forEach((id, j) => store.get(id)!.value = x[j]);
  const cov = blockCovariance(L, ev, work.chunks.length);
  L.freeIds.forEach((id, j) => store.get(id)!.stderr = cov ? Math.sqrt(cov.entry(j, j)) : null);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  for (const d of pv.defs) store.get(pv.ids[d.target])!.value = pv.values[d.target];
  if (!cov) return;
  // First-order propagation through the definitions, with the steps of single-process fits.
  const base = pv.values.slice();
  const free = L.freeIds.map((id) => pv.index.get(id)!);
  const grads = pv.defs.map(() => new Map<number, number>());
  for (let j = 0; j < n; j++) {
    const h = 1e-7 * Math.max(1, Math.abs(x[j]));
    pv.values.set(base);
    pv.values[free[j]] = x[j] + h;
    evaluateDefinitions(pv);
    pv.defs.forEach((d, k) => {
      const v = (pv.values[d.target] - base[d.target]) / h;
      if (v !== 0) grads[k].set(j, v);
    });
  }
  pv.values.set(base);
  pv.defs.forEach((d, k) => {
    const p = store.get(pv.ids[d.target])!;
    const gmap = grads[k];
    if (gmap.size === 0) {
      p.stderr = null;
      return;
    }
    const idx = [...gmap.keys()];
    const gv = Float64Array.from(idx, (j) => gmap.get(j)!);
    const m = idx.length;
    const c = new Float64Array(m * m);
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) c[a * m + b] = cov.entry(idx[a], idx[b]);
    }
    p.stderr = Math.sqrt(propagateVariance(gv, c, m));
  });
}

/**
 * (JᵀJ)⁻¹ entries through the blocks: with M_c = Hll_c, Y_c = M_c⁻¹ Hlg_c and
 * C_gg = (Σ Hgg_c − Hgl_c Y_c)⁻¹: C_gl = −C_gg Y_cᵀ, C_ll = M_c⁻¹ + Y_c C_gg Y_cᵀ, and across
 * chunks C_lc,lc' = Y_c C_gg Y_c'ᵀ. Null when JᵀJ is not positive definite.
 */
function blockCovariance(
  L: Layout,
  ev: ChunkEval[],
  nc: number,
): { entry(a: number, b: number): number } | null {
  const { ng } = L;
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
  // Chunk of each local position.
  const where = (j: number): [number, number] => {
    for (let ci = 0; ci < nc; ci++) {
      if (j >= L.start[ci] && j < L.start[ci] + L.count[ci]) return [ci, j - L.start[ci]];
    }
    throw new Error(`no chunk holds parameter ${j}`);
  };
  // (Y_c C_gg)[a,:] for row a of chunk c.
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
