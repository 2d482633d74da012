/**
 * How a CPMG sequence declares its own matrices for exact derivatives (`_cpmg_adjoint.ts`):
 * sums of products ({@link derive}) and phase rotations ({@link rotated}) of other matrices, as
 * its `prepare` fills them.
 *
 * @module
 */

/** A phase rotation of a matrix. */
export interface Rotation {
  from: Float64Array;
  phase: number;
  spins: "i" | "is";
}

/**
 * out = Σ_k coef_k·(factors_k in time order: last·…·first), as the module's `prepare` fills
 * it; tells the exact derivatives how `out` depends on the other matrices.
 */
export interface Derivation {
  readonly out: Float64Array;
  readonly terms: readonly { readonly coef: number; readonly factors: readonly Float64Array[] }[];
  /** Instead of terms: out is `from` turned to `phase` (see {@link rotated}). */
  readonly rotation?: Rotation;
}

/**
 * A {@link Derivation} of a phase rotation: out = `from` at phase k about Iz (or Iz and Sz), as
 * `sp.phase(out, from, k)` fills it.
 *
 * @example
 * ```ts
 * rotated(cp1[2], cp1[0], 2); // cp1[2] = sp.phase(·, cp1[0], 2)
 * ```
 */
export function rotated(
  out: Float64Array,
  from: Float64Array,
  phase: number,
  spins: "i" | "is" = "i",
): Derivation {
  return { out, terms: [], rotation: { from, phase, spins } };
}

/**
 * A {@link Derivation}: out = Σ coef·product, each term `[coef, factors in time order]`.
 *
 * @example
 * ```ts
 * derive(p180pmx, [0.5, [p180[0]]], [0.5, [p180[2]]]); // as combine(p180pmx, p180[0], 0.5, p180[2], 0.5)
 * derive(cp, [1, [outer, inner, outer]]); // outer·inner·outer
 * ```
 */
export function derive(
  out: Float64Array,
  ...terms: (readonly [number, readonly Float64Array[]])[]
): Derivation {
  return { out, terms: terms.map(([coef, factors]) => ({ coef, factors })) };
}
