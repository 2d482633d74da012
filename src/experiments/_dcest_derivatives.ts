/**
 * Exact derivatives of the D-CEST and COS-CEST sequences (`docs/jacobians.md`, adjoint form).
 * Per grid point and offset the signal is s = wᵀ·T·v with T the saturation (a DANTE element
 * E = D(τ)·P(pw) raised to the train length, or the cosine-modulated train of
 * {@link cosinePropagator}) and w = D(t_eq)ᵀ·detect. The cotangent of T's power is summed by one
 * forward and one backward sweep of vectors ({@link powerCotangent}), passed back through the
 * products and phase rotations to every delay and pulse, and each distinct propagator then
 * adds its K = ∂s/∂L ({@link ExpSensitivity}) to the offset's sum: the Jacobian costs a few
 * evaluations whatever the number of parameters.
 *
 * @module
 */
import type { SequenceDerivatives } from "./types.ts";
import { dot, type Spectrometer } from "../nmr/spectrometer.ts";
import { type Dephasing, ExpSensitivity } from "../nmr/frechet_sensitivity.ts";
import {
  type CestGrid,
  DEPHASING_FACTOR,
  DEPHASING_IM_MIN,
  isCestReference,
  type SaturationPropagator,
} from "./_cest.ts";
import { directionsOf } from "./_cest_derivatives.ts";
import {
  addOuter,
  mulT,
  powerCotangent,
  productCotangents,
  SensitivityRows,
  transposeMatvec,
} from "./_sensitivity.ts";
import type { CosineTrain, DanteTiming } from "./_dcest.ts";
import type { LocalDirection } from "./_derivatives.ts";

/** What the D-CEST/COS-CEST derivatives need from a profile's setup. */
export interface GridSaturation {
  sp: Spectrometer;
  grid: CestGrid;
  prop: SaturationPropagator;
  detect: Float64Array;
  /** time_equil (s): free evolution at zero offset before detection (0: none). */
  timeEquilS: number;
  /** Start vector terms and the nucleus scaling them. */
  startTerms: readonly string[];
  startAtom: string;
  /**
   * A start that is not the start vector itself, and references read out through a fixed
   * chain (`coscest_1hn_ip_ap`): computed once per evaluation, with tangents per direction.
   */
  fixed?: (dirs: readonly LocalDirection[]) => FixedParts;
}

/** Offset-independent parts of a sequence and their tangents along every direction. */
export interface FixedParts {
  start: Float64Array;
  dStart: readonly (Float64Array | null)[];
  /** References: intensity refDetect·start (instead of detect·D(t_eq)·start). */
  refDetect: Float64Array;
  dRefDetect: readonly (Float64Array | null)[];
}

/**
 * Cotangent of one grid point's saturation T: given g = ∂s/∂T for the current offset and B1
 * value, add every propagator's K to `k` (weight already in g).
 */
type SaturationAdjoint = (k: Float64Array, b1Hz: number, g: Float64Array) => void;

/**
 * Loop of {@link danteJacobian} and {@link cosineJacobian}: the (J line × B1) grid as
 * `sumOverGrid` runs it, with `saturate(v, b1Hz)` returning T·v's pieces.
 */
