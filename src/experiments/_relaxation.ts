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
  return (timesS: Float64Array) => {
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
}

/** Diagonal of an n × n matrix (ideal 180° pulses are diagonal ±1 matrices). */
function diagonal(m: Float64Array, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => m[i * n + i]);
}
