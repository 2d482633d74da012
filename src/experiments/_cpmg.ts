/**
 * What the CPMG experiments share: their keys and module skeleton, start terms and ncyc checks,
 * and {@link cpmgKit}, the engine that runs a sequence written as chains of steps in time order
 * (propagators, diagonals, the point's own delay, echo trains) for every distinct ncyc.
 *
 * Propagation is done on vectors (one matrix–vector product per step) since only the detected
 * signal is needed; ChemEx multiplies matrices, which gives the same numbers to rounding. A
 * ChemEx phase cycle that stacks N propagator variants and detects their sum is reproduced by
 * summing the N detected signals (everything is linear).
 *
 * Per evaluation the kit rebuilds the Liouvillian, computes the finite pulses, then every free
 * delay of the sequence in one {@link Spectrometer.delays} call (one eigendecomposition), and
 * nothing else that does not depend on the parameters: the distinct ncyc values, delay times and
 * storage are planned once per x array and kept; no typed array is allocated per evaluation
 * besides the returned intensities.
 *
 * @module
 */
import type { KeySpec } from "./schema.ts";
import type { BasisChoice, ExperimentModule, Sequence, SequenceContext } from "./types.ts";
import type { Basis } from "../nmr/basis.ts";
import { type Spectrometer } from "../nmr/spectrometer.ts";
import { detectionVector } from "./detection.ts";
import { matmul, matvec } from "../nmr/expm.ts";

/** Common CPMG keys; `evenNcycs` is the experiment's default for plotting curves. */
export function cpmgKeys(evenNcycs: boolean): Record<string, KeySpec> {
  return {
    even_ncycs: { type: "boolean", default: evenNcycs },
  };
}

/**
 * Keys of a CPMG with finite pulses on one spin: relaxation time, carrier (ppm) and 90° width.
 *
 * @example
 * ```ts
 * const keys = { ...cpmgKeys(false), ...pulseKeys(), time_equil: equilKey() };
 * ```
 */
export function pulseKeys(): Record<string, KeySpec> {
  return {
    time_t2: { type: "number", required: true, min: 0 },
    carrier: { type: "number", required: true },
    pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
  };
}

/**
 * An equilibration delay key (`time_equil`, `time_equil_1`, …), 0 by default.
 *
 * @example
 * ```ts
 * equilKey(); // { type: "number", default: 0, min: 0 }
 * ```
 */
export function equilKey(defaultS = 0.0): KeySpec {
  return { type: "number", default: defaultS, min: 0 };
}

/**
 * `ncyc_max` of the constant-time schemes that pad each train to a fixed number of pulses.
 *
 * @example
 * ```ts
 * ncycMaxKey().required; // true
 * ```
 */
export function ncycMaxKey(): KeySpec {
  return { type: "integer", required: true, min: 0, exclusiveMin: true };
}

/** Which CPMG experiment a sequence belongs to: its name and whether ncyc −1 is defined. */
export interface CpmgKind {
  name: string;
  /** Whether ncyc = −1 (the same period without refocusing pulses) is defined. */
  allowMinusOne: boolean;
}

/** What a CPMG module declares; {@link cpmgExperiment} fills in the rest. */
export interface CpmgDefinition extends CpmgKind {
  /** `[experiment]` keys (usually `cpmgKeys`, `pulseKeys` and the experiment's own). */
  keys: Record<string, KeySpec>;
  defaultStartFromObserved?: boolean;
  basis: BasisChoice;
  /** Default: R2 of the I spin (TAUC with model-free). */
  toBeFitted?: ExperimentModule["toBeFitted"];
  evenNcycs?: ExperimentModule["evenNcycs"];
  /** The sequence (`kind`: this definition's name and ncyc −1 rule, for {@link cpmgKit}). */
  setup(ctx: SequenceContext, kind: CpmgKind): Sequence;
}

/**
 * The module of a CPMG experiment: x is ncyc, ncyc = 0 is the reference, and ncyc values are
 * checked with {@link ncycCheck}.
 *
 * @example
 * ```ts
 * export const cpmg13cIp = cpmgExperiment({
 *   name: "cpmg_13c_ip",
 *   keys: { ...cpmgKeys(false), ...pulseKeys(), time_equil: equilKey() },
 *   basis: { type: "ixyz", pair: "ch" },
 *   allowMinusOne: true,
 *   setup: (ctx, kind) => simpleCpmg(ctx, kind, { start: ["iz"], detection: "[iz]", timeEquil1S: 0, timeEquil2S: 0 }),
 * });
 * ```
 */
