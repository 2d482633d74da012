/**
 * The relaxation blocks of a state and whether they are positive semidefinite (ChemEx 2026.09,
 * #713–#717, #726, spec §6.7): the in-phase / anti-phase pair `[[R2, ETAXY], [ETAXY, R2A]]` of
 * each spin and the longitudinal block of R1_I, R1_S, R1A with SIGMA and the two ETAZ. Pure
 * functions over a value lookup, shared by the start check (`src/io/relaxation_feasibility.ts`)
 * and the group fit, which rejects trial points outside the region and reports an active
 * boundary (`problem.ts`, `step.ts`).
 *
 * @module
 */
import { pyRepr } from "../math/pyformat.ts";
import { compileStore, evaluateDefinitions, type ParamStore } from "../params/store.ts";

/** A symmetric block: local names of its diagonal, then its off-diagonal couplings. */
export interface RelaxationBlock {
  diag: string[];
  /** [row, column, local name] of each coupling. */
  off: [number, number, string][];
}

/** A looked-up value and the key (parameter id, index, …) it came from. */
export type PsdLookup<K> = (local: string) => { key: K; value: number } | undefined;

/** The first violated condition of a block. */
export interface PsdViolation<K> {
  /** The condition and the values that break it, in words. */
  what: string;
  keys: K[];
}

/**
 * Relative slack under which a condition counts as an active boundary at the end of a fit. The
 * solver rejects infeasible trials and stops once steps fall under its `xtol` (1e-8 relative),
 * so an optimum outside the region leaves the fit within a few such steps of the boundary;
 * 1e-6 (slack ∝ 2·relative step of the coupling) keeps clear of that while a feasible optimum
 * with real slack is never flagged.
 */
export const PSD_ACTIVE_RTOL = 1e-6;

/** The error note of a fitted parameter on an active boundary (ChemEx 2026.09's reason). */
export const PSD_BOUNDARY_NOTE = "boundary limited (active relaxation-PSD boundary)";

/**
 * The blocks of a state (lower-case state letter).
 *
 * @example
 * ```ts
 * relaxationBlocks("a")[0]; // { diag: ["r2_i_a", "r2a_i_a"], off: [[0, 1, "etaxy_i_a"]] }
 * ```
 */
export function relaxationBlocks(state: string): RelaxationBlock[] {
  const s = state;
  return [
    { diag: [`r2_i_${s}`, `r2a_i_${s}`], off: [[0, 1, `etaxy_i_${s}`]] },
    { diag: [`r2_s_${s}`, `r2a_s_${s}`], off: [[0, 1, `etaxy_s_${s}`]] },
    {
      diag: [`r1_i_${s}`, `r1_s_${s}`, `r1a_is_${s}`],
      off: [[0, 1, `sigma_is_${s}`], [0, 2, `etaz_i_${s}`], [1, 2, `etaz_s_${s}`]],
    },
  ];
}

/** Local names of a state that must be ≥ 0 outside the blocks: 1H–1H exchange and diffusion. */
export function nonNegativeNames(state: string): string[] {
  return [`khh_${state}`, `d_${state}`];
}

/** Determinant and its scale of a complete 3×3 block (null when incomplete). */
function longitudinal<K>(block: RelaxationBlock, at: PsdLookup<K>) {
  const d = block.diag.map(at);
  const off = block.off.map(([, , n]) => at(n));
  if (d.length !== 3 || !d.every((x) => x) || !off.every((x) => x)) return null;
  const v = d.map((x) => x!.value);
  const { det, scale } = determinant3(v, block.off.map(([i, j], k) => [i, j, off[k]!.value]));
  return {
    det,
    scale,
    keys: [...d.map((x) => x!.key), ...off.map((x) => x!.key)],
    coupled: off.some((x) => x!.value !== 0),
  };
}

/**
 * The first violated condition of a block (diagonal ≥ 0, each coupling² ≤ product of its
 * diagonals, the 3×3 determinant ≥ 0), or null when it is semidefinite (to 1e-12 relative).
 *
 * @example
 * ```ts
 * const v = { r2_i_a: 10, r2a_i_a: 12, etaxy_i_a: 20 } as Record<string, number>;
 * psdViolation(relaxationBlocks("a")[0], (n) => n in v ? { key: n, value: v[n] } : undefined);
 * // { what: "[etaxy_i_a]² <= [r2_i_a]·[r2a_i_a] is broken: …", keys: [...] }
 * ```
 */
