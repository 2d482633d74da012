/**
 * Reducible matrices in {@link eigDecompose} (`eig.ts`): a Liouvillian without RF fields is
 * block diagonal up to a permutation (it commutes with z rotations of each spin, so it never
 * mixes coherence orders: ¹H–¹⁵N DQ/ZQ's 30×30 free Liouvillian is blocks of 8, 8, 8 and 6).
 * Decomposing each block alone costs Σ mᵦ³ instead of n³ (about 15× less there) and gives an
 * eigenvector matrix with exact zeros outside the blocks, which later products can skip. Same
 * operator; rounding differs at the level of the decomposition's own error, and eigenvalues
 * shared by two blocks no longer make the eigenvectors ill-conditioned.
 *
 * @module
 */
import type { EigWorkspace } from "./eig.ts";
import { createExpmWorkspace, expm, type ExpmWorkspace } from "./expm.ts";

/**
 * The smallest matrix worth splitting: below it the search for blocks, the copies in and out and
 * the per-block calls cost more than the n³ − Σ mᵦ³ they save (`benchmarks/cpmg_ab_bench.ts`:
 * ¹⁵N IP, 6×6 as 4 + 2, 8 % slower per evaluation split; methyl ¹H SQ, 12×12 as 8 + 2 + 2, even;
 * ¹H–¹⁵N DQ/ZQ, 30×30, 22 % faster).
 */
export const MIN_SPLIT_SIZE = 16;

/**
 * The coupled blocks of the last matrix seen: `order` lists the original indices block by
 * block (each block ascending, blocks by their smallest index), and eigen coordinate j — column
 * j of X, row j of X⁻¹ — belongs to the block whose original indices are
 * order[lo[j]] … order[hi[j] − 1] and whose eigen coordinates are lo[j] … hi[j] − 1.
 */
export interface EigBlocks {
  /** Number of blocks (1 for an irreducible matrix). */
  count: number;
  readonly order: Int32Array;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** For original index i, the start of its block's eigen coordinates. */
  readonly loOf: Int32Array;
  /** Per block size: a workspace and an m×m buffer for the block's entries. */
  readonly sub: Map<number, { ws: EigWorkspace; a: Float64Array }>;
  readonly stack: Int32Array;
  readonly label: Int32Array;
}

/**
 * Allocate the block bookkeeping for n×n matrices.
 *
 * @example
 * ```ts
 * const blocks = createEigBlocks(30);
 * ```
 */
export function createEigBlocks(n: number): EigBlocks {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return {
    count: 1,
    order,
    lo: new Int32Array(n),
    hi: new Int32Array(n).fill(n),
    loOf: new Int32Array(n),
    sub: new Map(),
    stack: new Int32Array(n),
    label: new Int32Array(n),
  };
}

/**
 * Find the connected components of a's non-zero pattern (i ~ j when a[i][j] or a[j][i] is
 * non-zero) into `b`; O(n²). Returns the number of blocks.
 */
export function findBlocks(a: Float64Array, n: number, b: EigBlocks): number {
  const { label, stack, order, lo, hi, loOf } = b;
  label.fill(-1);
  let count = 0;
  let at = 0;
  for (let s = 0; s < n; s++) {
    if (label[s] >= 0) continue;
    const start = at;
    label[s] = count;
    let top = 0;
    stack[top++] = s;
    while (top > 0) {
      const i = stack[--top];
      order[at++] = i;
      const io = i * n;
      for (let j = 0; j < n; j++) {
        if (label[j] < 0 && (a[io + j] !== 0 || a[j * n + i] !== 0)) {
          label[j] = count;
          stack[top++] = j;
        }
      }
    }
    // Ascending original indices inside a block, whatever the search order was.
    order.subarray(start, at).sort();
    for (let j = start; j < at; j++) {
      lo[j] = start;
      hi[j] = at;
      loOf[order[j]] = start;
    }
    count++;
  }
  b.count = count;
  return count;
}