export function cpmgExperiment(def: CpmgDefinition): ExperimentModule {
  return {
    name: def.name,
    xKind: "ncyc",
    schema: {
      name: def.name,
      family: "cpmg",
      ...(def.defaultStartFromObserved ? { defaultStartFromObserved: true } : {}),
      keys: def.keys,
    },
    basis: () => ({ ...def.basis }),
    toBeFitted: def.toBeFitted ?? ((s) => ({ rates: [`r2_i_${s}`], modelFree: [`tauc_${s}`] })),
    isReference: (ncyc) => ncyc === 0,
    checkX: ncycCheck(def.allowMinusOne),
    ...(def.evenNcycs ? { evenNcycs: def.evenNcycs } : {}),
    setup: (ctx) => def.setup(ctx, { name: def.name, allowMinusOne: def.allowMinusOne }),
  };
}

/**
 * The "0013" phase table of the refocusing pulses (quarter turns, cycling; two rows, the two
 * transients whose signals add) of `cpmg_15n_ip_0013`, and of `cpmg_15n_tr_0013`'s second half.
 */
export const PHASES_0013: readonly (readonly number[])[] = [
  [0, 0, 1, 3, 0, 0, 3, 1, 0, 0, 3, 1, 0, 0, 1, 3],
  [1, 3, 2, 2, 3, 1, 2, 2, 3, 1, 2, 2, 1, 3, 2, 2],
];

/**
 * Default fitted rates of the TROSY experiments: R2, and with `antitrosy` also ETAXY (S2 with
 * model-free), which the anti-TROSY component then constrains.
 *
 * @example
 * ```ts
 * trosyFitted("a", { antitrosy: true }).rates; // ["r2_i_a", "etaxy_i_a"]
 * ```
 */
export function trosyFitted(
  state: string,
  settings?: Readonly<Record<string, unknown>>,
): { rates: string[]; modelFree: string[] } {
  return settings?.antitrosy
    ? { rates: [`r2_i_${state}`, `etaxy_i_${state}`], modelFree: [`tauc_${state}`, `s2_${state}`] }
    : { rates: [`r2_i_${state}`], modelFree: [`tauc_${state}`] };
}

/**
 * Detection of the TROSY (2IzSz − Iz) or anti-TROSY (2IzSz + Iz) component.
 *
 * @example
 * ```ts
 * trosyDetection(false); // "[2izsz] - [iz]"
 * ```
 */
export function trosyDetection(antitrosy: boolean): string {
  return antitrosy ? "[2izsz] + [iz]" : "[2izsz] - [iz]";
}

/**
 * Start terms for the given components: the bare names for the experiment's default start, or
 * one term per start state and component (states outer), as ChemEx's `get_start_terms` does.
 *
 * @example
 * ```ts
 * startTerms(["a", "b"], "2izsz", "-iz"); // ["2izsz_a", "-iz_a", "2izsz_b", "-iz_b"]
 * startTerms(null, "iz"); // ["iz"]
 * ```
 */
export function startTerms(start: readonly string[] | null, ...components: string[]): string[] {
  if (!start || start.length === 0) return components;
  return start.flatMap((s) => components.map((c) => `${c}_${s}`));
}

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
 * An echo train: `perCycle`·ncyc echoes D(τ)·P(φ_j)·D(τ) of one echo set (or `count(ncyc)`);
 * D(τ(−1)) (T/2) at ncyc −1.
 */
export interface Train {
  readonly kind: "train";
  /** Index of the echo set (the refocusing pulse) in {@link CpmgChains.echoes}. */
  readonly set: number;
  /** Phases (quarter turns) of the echoes, cycling; a function where they depend on ncyc. */
  readonly phases: readonly number[] | ((ncyc: number) => readonly number[]);
  /** The phases are read from the end of the train back. */
  readonly fromEnd: boolean;
  /** Echoes per cycle (2 where ncyc counts pairs of refocusing pulses). */
  readonly perCycle: number;
  /** Number of echoes for ncyc, where it is not `perCycle`·⌊ncyc⌋. */
  readonly count?: (ncyc: number) => number;
}

