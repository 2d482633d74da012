/**
 * The CPMG engine's propagators (`_cpmg_run.ts`): matrix helpers (fresh matrices, phase
 * rotations, block matrix–vector products, fixed chains as one matrix) and the
 * {@link PropagatorCache} of the echoes, phase-cycle products and their binary powers of the
 * current point.
 *
 * @module
 */
import type { Spectrometer } from "../nmr/spectrometer.ts";
import { matmul, matvec } from "../nmr/expm.ts";
import { EigenEchoes } from "./_cpmg_eigen.ts";
import type { EchoSet } from "./_cpmg.ts";
import type { TrainCycle } from "./_cpmg_plan.ts";
import { float64Copies } from "../math/float64_blocks.ts";

/**
 * `count` fresh n × n matrices.
 *
 * @example
 * ```ts
 * const [p90, tmp] = matrices(6, 2);
 * ```
 */
export function matrices(n: number, count: number): Float64Array[] {
  return float64Copies(count, n * n);
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
    return;
  }
  // Pairs of vectors against four rows at a time: each load of a feeds two products and each
  // load of v four; every element is still summed over j in order (same rounding as one row
  // against one vector at a time).
  let q = 0;
  for (; q + 1 < k; q += 2) {
    const v0 = q * n;
    const v1 = v0 + n;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const i0 = i * n;
      const i1 = i0 + n;
      const i2 = i1 + n;
      const i3 = i2 + n;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      let s20 = 0;
      let s21 = 0;
      let s30 = 0;
      let s31 = 0;
      for (let j = 0; j < n; j++) {
        const x0 = v[v0 + j];
        const x1 = v[v1 + j];
        const a0 = a[i0 + j];
        const a1 = a[i1 + j];
        const a2 = a[i2 + j];
        const a3 = a[i3 + j];
        s00 += a0 * x0;
        s01 += a0 * x1;
        s10 += a1 * x0;
        s11 += a1 * x1;
        s20 += a2 * x0;
        s21 += a2 * x1;
        s30 += a3 * x0;
        s31 += a3 * x1;
      }
      out[v0 + i] = s00;
      out[v1 + i] = s01;
      out[v0 + i + 1] = s10;
      out[v1 + i + 1] = s11;
      out[v0 + i + 2] = s20;
      out[v1 + i + 2] = s21;
      out[v0 + i + 3] = s30;
      out[v1 + i + 3] = s31;
    }
    for (; i < n; i++) {
      const io = i * n;
      let s0 = 0;
      let s1 = 0;
      for (let j = 0; j < n; j++) {
        const aij = a[io + j];
        s0 += aij * v[v0 + j];
        s1 += aij * v[v1 + j];
      }
      out[v0 + i] = s0;
      out[v1 + i] = s1;
    }
  }
  if (q < k) {
    const qo = q * n;
    for (let i = 0; i < n; i++) {
      const io = i * n;
      let sum = 0;
      for (let j = 0; j < n; j++) sum += a[io + j] * v[qo + j];
      out[qo + i] = sum;
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
