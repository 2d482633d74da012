/**
 * Building blocks of the methyl CPMG experiments (`cpmg_ch3_*`): ideal pulses and projections as
 * diagonals, operator chains mixing dense propagators and diagonals, finite I-spin pulses at
 * the four phases, composite 180° pulses, alternating pulse trains, and the whole sequence of
 * the ¹H DQ/TQ experiments (on the engine of `_cpmg.ts`).
 *
 * Ideal 180° pulses and z-filters are diagonal in the product-operator basis, so they are kept
 * as length-n vectors of signs (or 0/1), which the CPMG engine applies elementwise: n
 * multiplications instead of a matrix–vector product.
 *
 * Phases are in quarter turns: 0 = x, 1 = y, 2 = −x, 3 = −y. A phase-k element is obtained from
 * the phase-x one by the exact z rotation of {@link Spectrometer.phase}; for an echo D·P·D this
 * relies on the free Liouvillian commuting with z rotations of the I spin, which holds for every
 * term of the Liouvillian (relaxation is axially symmetric, shifts, couplings, offsets and
 * exchange are z rotations or act alike on x and y).
 *
 * @module
 */
import type { KeySpec } from "./schema.ts";
import type { Sequence, SequenceContext } from "./types.ts";
import type { Spectrometer } from "../nmr/spectrometer.ts";
import {
  blockMatvec,
  combine,
  type CpmgChains,
  type CpmgKind,
  derive,
  ideal180Diag,
  matrices,
  pulseKeys,
  pulseKit,
  startTerms,
  type Step,
  train,
  type Transient,
} from "./_cpmg.ts";

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
    ...pulseKeys(),
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

/** Options of {@link protonMqCpmg}. */
export interface ProtonMqOptions {
  /** Steps before and after the CPMG period, inside the IP/AP average (gradient blocks). */
  before?: readonly Step[];
  after?: readonly Step[];
  /** D(tauc) of `ipap_flg` when the sequence computes it itself (default: a delay of the kit). */
  dTauc?: Float64Array;
  /** Per evaluation, instead of `sp.rebuild()`: the Liouvillian and the sequence's own elements. */
  liouvillian?(): void;
  /** For exact derivatives: the sequence's own elements (see {@link CpmgChains}). */
  exact?: Pick<CpmgChains, "derived" | "states">;
}

/**
 * The ¹H DQ and TQ CPMG of ¹³CH₃ methyls (`cpmg_ch3_1h_dq`, `cpmg_ch3_1h_tq`; Gopalan & Kay
 * and Yuwen et al.): start and detection 2IxSz in a basis whose I shifts and J are scaled by
 * the coherence order. The period is C2·P180(±y)·C1, where C1 applies ncyc echoes of the first
 * refocusing pulse with the phases {@link DQ_TQ_PHASES}[0] in time order and C2 ncyc echoes of
 * the second with {@link DQ_TQ_PHASES}[1] read back from the last echo (the mirror image); the
 * reference is the central ±y 180° alone, ncyc = −1 a free delay T/2 on each side of it.
 * `comp180_flg` uses 90-180-90 composite refocusing pulses (outer phases −90° and +90° from the
 * inner one; τ = T/(4·ncyc) − 2·pw90, else − pw90); `ipap_flg` adds D(tauc) on both sides and
 * averages the period with its conjugate by an ideal ¹³C 180° (in-phase and anti-phase
 * pathways).
 *
 * @example
 * ```ts
 * const sequence = protonMqCpmg(ctx, kind);
 * ```
 */
