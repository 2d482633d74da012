/**
 * Echoes of the CPMG engine in the eigenbasis of the free Liouvillian (`_cpmg_run.ts`).
 *
 * With L = X·B·X⁻¹ (real block form of `src/nmr/eig.ts`: 1×1 blocks λ, 2×2 blocks
 * [[a, b], [−b, a]]), an echo D(τ)·P·D(τ) is X·E·P'·E·X⁻¹ with E = exp(B·τ) block diagonal and
 * P' = X⁻¹·P·X. P' is formed once per evaluation and phase (two products), after which every
 * point's echo costs O(n²) instead of two products plus the delay's own reconstruction
 * (X·exp(B·τ)·X⁻¹, one more product). A train then runs in eigen coordinates between one
 * X⁻¹ and one X matrix–vector product. Mathematically the same operator; rounding differs at
 * the level of ε·cond(X) (the delays themselves come from the same decomposition).
 *
 * @module
 */
import { matmul } from "../nmr/expm.ts";
import type { EigWorkspace } from "../nmr/eig.ts";
import { float64Blocks, float64Copies } from "../math/float64_blocks.ts";

/**
 * The free Liouvillian's decomposition captured for one evaluation, the echo pulses turned into
 * its eigenbasis (per evaluation) and the block exponential of the current point's τ.
 */
export class EigenEchoes {
  /** Whether the captured decomposition is current (set per evaluation). */
  active = false;
  readonly x: Float64Array;
  readonly xinv: Float64Array;
  private readonly wr: Float64Array;
  private readonly wi: Float64Array;
  /** Per row j of E = exp(B·τ): E[j][j] = diag[j], E[j][partner[j]] = off[j]. */
  private readonly diag: Float64Array;
  private readonly off: Float64Array;
  private readonly partner: Int32Array;
  private readonly pulses: Float64Array[];
  private readonly pulseStamp: Int32Array;
  private evaluation = 0;
  private readonly tmp: Float64Array;
  /** The decomposition's blocks (`src/nmr/_eig_blocks.ts`): X and X⁻¹ are zero outside them. */
  private blockCount = 1;
  private readonly order: Int32Array;
  private readonly hi: Int32Array;
  private readonly loOf: Int32Array;
  private readonly lo: Int32Array;

  constructor(private readonly n: number, slots: number) {
    const nn = n * n;
    [this.x, this.xinv, this.wr, this.wi, this.diag, this.off, this.tmp] = float64Blocks(
      nn,
      nn,
      n,
      n,
      n,
      n,
      nn,
    );
    this.partner = new Int32Array(n);
    this.pulses = float64Copies(slots, nn);
    this.pulseStamp = new Int32Array(slots).fill(-1);
    this.order = new Int32Array(n);
    this.hi = new Int32Array(n);
    this.loOf = new Int32Array(n);
    this.lo = new Int32Array(n);
  }

  /** Whether X and X⁻¹ are block-structured ({@link toEigen} and {@link fromEigen} apply). */
  get blocked(): boolean {
    return this.blockCount > 1;
  }

  /**
   * out = X⁻¹·v for `kv` vectors of length n one after the other (into eigen coordinates), for a
   * block-structured X ({@link blocked}).
   */
  toEigen(out: Float64Array, v: Float64Array, kv: number): void {
    const { n, xinv, order, lo, hi } = this;
    for (let q = 0; q < kv * n; q += n) {
      for (let r = 0; r < n; r++) {
        const ro = r * n;
        let sum = 0;
        for (let c = lo[r]; c < hi[r]; c++) sum += xinv[ro + order[c]] * v[q + order[c]];
        out[q + r] = sum;
      }
    }
  }

  /** out = X·v for `kv` vectors (back from eigen coordinates), X block-structured. */
  fromEigen(out: Float64Array, v: Float64Array, kv: number): void {
    const { n, x, hi, loOf } = this;
    for (let q = 0; q < kv * n; q += n) {
      for (let i = 0; i < n; i++) {
        const lo = loOf[i];
        const io = i * n;
        let sum = 0;
        for (let j = lo; j < hi[lo]; j++) sum += x[io + j] * v[q + j];
        out[q + i] = sum;
      }
    }
  }

  /** Take the decomposition in `ws` (of the Liouvillian the evaluation's delays come from). */
  capture(ws: EigWorkspace): void {
    this.x.set(ws.x);
    this.xinv.set(ws.xinv);
    this.blockCount = ws.blocks.count;
    if (this.blockCount > 1) {
      this.order.set(ws.blocks.order);
      this.hi.set(ws.blocks.hi);
      this.lo.set(ws.blocks.lo);
      this.loOf.set(ws.blocks.loOf);
    }
    this.wr.set(ws.wr);
    this.wi.set(ws.wi);
    const n = this.n;
    for (let j = 0; j < n; j++) {
      const pair = ws.wi[j] > 0 && j + 1 < n;
      this.partner[j] = pair ? j + 1 : j;
      if (pair) this.partner[j + 1] = j, j++;
    }
    this.evaluation++;
    this.active = true;
  }

