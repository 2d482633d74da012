/**
 * Shared pieces of the exact sequence derivatives (`docs/jacobians.md`): the Liouvillian and
 * start-vector directions of every local value, and attaching a derivative routine to a
 * sequence.
 *
 * @module
 */
import type { Sequence, SequenceDerivatives } from "./types.ts";
import type { Spectrometer } from "../nmr/spectrometer.ts";

/** ∂L/∂p and ∂start/∂p of one local value p. */
export interface LocalDirection {
  /** Index of the local value. */
  readonly local: number;
  /** ∂L_free/∂p (dense n × n), or null where p does not enter the Liouvillian. */
  readonly dl: Float64Array | null;
  /** ∂start/∂p, or null where p does not enter the start vector. */
  readonly dstart: Float64Array | null;
}

function allZero(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
}

/**
 * The directions of the local values that change the Liouvillian or the start vector (values
 * that change neither, e.g. a rate absent from the basis, have zero derivatives and are left
 * out). L_free and the start vector are linear in the local values, so these do not depend on
 * the values; they do depend on the gradient setting, so call this after the setup.
 *
 * @example
 * ```ts
 * const dirs = localDirections(sp, ["iz"]);
 * ```
 */
export function localDirections(
  sp: Spectrometer,
  startTerms: readonly string[],
  atom = "1H",
): LocalDirection[] {
  const n = sp.size;
  const out: LocalDirection[] = [];
  for (let l = 0; l < sp.values.length; l++) {
    const dl = sp.dLiouvillian(new Float64Array(n * n), l);
    const ds = sp.dStartVector(startTerms, l, atom);
    const zl = allZero(dl);
    const zs = allZero(ds);
    if (zl && zs) continue;
    out.push({ local: l, dl: zl ? null : dl, dstart: zs ? null : ds });
  }
  return out;
}

/**
 * The sequence with its exact derivative routine attached, and what that routine costs in
 * evaluations of the sequence where it is more than a few (see `Sequence.jacobianCost`).
 *
 * @example
 * ```ts
 * return withJacobian(seq, (x) => ({ values: seq(x), jac }));
 * ```
 */
export function withJacobian(
  seq: (x: Float64Array, labels?: readonly string[]) => Float64Array,
  jacobian: (x: Float64Array, labels?: readonly string[]) => SequenceDerivatives,
  cost?: number,
): Sequence {
  const s = seq as Sequence;
  s.jacobian = jacobian;
  if (cost !== undefined) s.jacobianCost = cost;
  return s;
}
