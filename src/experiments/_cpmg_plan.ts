/**
 * Sequence planning of the CPMG engine (`_cpmg_run.ts`): what one x array needs (its distinct
 * ncyc values, delays and transient lists, kept between evaluations since nothing there depends
 * on the parameters), and how a transient list is compiled for running (heads, cores and tails,
 * shared phase cycles, fused runs of fixed steps).
 *
 * @module
 */
import type { CpmgChains, CpmgKind, CpmgKitOptions, Step, Train, Transient } from "./_cpmg.ts";
import { float64Copies } from "../math/float64_blocks.ts";

/**
 * The `checkX` of a CPMG experiment: ncyc must be 0 (reference), a positive number of cycles,
 * or −1 (same delay without refocusing pulses) where the sequence defines that point.
 *
 * @example
 * ```ts
 * ncycCheck(false)(-1); // "ncyc = -1 is not supported by this experiment; …"
 * ncycCheck(true)(-1); // null
 * ```
 */
export function ncycCheck(allowMinusOne: boolean): (ncyc: number) => string | null {
  return (x) =>
    x === 0 || x > 0 || (allowMinusOne && x === -1)
      ? null
      : `ncyc = ${x} is not supported by this experiment; expected 0 (reference), ` +
        `${allowMinusOne ? "-1 (no refocusing pulses), " : ""}or a positive number of cycles`;
}

/**
 * Distinct ncyc values in first-seen order, after checking each with {@link ncycCheck}.
 *
 * @example
 * ```ts
 * distinctNcycs("cpmg_15n_tr", Float64Array.of(0, 2, 2, 4), false); // [0, 2, 4]
 * ```
 */
export function distinctNcycs(name: string, ncycs: Float64Array, allowMinusOne: boolean): number[] {
  const out = [...new Set(ncycs)];
  const check = ncycCheck(allowMinusOne);
  for (const x of out) {
    const why = check(x);
    if (why) throw new Error(`${name}: ${why}`);
  }
  return out;
}

/** What one x array needs, kept between evaluations: nothing here depends on the parameters. */
export interface Plan {
  x: Float64Array;
  /** Distinct ncyc values, first seen first. */
  values: Float64Array;
  /** Index in `values` of each x. */
  slot: Int32Array;
  /** Every distinct free delay of an evaluation (the fixed ones first) and its propagator. */
  times: Float64Array;
  mats: Float64Array[];
  /** Per value: index in `mats` of its τ delay (−1: none), and of its point delays (row-major). */
  tauAt: Int32Array;
  pointAt: Int32Array;
  /**
   * Per delay: 1 where only the echoes of trains (ncyc > 0) use it, which can run in the free
   * Liouvillian's eigenbasis without forming the delay (`_cpmg_eigen.ts`).
   */
  trainOnly: Uint8Array;
  /** Per value: its transient list, and for how many values that list runs. */
  lists: (readonly Transient[])[];
  points: Int32Array;
  signals: Float64Array;
}

/** Plans of the last few x arrays evaluated (fit points, all points, a plot's grid). */
const PLANS_KEPT = 4;

