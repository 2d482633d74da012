/**
 * The CPMG engine's evaluation (`cpmgKit`'s sequence): with a {@link PropagatorCache}
 * (`_cpmg_cache.ts`) holding the echoes, phase-cycle products and their binary powers of the
 * current point (stamped per point), the per-point evaluation that runs each compiled transient
 * group on its block of vectors, in the free Liouvillian's eigenbasis through the trains where the
 * eigen route is taken (`_cpmg_eigen.ts`). What is cached, and for how long, is explicit: plans
 * per x array (`_cpmg_plan.ts`), compiled transient lists for the sequence's life,
 * start/detection vectors and fused runs per evaluation (`stamp`), echoes, cycles and powers per
 * point (`point`), and the vectors shared with sequences that differ only in detection
 * (`_cpmg_share.ts`).
 *
 * @module
 */
import type { Sequence } from "./types.ts";
import type { Spectrometer } from "../nmr/spectrometer.ts";
import { matmul, matvec } from "../nmr/expm.ts";
import { adjointUnsupported, CpmgAdjoint } from "./_cpmg_adjoint.ts";
import { withJacobian } from "./_derivatives.ts";
import { CpmgShare } from "./_cpmg_share.ts";
import { blockMatvec, composeOps, PropagatorCache } from "./_cpmg_cache.ts";
import type { CpmgChains, CpmgKind, CpmgKitOptions, Transient } from "./_cpmg.ts";
import {
  type Compiled,
  compileTransients,
  type Group,
  type Plan,
  PlanCache,
  popcount,
} from "./_cpmg_plan.ts";

/** The state of one CPMG sequence's evaluations. */
interface RunState {
  readonly n: number;
  readonly plans: PlanCache;
  readonly cache: PropagatorCache;
  readonly compiled: WeakMap<readonly Transient[], Compiled>;
  /** Stamp of the current evaluation. */
  evaluation: number;
  readonly start: Float64Array;
  readonly detect: Float64Array;
  readonly nPoint: number;
  /**
   * A product of two n×n matrices costs about 0.7·n matrix–vector products with the
   * register-blocked kernels of src/nmr/expm.ts (benchmarks/kernels_bench.ts).
   */
  readonly matmulCost: number;
  /** Block buffers, grown to the largest group. */
  bufA: Float64Array;
  bufB: Float64Array;
  readonly vec: Float64Array;
  readonly tmp: Float64Array;
  /** Whether this evaluation forms every delay of the plan (for the adjoint). */
  fullDelays: boolean;
}

/** A transient list compiled once for the sequence's life (cycle slots and buffers grown). */
function compileList(st: RunState, list: readonly Transient[]): Compiled {
  let c = st.compiled.get(list);
  if (c) return c;
  const { compiled, slots, widest } = compileTransients(list, st.n, st.cache.slotCount);
  st.cache.addSlots(slots);
  if (widest * st.n > st.bufA.length) {
    st.bufA = new Float64Array(widest * st.n);
    st.bufB = new Float64Array(widest * st.n);
  }
  c = compiled;
  st.compiled.set(list, c);
  return c;
}