/**
 * A step computed by the sequence itself: applies to the `vectors` vectors of length n stored
 * one after another at the start of `v` (scratch `w`, same layout; see {@link blockMatvec}) for
 * the point's ncyc, and returns the buffer holding the result (`v` or `w`).
 */
export interface CustomStep {
  readonly kind: "custom";
  apply(v: Float64Array, w: Float64Array, ncyc: number, vectors: number): Float64Array;
}

/** A delay of the point that depends on its ncyc ({@link CpmgKitOptions.pointDelays}). */
export interface PointDelay {
  readonly kind: "point";
  readonly index: number;
}

/**
 * The i-th point delay of {@link CpmgKitOptions.pointDelays} as a step.
 *
 * @example
 * ```ts
 * pointDelay(1); // the second delay that depends on the point's ncyc
 * ```
 */
export function pointDelay(index: number): PointDelay {
  return { kind: "point", index };
}

/** The point's own delay (the first of {@link CpmgKitOptions.pointDelays}). */
export const POINT_DELAY: PointDelay = Object.freeze(pointDelay(0));

/**
 * One step of a chain, in time order: a dense n×n propagator or a length-n diagonal (contents
 * may change every evaluation), a point delay, an echo train or a custom step.
 */
export type Step = Float64Array | Train | CustomStep | PointDelay;

/**
 * An echo train step.
 *
 * @example
 * ```ts
 * train(0, [1]); // ncyc echoes D·P180y·D of echo set 0
 * train(1, PHASES_2[row], { fromEnd: true }); // 16-step table read from the end
 * ```
 */
export function train(
  set: number,
  phases: Train["phases"],
  o: { fromEnd?: boolean; perCycle?: number; count?: (ncyc: number) => number } = {},
): Train {
  return {
    kind: "train",
    set,
    phases,
    fromEnd: o.fromEnd ?? false,
    perCycle: o.perCycle ?? 1,
    ...(o.count ? { count: o.count } : {}),
  };
}

/** A chain of steps from the start vector to detection, and its weight in the signal. */
export interface Transient {
  steps: readonly Step[];
  /** Default 1. */
  weight?: number;
}

/** The refocusing pulse of an echo set. */
export interface EchoSet {
  /** Phase-x pulse (dense, or a diagonal used at phase 0 only); contents may change. */
  pulse: Float64Array;
  /** Rotation giving the other phases: about Iz (default) or Iz and Sz together. */
  spins?: "i" | "is";
}

/** The chains of a sequence, for {@link CpmgKit.sequence}. */
export interface CpmgChains {
  /** Start terms (see {@link startTerms}). */
  start: readonly string[];
  /** Detection expression over components, e.g. "[2izsz] - [iz]". */
  detection: string;
  echoes?: readonly EchoSet[];
  /** Transients of the reference point (ncyc 0), summed. */
  reference: readonly Transient[];
  /**
   * Transients of every other point, summed; trains are D(T/2) at ncyc −1. A function where the
   * chains depend on ncyc (it should return the same lists for the same ncyc, not new ones).
   */
  cpmg: readonly Transient[] | ((ncyc: number) => readonly Transient[]);
  /**
   * Per evaluation, after pulses and delays: fill the sequence's composite elements (`ncycs`:
   * the distinct values of the evaluation).
   */
  prepare?(ncycs: Float64Array): void;
  /** Per evaluation, instead of `sp.rebuild()`: set up the Liouvillian (and own elements). */
  liouvillian?(): void;
}

/** Options of {@link cpmgKit}. */
export interface CpmgKitOptions {
  /** Width of the I-spin 90° pulse: sets B1 and gives {@link CpmgKit.p90}/`p180` (4 phases). */
  pw90S?: number;
  /** τ of the echoes D(τ)·P·D(τ) at ncyc > 0, and the free delay replacing a train at ncyc −1. */
  tau(ncyc: number): number;
  /**
   * Delays of a point that depend on its ncyc ({@link pointDelay} steps; {@link POINT_DELAY} is
   * the first), given every x of the evaluation for timings ChemEx derives from the data set.
   */
  pointDelays?: readonly ((ncyc: number, x: Float64Array) => number)[];
}