function sameX(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * A transient list prepared for running. Each transient is head (its leading fixed steps) +
 * core + tail (its trailing fixed steps): heads are applied to the start vector and tails
 * (transposed, with the weight) to the detection vector once per evaluation, and transients
 * with the same core run it together, as a block of vectors, for every point.
 */
export interface Compiled {
  groups: Group[];
  /** Evaluation the groups' start and detection vectors are for. */
  stamp: number;
  /** Per train step with a static phase table: its phase cycle and how many steps share it. */
  trains: Map<Train, TrainCycle>;
  /**
   * Runs of two or more fixed steps inside the cores, each as one matrix (filled when the list
   * runs for enough points in an evaluation); `fused` says whether the groups use them.
   */
  runs: { steps: Float64Array[]; product: Float64Array; uses: number }[];
  /** Fewest vectors one of the runs is applied to per point. */
  fewestUses: number;
  fused: boolean;
  /** Members of all groups together. */
  width: number;
  /** Whether no transient ends with fixed steps (its detection vector is the sequence's). */
  tailFree: boolean;
}

/** Transients sharing one core. */
export interface Group {
  core: readonly Step[];
  /** The core with its fixed runs as products. */
  fusedCore: readonly Step[];
  /** Per member: its transient (head, tail, weight) and its parts of `starts` and `detects`. */
  members: {
    transient: Transient;
    head: number;
    tail: number;
    start: Float64Array;
    detect: Float64Array;
  }[];
  /** Members' start vectors (head applied) and detection vectors (tail and weight applied). */
  starts: Float64Array;
  detects: Float64Array;
}

/**
 * The phase cycle of a train: its table in time order (reversed when read from the end), the
 * rotation of that table that starts the canonical cycle (the smallest rotation, so that trains
 * whose tables are rotations of each other share one product), and the product's slot.
 */
export interface TrainCycle {
  table: readonly number[];
  rotation: number;
  slot: number;
  /** Vectors the trains sharing the cycle product are applied to per point. */
  uses: number;
}

/** Number of set bits of a non-negative integer. */
export function popcount(m: number): number {
  let c = 0;
  for (let v = m; v > 0; v >>= 1) c += v & 1;
  return c;
}

/** Rotation r of `t` for which t[r], t[r+1], … is smallest (lexicographic, cyclic). */
function smallestRotation(t: readonly number[]): number {
  const p = t.length;
  let best = 0;
  for (let r = 1; r < p; r++) {
    for (let k = 0; k < p; k++) {
      const a = t[(r + k) % p];
      const b = t[(best + k) % p];
      if (a !== b) {
        if (a < b) best = r;
        break;
      }
    }
  }
  return best;
}

/**
 * The plans of the last few x arrays (fit points, all points, a plot's grid) of one sequence.
 * Delays that depend on ncyc share one pool of matrices (plans are used one at a time).
 *
 * @example
 * ```ts
 * const plan = new PlanCache(kind, o, chains, fixed, fixedTimes, n).planOf(x);
 * ```
 */
export class PlanCache {
  private readonly plans: Plan[] = [];
  private readonly pool: Float64Array[] = [];
  private readonly nPoint: number;

  constructor(
    private readonly kind: CpmgKind,
    private readonly o: CpmgKitOptions,
    private readonly chains: CpmgChains,
    private readonly fixed: readonly Float64Array[],
    private readonly fixedTimes: readonly number[],
    private readonly n: number,
  ) {
    this.nPoint = o.pointDelays?.length ?? 0;
  }

  /** The plan of x, made on first use (most recent first; the oldest dropped). */
  planOf(x: Float64Array): Plan {
    for (let i = 0; i < this.plans.length; i++) {
      if (sameX(this.plans[i].x, x)) {
        const p = this.plans[i];
        if (i > 0) this.plans.splice(i, 1), this.plans.unshift(p);
        return p;
      }
    }
    const values = Float64Array.from(distinctNcycs(this.kind.name, x, this.kind.allowMinusOne));
    const slot = Int32Array.from(x, (v) => values.indexOf(v));
    const times = [...this.fixedTimes];
    // Equal delays share one propagator.
    const at = new Map<number, number>();
    const indexOf = (t: number): number => {
      let i = at.get(t);
      if (i === undefined) {
        i = times.length;
        times.push(t);
        at.set(t, i);
      }
      return i;
    };
    const tauAt = Int32Array.from(values, (v) => v === 0 ? -1 : indexOf(this.o.tau(v)));
    const pointAt = new Int32Array(values.length * this.nPoint);
    values.forEach((v, k) => {
      this.o.pointDelays?.forEach((delay, i) =>
        pointAt[k * this.nPoint + i] = indexOf(delay(v, x))
      );
    });
    const trainOnly = new Uint8Array(times.length);
    values.forEach((v, k) => {
      if (v > 0) trainOnly[tauAt[k]] = 1;
    });
    values.forEach((v, k) => {
      if (v === -1) trainOnly[tauAt[k]] = 0;
    });
    for (const i of pointAt) trainOnly[i] = 0;
    const extra = times.length - this.fixed.length;
    if (this.pool.length < extra) {
      this.pool.push(...float64Copies(extra - this.pool.length, this.n * this.n));
    }
    const cpmg = this.chains.cpmg;
    const lists = Array.from(
      values,
      (v) => v === 0 ? this.chains.reference : typeof cpmg === "function" ? cpmg(v) : cpmg,
    );
    const points = Int32Array.from(lists, (l) => lists.filter((other) => other === l).length);
    const plan: Plan = {
      x: Float64Array.from(x),
      values,
      slot,
      times: Float64Array.from(times),
      mats: [...this.fixed, ...this.pool.slice(0, extra)],
      tauAt,
      pointAt,
      trainOnly,
      lists,
      points,
      signals: new Float64Array(values.length),
    };
    this.plans.unshift(plan);
    if (this.plans.length > PLANS_KEPT) this.plans.pop();
    return plan;
  }
}

/**
 * Compile a transient list (see {@link Compiled}); its shared phase cycles take cycle slots
 * from `firstSlot` on (`slots` of them), and its widest group has `widest` members.
 *
 * @example
 * ```ts
 * const { compiled, slots, widest } = compileTransients(list, n, cache.slotCount);
 * ```
 */
export function compileTransients(
  list: readonly Transient[],
  n: number,
  firstSlot: number,
): { compiled: Compiled; slots: number; widest: number } {
  // Head and tail: the fixed steps a transient starts and ends with; the rest is its core.
  const groups: Group[] = [];
  for (const t of list) {
    const steps = t.steps;
    let head = 0;
    while (head < steps.length && steps[head] instanceof Float64Array) head++;
    let tail = 0;
    while (tail < steps.length - head && steps[steps.length - 1 - tail] instanceof Float64Array) {
      tail++;
    }
    const core = steps.slice(head, steps.length - tail);
    let g = groups.find((other) =>
      other.core.length === core.length && other.core.every((s, q) => s === core[q])
    );
    if (!g) {
      g = {
        core,
        fusedCore: core,
        members: [],
        starts: new Float64Array(0),
        detects: new Float64Array(0),
      };
      groups.push(g);
    }
    const none = new Float64Array(0);
    g.members.push({ transient: t, head, tail, start: none, detect: none });
  }
  let widest = 0;
  for (const g of groups) {
    const k = g.members.length;
    g.starts = new Float64Array(k * n);
    g.detects = new Float64Array(k * n);
    g.members.forEach((m, q) => {
      m.start = g.starts.subarray(q * n, (q + 1) * n);
      m.detect = g.detects.subarray(q * n, (q + 1) * n);
    });
    widest = Math.max(widest, k);
  }
  // Trains of the same echo set whose phase cycles are rotations of each other (e.g. the
  // two rows of a two-step cycle, or a table read from either end) share one cycle product.
  const keys: string[] = [];
  const uses: number[] = [];
  const trains = new Map<Train, TrainCycle>();
  for (const g of groups) {
    for (const s of g.core) {
      if (s instanceof Float64Array || s.kind !== "train" || typeof s.phases === "function") {
        continue;
      }
      const table = s.fromEnd ? [...s.phases].reverse() : [...s.phases];
      const rotation = smallestRotation(table);
      const canon = table.map((_, k) => table[(k + rotation) % table.length]);
      const key = `${s.set}|${s.perCycle}|${canon.join(",")}`;
      let k = keys.indexOf(key);
      if (k < 0) k = keys.push(key) - 1, uses.push(0);
      uses[k] += g.members.length;
      trains.set(s, { table, rotation, slot: firstSlot + k, uses: 0 });
    }
  }
  for (const e of trains.values()) e.uses = uses[e.slot - firstSlot];
  // Runs of consecutive fixed steps in the cores (the same objects in the same order share
  // a product).
  const runs: Compiled["runs"] = [];
  for (const g of groups) {
    const out: Step[] = [];
    for (let i = 0; i < g.core.length;) {
      let j = i;
      while (j < g.core.length && g.core[j] instanceof Float64Array) j++;
      if (j - i < 2) {
        out.push(g.core[i]);
        i++;
        continue;
      }
      const steps = g.core.slice(i, j) as Float64Array[];
      let run = runs.find((r) =>
        r.steps.length === steps.length && r.steps.every((op, q) => op === steps[q])
      );
      if (!run) {
        run = { steps, product: new Float64Array(n * n), uses: 0 };
        runs.push(run);
      }
      run.uses += g.members.length;
      out.push(run.product);
      i = j;
    }
    g.fusedCore = out;
  }
  const compiled: Compiled = {
    groups,
    stamp: -1,
    trains,
    runs,
    fewestUses: Math.min(...runs.map((r) => r.uses)),
    fused: false,
    width: list.length,
    tailFree: groups.every((g) => g.members.every((m) => m.tail === 0)),
  };
  return { compiled, slots: keys.length, widest };
}