function gridJacobian(
  o: GridSaturation,
  offsets: Float64Array,
  pointAt: (
    b1Hz: number,
    v: Float64Array,
    w: Float64Array,
    weight: number,
    k: Float64Array,
  ) => { forward: Float64Array; adjoint: Float64Array },
  offsetDone?: (k: Float64Array) => void,
): SequenceDerivatives {
  const { sp, grid, detect } = o;
  const n = sp.size;
  const dirs = directionsOf(sp, o.startTerms, o.startAtom);
  const fixed = o.fixed?.(dirs);
  const start = fixed ? fixed.start : sp.startVector(o.startTerms, o.startAtom);
  const distinct = [...new Set(offsets)];
  const rows = new SensitivityRows(distinct, n);
  const sens = new ExpSensitivity(n);
  const nn = n * n;
  const dEq = new Float64Array(nn);
  const lEq = new Float64Array(nn);
  const gEq = new Float64Array(nn);
  const w = new Float64Array(n);
  const { multiplet, b1 } = grid;
  multiplet.linesHz.forEach((line, jk) => {
    const wJ = multiplet.weights[jk];
    sp.jLineI = line;
    sp.offsetI = 0;
    sp.rebuild();
    if (o.timeEquilS > 0) {
      lEq.set(sp.lFree);
      sp.delay(dEq, o.timeEquilS);
      transposeMatvec(w, dEq, detect, n);
    } else w.set(detect);
    for (const x of distinct) {
      const q = rows.slot.get(x)!;
      const kq = rows.k[q];
      gEq.fill(0);
      const add = (weight: number, forward: Float64Array, adjoint: Float64Array) => {
        rows.values[q] += weight * dot(w, forward);
        for (let i = 0; i < n; i++) rows.a[q][i] += weight * adjoint[i];
        addOuter(gEq, detect, forward, weight, n);
      };
      if (isCestReference(x) && fixed) {
        rows.values[q] += wJ * dot(fixed.refDetect, start);
        for (let i = 0; i < n; i++) rows.a[q][i] += wJ * fixed.refDetect[i];
        for (let i = 0; i < n; i++) rows.m[q][i] += wJ * start[i];
      } else if (isCestReference(x)) {
        add(wJ, start, w);
      } else {
        sp.offsetI = x;
        sp.rebuild();
        for (let bk = 0; bk < b1.weights.length; bk++) {
          const weight = wJ * b1.weights[bk];
          const { forward, adjoint } = pointAt(b1.valuesHz[bk], start, w, weight, kq);
          add(weight, forward, adjoint);
        }
        offsetDone?.(kq);
      }
      if (o.timeEquilS > 0) sens.add(kq, lEq, o.timeEquilS, gEq);
    }
  });
  sp.jLineI = 0;
  sp.offsetI = 0;
  sp.rebuild();
  const dStart = fixed ? fixed.dStart : dirs.map((d) => d.dstart);
  return rows.result(offsets, dirs, sp.values.length, dStart, fixed?.dRefDetect);
}

function dephasingOf(grid: CestGrid): Dephasing | undefined {
  return grid.dephasing ? { imMin: DEPHASING_IM_MIN, factor: DEPHASING_FACTOR } : undefined;
}

/**
 * Intensities (the D-CEST sequence's, to rounding) and their exact derivatives with respect to
 * every local value: T = (D(τ)·P(pw))^count per grid point.
 *
 * @example
 * ```ts
 * const { values, jac } = danteJacobian(setup, timing, offsets);
 * ```
 */
export function danteJacobian(
  o: GridSaturation,
  timing: DanteTiming,
  offsets: Float64Array,
): SequenceDerivatives {
  const { sp, prop, grid } = o;
  const n = sp.size;
  const nn = n * n;
  const dephasing = dephasingOf(grid);
  const sens = new ExpSensitivity(n);
  const [delay, lx, p, element, gE, gD, gP, tmp] = Array.from(
    { length: 8 },
    () => new Float64Array(nn),
  );
  let fresh = true;
  const powerScratch = { phis: new Float64Array(0) };
  return gridJacobian(o, offsets, (b1Hz, v, w, weight, k) => {
    // The inter-pulse delay depends on the offset and line only, not on B1.
    if (fresh) {
      lx.set(sp.lFree);
      sp.delay(delay, timing.tauS);
      gD.fill(0);
      fresh = false;
    }
    prop.matrix(p, timing.pwS, { b1IHz: b1Hz }, grid.dephasing);
    sp.mul(element, delay, p);
    gE.fill(0);
    const out = powerCotangent(gE, element, timing.count, v, w, weight, n, powerScratch);
    // E = D·P: ∂s/∂D = G·Pᵀ, ∂s/∂P = Dᵀ·G.
    mulT(tmp, gE, p, n, "abt");
    for (let i = 0; i < nn; i++) gD[i] += tmp[i];
    mulT(gP, delay, gE, n, "atb");
    sens.add(k, prop.liouvillian({ b1IHz: b1Hz }), timing.pwS, gP, 1, dephasing);
    return out;
  }, (k) => {
    sens.add(k, lx, timing.tauS, gD);
    fresh = true;
  });
}

/**
 * Intensities (the COS-CEST sequence's, to rounding) and their exact derivatives: T is the
 * cosine-modulated train of {@link cosinePropagator} (periods of sampled pulses, alternate
 * periods phase-shifted, then a partial period), its cotangent passed back through the power of
 * the period pair, the phase rotations and the sample products to each distinct sample pulse.
 *
 * @example
 * ```ts
 * const { values, jac } = cosineJacobian(setup, amplitudes, train, offsets);
 * ```
 */
