/**
 * Building blocks of the methyl CPMG experiments (`cpmg_ch3_*`): ideal pulses and projections as
 * diagonals, operator chains mixing dense propagators and diagonals, finite I-spin pulses at
 * the four phases, composite 180° pulses, echo elements, alternating pulse trains, and the
 * phase-cycled echo trains and whole sequence of the ¹H DQ/TQ experiments.
 *
 * Ideal 180° pulses and z-filters are diagonal in the product-operator basis, so they are kept
 * as length-n vectors of signs (or 0/1) and applied elementwise: a chain of operators acting on
 * a vector then costs one matrix–vector product per dense element and n multiplications per
 * diagonal one.
 *
 * Phases are in quarter turns: 0 = x, 1 = y, 2 = −x, 3 = −y. A phase-k element is obtained from
 * the phase-x one by the exact z rotation of {@link Spectrometer.phase}; for an echo D·P·D this
 * relies on the free Liouvillian commuting with z rotations of the I spin, which holds for every
 * term of the Liouvillian (relaxation is axially symmetric, shifts, couplings, offsets and
 * exchange are z rotations or act alike on x and y).
 *
 * @module
 */
import type { KeySpec } from "../config/experiment.ts";
import type { Sequence, SequenceContext } from "./types.ts";
import type { Basis } from "../nmr/basis.ts";
import { detectionVector, dot, type Spectrometer } from "../nmr/spectrometer.ts";
import { matvec } from "../nmr/expm.ts";
import { distinctNcycs, matrices, startTerms } from "./_cpmg.ts";

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
 * v ← ops[last]·…·ops[0]·v: applies operators in time order (the first listed acts first). An
 * operator of length n is a diagonal, one of length n² a dense row-major matrix. `tmp` is a
 * scratch vector of length n; returns v.
 *
 * @example
 * ```ts
 * applyOps(v, tmp, n, p90x, signsS, dTau); // v ← dTau·diag(signsS)·p90x·v
 * ```
 */
export function applyOps(
  v: Float64Array,
  tmp: Float64Array,
  n: number,
  ...ops: Float64Array[]
): Float64Array {
  for (const op of ops) {
    if (op.length === n) {
      for (let i = 0; i < n; i++) v[i] *= op[i];
    } else if (op.length === n * n) {
      matvec(tmp, op, v, n);
      v.set(tmp);
    } else {
      throw new Error(`operator of length ${op.length} does not act on vectors of length ${n}`);
    }
  }
  return v;
}

/**
 * Finite I-spin pulse of `widthS` at the four phases, into `out[0..3]` (x, y, −x, −y), with the
 * spectrometer's current Liouvillian and B1.
 *
 * @example
 * ```ts
 * const p90 = pulseIPhases(sp, 1 / (4 * sp.b1I), matrices(n, 4));
 * ```
 */
export function pulseIPhases(
  sp: Spectrometer,
  widthS: number,
  out: Float64Array[],
): Float64Array[] {
  sp.pulseI(out[0], widthS);
  for (let k = 1; k < 4; k++) sp.phase(out[k], out[0], k);
  return out;
}

/**
 * Composite pulse outer·inner·outer at the four phases, the outer pulses shifted by `shift`
 * quarter turns from the inner one: out[k] = outer[k+shift]·inner[k]·outer[k+shift]. ChemEx's
 * `p9018090_i_1` / `p9024090_i_1` are shift −1 (e.g. 90(−y)·180(x)·90(−y)), the `_2` ones +1.
 * `tmp` is an n² scratch matrix.
 *
 * @example
 * ```ts
 * compositeI(sp, p90, p180, -1, matrices(n, 4), tmp); // 90-180-90 with −90° outer phases
 * ```
 */
export function compositeI(
  sp: Spectrometer,
  outer: readonly Float64Array[],
  inner: readonly Float64Array[],
  shift: number,
  out: Float64Array[],
  tmp: Float64Array,
): Float64Array[] {
  const o = outer[((shift % 4) + 4) % 4];
  sp.mul(tmp, inner[0], o);
  sp.mul(out[0], o, tmp);
  for (let k = 1; k < 4; k++) sp.phase(out[k], out[0], k);
  return out;
}

/**
 * Echo elements D·P(k)·D at the four phases k of the phase-x pulse `pulseX`: out[0] by two
 * products, out[1..3] from it by the exact z rotation. `tmp` is an n² scratch matrix.
 *
 * @example
 * ```ts
 * echoPhases(sp, dCp, p180[0], echo, tmp); // echo[1] = D·P180y·D
 * ```
 */