/** Finite pulses, fixed delays and the engine of one CPMG sequence. */
export interface CpmgKit {
  readonly sp: Spectrometer;
  readonly n: number;
  /** Finite I pulses of pw90 and 2·pw90 at phases x, y, −x, −y (with `pw90S`). */
  readonly p90: readonly Float64Array[];
  readonly p180: readonly Float64Array[];
  /** A free delay of `timeS`, recomputed every evaluation with the sequence's other delays. */
  delay(timeS: number): Float64Array;
  /** The sequence running `chains` for every distinct ncyc. */
  sequence(chains: CpmgChains): Sequence;
}

/**
 * A CPMG sequence engine for one profile: finite pulses and free delays recomputed every
 * evaluation, and {@link CpmgKit.sequence} that turns chains of steps into the sequence. Sets
 * `sp.b1I` from `pw90S`; the carrier is the module's to set.
 *
 * @example
 * ```ts
 * const kit = cpmgKit(ctx, kind, { pw90S, tau: (x) => t2 / (4 * x) - pw90S });
 * const dNeg = kit.delay(tNeg(pw90S));
 * const [p90, p180] = [kit.p90, kit.p180];
 * return kit.sequence({
 *   start: startTerms(ctx.start, "iz"),
 *   detection: "[iz]",
 *   echoes: [{ pulse: p180[0] }],
 *   reference: [{ steps: [p90[0], p180[0], p90[0]] }],
 *   cpmg: [{ steps: [p90[0], dNeg, train(0, [1]), p180[0], train(0, [1]), dNeg, p90[0]] }],
 * });
 * ```
 */
export function cpmgKit(ctx: SequenceContext, kind: CpmgKind, o: CpmgKitOptions): CpmgKit {
  const sp = ctx.spectrometer;
  const n = sp.size;
  if (o.pw90S !== undefined) sp.b1I = 1 / (4 * o.pw90S);
  const pulses = o.pw90S !== undefined;
  const p90 = pulses ? matrices(n, 4) : [];
  const p180 = pulses ? matrices(n, 4) : [];
  const fixed: Float64Array[] = [];
  const fixedTimes: number[] = [];
  let sealed = false;
  return {
    sp,
    n,
    p90,
    p180,
    delay(timeS) {
      if (sealed) throw new Error(`${kind.name}: delays must be declared before the sequence`);
      const d = new Float64Array(n * n);
      fixed.push(d);
      fixedTimes.push(timeS);
      return d;
    },
    sequence(chains) {
      sealed = true;
      const detect = detectionVector(sp.basis, chains.detection, ctx.observed);
      return runner(sp, kind, o, { p90, p180, fixed, fixedTimes }, chains, detect);
    },
  };
}

