/**
 * Building blocks of the relaxation and EXSY experiments: a longitudinal decay sampled at the
 * profile's delays, optionally with the delay split by ideal 180° pulses.
 *
 * @module
 */
import type { Sequence, SequenceContext } from "./types.ts";
import { matrices, startTerms } from "./_cpmg.ts";
import { dot } from "../nmr/spectrometer.ts";
import { detectionVector } from "./detection.ts";
import { matvec } from "../nmr/expm.ts";
import { createFrechetWorkspace, expmFrechet } from "../nmr/frechet.ts";
import {
  complexEigen,
  createComplexEigen,
  createFrechetApplyScratch,
  eigenDirection,
  frechetApply,
  frechetTime,
} from "../nmr/frechet_eig.ts";
import { createEigWorkspace, eigDecompose, expFromEig } from "../nmr/eig.ts";
import type { Spectrometer } from "../nmr/spectrometer.ts";
import { localDirections, withJacobian } from "./_derivatives.ts";

/**
 * Intensities detect(exp(L·t)·start) at each delay t (s). With `refocused`, the delay is split
 * into quarters separated by ideal 180° pulses on S, I and S (T/4 – 180S – T/4 – 180I – T/4 –
 * 180S – T/4), as in `relaxation_hznz`. Start: `component` on every state (p_s each) or on the
 * `start_state` selection; detection summed over the observed states.
 *
 * @example
 * ```ts
 * const seq = relaxationDecay(ctx, "iz", "[iz]", false);
 * seq(Float64Array.of(0, 0.5, 1.0)); // e.g. [0.95, 0.4487, 0.2120] (section 9 of the spec)
 * ```
 */
export function relaxationDecay(
  ctx: SequenceContext,
  component: string,
  detection: string,
  refocused: boolean,
): Sequence {
  const sp = ctx.spectrometer;
  const terms = startTerms(ctx.start, component);
  const detect = detectionVector(sp.basis, detection, ctx.observed);
  const n = sp.size;
  const flipI = refocused ? diagonal(sp.ideal180(new Float64Array(n * n), "i", 0), n) : null;
  const flipS = refocused ? diagonal(sp.ideal180(new Float64Array(n * n), "s", 0), n) : null;
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  const seq = (timesS: Float64Array) => {
    const start = sp.startVector(terms);
    const distinct = [...new Set(timesS)];
    const props = sp.delays(
      matrices(n, distinct.length),
      distinct.map((t) => refocused ? 0.25 * t : t),
    );
    const values = new Map<number, number>();
    distinct.forEach((t, k) => {
      const d = props[k];
      matvec(v, d, start, n);
      if (flipI && flipS) {
        for (const flip of [flipS, flipI, flipS]) {
          for (let i = 0; i < n; i++) w[i] = flip[i] * v[i];
          matvec(v, d, w, n);
        }
      }
      values.set(t, dot(detect, v));
    });
    return timesS.map((t) => values.get(t)!);
  };
  const flips = flipI && flipS ? [flipS, flipI, flipS] : [];
  let tangent: ReturnType<typeof decayTangent> | null = null;
  return withJacobian(seq, (timesS) => {
    const values = seq(timesS);
    tangent ??= decayTangent(sp, terms, detect, flips);
    const jac = tangent(timesS, refocused ? 0.25 : 1);
    return { values, jac };
  });
}

/**
 * Exact derivatives of detect·(D·F…D·start) (D = exp(L·f·t), F the flips between the delays)
 * with respect to every local value: ∂D from the Fréchet derivative (in L's eigenbasis, one
 * decomposition for every direction and delay, or the block-triangular route where the
 * eigenvectors are ill-conditioned) and the tangent carried along the chain, dv ← D·dv + ∂D·v.
 */
function decayTangent(
  sp: Spectrometer,
  terms: readonly string[],
  detect: Float64Array,
  flips: readonly Float64Array[],
): (timesS: Float64Array, fraction: number) => Float64Array {
  const n = sp.size;
  const nl = sp.values.length;
  const dirs = localDirections(sp, terms);
  const fw = createFrechetWorkspace(n);
  const ew = createEigWorkspace(n, 1e6);
  const ce = createComplexEigen(n);
  const zero = new Float64Array(n * n);
  const [d, dd] = matrices(n, 2);
  const [v, dv, w, dw, tmp] = [0, 1, 2, 3, 4].map(() => new Float64Array(n));
  const scratch = createFrechetApplyScratch(n);
  return (timesS, fraction) => {
    const start = sp.startVector(terms);
    const jac = new Float64Array(timesS.length * nl);
    const eigen = eigDecompose(sp.lFree, ew);
    if (eigen) complexEigen(ew, ce);
    // Ẽ = V⁻¹·∂L·V once per direction; then each delay's ∂D·v costs O(n²).
    const tilde = eigen ? dirs.map((dir) => dir.dl ? eigenDirection(dir.dl, ce) : null) : [];
    for (const t of new Set(timesS)) {
      const tt = fraction * t;
      if (eigen) {
        expFromEig(d, tt, ew);
        frechetTime(tt, ce, scratch);
      }
      dirs.forEach((dir, q) => {
        if (!eigen) expmFrechet(d, dd, sp.lFree, dir.dl ?? zero, tt, fw);
        // dv += ∂D·u, by the eigen route or with the block route's matrix.
        const addDerivative = (u: Float64Array) => {
          if (!dir.dl) return;
          if (eigen) frechetApply(dv, tilde[q]!, tt, u, ce, scratch);
          else addMatvec(dv, dd, u, n, tmp);
        };
        matvec(v, d, start, n);
        if (dir.dstart) matvec(dv, d, dir.dstart, n);
        else dv.fill(0);
        addDerivative(start);
        for (const flip of flips) {
          for (let i = 0; i < n; i++) {
            w[i] = flip[i] * v[i];
            dw[i] = flip[i] * dv[i];
          }
          matvec(v, d, w, n);
          matvec(dv, d, dw, n);
          addDerivative(w);
        }
        const g = dot(detect, dv);
        for (let i = 0; i < timesS.length; i++) if (timesS[i] === t) jac[i * nl + dir.local] = g;
      });
    }
    return jac;
  };
}

/** out += a·v (tmp: scratch of length n). */
function addMatvec(
  out: Float64Array,
  a: Float64Array,
  v: Float64Array,
  n: number,
  tmp: Float64Array,
) {
  matvec(tmp, a, v, n);
  for (let i = 0; i < n; i++) out[i] += tmp[i];
}

/** Diagonal of an n × n matrix (ideal 180° pulses are diagonal ±1 matrices). */
function diagonal(m: Float64Array, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => m[i * n + i]);
}
