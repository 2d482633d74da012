/**
 * The CPMG engine's evaluation (`cpmgKit`'s sequence): a {@link PropagatorCache} holding the
 * echoes, phase-cycle products and their binary powers of the current point (stamped per
 * point), and the per-point evaluation that runs each compiled transient group on its block of
 * vectors. What is cached, and for how long, is explicit: plans per x array (`_cpmg_plan.ts`),
 * compiled transient lists for the sequence's life, start/detection vectors and fused runs per
 * evaluation (`stamp`), echoes, cycles and powers per point (`point`).
 *
 * @module
 */
import type { Sequence } from "./types.ts";
import type { Spectrometer } from "../nmr/spectrometer.ts";
import { matmul, matvec } from "../nmr/expm.ts";
import { adjointUnsupported, CpmgAdjoint } from "./_cpmg_adjoint.ts";
import { withJacobian } from "./_derivatives.ts";
import { EigenEchoes } from "./_cpmg_eigen.ts";
import type { CpmgChains, CpmgKind, CpmgKitOptions, EchoSet, Transient } from "./_cpmg.ts";
import {
  type Compiled,
  compileTransients,
  type Group,
  type Plan,
  PlanCache,
  popcount,
  type TrainCycle,
} from "./_cpmg_plan.ts";

/**
 * `count` fresh n × n matrices.
 *
 * @example
 * ```ts
 * const [p90, tmp] = matrices(6, 2);
 * ```
 */
export function matrices(n: number, count: number): Float64Array[] {
  return Array.from({ length: count }, () => new Float64Array(n * n));
}

/**
 * Rotation of an n×n operator to phase k about Iz, or about Iz and Sz together: R·m·Rᵀ with R a
 * signed permutation (so phase −k undoes it, and turns cotangents back).
 *
 * @example
 * ```ts
 * rotate(sp, out, p180x, 1, "i", tmp); // P180y
 * ```
 */
export function rotate(
  sp: Spectrometer,
  out: Float64Array,
  m: Float64Array,
  k: number,
  spins: "i" | "is",
  tmp: Float64Array,
): void {
  if (spins === "i") {
    sp.phase(out, m, k);
  } else {
    sp.phaseS(tmp, m, k);
    sp.phase(out, tmp, k);
  }
}

/**
 * out[q] = a·v[q] for k vectors of length n stored one after the other (at the start of `v`);
 * out must not alias v. The matrix is read once for all of them.
 *
 * @example
 * ```ts
 * blockMatvec(w, echo, v, 12, 2); // two vectors through one echo
 * ```
 */
export function blockMatvec(
  out: Float64Array,
  a: Float64Array,
  v: Float64Array,
  n: number,
  k: number,
): void {
  if (k === 1) {
    matvec(out, a, v, n);
  } else if (k === 2) {
    for (let i = 0; i < n; i++) {
      const io = i * n;
      let s0 = 0;
      let s1 = 0;
      for (let j = 0; j < n; j++) {
        const aij = a[io + j];
        s0 += aij * v[j];
        s1 += aij * v[n + j];
      }
      out[i] = s0;
      out[n + i] = s1;
    }
  } else {
    for (let q = 0; q < k; q++) {
      const qo = q * n;
      for (let i = 0; i < n; i++) {
        const io = i * n;
        let sum = 0;
        for (let j = 0; j < n; j++) sum += a[io + j] * v[qo + j];
        out[qo + i] = sum;
      }
    }
  }
}

/**
 * out = ops[last]·…·ops[0] as one dense matrix: operators in time order, each a length-n
 * diagonal or a dense n×n matrix, for a fixed chain applied to many vectors. `tmp` is an n×n
 * scratch matrix.
 *
 * @example
 * ```ts
 * composeOps(pElement, [dGrad, zFilter, p90x], n, tmp); // p90x·diag(zFilter)·dGrad
 * ```
 */
export function composeOps(
  out: Float64Array,
  ops: readonly Float64Array[],
  n: number,
  tmp: Float64Array,
): Float64Array {
  const first = ops[0];
  if (first.length === n) {
    out.fill(0);
    for (let r = 0; r < n; r++) out[r * n + r] = first[r];
  } else {
    out.set(first);
  }
  for (let q = 1; q < ops.length; q++) {
    const op = ops[q];
    if (op.length === n) {
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) out[r * n + c] *= op[r];
      }
    } else {
      matmul(tmp, op, out, n);
      out.set(tmp);
    }
  }
  return out;
}

/**
 * Echoes D·P(φ)·D of the current point by echo set and phase, the canonical phase-cycle
 * products of shared trains (by slot) and their binary powers cycle^(2^k): each computed at most
 * once per point, `point` telling which are current.
 */
export class PropagatorCache {
  /** Stamp of the current point; {@link nextPoint} before each point. */
  point = 0;
  private readonly n: number;
  private readonly echo: Float64Array[];
  private readonly have: Int32Array;
  private readonly cycles: Float64Array[] = [];
  private readonly cycleStamp: number[] = [];
  private readonly powers: Float64Array[][] = [];
  private readonly powersMade: number[] = [];
  private readonly powersStamp: number[] = [];
  private readonly tmp: Float64Array;
  private readonly rotated: Float64Array;
  private readonly tmp2: Float64Array;
  private readonly tmp3: Float64Array;
  /**
   * Echoes in the free Liouvillian's eigenbasis (`_cpmg_eigen.ts`) while `eigen.active`: trains
   * then run in its coordinates.
   */
  readonly eigen: EigenEchoes;

  constructor(
    private readonly sp: Spectrometer,
    private readonly sets: readonly EchoSet[],
    private readonly kindName: string,
  ) {
    const n = sp.size;
    this.n = n;
    this.echo = matrices(n, 4 * sets.length);
    this.have = new Int32Array(4 * sets.length);
    [this.tmp, this.rotated, this.tmp2, this.tmp3] = matrices(n, 4);
    this.eigen = new EigenEchoes(n, 4 * sets.length);
  }