/** Rotation of an n×n operator to phase k about Iz, or about Iz and Sz together. */
function rotate(
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

/** What one x array needs, kept between evaluations: nothing here depends on the parameters. */
interface Plan {
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
interface Compiled {
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
}

/** Transients sharing one core. */
interface Group {
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
interface TrainCycle {
  table: readonly number[];
  rotation: number;
  slot: number;
  /** Vectors the trains sharing the cycle product are applied to per point. */
  uses: number;
}

/** Number of set bits of a non-negative integer. */
function popcount(m: number): number {
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

function runner(
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
  const nn = n * n;
  const { p90, p180, fixed, fixedTimes } = parts;
  const sets = chains.echoes ?? [];
  const terms = [...chains.start];
  const start = new Float64Array(n);
  const nPoint = o.pointDelays?.length ?? 0;
  // Echoes of the current point, by set and phase; `stamp` marks those already computed.
  const echo = matrices(n, 4 * sets.length);
  const have = new Int32Array(4 * sets.length);
  let stamp = 0;
  let evaluation = 0;
  const [tmp, rotated, tmp2, tmp3] = matrices(n, 4);
  const vec = new Float64Array(n);
  // Block buffers, grown to the largest group.
  let bufA = new Float64Array(n);
  // A product of two n×n matrices costs about 0.7·n matrix–vector products with the
  // register-blocked kernels of src/nmr/expm.ts (benchmarks/kernels_bench.ts).
  const matmulCost = Math.max(2, Math.ceil(0.7 * n));
  let bufB = new Float64Array(n);
  // Delays that depend on ncyc, shared by every plan (sequential use).
  const pool: Float64Array[] = [];
  const plans: Plan[] = [];
  // Cycle products of shared trains, by slot, for the current point, and their binary powers
  // (powers[slot][k] = cycle^(2^k); `powersMade` of them are current).
  const cycles: Float64Array[] = [];
  const cycleStamp: number[] = [];
  const powers: Float64Array[][] = [];
  const powersMade: number[] = [];
  const powersStamp: number[] = [];
  const compiled = new WeakMap<readonly Transient[], Compiled>();

  const planOf = (x: Float64Array): Plan => {
    for (let i = 0; i < plans.length; i++) {
      if (sameX(plans[i].x, x)) {
        const p = plans[i];
        if (i > 0) plans.splice(i, 1), plans.unshift(p);
        return p;
      }
    }
    const values = Float64Array.from(distinctNcycs(kind.name, x, kind.allowMinusOne));
    const slot = Int32Array.from(x, (v) => values.indexOf(v));
    const times = [...fixedTimes];
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
    const tauAt = Int32Array.from(values, (v) => v === 0 ? -1 : indexOf(o.tau(v)));
    const pointAt = new Int32Array(values.length * nPoint);
    values.forEach((v, k) => {
      o.pointDelays?.forEach((delay, i) => pointAt[k * nPoint + i] = indexOf(delay(v, x)));
    });
    const extra = times.length - fixed.length;
    while (pool.length < extra) pool.push(new Float64Array(nn));
    const cpmg = chains.cpmg;
    const lists = Array.from(
      values,
      (v) => v === 0 ? chains.reference : typeof cpmg === "function" ? cpmg(v) : cpmg,
    );
    const points = Int32Array.from(lists, (l) => lists.filter((other) => other === l).length);
    const plan: Plan = {
      x: Float64Array.from(x),
      values,
      slot,
      times: Float64Array.from(times),
      mats: [...fixed, ...pool.slice(0, extra)],
      tauAt,
      pointAt,
      lists,
      points,
      signals: new Float64Array(values.length),
    };
    plans.unshift(plan);
    if (plans.length > PLANS_KEPT) plans.pop();
    return plan;
  };

  const compile = (list: readonly Transient[]): Compiled => {
    let c = compiled.get(list);
    if (c) return c;
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
    if (widest * n > bufA.length) {
      bufA = new Float64Array(widest * n);
      bufB = new Float64Array(widest * n);
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
        trains.set(s, { table, rotation, slot: cycles.length + k, uses: 0 });
      }
    }
    for (const e of trains.values()) e.uses = uses[e.slot - cycles.length];
    for (let k = 0; k < keys.length; k++) {
      cycles.push(new Float64Array(nn));
      cycleStamp.push(-1);
      powers.push([]);
      powersMade.push(0);
      powersStamp.push(-1);
    }
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
          run = { steps, product: new Float64Array(nn), uses: 0 };
          runs.push(run);
        }
        run.uses += g.members.length;
        out.push(run.product);
        i = j;
      }
      g.fusedCore = out;
    }
    c = {
      groups,
      stamp: -1,
      trains,
      runs,
      fewestUses: Math.min(...runs.map((r) => r.uses)),
      fused: false,
    };
    compiled.set(list, c);
    return c;
  };

  /** Echo D·P(φ)·D of `set` for the current point (computed once per point). */
  const echoOf = (set: number, phase: number, d: Float64Array): Float64Array => {
    const at = 4 * set + phase;
    const out = echo[at];
    if (have[at] === stamp) return out;
    const spins = sets[set].spins ?? "i";
    for (let j = 0; j < 4; j++) {
      if (have[4 * set + j] === stamp) {
        // D commutes with the z rotations, so the other phases are exact rotations.
        rotate(sp, out, echo[4 * set + j], phase - j, spins, tmp2);
        have[at] = stamp;
        return out;
      }
    }
    let p = sets[set].pulse;
    if (p.length === n) {
      if (phase !== 0) {
        throw new Error(`${kind.name}: a diagonal refocusing pulse has phase x only`);
      }
      // D·diag(p)·D: the diagonal scales the rows of the right factor.
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) tmp[r * n + c] = p[r] * d[r * n + c];
      }
    } else {
      if (phase !== 0) {
        rotate(sp, rotated, p, phase, spins, tmp2);
        p = rotated;
      }
      matmul(tmp, p, d, n);
    }
    matmul(out, d, tmp, n);
    have[at] = stamp;
    return out;
  };

  /** The canonical phase cycle of a train as one matrix (echoes in time order). */
  const cycleOf = (s: Train, tc: TrainCycle, d: Float64Array): Float64Array => {
    const out = cycles[tc.slot];
    if (cycleStamp[tc.slot] === stamp) return out;
    const { table, rotation } = tc;
    const p = table.length;
    out.set(echoOf(s.set, table[rotation], d));
    for (let k = 1; k < p; k++) {
      matmul(tmp3, echoOf(s.set, table[(rotation + k) % p], d), out, n);
      out.set(tmp3);
    }
    cycleStamp[tc.slot] = stamp;
    return out;
  };

  /** cycle^(2^k) of a train for the current point, by squaring. */
  const cyclePower = (s: Train, tc: TrainCycle, d: Float64Array, k: number): Float64Array => {
    const slot = tc.slot;
    const list = powers[slot];
    if (powersStamp[slot] !== stamp) {
      powersStamp[slot] = stamp;
      powersMade[slot] = 0;
    }
    while (powersMade[slot] <= k) {
      const j = powersMade[slot];
      if (j === 0) {
        list[0] = cycleOf(s, tc, d);
      } else {
        if (list.length <= j) list.push(new Float64Array(nn));
        matmul(list[j], list[j - 1], list[j - 1], n);
      }
      powersMade[slot]++;
    }
    return list[k];
  };

  /** Runs a group's core on its k start vectors; returns the buffer holding the results. */
  const runCore = (
    g: Group,
    c: Compiled,
    plan: Plan,
    k: number,
    x: number,
  ): Float64Array => {
    const kv = g.members.length;
    const len = kv * n;
    let v: Float64Array = bufA;
    let w: Float64Array = bufB;
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
            if (p > 1 && tc.uses * m <= matmulCost) lead = count, m = 0;
          }
          for (let j = 0; j < lead; j++) {
            const ph = phases[s.fromEnd ? (count - 1 - j) % p : j % p];
            blockMatvec(w, echoOf(s.set, ph, d), v, n, kv);
            u = v, v = w, w = u;
          }
          if (m > 0) {
            const bits = 32 - Math.clz32(m);
            const ones = popcount(m);
            if (bits > 1 && tc!.uses * (m - ones) > (bits - 1) * matmulCost) {
              // Binary powers: bits − 1 squarings save uses·(m − ones) products.
              for (let b = 0; b < bits; b++) {
                if (((m >> b) & 1) === 0) continue;
                blockMatvec(w, cyclePower(s, tc!, d, b), v, n, kv);
                u = v, v = w, w = u;
              }
            } else {
              const cyc = cycleOf(s, tc!, d);
              for (let q = 0; q < m; q++) {
                blockMatvec(w, cyc, v, n, kv);
                u = v, v = w, w = u;
              }
            }
            for (let j = lead + m * p; j < count; j++) {
              const ph = phases[s.fromEnd ? (count - 1 - j) % p : j % p];
              blockMatvec(w, echoOf(s.set, ph, d), v, n, kv);
              u = v, v = w, w = u;
            }
          }
          continue;
        }
      } else if (s.kind === "point") {
        blockMatvec(w, plan.mats[plan.pointAt[k * nPoint + s.index]], v, n, kv);
      } else if (s.apply(v, w, x, kv) === v) {
        continue;
      }
      u = v, v = w, w = u;
    }
    return v;
  };

  /**
   * The groups' start and detection vectors (heads, tails and weights applied) and the
   * products of the fixed runs where the list runs for `points` points: once per evaluation.
   */
  const ends = (list: readonly Transient[], points: number): Compiled => {
    const c = compile(list);
    if (c.stamp === evaluation) return c;
    for (const g of c.groups) {
      for (const { transient: t, head, tail, start: sv, detect: dv } of g.members) {
        sv.set(start);
        for (let i = 0; i < head; i++) applyFixed(sv, t.steps[i] as Float64Array, false);
        dv.set(detect);
        for (let i = t.steps.length - 1; i >= t.steps.length - tail; i--) {
          applyFixed(dv, t.steps[i] as Float64Array, true);
        }
        const weight = t.weight ?? 1;
        if (weight !== 1) { for (let r = 0; r < n; r++) dv[r] *= weight; }
      }
    }
    // A run of L steps as one matrix costs L − 1 products and saves L − 1 matrix–vector
    // products each time it runs: worth it when it runs more than n times.
    c.fused = c.runs.length > 0 && c.fewestUses * points > n;
    if (c.fused) {
      for (const r of c.runs) composeOps(r.product, r.steps, n, tmp3);
    }
    c.stamp = evaluation;
    return c;
  };

  /** v ← op·v (or opᵀ·v), op dense or diagonal. */
  const applyFixed = (v: Float64Array, op: Float64Array, transposed: boolean) => {
    if (op.length === n) {
      for (let r = 0; r < n; r++) v[r] *= op[r];
      return;
    }
    if (transposed) {
      vec.fill(0);
      for (let r = 0; r < n; r++) {
        const vr = v[r];
        const ro = r * n;
        for (let c = 0; c < n; c++) vec[c] += op[ro + c] * vr;
      }
    } else {
      matvec(vec, op, v, n);
    }
    v.set(vec);
  };

  const signal = (
    list: readonly Transient[],
    points: number,
    plan: Plan,
    k: number,
    x: number,
  ): number => {
    const c = ends(list, points);
    let sum = 0;
    for (const g of c.groups) {
      const v = runCore(g, c, plan, k, x);
      const len = g.members.length * n;
      for (let i = 0; i < len; i++) sum += g.detects[i] * v[i];
    }
    return sum;
  };

  return (x: Float64Array): Float64Array => {
    const plan = planOf(x);
    evaluation++;
    if (chains.liouvillian) chains.liouvillian();
    else sp.rebuild();
    sp.startVector(terms, "1H", start);
    if (o.pw90S !== undefined) {
      const pw90 = 1 / (4 * sp.b1I);
      sp.pulseI(p90[0], pw90);
      sp.pulseI(p180[0], 2 * pw90);
      for (let k = 1; k < 4; k++) {
        sp.phase(p90[k], p90[0], k);
        sp.phase(p180[k], p180[0], k);
      }
    }
    sp.delays(plan.mats, plan.times);
    chains.prepare?.(plan.values);
    const { values, signals } = plan;
    for (let k = 0; k < values.length; k++) {
      stamp++;
      signals[k] = signal(plan.lists[k], plan.points[k], plan, k, values[k]);
    }
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = signals[plan.slot[i]];
    return out;
  };
}

