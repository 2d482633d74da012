/**
 * Building blocks shared by the CPMG experiments: common keys, start terms, ncyc checks,
 * vector propagation through operator chains and phase-cycled echo trains, and the plain
 * "P90 – CPMG – P180(±x) – CPMG – P90" sequence used by the in-phase/anti-phase experiments.
 *
 * Propagation is done on vectors (one matrix–vector product per element) wherever only the
 * detected signal is needed; ChemEx multiplies matrices, which gives the same numbers to
 * rounding. A ChemEx phase cycle that stacks N propagator variants and detects their sum is
 * reproduced by summing the N detected signals (everything is linear).
 *
 * @module
 */
import type { KeySpec } from "../config/experiment.ts";
import type { Sequence, SequenceContext } from "./types.ts";
import { detectionVector, dot, type Spectrometer } from "../nmr/spectrometer.ts";
import { matvec } from "../nmr/expm.ts";

/** Common CPMG keys; `evenNcycs` is the experiment's default for plotting curves. */
export function cpmgKeys(evenNcycs: boolean): Record<string, KeySpec> {
  return {
    even_ncycs: { type: "boolean", default: evenNcycs },
  };
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

/** `count` fresh n × n matrices. */
export function matrices(n: number, count: number): Float64Array[] {
  return Array.from({ length: count }, () => new Float64Array(n * n));
}

/**
 * v ← ops[last]·…·ops[0]·v: applies the operators in time order (the first listed acts
 * first). `tmp` is a scratch vector of the same size; returns v.
 *
 * @example
 * ```ts
 * propagate(v, tmp, n, p90x, dNeg); // v ← dNeg·p90x·v
 * ```
 */
export function propagate(
  v: Float64Array,
  tmp: Float64Array,
  n: number,
  ...ops: Float64Array[]
): Float64Array {
  for (const op of ops) {
    matvec(tmp, op, v, n);
    v.set(tmp);
  }
  return v;
}

/**
 * The four phases (x, y, −x, −y) of a phase-x propagator of the I spin, into `out`.
 *
 * @example
 * ```ts
 * const [p180x, p180y, p180mx, p180my] = fourPhases(sp, p180x, matrices(n, 4));
 * ```
 */
export function fourPhases(
  sp: Spectrometer,
  px: Float64Array,
  out: Float64Array[],
): Float64Array[] {
  out[0].set(px);
  for (let k = 1; k < 4; k++) sp.phase(out[k], px, k);
  return out;
}

/**
 * Echo elements D·P[k]·D for every phase k of `pulses` (into `out`, one per pulse), with `tmp`
 * as scratch.
 */
export function echoes(
  sp: Spectrometer,
  delay: Float64Array,
  pulses: readonly Float64Array[],
  out: Float64Array[],
  tmp: Float64Array,
): Float64Array[] {
  pulses.forEach((p, k) => {
    sp.mul(tmp, p, delay);
    sp.mul(out[k], delay, tmp);
  });
  return out;
}

/**
 * Apply `count` echo elements in time order, the j-th with phase `phaseOf(j)`.
 *
 * @example
 * ```ts
 * applyTrain(v, tmp, n, echoByPhase, 8, (j) => table[j % table.length]);
 * ```
 */
export function applyTrain(
  v: Float64Array,
  tmp: Float64Array,
  n: number,
  byPhase: readonly Float64Array[],
  count: number,
  phaseOf: (j: number) => number,
): Float64Array {
  for (let j = 0; j < count; j++) {
    matvec(tmp, byPhase[phaseOf(j)], v, n);
    v.set(tmp);
  }
  return v;
}

/**
 * Phase of the j-th echo (time order) of a train of `count` echoes whose phases ChemEx takes
 * from row `row` of `table`, cycling. `fromEnd` = the table is read from the end of the train
 * back (ChemEx's trains built from unflipped indexes), else from its start.
 *
 * @example
 * ```ts
 * trainPhase([[0, 1]], 0, 3, false)(2); // 0
 * ```
 */
export function trainPhase(
  table: readonly (readonly number[])[],
  row: number,
  count: number,
  fromEnd: boolean,
): (j: number) => number {
  const r = table[row];
  return fromEnd ? (j) => r[(count - 1 - j) % r.length] : (j) => r[j % r.length];
}

/** Options of {@link simpleCpmg}. */
export interface SimpleCpmgOptions {
  /** Experiment name, for messages. */
  name: string;
  /** Start components before state selection (e.g. ["iz"] or ["2izsz"]). */
  start: string[];
  /** Detection expression over components, e.g. "[iz]". */
  detection: string;
  timeT2S: number;
  pw90S: number;
  /** Delay before the first 90° pulse (0: none). */
  timeEquil1S: number;
  /** Delay after the last 90° pulse (0: none). */
  timeEquil2S: number;
}

/**
 * The constant-time CPMG of `cpmg_15n_ip`, `cpmg_13c_ip`, `cpmg_chd2_1h_ap`, `cpmg_1hn_ap`:
 * D(teq2)·P90x·D(t_neg)·C·P180(±x)·C·D(t_neg)·P90x·D(teq1)·start with C = [D(τ)·P180y·D(τ)]^ncyc,
 * τ = T/(4·ncyc) − pw90 and t_neg = −2·pw90/π. The reference (ncyc 0) has neither t_neg nor the
 * trains; ncyc −1 is the same T with a single central pulse (τ = T/2).
 *
 * @example
 * ```ts
 * const seq = simpleCpmg(ctx, { name: "cpmg_13c_ip", start: ["iz"], detection: "[iz]", timeT2S: 0.04, pw90S: 15e-6, timeEquil1S: 0, timeEquil2S: 0.005 });
 * ```
 */
export function simpleCpmg(ctx: SequenceContext, o: SimpleCpmgOptions): Sequence {
  const sp = ctx.spectrometer;
  sp.b1I = 1 / (4 * o.pw90S);
  const terms = startTerms(ctx.start, ...o.start);
  const detect = detectionVector(sp.basis, o.detection, ctx.observed);
  const n = sp.size;
  const [p90, p180x, p180y, p180mx, p180pmx, dNeg, dEq1, dEq2, tmp] = matrices(n, 9);
  const tNegS = -2 * o.pw90S / Math.PI;
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  return (ncycs: Float64Array) => {
    sp.rebuild();
    const values = distinctNcycs(o.name, ncycs, true);
    const start = sp.startVector(terms);
    const pw90p = 1 / (4 * sp.b1I);
    sp.pulseI(p90, pw90p);
    sp.pulseI(p180x, 2 * pw90p);
    sp.phase(p180y, p180x, 1);
    sp.phase(p180mx, p180x, 2);
    for (let i = 0; i < n * n; i++) p180pmx[i] = 0.5 * (p180x[i] + p180mx[i]);
    const cycles = values.filter((x) => x !== 0);
    const times = cycles.map((x) => x === -1 ? 0.5 * o.timeT2S : o.timeT2S / (4 * x) - o.pw90S);
    const dCp = sp.delays(matrices(n, times.length), times);
    sp.delays([dNeg, dEq1, dEq2], [tNegS, o.timeEquil1S, o.timeEquil2S]);
    const pre = o.timeEquil1S === 0 ? [] : [dEq1];
    const post = o.timeEquil2S === 0 ? [] : [dEq2];
    const echo = new Float64Array(n * n);
    const out = new Map<number, number>();
    for (const x of values) {
      v.set(start);
      propagate(v, w, n, ...pre, p90);
      if (x === 0) {
        propagate(v, w, n, p180pmx);
      } else {
        const d = dCp[cycles.indexOf(x)];
        propagate(v, w, n, dNeg);
        if (x === -1) {
          propagate(v, w, n, d, p180pmx, d);
        } else {
          echoes(sp, d, [p180y], [echo], tmp);
          const count = Math.trunc(x);
          sp.applyPower(v, echo, count, w);
          propagate(v, w, n, p180pmx);
          sp.applyPower(v, echo, count, w);
        }
        propagate(v, w, n, dNeg);
      }
      propagate(v, w, n, p90, ...post);
      out.set(x, dot(detect, v));
    }
    return ncycs.map((x) => out.get(x)!);
  };
}
