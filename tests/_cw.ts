/**
 * Continuous-wave reference for saturation tests: detect(exp[(L_free + 2π·B1·X_I)·t]·start) on
 * a spectrometer whose values are already set.
 *
 * @module
 */
import { addTerm } from "../src/nmr/basis.ts";
import { dot, type Spectrometer } from "../src/nmr/spectrometer.ts";
import { detectionVector } from "../src/experiments/detection.ts";
import { matvec } from "../src/nmr/expm.ts";

/** Iz of the observed state after a constant field `b1Hz` at `offsetHz` for `timeS`. */
export function cwIntensity(
  sp: Spectrometer,
  start: Float64Array,
  offsetHz: number,
  b1Hz: number,
  timeS: number,
  observed: string[] = ["a"],
): number {
  const n = sp.size;
  sp.offsetI = offsetHz;
  sp.rebuild();
  const extra = new Float64Array(n * n);
  addTerm(extra, sp.basis.terms.get("b1x_i")!, b1Hz);
  const p = new Float64Array(n * n);
  sp.propagator(p, extra, timeS);
  sp.offsetI = 0;
  sp.rebuild();
  const v = new Float64Array(n);
  matvec(v, p, start, n);
  return dot(detectionVector(sp.basis, "[iz]", observed), v);
}