/** Runs a group's core on its k start vectors; returns the buffer holding the results. */
function runCore(
  st: RunState,
  g: Group,
  c: Compiled,
  plan: Plan,
  k: number,
  x: number,
): Float64Array {
  const n = st.n;
  const kv = g.members.length;
  const len = kv * n;
  let v: Float64Array = st.bufA;
  let w: Float64Array = st.bufB;
  let u: Float64Array;
  for (let i = 0; i < len; i++) v[i] = g.starts[i];
  const steps = c.fused ? g.fusedCore : g.core;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s instanceof Float64Array) {
      if (s.length === n) {
        for (let q = 0; q < len; q += n) {
          for (let r = 0; r < n; r++) v[q + r] *= s[r];
        }
        continue;
      }
      blockMatvec(w, s, v, n, kv);
    } else if (s.kind === "train") {
      const d = plan.mats[plan.tauAt[k]];
      if (x === -1) {
        blockMatvec(w, d, v, n, kv);
      } else {
        // In the eigenbasis the echoes are X⁻¹·echo·X: enter it here, leave it after the train.
        const eigen = st.cache.eigen;
        const inEigen = eigen.active;
        if (inEigen) {
          if (eigen.blocked) eigen.toEigen(w, v, kv);
          else blockMatvec(w, eigen.xinv, v, n, kv);
          u = v, v = w, w = u;
        }
        const count = s.count ? s.count(x) : s.perCycle * Math.trunc(x);
        const phases = typeof s.phases === "function" ? s.phases(x) : s.phases;
        const p = phases.length;
        // Echo j has phase table[(j + shift) % p] (the table in time order); the canonical
        // cycle starts at table[rotation], first reached after `lead` echoes.
        const tc = c.trains.get(s);
        let lead = count;
        let m = 0;
        if (tc) {
          const shift = s.fromEnd ? (p - (count % p)) % p : 0;
          lead = Math.min(count, (((tc.rotation - shift) % p) + p) % p);
          m = Math.floor((count - lead) / p);
          // Powers of the cycle save uses·m·(p − 1) matrix–vector products for p − 1 products
          // (a one-phase cycle is the echo itself and costs nothing to form).
          if (p > 1 && tc.uses * m <= st.matmulCost) lead = count, m = 0;
        }
        for (let j = 0; j < lead; j++) {
          const ph = phases[s.fromEnd ? (count - 1 - j) % p : j % p];
          blockMatvec(w, st.cache.echoOf(s.set, ph, d), v, n, kv);
          u = v, v = w, w = u;
        }
        if (m > 0) {
          const bits = 32 - Math.clz32(m);
          const ones = popcount(m);
          if (bits > 1 && tc!.uses * (m - ones) > (bits - 1) * st.matmulCost) {
            // Binary powers: bits − 1 squarings save uses·(m − ones) products.
            for (let b = 0; b < bits; b++) {
              if (((m >> b) & 1) === 0) continue;
              blockMatvec(w, st.cache.cyclePower(s.set, tc!, d, b), v, n, kv);
              u = v, v = w, w = u;
            }
          } else {
            const cyc = st.cache.cycleOf(s.set, tc!, d);
            for (let q = 0; q < m; q++) {
              blockMatvec(w, cyc, v, n, kv);
              u = v, v = w, w = u;
            }
          }
          for (let j = lead + m * p; j < count; j++) {
            const ph = phases[s.fromEnd ? (count - 1 - j) % p : j % p];
            blockMatvec(w, st.cache.echoOf(s.set, ph, d), v, n, kv);
            u = v, v = w, w = u;
          }
        }
        if (!inEigen) continue;
        if (eigen.blocked) eigen.fromEigen(w, v, kv);
        else blockMatvec(w, eigen.x, v, n, kv);
      }
    } else if (s.kind === "point") {
      blockMatvec(w, plan.mats[plan.pointAt[k * st.nPoint + s.index]], v, n, kv);
    } else if (s.apply(v, w, x, kv) === v) {
      continue;
    }
    u = v, v = w, w = u;
  }
  return v;
}

/**
 * The groups' start and detection vectors (heads, tails and weights applied) and the products
 * of the fixed runs where the list runs for `points` points: once per evaluation.
 */
function ends(st: RunState, list: readonly Transient[], points: number): Compiled {
  const n = st.n;
  const c = compileList(st, list);
  if (c.stamp === st.evaluation) return c;
  for (const g of c.groups) {
    for (const { transient: t, head, tail, start: sv, detect: dv } of g.members) {
      sv.set(st.start);
      for (let i = 0; i < head; i++) applyFixed(st, sv, t.steps[i] as Float64Array, false);
      dv.set(st.detect);
      for (let i = t.steps.length - 1; i >= t.steps.length - tail; i--) {
        applyFixed(st, dv, t.steps[i] as Float64Array, true);
      }
      const weight = t.weight ?? 1;
      if (weight !== 1) { for (let r = 0; r < n; r++) dv[r] *= weight; }
    }
  }
  // A run of L steps as one matrix costs L − 1 products and saves L − 1 matrix–vector
  // products each time it runs: worth it when it runs more than n times.
  c.fused = c.runs.length > 0 && c.fewestUses * points > n;
  if (c.fused) {
    for (const r of c.runs) composeOps(r.product, r.steps, n, st.tmp);
  }
  c.stamp = st.evaluation;
  return c;
}