  /** Set E = exp(B·τ) for the current point. */
  setTau(tauS: number): void {
    const { n, wr, wi, diag, off } = this;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(wr[j] * tauS);
      const b = wi[j];
      if (b > 0 && j + 1 < n) {
        const c = e * Math.cos(b * tauS);
        const s = e * Math.sin(b * tauS);
        diag[j] = c;
        off[j] = s;
        diag[j + 1] = c;
        off[j + 1] = -s;
        j++;
      } else {
        diag[j] = e;
        off[j] = 0;
      }
    }
  }

  /** Whether `slot` holds its pulse in this evaluation's eigenbasis. */
  hasPulse(slot: number): boolean {
    return this.pulseStamp[slot] === this.evaluation;
  }

  /** Slot `slot` ← X⁻¹·p·X for a dense pulse `p` (at the echo's phase), for this evaluation. */
  setPulse(slot: number, p: Float64Array): void {
    if (this.blockCount > 1) {
      this.similarityByBlocks(this.pulses[slot], p);
    } else {
      matmul(this.tmp, p, this.x, this.n);
      matmul(this.pulses[slot], this.xinv, this.tmp, this.n);
    }
    this.pulseStamp[slot] = this.evaluation;
  }

  /**
   * out = X⁻¹·p·X for a block-structured X: column j of X (row j of X⁻¹) is non-zero only on
   * the original indices of j's block, so each product costs n·Σ mᵦ² instead of n³.
   */
  private similarityByBlocks(out: Float64Array, p: Float64Array): void {
    const { n, x, xinv, order, hi } = this;
    const t = this.tmp;
    t.fill(0);
    out.fill(0);
    for (let off = 0; off < n; off = hi[off]) {
      const end = hi[off];
      // t[:, block] = p[:, block's indices]·X[block's indices, block]
      for (let c = off; c < end; c++) {
        const xo = order[c] * n;
        for (let i = 0; i < n; i++) {
          const a = p[i * n + order[c]];
          if (a === 0) continue;
          const to = i * n;
          for (let j = off; j < end; j++) t[to + j] += a * x[xo + j];
        }
      }
    }
    for (let off = 0; off < n; off = hi[off]) {
      const end = hi[off];
      // out[block, :] = X⁻¹[block, block's indices]·t[block's indices, :]
      for (let r = off; r < end; r++) {
        const ro = r * n;
        for (let c = off; c < end; c++) {
          const a = xinv[ro + order[c]];
          if (a === 0) continue;
          const to = order[c] * n;
          for (let j = 0; j < n; j++) out[ro + j] += a * t[to + j];
        }
      }
    }
  }

  /** out = E·P'·E for the pulse P' of `slot` ({@link setPulse}) and the current point's τ. */
  echo(out: Float64Array, slot: number): Float64Array {
    const n = this.n;
    const pe = this.pulses[slot];
    const { diag, off, partner } = this;
    const m = this.tmp;
    // m = P'·E, column j mixing columns j and its partner; a real eigenvalue's column (partner
    // j, off 0) is only scaled. The same sums as one loop over partners, without the gathers.
    for (let j = 0; j < n; j++) {
      const q = partner[j];
      const dj = diag[j];
      if (q === j) {
        for (let io = 0; io < n * n; io += n) m[io + j] = pe[io + j] * dj;
        continue;
      }
      const dq = diag[q];
      const oj = off[j];
      const oq = off[q];
      for (let io = 0; io < n * n; io += n) {
        const a = pe[io + j];
        const b = pe[io + q];
        m[io + j] = a * dj + b * oq;
        m[io + q] = b * dq + a * oj;
      }
      j++;
    }
    // out = E·m: row j mixes rows j and its partner.
    for (let j = 0; j < n; j++) {
      const jo = j * n;
      const c = diag[j];
      const q = partner[j];
      if (q === j) {
        for (let k = 0; k < n; k++) out[jo + k] = c * m[jo + k];
        continue;
      }
      const qo = q * n;
      const s = off[j];
      const cq = diag[q];
      const sq = off[q];
      for (let k = 0; k < n; k++) {
        const a = m[jo + k];
        const b = m[qo + k];
        out[jo + k] = c * a + s * b;
        out[qo + k] = cq * b + sq * a;
      }
      j++;
    }
    return out;
  }
}