export function cosineJacobian(
  o: GridSaturation,
  amplitudes: Float64Array,
  train: CosineTrain,
  offsets: Float64Array,
): SequenceDerivatives {
  const { sp, prop, grid } = o;
  const n = sp.size;
  const nn = n * n;
  const dephasing = dephasingOf(grid);
  const mat = () => new Float64Array(nn);
  const [base, shifted, pair, lft, ext, tmp, gPair, gBase, gShift, gLft, gBack] = Array.from(
    { length: 11 },
    mat,
  );
  const amps = [...new Set(amplitudes)];
  const slices = new Map(amps.map((a) => [a, mat()]));
  const gSlice = new Map(amps.map((a) => [a, mat()]));
  const identity = mat();
  for (let i = 0; i < n; i++) identity[i * n + i] = 1;
  // Samples in time order act right to left: factor list [S_{c−1}, …, S_0].
  const factorsOf = (count: number) =>
    Array.from({ length: count }, (_, i) => slices.get(amplitudes[count - 1 - i])!);
  const product = (out: Float64Array, count: number) => {
    out.set(slices.get(amplitudes[0])!);
    for (let i = 1; i < count; i++) {
      sp.mul(tmp, slices.get(amplitudes[i])!, out);
      out.set(tmp);
    }
    return out;
  };
  const backToSlices = (g: Float64Array, count: number) => {
    const list = factorsOf(count);
    productCotangents(list, g, list.map((_, i) => gSlice.get(amplitudes[count - 1 - i])!), n);
  };
  // Rᵀ·g·R of a phase rotation R·X·Rᵀ (rotations by quarter turns: Rᵀ = R(−k)).
  const unphase = (out: Float64Array, g: Float64Array, k: number) => sp.phase(out, g, 4 - k);
  const powerScratch = { phis: new Float64Array(0) };
  // One decomposition per sample amplitude gives both its pulse and, later, its K.
  const sliceSens = new Map(amps.map((a) => [a, new ExpSensitivity(n)]));
  return gridJacobian(o, offsets, (b1Hz, v, w, weight, k) => {
    for (const a of amps) {
      const l = prop.liouvillian({ b1IHz: a * b1Hz });
      sliceSens.get(a)!.prepare(slices.get(a)!, l.slice(), train.dtS, dephasing);
      gSlice.get(a)!.fill(0);
    }
    product(base, amplitudes.length);
    if (train.phase1 === 0) shifted.set(base);
    else sp.phase(shifted, base, train.phase1);
    sp.mul(pair, base, shifted);
    ext.set(train.extra ? shifted : identity);
    if (train.left > 0) {
      product(gBack, train.left);
      if (train.phaseLeft !== 0) sp.phase(lft, gBack, train.phaseLeft);
      else lft.set(gBack);
    } else lft.set(identity);
    // s = wᵀ·Lft·Ext·pair^pairs·v.
    const wl = transposeMatvec(new Float64Array(n), lft, w, n);
    const wle = transposeMatvec(new Float64Array(n), ext, wl, n);
    gPair.fill(0);
    const out = powerCotangent(gPair, pair, train.pairs, v, wle, weight, n, powerScratch);
    const u2 = new Float64Array(n);
    for (let r = 0; r < n; r++) u2[r] = dot(ext.subarray(r * n, r * n + n), out.forward);
    const forward = new Float64Array(n);
    for (let r = 0; r < n; r++) forward[r] = dot(lft.subarray(r * n, r * n + n), u2);
    // pair = base·shifted; shifted also follows as Ext.
    mulT(gBase, gPair, shifted, n, "abt");
    mulT(gShift, base, gPair, n, "atb");
    if (train.extra) addOuter(gShift, wl, out.forward, weight, n);
    if (train.phase1 === 0) { for (let i = 0; i < nn; i++) gBase[i] += gShift[i]; }
    else {
      unphase(gBack, gShift, train.phase1);
      for (let i = 0; i < nn; i++) gBase[i] += gBack[i];
    }
    backToSlices(gBase, amplitudes.length);
    if (train.left > 0) {
      gLft.fill(0);
      addOuter(gLft, w, u2, weight, n);
      if (train.phaseLeft !== 0) {
        unphase(gBack, gLft, train.phaseLeft);
        gLft.set(gBack);
      }
      backToSlices(gLft, train.left);
    }
    for (const a of amps) sliceSens.get(a)!.addPrepared(k, gSlice.get(a)!);
    return { forward, adjoint: out.adjoint };
  });
}