export function protonMqCpmg(
  ctx: SequenceContext,
  kind: CpmgKind,
  o: ProtonMqOptions = {},
): Sequence {
  const comp180 = ctx.settings.comp180_flg as boolean;
  const ipap = ctx.settings.ipap_flg as boolean;
  const sp = ctx.spectrometer;
  const kit = pulseKit(ctx, kind, { tauPw90: comp180 ? 2 : 1 });
  const { p90, p180, n } = kit;
  const dTauc = ipap ? o.dTauc ?? kit.delay(ctx.settings.tauc as number) : null;
  const p180S = ideal180Diag(sp.basis, "s", 0);
  const [p180pmy, cp1, cp2, tmp] = matrices(n, 4);
  const prepare = () => {
    combine(p180pmy, p180[1], 0.5, p180[3], 0.5);
    if (comp180) {
      composite90(sp, cp1, p90[3], p180[0], tmp);
      composite90(sp, cp2, p90[1], p180[0], tmp);
    }
  };
  const chains = (centre: readonly Step[]): Transient[] => {
    const period = [...(o.before ?? []), ...centre, ...(o.after ?? [])];
    if (!dTauc) return [{ steps: period }];
    return [
      { steps: [dTauc, ...period, dTauc], weight: 0.5 },
      { steps: [dTauc, p180S, ...period, p180S, dTauc], weight: 0.5 },
    ];
  };
  return kit.sequence({
    start: startTerms(ctx.start, "2ixsz"),
    detection: "[2ixsz]",
    // Plain 180° pulses: both trains use the same echoes.
    echoes: comp180 ? [{ pulse: cp1 }, { pulse: cp2 }] : [{ pulse: p180[0] }],
    liouvillian: o.liouvillian,
    prepare,
    states: o.exact?.states,
    derived: [
      ...(o.exact?.derived ?? []),
      derive(p180pmy, [0.5, [p180[1]]], [0.5, [p180[3]]]),
      ...(comp180
        ? [derive(cp1, [1, [p90[3], p180[0], p90[3]]]), derive(cp2, [1, [p90[1], p180[0], p90[1]]])]
        : []),
    ],
    reference: chains([p180pmy]),
    cpmg: chains([
      train(0, DQ_TQ_PHASES[0]),
      p180pmy,
      train(comp180 ? 1 : 0, DQ_TQ_PHASES[1], { fromEnd: true }),
    ]),
  });
}

/** out = outer·inner·outer (a 90-180-90 composite pulse; `tmp` is scratch). */
function composite90(
  sp: Spectrometer,
  out: Float64Array,
  outer: Float64Array,
  inner: Float64Array,
  tmp: Float64Array,
): void {
  sp.mul(tmp, inner, outer);
  sp.mul(out, outer, tmp);
}

/**
 * Binary powers of the two-element cycle of an alternating train (`first`, `second`, `first`,
 * …): out[k] = (second·first)^(2^k) for the bits of `maxPairs` (`out` holds at least
 * {@link powerBits}(maxPairs) matrices), for {@link applyAlternating}. Built once per
 * evaluation by a product and squarings, they turn the up to ncyc_max back-to-back pulses of a
 * constant-time train into a few matrix–vector products.
 *
 * @example
 * ```ts
 * const pows = alternatingPowers(sp, cp1[0], cp1[1], 30, matrices(n, 5)); // pows[2] = (P_y·P_x)⁴
 * ```
 */
export function alternatingPowers(
  sp: Spectrometer,
  first: Float64Array,
  second: Float64Array,
  maxPairs: number,
  out: Float64Array[],
): Float64Array[] {
  const bits = powerBits(maxPairs);
  if (out.length < bits) throw new Error(`${maxPairs} pairs need ${bits} matrices`);
  if (bits === 0) return out;
  sp.mul(out[0], second, first);
  for (let k = 1; k < bits; k++) sp.mul(out[k], out[k - 1], out[k - 1]);
  return out;
}

/**
 * Number of binary powers {@link alternatingPowers} needs for up to `maxPairs` pairs.
 *
 * @example
 * ```ts
 * powerBits(30); // 5
 * ```
 */
export function powerBits(maxPairs: number): number {
  return maxPairs > 0 ? Math.floor(Math.log2(maxPairs)) + 1 : 0;
}

/**
 * v ← the alternating train of `count` elements starting with `first` (…·second·first·v), from
 * the binary powers of {@link alternatingPowers} (`bits` of them are valid), for `vectors`
 * vectors stored one after another (see {@link blockMatvec}); `tmp` is scratch of the same
 * size. Returns the buffer holding the result (`v` or `tmp`).
 *
 * @example
 * ```ts
 * applyAlternating(v, tmp, n, cp1[0], pows, 3, 5); // P_x·(P_y·P_x)²·v, in v or tmp
 * ```
 */
export function applyAlternating(
  v: Float64Array,
  tmp: Float64Array,
  n: number,
  first: Float64Array,
  powers: readonly Float64Array[],
  bits: number,
  count: number,
  vectors = 1,
): Float64Array {
  const pairs = count >> 1;
  if (pairs >= 2 ** bits) throw new Error(`train of ${count} exceeds the tabulated powers`);
  // Plain swaps, no closure or array destructuring: this runs for every point of every
  // evaluation, and those allocated (about a third of a methyl evaluation's garbage).
  let src = v;
  let dst = tmp;
  let t: Float64Array;
  for (let k = 0; k < bits; k++) {
    if ((pairs >> k) & 1) {
      blockMatvec(dst, powers[k], src, n, vectors);
      t = src, src = dst, dst = t;
    }
  }
  if (count & 1) {
    blockMatvec(dst, first, src, n, vectors);
    t = src, src = dst, dst = t;
  }
  return src;
}