export function echoPhases(
  sp: Spectrometer,
  delay: Float64Array,
  pulseX: Float64Array,
  out: Float64Array[],
  tmp: Float64Array,
): Float64Array[] {
  sp.mul(tmp, pulseX, delay);
  sp.mul(out[0], delay, tmp);
  for (let k = 1; k < 4; k++) sp.phase(out[k], out[0], k);
  return out;
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

/**
 * The largest ncyc of a profile: from every x of the profile when known (ChemEx derives some
 * timings from the whole data set, masked points included), else from the points evaluated.
 *
 * @example
 * ```ts
 * largestNcyc([0, 1, 40], Float64Array.of(0, 1)); // 40
 * ```
 */
export function largestNcyc(all: ArrayLike<number> | undefined, x: Float64Array): number {
  let m = -Infinity;
  for (const v of all && all.length > 0 ? Array.from(all) : x) m = Math.max(m, v);
  return m;
}

/**
 * Keys shared by the ¹H SQ/DQ/TQ methyl experiments (besides their own delays).
 *
 * @example
 * ```ts
 * protonMethylKeys().comp180_flg.default; // true
 * ```
 */
export function protonMethylKeys(): Record<string, KeySpec> {
  return {
    time_t2: { type: "number", required: true, min: 0 },
    carrier: { type: "number", required: true },
    pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
    comp180_flg: { type: "boolean", default: true },
    ipap_flg: { type: "boolean", default: false },
  };
}

/**
 * Default fitted parameters of the ¹H methyl experiments: R2 of the observed coherence, plus its
 * anti-phase rate (S2 with `.mf`) when IP/AP data constrain it.
 *
 * @example
 * ```ts
 * protonMethylFitted("a", { ipap_flg: true }).rates; // ["r2_i_a", "r2a_i_a"]
 * ```
 */
export function protonMethylFitted(
  state: string,
  settings: Readonly<Record<string, unknown>> | undefined,
): { rates: string[]; modelFree: string[] } {
  const out = { rates: [`r2_i_${state}`], modelFree: [`tauc_${state}`] };
  if (settings?.ipap_flg) {
    out.rates.push(`r2a_i_${state}`);
    out.modelFree.push(`s2_${state}`);
  }
  return out;
}

/** Phases (time order, cycling) of the first and second halves of the DQ/TQ CPMG trains. */
export const DQ_TQ_PHASES: readonly [readonly number[], readonly number[]] = [
  [0, 1, 0, 1, 1, 0, 1, 0, 2, 3, 2, 3, 3, 2, 3, 2],
  [0, 3, 0, 3, 3, 0, 3, 0, 2, 1, 2, 1, 1, 2, 1, 2],
];

/**
 * v ← C2·centre·C1·v for the DQ/TQ trains: C1 applies `count` echoes `first[phase]` with the
 * phases of {@link DQ_TQ_PHASES}[0] in time order, C2 applies `count` echoes `second[phase]`
 * with the phases of {@link DQ_TQ_PHASES}[1] read backwards from the last echo (the train is
 * the mirror image of the first).
 *
 * @example
 * ```ts
 * dqTqTrains(v, tmp, n, 10, echo1, p180pmy, echo2);
 * ```
 */
export function dqTqTrains(
  v: Float64Array,
  tmp: Float64Array,
  n: number,
  count: number,
  first: readonly Float64Array[],
  centre: Float64Array,
  second: readonly Float64Array[],
): Float64Array {
  const [ph1, ph2] = DQ_TQ_PHASES;
  for (let k = 0; k < count; k++) applyOps(v, tmp, n, first[ph1[k % ph1.length]]);
  applyOps(v, tmp, n, centre);
  for (let k = count - 1; k >= 0; k--) applyOps(v, tmp, n, second[ph2[k % ph2.length]]);
  return v;
}

/**
 * The period of the ¹H DQ/TQ experiments for one ncyc applied to v: the reference (ncyc 0) is
 * the central ±y 180° alone, ncyc = −1 a free delay `halfT2` (T/2) on each side of it,
 * otherwise the {@link dqTqTrains} around it; `before`/`after` (e.g. gradient blocks) enclose
 * it. With `ipapS180` (ideal ¹³C 180°) the whole is averaged with its conjugate by that pulse:
 * the mean of the in-phase and anti-phase pathways.
 *
 * @example
 * ```ts
 * dqTqPeriod(v, tmp, n, { ncyc: 4, centre: p180pmy, halfT2: null, first: echo1, second: echo2, ipapS180: null });
 * ```
 */
export function dqTqPeriod(
  v: Float64Array,
  tmp: Float64Array,
  n: number,
  o: {
    ncyc: number;
    centre: Float64Array;
    halfT2: Float64Array | null;
    first: readonly Float64Array[];
    second: readonly Float64Array[];
    before?: readonly Float64Array[];
    after?: readonly Float64Array[];
    ipapS180: Float64Array | null;
  },
): Float64Array {
  const one = (x: Float64Array) => {
    applyOps(x, tmp, n, ...(o.before ?? []));
    if (o.ncyc === 0) applyOps(x, tmp, n, o.centre);
    else if (o.ncyc === -1) applyOps(x, tmp, n, o.halfT2!, o.centre, o.halfT2!);
    else dqTqTrains(x, tmp, n, Math.trunc(o.ncyc), o.first, o.centre, o.second);
    return applyOps(x, tmp, n, ...(o.after ?? []));
  };
  if (!o.ipapS180) return one(v);
  const u = Float64Array.from(v);
  one(v);
  applyOps(u, tmp, n, o.ipapS180);
  one(u);
  applyOps(u, tmp, n, o.ipapS180);
  for (let i = 0; i < n; i++) v[i] = 0.5 * (v[i] + u[i]);
  return v;
}

/** Options of {@link protonMqCpmg}. */
export interface ProtonMqOptions {
  /** Experiment name, for messages. */
  name: string;
}

/**
 * The ¹H DQ and TQ CPMG of ¹³CH₃ methyls (`cpmg_ch3_1h_dq`, `cpmg_ch3_1h_tq`; Gopalan & Kay
 * and Yuwen et al.): start and detection 2IxSz in a basis whose I shifts and J are scaled by
 * the coherence order; `comp180_flg` uses 90-180-90 composite refocusing pulses (τ = T/(4·ncyc)
 * − 2·pw90, else − pw90) with the phase tables {@link DQ_TQ_PHASES}; `ipap_flg` adds D(tauc)
 * on both sides and averages in-phase and anti-phase pathways.
 *
 * @example
 * ```ts
 * const sequence = protonMqCpmg(ctx, { name: "cpmg_ch3_1h_dq" });
 * ```
 */
export function protonMqCpmg(ctx: SequenceContext, o: ProtonMqOptions): Sequence {
  const timeT2S = ctx.settings.time_t2 as number;
  const pw90S = ctx.settings.pw90 as number;
  const taucS = ctx.settings.tauc as number;
  const comp180 = ctx.settings.comp180_flg as boolean;
  const ipap = ctx.settings.ipap_flg as boolean;
  const factor = comp180 ? 2 : 1;
  const sp = ctx.spectrometer;
  sp.carrierI = ctx.settings.carrier as number;
  sp.b1I = 1 / (4 * pw90S);
  const terms = startTerms(ctx.start, "2ixsz");
  const detect = detectionVector(sp.basis, "[2ixsz]", ctx.observed);
  const p180S = ideal180Diag(sp.basis, "s", 0);
  const n = sp.size;
  const [p90, p180, cp1, cp2, echo1, echo2] = Array.from({ length: 6 }, () => matrices(n, 4));
  const [p180pmy, dTauc, tmp] = matrices(n, 3);
  const w = new Float64Array(n);
  return (ncycs: Float64Array) => {
    sp.rebuild();
    const values = distinctNcycs(o.name, ncycs, true);
    const start = sp.startVector(terms);
    const pw90p = 1 / (4 * sp.b1I);
    pulseIPhases(sp, pw90p, p90);
    pulseIPhases(sp, 2 * pw90p, p180);
    combine(p180pmy, p180[1], 0.5, p180[3], 0.5);
    refocusingPulses(sp, comp180, p90, p180, cp1, cp2, tmp);
    const cycles = values.filter((x) => x !== 0);
    const times = cycles.map((x) => x === -1 ? 0.5 * timeT2S : timeT2S / (4 * x) - factor * pw90S);
    const dCp = sp.delays(matrices(n, times.length), times);
    sp.delays([dTauc], [taucS]);
    const out = new Map<number, number>();
    for (const x of values) {
      const d = x === 0 ? null : dCp[cycles.indexOf(x)];
      if (x > 0) {
        echoPhases(sp, d!, cp1[0], echo1, tmp);
        echoPhases(sp, d!, cp2[0], echo2, tmp);
      }
      const v = Float64Array.from(start);
      if (ipap) applyOps(v, w, n, dTauc);
      dqTqPeriod(v, w, n, {
        ncyc: x,
        centre: p180pmy,
        halfT2: d,
        first: echo1,
        second: echo2,
        ipapS180: ipap ? p180S : null,
      });
      if (ipap) applyOps(v, w, n, dTauc);
      out.set(x, dot(detect, v));
    }
    return ncycs.map((x) => out.get(x)!);
  };
}

/**
 * The refocusing pulses of the DQ/TQ trains at the four phases: 90-180-90 composites with the
 * outer pulses at −90° (first train) and +90° (second train) from the inner one, or the plain
 * 180° pulses.
 *
 * @example
 * ```ts
 * refocusingPulses(sp, true, p90, p180, cp1, cp2, tmp); // cp1[0] = 90(−y)·180(x)·90(−y)
 * ```
 */
export function refocusingPulses(
  sp: Spectrometer,
  composite: boolean,
  p90: readonly Float64Array[],
  p180: readonly Float64Array[],
  cp1: Float64Array[],
  cp2: Float64Array[],
  tmp: Float64Array,
): void {
  if (composite) {
    compositeI(sp, p90, p180, -1, cp1, tmp);
    compositeI(sp, p90, p180, 1, cp2, tmp);
    return;
  }
  for (let k = 0; k < 4; k++) {
    cp1[k].set(p180[k]);
    cp2[k].set(p180[k]);
  }
}

/**
 * Powers of the two-element cycle of an alternating train (`first`, `second`, `first`, …):
 * out[j] = (second·first)^j for j = 0..maxPairs, for {@link applyAlternating}. Built once per
 * evaluation, they turn the up to ncyc_max back-to-back pulses of a constant-time train into
 * one matrix–vector product.
 *
 * @example
 * ```ts
 * const pows = alternatingPowers(sp, cp1[0], cp1[1], 30); // pows[2] = (P_y·P_x)²
 * ```
 */
export function alternatingPowers(
  sp: Spectrometer,
  first: Float64Array,
  second: Float64Array,
  maxPairs: number,
): Float64Array[] {
  const n = sp.size;
  const out = matrices(n, maxPairs + 1);
  for (let i = 0; i < n; i++) out[0][i * n + i] = 1;
  if (maxPairs === 0) return out;
  sp.mul(out[1], second, first);
  for (let j = 2; j <= maxPairs; j++) sp.mul(out[j], out[1], out[j - 1]);
  return out;
}

/**
 * v ← the alternating train of `count` elements starting with `first` (…·second·first·v), from
 * the powers of {@link alternatingPowers}.
 *
 * @example
 * ```ts
 * applyAlternating(v, tmp, n, cp1[0], pows, 5); // v ← P_x·(P_y·P_x)²·v
 * ```
 */
export function applyAlternating(
  v: Float64Array,
  tmp: Float64Array,
  n: number,
  first: Float64Array,
  powers: readonly Float64Array[],
  count: number,
): Float64Array {
  const pairs = count >> 1;
  if (pairs >= powers.length) throw new Error(`train of ${count} exceeds the tabulated powers`);
  if (pairs > 0) applyOps(v, tmp, n, powers[pairs]);
  if (count & 1) applyOps(v, tmp, n, first);
  return v;
}

/**
 * out = ops[last]·…·ops[0] as one dense matrix (operators in time order, diagonals of length n
 * or dense n×n, as for {@link applyOps}), for a fixed chain applied to many vectors. `tmp` is
 * an n² scratch matrix.
 *
 * @example
 * ```ts
 * composeOps(sp, pElement, [dGrad, zFilter, p90x], tmp); // p90x·diag(zFilter)·dGrad
 * ```
 */
export function composeOps(
  sp: Spectrometer,
  out: Float64Array,
  ops: readonly Float64Array[],
  tmp: Float64Array,
): Float64Array {
  const n = sp.size;
  out.fill(0);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  for (const op of ops) {
    if (op.length === n) {
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) out[r * n + c] *= op[r];
      }
    } else {
      sp.mul(tmp, op, out);
      out.set(tmp);
    }
  }
  return out;
}
