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
import { complexEigen, createComplexEigen } from "../nmr/frechet_eig.ts";
import { localDirections, withJacobian } from "./_derivatives.ts";

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
 * Index of the element of `values` closest to `target` (the first one on ties, as NumPy's
 * argmin).
 *
 * @example
 * ```ts
 * nearestIndex(Float64Array.of(-5, 5, 12), 6); // 1
 * ```
 */
export function nearestIndex(values: Float64Array, target: number): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) {
    if (Math.abs(values[k] - target) < Math.abs(values[best] - target)) best = k;
  }
  return best;
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
  return values[nearestIndex(values, target)];
}

/**
 * The line frequency (rad/s) of the spectrometer's free Liouvillian nearest to `targetRadS`.
 * The shift calculations read lines only through this, so their derivatives are exact (see
 * {@link shiftModule}).
 */
export type LinePicker = (targetRadS: number) => number;

/**
 * Shift calculation of one profile from its spectrometer (values already set): a linear
 * combination (any constant term aside) of lines picked with `line`.
 */
export type ShiftCalculation = (sp: Spectrometer, line: LinePicker, state: string) => number;

/**
 * The common module of the shift experiments: one value per profile (x is a dummy 0), no
 * scaling, no reference points, `cs_i` of the observed state fitted by default unless
 * `fitsShift` is false.
 *
 * @example
 * ```ts
 * const m = shiftModule("shift_15n_sq", "ixy", "nh", true, (sp, line, s) => line(sp.value(`cs_i_${s}`) * sp.ppmI) / sp.ppmI);
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
      const seq = (x: Float64Array) => {
        sp.carrierI = 0;
        sp.carrierS = 0;
        sp.offsetI = 0;
        sp.offsetS = 0;
        sp.rebuild();
        const freqs = lineFrequencies(sp, ws);
        const value = calculate(sp, (t) => nearest(freqs, t), state);
        return x.map(() => value);
      };
      let derivative: ((freqs: Float64Array) => Float64Array) | null = null;
      return withJacobian(seq, (x) => {
        const values = seq(x);
        derivative ??= shiftDerivative(sp, ws, (line) => calculate(sp, line, state));
        const d = derivative(Float64Array.from(ws.wi));
        const nl = d.length;
        const jac = new Float64Array(x.length * nl);
        for (let i = 0; i < x.length; i++) jac.set(d, i * nl);
        return { values, jac };
      });
    },
  };
}

/**
 * Derivatives of a shift value with respect to every local value: the value is a linear
 * combination of picked eigenfrequencies (the pick is locally constant), each eigenvalue moves
 * by dλ_k = (V⁻¹·∂L·V)_kk (first-order perturbation of a simple eigenvalue), so ∂value/∂p =
 * Σ_k c_k·Im((V⁻¹·∂L/∂p·V)_kk). The coefficients c_k are exact: the calculation is run again
 * with every picked line read as 0, then with line k alone read as 1, and c_k is the
 * difference. Uses the decomposition `lineFrequencies` left in `ws`.
 */
function shiftDerivative(
  sp: Spectrometer,
  ws: EigWorkspace,
  value: (line: LinePicker) => number,
): (freqs: Float64Array) => Float64Array {
  const n = sp.size;
  const dirs = localDirections(sp, []);
  const ce = createComplexEigen(n);
  return (freqs) => {
    complexEigen(ws, ce);
    const picked = new Set<number>();
    const base = value((t) => {
      picked.add(nearestIndex(freqs, t));
      return 0;
    });
    const coef = new Float64Array(n);
    for (const k of picked) {
      coef[k] = value((t) => nearestIndex(freqs, t) === k ? 1 : 0) - base;
    }
    const out = new Float64Array(sp.values.length);
    const { vr, vi, ur, ui } = ce;
    for (const dir of dirs) {
      if (!dir.dl) continue;
      let d = 0;
      for (let k = 0; k < n; k++) {
        if (coef[k] === 0) continue;
        // Im(Σ_rs U_kr·E_rs·V_sk).
        let im = 0;
        for (let r = 0; r < n; r++) {
          const ro = r * n;
          for (let q = 0; q < n; q++) {
            const e = dir.dl[ro + q];
            if (e === 0) continue;
            const ar = ur[k * n + r];
            const ai = ui[k * n + r];
            im += e * (ar * vi[q * n + k] + ai * vr[q * n + k]);
          }
        }
        d += coef[k] * im;
      }
      out[dir.local] = d;
    }
    return out;
  };
}
