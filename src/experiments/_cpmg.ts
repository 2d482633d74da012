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
 * storage are planned once per x array and kept (`_cpmg_plan.ts`); echoes, cycle products and
 * powers are cached per point (`_cpmg_run.ts`); no typed array is allocated per evaluation
 * besides the returned intensities.
 *
 * @module
 */
import type { KeySpec } from "./schema.ts";
import type { BasisChoice, ExperimentModule, Sequence, SequenceContext } from "./types.ts";
import type { Basis } from "../nmr/basis.ts";
import type { Spectrometer } from "../nmr/spectrometer.ts";
import { detectionVector } from "./detection.ts";
import { cpmgRunner } from "./_cpmg_run.ts";
import { matrices } from "./_cpmg_cache.ts";
import { ncycCheck } from "./_cpmg_plan.ts";
import { type Derivation, derive } from "./_cpmg_derived.ts";

// The engine's pieces live beside this file (planning, evaluation); modules import from here.
export { blockMatvec, composeOps, matrices, PropagatorCache } from "./_cpmg_cache.ts";
export { distinctNcycs, ncycCheck } from "./_cpmg_plan.ts";
export { type Derivation, derive, rotated } from "./_cpmg_derived.ts";

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
  /**
   * The profile's fields the setup reads ({@link ExperimentModule.setupReads}; default none: the
   * CPMG kit's evaluations depend on the spectrometer's values and x only).
   */
  setupReads?: ExperimentModule["setupReads"];
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
    setupReads: def.setupReads ?? [],
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
  /**
   * For exact derivatives: the matrices (dense or diagonal) the step applies at this ncyc, in
   * time order, each the kit's, declared in {@link CpmgChains.derived} or constant.
   */
  matrices?(ncyc: number): readonly Float64Array[];
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
  /**
   * For exact derivatives (`_cpmg_adjoint.ts`): how `prepare` fills the sequence's own dense
   * matrices from the kit's pulses and delays (in the order it fills them). A sequence whose
   * steps hold a dense matrix that is neither the kit's, declared here, nor a constant is
   * differenced.
   */
  derived?: readonly Derivation[];
  /**
   * Set where profiles of this sequence can differ only in detection (e.g. DQ/ZQ of one residue):
   * sequences with the same key (and the same start terms) in one calculator set share their
   * propagated vectors when their free Liouvillian, B1 fields and start vector are equal
   * (`_cpmg_share.ts`). It must identify everything else the propagation depends on (spin
   * system, settings besides detection).
   */
  shareKey?: string;
  /** Dense matrices that do not depend on the parameters (ideal pulses as matrices). */
  constants?: readonly Float64Array[];
  /**
   * For exact derivatives: finite pulses besides the kit's 90° and 180° that `prepare` fills,
   * `sp.pulseI(out, widthS())` (I at phase x), or `sp.pulseIS(out, widthS(), ...phases)` where
   * `phases` is given.
   */
  pulses?: readonly {
    out: Float64Array;
    widthS(): number;
    phases?: readonly [number | null, number | null];
  }[];
  /**
   * For exact derivatives of a sequence with its own {@link liouvillian}: the other Liouvillians
   * it sets (e.g. at other gradient strengths), each with the free delays and the I pulses at
   * phase x that it computes under it. Without it such a sequence is differenced.
   */
  states?: readonly LiouvillianState[];
}

/** One Liouvillian a sequence sets in its `liouvillian` hook, and what it computes under it. */
export interface LiouvillianState {
  /** Set the spectrometer's Liouvillian to this state. */
  set(): void;
  delays?: readonly { out: Float64Array; timeS: number }[];
  pulses?: readonly { out: Float64Array; widthS(): number }[];
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
      const parts = { p90, p180, fixed, fixedTimes, shared: ctx.shared };
      return cpmgRunner(sp, kind, o, parts, chains, detect);
    },
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
    derived: [derive(p180pmx, [0.5, [p180[0]]], [0.5, [p180[2]]])],
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