/**
 * Decompose a reducible `a` block by block into `ws` (blocks from {@link findBlocks}) with
 * `decompose` (eigDecompose, passed in to keep the modules acyclic) on each block. X and X⁻¹ are
 * assembled with exact zeros outside the blocks, the eigenvalues in block order (pairs stay
 * adjacent), and cond = ‖X‖₁·‖X⁻¹‖₁ of the whole (the largest block norms). Returns whether the
 * decomposition is usable (as eigDecompose).
 */
export function decomposeBlocks(
  a: Float64Array,
  ws: EigWorkspace,
  b: EigBlocks,
  decompose: (a: Float64Array, ws: EigWorkspace) => boolean,
  create: (m: number) => EigWorkspace,
): boolean {
  const { n, x, xinv, wr, wi } = ws;
  const { order } = b;
  x.fill(0);
  xinv.fill(0);
  let normX = 0;
  let normXinv = 0;
  for (let off = 0; off < n; off = b.hi[off]) {
    const m = b.hi[off] - off;
    let sub = b.sub.get(m);
    if (!sub) {
      const sws = create(m);
      // Conditioning is judged on the whole below.
      sws.condMax = Infinity;
      sub = { ws: sws, a: new Float64Array(m * m) };
      b.sub.set(m, sub);
    }
    const sa = sub.a;
    for (let r = 0; r < m; r++) {
      const ro = order[off + r] * n;
      for (let c = 0; c < m; c++) sa[r * m + c] = a[ro + order[off + c]];
    }
    const s = sub.ws;
    if (!decompose(sa, s)) return false;
    for (let r = 0; r < m; r++) {
      wr[off + r] = s.wr[r];
      wi[off + r] = s.wi[r];
      const xo = order[off + r] * n + off;
      const io = (off + r) * n;
      for (let c = 0; c < m; c++) {
        x[xo + c] = s.x[r * m + c];
        xinv[io + order[off + c]] = s.xinv[r * m + c];
      }
    }
    for (let c = 0; c < m; c++) {
      let sx = 0;
      let si = 0;
      for (let r = 0; r < m; r++) {
        sx += Math.abs(s.x[r * m + c]);
        si += Math.abs(s.xinv[r * m + c]);
      }
      if (sx > normX) normX = sx;
      if (si > normXinv) normXinv = si;
    }
  }
  ws.cond = normX * normXinv;
  ws.ok = ws.cond <= ws.condMax;
  return ws.ok;
}

/** Per block size: an expm workspace and m×m buffers for the block and its exponential. */
export type ExpmBlockSpace = Map<number, { ws: ExpmWorkspace; a: Float64Array; out: Float64Array }>;

/**
 * out = exp(a·t) (Padé, {@link expm}), block by block where `a` is reducible: a pulse on one spin
 * leaves the other spin's coherence orders apart (¹H–¹⁵N DQ/ZQ: 14 + 16 instead of 30, about 4×
 * fewer operations). The blocks of `a` are left in `b`.
 *
 * @example
 * ```ts
 * expmReducible(out, generator, widthS, createExpmWorkspace(30), createEigBlocks(30), new Map());
 * ```
 */
export function expmReducible(
  out: Float64Array,
  a: Float64Array,
  t: number,
  ws: ExpmWorkspace,
  b: EigBlocks,
  subs: ExpmBlockSpace,
): void {
  const n = ws.n;
  if (n < MIN_SPLIT_SIZE || findBlocks(a, n, b) === 1) {
    expm(out, a, t, ws);
    return;
  }
  const { order, hi } = b;
  out.fill(0);
  for (let off = 0; off < n; off = hi[off]) {
    const m = hi[off] - off;
    let sub = subs.get(m);
    if (!sub) {
      sub = {
        ws: createExpmWorkspace(m),
        a: new Float64Array(m * m),
        out: new Float64Array(m * m),
      };
      subs.set(m, sub);
    }
    for (let r = 0; r < m; r++) {
      const ro = order[off + r] * n;
      for (let c = 0; c < m; c++) sub.a[r * m + c] = a[ro + order[off + c]];
    }
    expm(sub.out, sub.a, t, sub.ws);
    for (let r = 0; r < m; r++) {
      const ro = order[off + r] * n;
      for (let c = 0; c < m; c++) out[ro + order[off + c]] = sub.out[r * m + c];
    }
  }
}