/**
 * Ideal (instantaneous) 180° pulse on one spin at phase k as a diagonal of signs: it negates
 * every component carrying that spin's z or its transverse axis orthogonal to the pulse
 * (−x ≡ x, −y ≡ y).
 *
 * @example
 * ```ts
 * ideal180Diag(createBasis("ixyzsz", ["a"]), "s", 0); // [1, 1, 1, -1, -1, -1]
 * ```
 */
export function ideal180Diag(basis: Basis, spin: "i" | "s", phase: number): Float64Array {
  const other = (((phase % 4) + 4) % 4) % 2 === 0 ? `${spin}y` : `${spin}x`;
  const nc = basis.components.length;
  const d = new Float64Array(basis.size);
  for (let r = 0; r < basis.size; r++) {
    const c = basis.components[r % nc];
    d[r] = c.includes(other) || c.includes(`${spin}z`) ? -1 : 1;
  }
  return d;
}

/**
 * Projection keeping only the named components (0/1 diagonal). A name with a state suffix
 * ("2ixsz_a") keeps that state's component, a bare one ("2ixsz") the component of every state;
 * names absent from the basis keep nothing.
 *
 * @example
 * ```ts
 * keepDiag(createBasis("ixyzsz", ["a", "b"]), ["iz", "2izsz_a"]); // iz_a, 2izsz_a, iz_b
 * ```
 */