/** Whether a point's result can be shared: none of the plan's transients has a fixed tail. */
function sharable(st: RunState, plan: Plan): boolean {
  for (const list of plan.lists) if (!compileList(st, list).tailFree) return false;
  return true;
}

/** v ← op·v (or opᵀ·v), op dense or diagonal. */
function applyFixed(st: RunState, v: Float64Array, op: Float64Array, transposed: boolean): void {
  const n = st.n;
  if (op.length === n) {
    for (let r = 0; r < n; r++) v[r] *= op[r];
    return;
  }
  if (transposed) {
    st.vec.fill(0);
    for (let r = 0; r < n; r++) {
      const vr = v[r];
      const ro = r * n;
      for (let c = 0; c < n; c++) st.vec[c] += op[ro + c] * vr;
    }
  } else {
    matvec(st.vec, op, v, n);
  }
  v.set(st.vec);
}

/**
 * The detected signal of one point; with `share`, each group's core-end vectors are also kept
 * for sequences that differ only in detection (`_cpmg_share.ts`).
 */
function signal(
  st: RunState,
  list: readonly Transient[],
  points: number,
  plan: Plan,
  k: number,
  x: number,
  share: CpmgShare | null,
): number {
  const n = st.n;
  const c = ends(st, list, points);
  const kept = share ? share.slot(x, c.width * n) : null;
  let sum = 0;
  let at = 0;
  for (const g of c.groups) {
    const v = runCore(st, g, c, plan, k, x);
    const len = g.members.length * n;
    if (kept) kept.set(v.subarray(0, len), at), at += len;
    for (let i = 0; i < len; i++) sum += g.detects[i] * v[i];
  }
  return sum;
}

/**
 * The signal of one point from core-end vectors another sequence computed (`_cpmg_share.ts`):
 * the same sum as {@link signal}'s over this sequence's detection vectors (its transients have
 * no fixed tail, so they are the detection vector times the weight).
 */
function sharedSignal(st: RunState, list: readonly Transient[], kept: Float64Array): number {
  const n = st.n;
  const c = compileList(st, list);
  let sum = 0;
  let at = 0;
  for (const g of c.groups) {
    for (const { transient: t, detect: dv } of g.members) {
      dv.set(st.detect);
      const weight = t.weight ?? 1;
      if (weight !== 1) { for (let r = 0; r < n; r++) dv[r] *= weight; }
    }
    const len = g.members.length * n;
    for (let i = 0; i < len; i++) sum += g.detects[i] * kept[at + i];
    at += len;
  }
  return sum;
}

/**
 * The sequence of a CPMG kit: per evaluation the Liouvillian, start vector, finite pulses and
 * every free delay (one {@link Spectrometer.delays} call), the sequence's own elements
 * (`prepare`), then every distinct ncyc point.
 */
