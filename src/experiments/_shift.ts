/**
 * Shift experiments: peak positions are the imaginary parts of the eigenvalues of the free
 * Liouvillian (no carrier, no offset). Exchange moves each state's line away from its chemical
 * shift; the line of interest is the eigenvalue closest to the state's own precession frequency.
 *
 * @module
 */
import type { ExperimentModule, Sequence, SequenceContext } from "./types.ts";
import type { Spectrometer } from "../nmr/spectrometer.ts";
import { createEigWorkspace, eigDecompose, type EigWorkspace } from "../nmr/eig.ts";

/**
 * Imaginary parts (rad/s) of the eigenvalues of the spectrometer's free Liouvillian.
 *
 * @example
 * ```ts
 * const freqs = lineFrequencies(sp, createEigWorkspace(sp.size, Infinity));
 * ```
 */
export function lineFrequencies(sp: Spectrometer, ws: EigWorkspace): Float64Array {
  // Only the eigenvalues are needed: a refused (ill-conditioned) eigenvector matrix does not
  // matter, an unconverged QR leaves NaN behind.
  ws.wr.fill(NaN);
  ws.wi.fill(NaN);
  eigDecompose(sp.lFree, ws);
  for (let k = 0; k < ws.n; k++) {
    if (!Number.isFinite(ws.wr[k]) || !Number.isFinite(ws.wi[k])) {
      throw new Error(
        "shift experiment: the eigenvalues of the Liouvillian could not be computed " +
          "(non-finite parameters or no convergence)",
      );
    }
  }
  return Float64Array.from(ws.wi);
}

/**
 * The element of `values` closest to `target` (the first one on ties, as NumPy's argmin).
 *
 * @example
 * ```ts
 * nearest(Float64Array.of(-5, 5, 12), 6); // 5
 * ```
 */
export function nearest(values: Float64Array, target: number): number {
  let best = values[0];
  for (let k = 1; k < values.length; k++) {
    if (Math.abs(values[k] - target) < Math.abs(best - target)) best = values[k];
  }
  return best;
}

/** Shift calculation of one profile from its spectrometer (values already set). */
export type ShiftCalculation = (sp: Spectrometer, freqs: Float64Array, state: string) => number;

/**
 * The common module of the shift experiments: one value per profile (x is a dummy 0), no
 * scaling, no reference points, `cs_i` of the observed state fitted by default unless
 * `fitsShift` is false.
 *
 * @example
 * ```ts
 * const m = shiftModule("shift_15n_sq", "ixy", "nh", true, (sp, f, s) => nearest(f, sp.value(`cs_i_${s}`) * sp.ppmI) / sp.ppmI);
 * ```
 */
export function shiftModule(
  name: string,
  basisType: string,
  pair: string,
  fitsShift: boolean,
  calculate: ShiftCalculation,
): ExperimentModule {
  return {
    name,
    xKind: "time",
    schema: { name, family: "shift", keys: {} },
    basis: () => ({ type: basisType, pair }),
    toBeFitted: (s) =>
      fitsShift ? { rates: [`cs_i_${s}`], modelFree: [`cs_i_${s}`] } : { rates: [], modelFree: [] },
    isReference: () => false,
    setup(ctx: SequenceContext): Sequence {
      const sp = ctx.spectrometer;
      const ws = createEigWorkspace(sp.size, Infinity);
      const state = ctx.observed[0];
      return (x: Float64Array) => {
        sp.carrierI = 0;
        sp.carrierS = 0;
        sp.offsetI = 0;
        sp.offsetS = 0;
        sp.rebuild();
        const value = calculate(sp, lineFrequencies(sp, ws), state);
        return x.map(() => value);
      };
    },
  };
}