export function keepDiag(basis: Basis, names: readonly string[]): Float64Array {
  const d = new Float64Array(basis.size);
  const nc = basis.components.length;
  for (let r = 0; r < basis.size; r++) {
    const c = basis.components[r % nc];
    const s = basis.states[Math.floor(r / nc)];
    if (names.includes(c) || names.includes(`${c}_${s}`)) d[r] = 1;
  }
  return d;
}

/**
 * The z-filter as a diagonal: keeps the longitudinal terms (E, Iz, Sz, 2IzSz) of every state.
 *
 * @example
 * ```ts
 * zFilterDiag(createBasis("ixyzsz", ["a"])); // [0, 0, 1, 0, 0, 1]
 * ```
 */
export function zFilterDiag(basis: Basis): Float64Array {
  return keepDiag(basis, ["ie", "se", "iz", "sz", "2izsz"]);
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
 * The delay −2·pw90/π that compensates the evolution during the 90° pulses around a train.
 *
 * @example
 * ```ts
 * const dNeg = kit.delay(tNeg(pw90S));
 * ```
 */
export function tNeg(pw90S: number): number {
  return -2 * pw90S / Math.PI;
}

/**
 * The kit of an experiment with {@link pulseKeys}: I carrier and B1 from its settings, and echo
 * delays τ = T/(4·ncyc) − `tauPw90`·pw90 (the pulse widths taken out of the period; T/2 at
 * ncyc −1) unless `tau` is given.
 *
 * @example
 * ```ts
 * const kit = pulseKit(ctx, kind, { tauPw90: 0.75, pointDelays: [(x) => pw90S * (ncycMax - x)] });
 * ```
 */
export function pulseKit(
  ctx: SequenceContext,
  kind: CpmgKind,
  o: { tauPw90: number } & Partial<CpmgKitOptions>,
): CpmgKit {
  const timeT2S = ctx.settings.time_t2 as number;
  const pw90S = ctx.settings.pw90 as number;
  ctx.spectrometer.carrierI = ctx.settings.carrier as number;
  return cpmgKit(ctx, kind, {
    pw90S,
    tau: (x) => x === -1 ? 0.5 * timeT2S : timeT2S / (4 * x) - o.tauPw90 * pw90S,
    ...o,
  });
}

/** Options of {@link simpleCpmg}. */
export interface SimpleCpmgOptions {
  /** Start components before state selection (e.g. ["iz"] or ["2izsz"]). */
  start: string[];
  /** Detection expression over components, e.g. "[iz]". */
  detection: string;
  /** Delay before the first 90° pulse (0: none). */
  timeEquil1S: number;
  /** Delay after the last 90° pulse (0: none). */
  timeEquil2S: number;
}

/**
 * The constant-time CPMG of `cpmg_15n_ip`, `cpmg_13c_ip`, `cpmg_chd2_1h_ap`, `cpmg_1hn_ap`
 * ({@link pulseKeys} settings): D(teq2)·P90x·D(t_neg)·C·P180(±x)·C·D(t_neg)·P90x·D(teq1)·start
 * with C = [D(τ)·P180y·D(τ)]^ncyc, τ = T/(4·ncyc) − pw90 and t_neg = −2·pw90/π. The reference
 * (ncyc 0) has neither t_neg nor the trains; ncyc −1 is the same T with a single central pulse
 * (τ = T/2).
 *
 * @example
 * ```ts
 * const seq = simpleCpmg(ctx, kind, { start: ["iz"], detection: "[iz]", timeEquil1S: 0, timeEquil2S: 0.005 });
 * ```
 */
export function simpleCpmg(ctx: SequenceContext, kind: CpmgKind, o: SimpleCpmgOptions): Sequence {
  const kit = pulseKit(ctx, kind, { tauPw90: 1 });
  const { p90, p180 } = kit;
  const dNeg = kit.delay(tNeg(ctx.settings.pw90 as number));
  const pre = o.timeEquil1S === 0 ? [] : [kit.delay(o.timeEquil1S)];
  const post = o.timeEquil2S === 0 ? [] : [kit.delay(o.timeEquil2S)];
  const p180pmx = new Float64Array(kit.n * kit.n);
  return kit.sequence({
    start: startTerms(ctx.start, ...o.start),
    detection: o.detection,
    echoes: [{ pulse: p180[0] }],
    prepare: () => combine(p180pmx, p180[0], 0.5, p180[2], 0.5),
    reference: [{ steps: [...pre, p90[0], p180pmx, p90[0], ...post] }],
    cpmg: [{
      steps: [...pre, p90[0], dNeg, train(0, [1]), p180pmx, train(0, [1]), dNeg, p90[0], ...post],
    }],
  });
}

/**
 * out = ca·a + cb·b, elementwise (phase-cycle averages of propagators).
 *
 * @example
 * ```ts
 * combine(p180pmy, p180[1], 0.5, p180[3], 0.5); // ½(P180y + P180−y)
 * ```
 */
export function combine(
  out: Float64Array,
  a: Float64Array,
  ca: number,
  b: Float64Array,
  cb: number,
): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = ca * a[i] + cb * b[i];
  return out;
}