export function psdViolation<K>(block: RelaxationBlock, at: PsdLookup<K>): PsdViolation<K> | null {
  const d = block.diag.map(at);
  for (const x of d) {
    if (x && x.value < 0) {
      return { what: `${x.key} = ${pyRepr(x.value)} must be >= 0`, keys: [x.key] };
    }
  }
  for (const [i, j, name] of block.off) {
    const e = at(name);
    const [a, b] = [d[i], d[j]];
    if (!e || !a || !b) continue;
    const lhs = e.value * e.value;
    const rhs = a.value * b.value;
    if (lhs > rhs * (1 + 1e-12) + 1e-300) {
      return {
        what: `[${e.key}]² <= [${a.key}]·[${b.key}] is broken: ${pyRepr(e.value)}² = ` +
          `${pyRepr(lhs)} > ${pyRepr(a.value)}·${pyRepr(b.value)} = ${pyRepr(rhs)}`,
        keys: [e.key, a.key, b.key],
      };
    }
  }
  const l = longitudinal(block, at);
  if (l && l.det < -1e-12 * l.scale) {
    return {
      what: `the longitudinal block (${l.keys.join(", ")}) has a negative determinant ` +
        `(${pyRepr(l.det)})`,
      keys: l.keys,
    };
  }
  return null;
}

/**
 * Keys of the conditions of a feasible block that hold with a relative slack under `rtol` (the
 * active boundary): a non-zero coupling with `1 − e²/(a·b) ≤ rtol`, a coupled 3×3 block with
 * `det/(a·b·c) ≤ rtol`.
 *
 * @example
 * ```ts
 * activePsdKeys(relaxationBlocks("a")[0], at); // [] inside, the three keys on the boundary
 * ```
 */
export function activePsdKeys<K>(
  block: RelaxationBlock,
  at: PsdLookup<K>,
  rtol = PSD_ACTIVE_RTOL,
): K[] {
  const out: K[] = [];
  for (const [i, j, name] of block.off) {
    const [e, a, b] = [at(name), at(block.diag[i]), at(block.diag[j])];
    if (!e || !a || !b || e.value === 0) continue;
    const rhs = a.value * b.value;
    if (!(rhs > 0) || 1 - (e.value * e.value) / rhs <= rtol) out.push(e.key, a.key, b.key);
  }
  const l = longitudinal(block, at);
  if (l && l.coupled && l.det / l.scale <= rtol) out.push(...l.keys);
  return out;
}

/** What {@link psdChecks} needs of a chunk: its profiles' local names and the model's states. */
export interface PsdChunk {
  profiles: readonly { localNames: readonly string[] }[];
  model: { states: readonly string[] };
}

/** The relaxation blocks and non-negative rates of a chunk, as lookups into a value vector. */
export interface PsdChecks {
  blocks: [RelaxationBlock, PsdLookup<number>][];
  /** Vector positions of rates that must not be negative (KHH, D). */
  nonNegative: number[];
  /**
   * The same blocks as vector positions (-1: not in this chunk), for {@link psdFeasible}, which
   * runs before every trial evaluation and must not build lookups and messages there.
   */
  positions: PsdPositions[];
}

/** A block's conditions as positions in the parameter vector. */
interface PsdPositions {
  diag: Int32Array;
  /** Row, column and vector position of each coupling, flat. */
  off: Int32Array;
  /** Whether the 3×3 determinant applies (three diagonals and every coupling present). */
  full: boolean;
}

/**
 * The relaxation blocks and non-negative rates of a chunk's profiles, once each (profiles share
 * parameters), as lookups into `pv.values` (read at call time, so the checks follow the vector).
 *
 * @example
 * ```ts
 * const psd = psdChecks(chunk, localIdx, pv);
 * psd.blocks.every(([b, at]) => psdViolation(b, at) === null);
 * ```
 */
export function psdChecks(
  chunk: PsdChunk,
  localIdx: readonly Int32Array[],
  pv: { values: Float64Array },
): PsdChecks {
  const blocks: [RelaxationBlock, PsdLookup<number>][] = [];
  const positions: PsdPositions[] = [];
  const nonNegative = new Set<number>();
  const seen = new Set<string>();
  chunk.profiles.forEach((p, k) => {
    const index = new Map(p.localNames.map((n, i) => [n, localIdx[k][i]]));
    const at: PsdLookup<number> = (name) => {
      const i = index.get(name);
      return i === undefined ? undefined : { key: i, value: pv.values[i] };
    };
    for (const s of chunk.model.states) {
      for (const n of nonNegativeNames(s)) if (index.has(n)) nonNegative.add(index.get(n)!);
      for (const b of relaxationBlocks(s)) {
        const ids = [...b.diag, ...b.off.map(([, , n]) => n)].map((n) => index.get(n) ?? -1);
        if (ids.every((i) => i < 0) || seen.has(ids.join(","))) continue;
        seen.add(ids.join(","));
        blocks.push([b, at]);
        const diag = Int32Array.from(b.diag, (n) => index.get(n) ?? -1);
        const off = Int32Array.from(b.off.flatMap(([i, j, n]) => [i, j, index.get(n) ?? -1]));
        const full = diag.length === 3 && diag.every((i) => i >= 0) &&
          b.off.every(([, , n]) => index.has(n));
        positions.push({ diag, off, full });
      }
    }
  });
  return { blocks, nonNegative: [...nonNegative], positions };
}