export function cpmgRunner(
  sp: Spectrometer,
  kind: CpmgKind,
  o: CpmgKitOptions,
  parts: {
    p90: Float64Array[];
    p180: Float64Array[];
    fixed: Float64Array[];
    fixedTimes: number[];
    /** The calculator set's store (`SequenceContext.shared`). */
    shared?: Map<string, unknown>;
  },
  chains: CpmgChains,
  detect: Float64Array,
): Sequence {
  const n = sp.size;
  const { p90, p180, fixed, fixedTimes } = parts;
  const terms = [...chains.start];
  const share = parts.shared && chains.shareKey !== undefined && !chains.liouvillian
    ? new CpmgShare(parts.shared, `${kind.name}|${chains.shareKey}|${terms.join(",")}`)
    : null;
  const st: RunState = {
    n,
    plans: new PlanCache(kind, o, chains, fixed, fixedTimes, n),
    cache: new PropagatorCache(sp, chains.echoes ?? [], kind.name),
    compiled: new WeakMap(),
    evaluation: 0,
    start: new Float64Array(n),
    detect,
    nPoint: o.pointDelays?.length ?? 0,
    matmulCost: Math.max(2, Math.ceil(0.7 * n)),
    bufA: new Float64Array(n),
    bufB: new Float64Array(n),
    vec: new Float64Array(n),
    tmp: new Float64Array(n * n),
    fullDelays: false,
  };
  const hasEchoes = (chains.echoes?.length ?? 0) > 0;
  const seq = (x: Float64Array): Float64Array => {
    const plan = st.plans.planOf(x);
    st.evaluation++;
    if (chains.liouvillian) chains.liouvillian();
    else sp.rebuild();
    sp.startVector(terms, "1H", st.start);
    const sharing = share && !st.fullDelays && sharable(st, plan) ? share : null;
    const kept = sharing?.lookup(sp, st.start, plan.values);
    if (kept) {
      const { values, signals } = plan;
      for (let k = 0; k < values.length; k++) {
        signals[k] = sharedSignal(st, plan.lists[k], kept.get(values[k])!);
      }
      return Float64Array.from(plan.slot, (k) => signals[k]);
    }
    sharing?.begin(sp, st.start);
    if (o.pw90S !== undefined) {
      const pw90 = 1 / (4 * sp.b1I);
      sp.pulseI(p90[0], pw90);
      // The 180° pulse is the 90° one twice (one generator, twice the width): a product
      // instead of a second exponential, the last squaring that one would end with.
      matmul(p180[0], p90[0], p90[0], n);
      for (let k = 1; k < 4; k++) {
        sp.phase(p90[k], p90[0], k);
        sp.phase(p180[k], p180[0], k);
      }
    }
    const eigen = st.cache.eigen;
    eigen.active = false;
    if (!hasEchoes) {
      sp.delays(plan.mats, plan.times);
    } else if (sp.delaysExcept(plan.mats, plan.times, st.fullDelays ? null : plan.trainOnly)) {
      eigen.capture(sp.eigWs);
    }
    chains.prepare?.(plan.values);
    const { values, signals } = plan;
    for (let k = 0; k < values.length; k++) {
      st.cache.nextPoint();
      if (eigen.active && values[k] > 0) eigen.setTau(plan.times[plan.tauAt[k]]);
      signals[k] = signal(st, plan.lists[k], plan.points[k], plan, k, values[k], sharing);
    }
    sharing?.finish();
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = signals[plan.slot[i]];
    return out;
  };
  const adjointParts = { p90, p180, fixed, terms, detect, nPoint: st.nPoint };
  if (adjointUnsupported(chains, adjointParts) !== null) return seq;
  let adjoint: CpmgAdjoint | null = null;
  return withJacobian(seq, (x) => {
    // The adjoint reads every delay of the plan as a matrix.
    st.fullDelays = true;
    let values: Float64Array;
    try {
      values = seq(x);
    } finally {
      st.fullDelays = false;
    }
    const plan = st.plans.planOf(x);
    adjoint ??= new CpmgAdjoint(sp, chains, adjointParts);
    const rows = adjoint.jacobian(plan, st.start);
    const nl = sp.values.length;
    const jac = new Float64Array(x.length * nl);
    for (let i = 0; i < x.length; i++) {
      jac.set(rows.subarray(plan.slot[i] * nl, (plan.slot[i] + 1) * nl), i * nl);
    }
    return { values, jac };
  }, CPMG_JACOBIAN_COST);
}

/**
 * What one exact CPMG pass costs in evaluations of the profile (`Sequence.jacobianCost`):
 * 11–20 measured over the benchmarked types (`benchmarks/jacobian_bench.ts`, docs/jacobians.md),
 * so the default fit differences a CPMG profile unless at least this many free parameters reach
 * it.
 */
export const CPMG_JACOBIAN_COST = 20;
