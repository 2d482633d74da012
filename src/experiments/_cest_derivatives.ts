/**
 * Exact derivatives of the single-saturation CEST experiments (`docs/jacobians.md`): for each
 * offset and grid point (B1 distribution × ¹³C multiplet), the signal s = detectᵀ·exp(L·t)·start
 * has ∂s/∂p = Σ K∘∂L/∂p + a·∂start/∂p with K = ∂s/∂L and a = exp(L·t)ᵀ·detect from the
 * saturation's own eigendecomposition ({@link SaturationPropagator.sensitivity}). K and a are
 * summed with the grid weights, so every local value then costs one sparse dot product: the
 * Jacobian costs about two evaluations whatever the number of parameters, where forward
 * differences cost one evaluation per parameter.
 *
 * @module
 */
import type { SequenceDerivatives } from "./types.ts";
import type { Spectrometer } from "../nmr/spectrometer.ts";
import {
  type CestGrid,
  type Fields,
  type GridPoint,
  isCestReference,
  type SaturationPropagator,
} from "./_cest.ts";
import { type LocalDirection, localDirections } from "./_derivatives.ts";

/** How one saturation period is run. */
export interface SaturationSetup {
  prop: SaturationPropagator;
  timeS: number;
  fields(point: GridPoint): Fields;
  /** ChemEx's dephasing mode (see `SaturationPropagator.apply`). */
  dephasing: boolean;
}

const DIRECTIONS = new WeakMap<Spectrometer, Map<string, LocalDirection[]>>();

/**
 * Local directions of a spectrometer for a start, computed once (they do not change).
 *
 * @example
 * ```ts
 * const dirs = directionsOf(sp, ["iz"], "15N");
 * ```
 */
export function directionsOf(sp: Spectrometer, terms: readonly string[], atom: string) {
  let byKey = DIRECTIONS.get(sp);
  if (!byKey) DIRECTIONS.set(sp, byKey = new Map());
  const key = `${atom}|${terms.join(",")}|${sp.gradientFactor}`;
  let dirs = byKey.get(key);
  if (!dirs) byKey.set(key, dirs = localDirections(sp, terms, atom));
  return dirs;
}

/**
 * Intensities (the same numbers as `cestIntensities`) and their exact derivatives with respect
 * to every local value, for the spectrometer's current values (L_free rebuilt by the caller).
 *
 * @example
 * ```ts
 * const { values, jac } = saturationJacobian(sp, offsets, grid, start, detect, terms, "1H", setup);
 * ```
 */
export function saturationJacobian(
  sp: Spectrometer,
  offsets: Float64Array,
  grid: CestGrid,
  start: Float64Array,
  detect: Float64Array,
  terms: readonly string[],
  atom: string | undefined,
  o: SaturationSetup,
): SequenceDerivatives {
  const n = sp.size;
  const nl = sp.values.length;
  const dirs = directionsOf(sp, terms, atom ?? "1H");
  const distinct = [...new Set(offsets)].filter((x) => !isCestReference(x));
  const sums = new Float64Array(distinct.length);
  const kAcc = distinct.map(() => new Float64Array(n * n));
  const aAcc = distinct.map(() => new Float64Array(n));
  const k = new Float64Array(n * n);
  const a = new Float64Array(n);
  const m = new Float64Array(n);
  const savedJ = sp.jLineI;
  const savedOffset = sp.offsetI;
  for (const point of grid.points) {
    sp.jLineI = point.jHz;
    distinct.forEach((x, q) => {
      sp.offsetI = x;
      sp.rebuild();
      o.prop.apply(m, start, o.timeS, o.fields(point), o.dephasing);
      let s = 0;
      for (let i = 0; i < n; i++) s += detect[i] * m[i];
      sums[q] += point.weight * s;
      o.prop.sensitivity(k, a, detect, start, o.timeS);
      const ka = kAcc[q];
      const aa = aAcc[q];
      for (let i = 0; i < n * n; i++) ka[i] += point.weight * k[i];
      for (let i = 0; i < n; i++) aa[i] += point.weight * a[i];
    });
  }
  sp.jLineI = savedJ;
  sp.offsetI = savedOffset;
  sp.rebuild();
  let ref = 0;
  for (let i = 0; i < n; i++) ref += detect[i] * start[i];
  const slot = new Map(distinct.map((x, q) => [x, q]));
  const values = offsets.map((x) => slot.has(x) ? sums[slot.get(x)!] : ref);
  const jac = new Float64Array(offsets.length * nl);
  // Per distinct offset (and the references), each direction's derivative once.
  const perSlot = [...distinct.map((_, q) => q), -1].map((q) =>
    dirs.map((dir) => {
      let d = 0;
      if (q < 0) {
        if (dir.dstart) { for (let i = 0; i < n; i++) d += detect[i] * dir.dstart[i]; }
        return d;
      }
      if (dir.dl) {
        const ka = kAcc[q];
        for (let i = 0; i < n * n; i++) if (dir.dl[i] !== 0) d += dir.dl[i] * ka[i];
      }
      if (dir.dstart) { for (let i = 0; i < n; i++) d += aAcc[q][i] * dir.dstart[i]; }
      return d;
    })
  );
  offsets.forEach((x, i) => {
    const row = perSlot[slot.has(x) ? slot.get(x)! : distinct.length];
    dirs.forEach((dir, q) => jac[i * nl + dir.local] = row[q]);
  });
  return { values, jac };
}