/**
 * Whether every block of `psd` is positive semidefinite and every listed rate non-negative:
 * {@link psdViolation}'s conditions and tolerances, read straight from `values`.
 */
export function psdFeasible(psd: PsdChecks, values: Float64Array): boolean {
  for (const { diag, off, full } of psd.positions) {
    for (let a = 0; a < diag.length; a++) if (diag[a] >= 0 && values[diag[a]] < 0) return false;
    for (let c = 0; c < off.length; c += 3) {
      const [i, j, e] = [diag[off[c]], diag[off[c + 1]], off[c + 2]];
      if (e < 0 || i < 0 || j < 0) continue;
      const rhs = values[i] * values[j];
      if (values[e] * values[e] > rhs * (1 + 1e-12) + 1e-300) return false;
    }
    if (full && !longitudinalHolds(values, diag, off)) return false;
  }
  return psd.nonNegative.every((i) => !(values[i] < 0));
}

/** The 3×3 determinant condition of {@link psdViolation} over vector positions. */
function longitudinalHolds(values: Float64Array, diag: Int32Array, off: Int32Array): boolean {
  const couplings: [number, number, number][] = [];
  for (let c = 0; c < off.length; c += 3) couplings.push([off[c], off[c + 1], values[off[c + 2]]]);
  const { det, scale } = determinant3(Array.from(diag, (i) => values[i]), couplings);
  return !(det < -1e-12 * scale);
}

/**
 * Determinant of the symmetric 3×3 block with diagonal `d` and the couplings [row, column,
 * value], and the scale the condition det ≥ −1e-12·scale is measured against.
 */
function determinant3(
  d: readonly number[],
  couplings: readonly [number, number, number][],
): { det: number; scale: number } {
  const m = [[d[0], 0, 0], [0, d[1], 0], [0, 0, d[2]]];
  for (const [i, j, value] of couplings) m[i][j] = m[j][i] = value;
  const det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] ** 2) -
    m[0][1] * (m[0][1] * m[2][2] - m[1][2] * m[0][2]) +
    m[0][2] * (m[0][1] * m[1][2] - m[1][1] * m[0][2]);
  return { det, scale: Math.abs(d[0] * d[1] * d[2]) + 1e-300 };
}

/**
 * Feasibility of a chunk's parameters at given free values, for solvers that see the chunk from
 * outside (the fanned-out global fit): the values are written into the chunk's store, its
 * definitions evaluated and its blocks checked. `null` when the chunk has nothing to check.
 *
 * @example
 * ```ts
 * const ok = storeFeasibility(chunk, store);
 * ok?.(new Map([["ETAXY_A, NUC->2N", 3.1]])); // true or false
 * ```
 */
export function storeFeasibility(
  chunk: {
    profiles: readonly { localNames: readonly string[]; paramIds: readonly string[] }[];
    model: { states: readonly string[] };
  },
  store: ParamStore,
): ((free: ReadonlyMap<string, number>) => boolean) | null {
  const pv = compileStore(store);
  const localIdx = chunk.profiles.map((p) =>
    Int32Array.from(p.paramIds, (id) => pv.index.get(id)!)
  );
  const psd = psdChecks(chunk, localIdx, pv);
  if (psd.blocks.length === 0 && psd.nonNegative.length === 0) return null;
  const base = pv.values.slice();
  return (free) => {
    pv.values.set(base);
    for (const [id, v] of free) {
      const i = pv.index.get(id);
      if (i !== undefined) pv.values[i] = v;
    }
    evaluateDefinitions(pv);
    return psdFeasible(psd, pv.values);
  };
}

/**
 * Positions in `pv` of the values on an active relaxation-PSD boundary, over the profiles of
 * several chunks sharing one parameter vector (the fanned-out global fit's group store).
 *
 * @example
 * ```ts
 * const hit = activePsdIndices(work.chunks.map((c) => c.chunk), pv); // Set of pv positions
 * ```
 */
export function activePsdIndices(
  chunks: readonly {
    profiles: readonly { localNames: readonly string[]; paramIds: readonly string[] }[];
    model: { states: readonly string[] };
  }[],
  pv: { values: Float64Array; index: ReadonlyMap<string, number> },
): Set<number> {
  const hit = new Set<number>();
  for (const chunk of chunks) {
    const localIdx = chunk.profiles.map((p) =>
      Int32Array.from(p.paramIds, (id) => pv.index.get(id)!)
    );
    for (const [b, at] of psdChecks(chunk, localIdx, pv).blocks) {
      for (const i of activePsdKeys(b, at)) hit.add(i);
    }
  }
  return hit;
}