  /** Forget every echo, cycle and power: the next point has other delays. */
  nextPoint(): void {
    this.point++;
  }

  /** Cycle slots allocated so far. */
  get slotCount(): number {
    return this.cycles.length;
  }

  /** Allocate `count` more cycle slots. */
  addSlots(count: number): void {
    for (let k = 0; k < count; k++) {
      this.cycles.push(new Float64Array(this.n * this.n));
      this.cycleStamp.push(-1);
      this.powers.push([]);
      this.powersMade.push(0);
      this.powersStamp.push(-1);
    }
  }

  /** Echo D·P(φ)·D of `set` for the current point. */
  echoOf(set: number, phase: number, d: Float64Array): Float64Array {
    const n = this.n;
    const at = 4 * set + phase;
    const out = this.echo[at];
    if (this.have[at] === this.point) return out;
    const spins = this.sets[set].spins ?? "i";
    if (this.eigen.active) {
      if (!this.eigen.hasPulse(at)) this.eigen.setPulse(at, this.densePulse(set, phase, spins));
      this.eigen.echo(out, at);
      this.have[at] = this.point;
      return out;
    }
    for (let j = 0; j < 4; j++) {
      if (this.have[4 * set + j] === this.point) {
        // D commutes with the z rotations, so the other phases are exact rotations.
        rotate(this.sp, out, this.echo[4 * set + j], phase - j, spins, this.tmp2);
        this.have[at] = this.point;
        return out;
      }
    }
    let p = this.sets[set].pulse;
    if (p.length === n) {
      if (phase !== 0) {
        throw new Error(`${this.kindName}: a diagonal refocusing pulse has phase x only`);
      }
      // D·diag(p)·D: the diagonal scales the rows of the right factor.
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) this.tmp[r * n + c] = p[r] * d[r * n + c];
      }
    } else {
      if (phase !== 0) {
        rotate(this.sp, this.rotated, p, phase, spins, this.tmp2);
        p = this.rotated;
      }
      matmul(this.tmp, p, d, n);
    }
    matmul(out, d, this.tmp, n);
    this.have[at] = this.point;
    return out;
  }

  /** The refocusing pulse of `set` at `phase` as a dense matrix (in `rotated` unless given). */
  private densePulse(set: number, phase: number, spins: "i" | "is"): Float64Array {
    const n = this.n;
    let p = this.sets[set].pulse;
    if (p.length === n) {
      if (phase !== 0) {
        throw new Error(`${this.kindName}: a diagonal refocusing pulse has phase x only`);
      }
      const d = p;
      p = this.rotated.fill(0);
      for (let r = 0; r < n; r++) p[r * n + r] = d[r];
    } else if (phase !== 0) {
      rotate(this.sp, this.rotated, p, phase, spins, this.tmp2);
      p = this.rotated;
    }
    return p;
  }

  /** The canonical phase cycle of a train of echo set `set` as one matrix (time order). */
  cycleOf(set: number, tc: TrainCycle, d: Float64Array): Float64Array {
    const n = this.n;
    const out = this.cycles[tc.slot];
    if (this.cycleStamp[tc.slot] === this.point) return out;
    const { table, rotation } = tc;
    const p = table.length;
    out.set(this.echoOf(set, table[rotation], d));
    for (let k = 1; k < p; k++) {
      matmul(this.tmp3, this.echoOf(set, table[(rotation + k) % p], d), out, n);
      out.set(this.tmp3);
    }
    this.cycleStamp[tc.slot] = this.point;
    return out;
  }

  /** cycle^(2^k) of a train of echo set `set` for the current point, by squaring. */
  cyclePower(set: number, tc: TrainCycle, d: Float64Array, k: number): Float64Array {
    const n = this.n;
    const slot = tc.slot;
    const list = this.powers[slot];
    if (this.powersStamp[slot] !== this.point) {
      this.powersStamp[slot] = this.point;
      this.powersMade[slot] = 0;
    }
    while (this.powersMade[slot] <= k) {
      const j = this.powersMade[slot];
      if (j === 0) {
        list[0] = this.cycleOf(set, tc, d);
      } else {
        if (list.length <= j) list.push(new Float64Array(n * n));
        matmul(list[j], list[j - 1], list[j - 1], n);
      }
      this.powersMade[slot]++;
    }
    return list[k];
  }
}

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
        const eigen = st.cache.eigen.active;
        if (eigen) {
          blockMatvec(w, st.cache.eigen.xinv, v, n, kv);
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
        if (!eigen) continue;
        blockMatvec(w, st.cache.eigen.x, v, n, kv);
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

/** The detected signal of one point. */
function signal(
  st: RunState,
  list: readonly Transient[],
  points: number,
  plan: Plan,
  k: number,
  x: number,
): number {
  const n = st.n;
  const c = ends(st, list, points);
  let sum = 0;
  for (const g of c.groups) {
    const v = runCore(st, g, c, plan, k, x);
    const len = g.members.length * n;
    for (let i = 0; i < len; i++) sum += g.detects[i] * v[i];
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
  },
  chains: CpmgChains,
  detect: Float64Array,
): Sequence {
  const n = sp.size;
  const { p90, p180, fixed, fixedTimes } = parts;
  const terms = [...chains.start];
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
    if (o.pw90S !== undefined) {
      const pw90 = 1 / (4 * sp.b1I);
      sp.pulseI(p90[0], pw90);
      sp.pulseI(p180[0], 2 * pw90);
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
      signals[k] = signal(st, plan.lists[k], plan.points[k], plan, k, values[k]);
    }
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
