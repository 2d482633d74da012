/**
 * The in-phase/anti-phase ¹H CEST sequences (`cest_1hn_ip_ap`, `cest_ch3_1h_ip_ap`) and their
 * exact derivatives (`docs/jacobians.md`, adjoint form): the start vector (recovery delay and
 * z-filter) and the reference readout (INEPT) do not depend on the offset, so their tangents
 * along every local value are formed once per evaluation; the saturation of each offset and B1
 * point adds its K = ∂s/∂L and its adjoint vector, from its own eigendecomposition (plain
 * saturation) or through the η-suppression blocks' power and products.
 *
 * @module
 */
import type { Sequence, SequenceContext, SequenceDerivatives } from "./types.ts";
import { matvec } from "../nmr/expm.ts";
import { dot, type Spectrometer } from "../nmr/spectrometer.ts";
import { type Dephasing, ExpSensitivity } from "../nmr/frechet_sensitivity.ts";
import { detectionVector } from "./detection.ts";
import { localDirections, withJacobian } from "./_derivatives.ts";
import {
  type CestGrid,
  cestGrid,
  checkMultipletWeights,
  DEPHASING_FACTOR,
  DEPHASING_IM_MIN,
  isCestReference,
  SaturationPropagator,
  startTermsOf,
} from "./_cest.ts";
import {
  filteredStart,
  powerCotangent,
  productCotangents,
  productTangents,
  propagatorTangents,
  SensitivityRows,
  transposeMatvec,
} from "./_sensitivity.ts";

/** Timing of the in-phase/anti-phase ¹H CEST experiments. */
export interface IpApCestOptions {
  /** Recovery delay before saturation (s), at zero offset. */
  recoveryS: number;
  /** INEPT delay τa (s) of the reference-plane readout. */
  tauaS: number;
  /** Number of η-suppression blocks (0: plain saturation). */
  etaBlock?: number;
}

/**
 * The in-phase/anti-phase ¹H CEST sequences (`cest_1hn_ip_ap`, `cest_ch3_1h_ip_ap`): from the
 * E components, a recovery delay (zero offset) and a z-filter keeping IE and Iz; then at every
 * offset — references included — saturation for `time_t1` (or `etaBlock` repetitions of
 * P(τe)·180°(Sx)·D(2τe)·180°(Sx)·P(τe) with τe = t1/(2·etaBlock)); reference points are then
 * read out through the INEPT 90°(−y)·D(τa)·180°(Ix·Sx)·D(τa)·90°(x). Detection 2IzSz, summed
 * with weights over the B1 grid (the vector has been propagated, so references are weighted).
 *
 * @example
 * ```ts
 * const seq = ipApCest(ctx, { recoveryS: 0.5, tauaS: 0.00238 });
 * ```
 */
export function ipApCest(ctx: SequenceContext, o: IpApCestOptions): Sequence {
  checkMultipletWeights(ctx.settings);
  const sp = ctx.spectrometer;
  const n = sp.size;
  const timeT1S = ctx.settings.time_t1 as number;
  sp.carrierI = ctx.settings.carrier as number;
  const grid = cestGrid(ctx, "none");
  sp.b1I = grid.b1NominalHz;
  const etaBlock = o.etaBlock ?? 0;
  const taueS = etaBlock > 0 ? 0.5 * timeT1S / etaBlock : 0;
  const terms = startTermsOf(ctx.start, "ie");
  const detect = detectionVector(sp.basis, "[2izsz]", ctx.observed);
  const keepMask = Float64Array.from(
    { length: n },
    (_, i) => ["ie", "iz"].includes(sp.basis.components[i % sp.basis.components.length]) ? 1 : 0,
  );
  const mat = () => new Float64Array(n * n);
  const [dRec, dTaua, p90x, p90my, p180i, p180s, t1, t2, inept] = Array.from({ length: 9 }, mat);
  const [pTaue, d2Taue, block, cest] = Array.from({ length: 4 }, mat);
  sp.ideal90I(p90x, 0);
  sp.ideal90I(p90my, 3);
  sp.ideal180(p180i, "i", 0);
  sp.ideal180(p180s, "s", 0);
  const prop = new SaturationPropagator(sp);
  const v = new Float64Array(n);
  const m = new Float64Array(n);
  const r = new Float64Array(n);
  const seq = (offsets: Float64Array) => {
    const savedOffset = sp.offsetI;
    sp.offsetI = 0;
    sp.rebuild();
    sp.delays([dRec, dTaua], [o.recoveryS, o.tauaS]);
    // inept = P90(−y)·D(τa)·P180(Ix)·P180(Sx)·D(τa)·P90(x); the 180s are diagonal.
    sp.mul(t1, dTaua, p90x);
    for (let i = 0; i < n; i++) {
      const f = p180i[i * n + i] * p180s[i * n + i];
      for (let j = 0; j < n; j++) t1[i * n + j] *= f;
    }
    sp.mul(t2, dTaua, t1);
    sp.mul(inept, p90my, t2);
    matvec(v, dRec, sp.startVector(terms), n);
    for (let i = 0; i < n; i++) v[i] *= keepMask[i];
    const distinct = [...new Set(offsets)];
    const sums = new Float64Array(distinct.length);
    for (const point of grid.points) {
      sp.jLineI = point.jHz;
      distinct.forEach((x, k) => {
        sp.offsetI = x;
        sp.rebuild();
        if (etaBlock > 0) {
          sp.delay(d2Taue, 2.0 * taueS);
          prop.matrix(pTaue, taueS, { b1IHz: point.b1Hz }, grid.dephasing);
          // block = P(τe)·S·D(2τe)·S·P(τe), S = ideal 180°(Sx) (diagonal: row scaling).
          for (let i = 0; i < n; i++) {
            const f = p180s[i * n + i];
            for (let j = 0; j < n; j++) t2[i * n + j] = f * pTaue[i * n + j];
          }
          sp.mul(t1, d2Taue, t2);
          for (let i = 0; i < n; i++) {
            const f = p180s[i * n + i];
            for (let j = 0; j < n; j++) t1[i * n + j] *= f;
          }
          sp.mul(block, pTaue, t1);
          sp.matpow(cest, block, etaBlock);
          matvec(m, cest, v, n);
        } else {
          prop.apply(m, v, timeT1S, { b1IHz: point.b1Hz }, grid.dephasing);
        }
        if (isCestReference(x)) {
          matvec(r, inept, m, n);
          m.set(r);
        }
        let s = 0;
        for (let i = 0; i < n; i++) s += detect[i] * m[i];
        sums[k] += point.weight * s;
      });
    }
    sp.jLineI = 0;
    sp.offsetI = savedOffset;
    sp.rebuild();
    const byOffset = new Map(distinct.map((x, k) => [x, sums[k]]));
    return offsets.map((x) => byOffset.get(x)!);
  };
  const fixed: IpApFixed = {
    sp,
    grid,
    prop,
    terms,
    detect,
    keepMask,
    p90x,
    p90my,
    flip: Float64Array.from({ length: n }, (_, i) => p180i[i * n + i] * p180s[i * n + i]),
    p180s,
    timeT1S,
    taueS,
    etaBlock,
    ...o,
  };
  return withJacobian(seq, (offsets) => ipApJacobian(fixed, offsets));
}

/** What {@link ipApJacobian} needs from a profile's setup. */
interface IpApFixed extends IpApCestOptions {
  sp: Spectrometer;
  grid: CestGrid;
  prop: SaturationPropagator;
  terms: readonly string[];
  detect: Float64Array;
  keepMask: Float64Array;
  p90x: Float64Array;
  p90my: Float64Array;
  /** Diagonal of the simultaneous 180°(Ix)·180°(Sx). */
  flip: Float64Array;
  p180s: Float64Array;
  timeT1S: number;
  taueS: number;
  etaBlock: number;
}

/**
 * Intensities (the sequence's, to rounding) and their exact derivatives with respect to every
 * local value. s = wᵀ·Sat_x·v with v = keep∘(D(rec)·v₀) and w = detect (saturated points) or
 * INEPTᵀ·detect (references); ∂v and ∂(INEPTᵀ·detect) come from the zero-offset delays'
 * Fréchet derivatives, Sat_x's part from its K.
 */
function ipApJacobian(o: IpApFixed, offsets: Float64Array): SequenceDerivatives {
  const { sp, grid, prop, detect } = o;
  const n = sp.size;
  const nn = n * n;
  const dirs = localDirections(sp, o.terms);
  const savedOffset = sp.offsetI;
  sp.offsetI = 0;
  sp.rebuild();
  const l0 = sp.lFree.slice();
  const [dRec, dTaua] = [new Float64Array(nn), new Float64Array(nn)];
  sp.delays([dRec, dTaua], [o.recoveryS, o.tauaS]);
  const recTangents = propagatorTangents(l0, o.recoveryS, dirs, n);
  const tauaTangents = propagatorTangents(l0, o.tauaS, dirs, n);
  const { start: v, tangents: dStart } = filteredStart(
    dRec,
    recTangents,
    sp.startVector(o.terms),
    dirs,
    o.keepMask,
    n,
  );
  // INEPT = P90(−y)·D(τa)·F·D(τa)·P90(x); the reference detection is INEPTᵀ·detect.
  const flip = new Float64Array(nn);
  for (let i = 0; i < n; i++) flip[i * n + i] = o.flip[i];
  const inept = productTangents(
    [o.p90my, dTaua, flip, dTaua, o.p90x],
    [null, tauaTangents, null, tauaTangents, null],
    dirs.length,
    n,
  );
  const wRef = transposeMatvec(new Float64Array(n), inept.product, detect, n);
  const dDetect = inept.tangents.map((t) =>
    t && transposeMatvec(new Float64Array(n), t, detect, n)
  );
  const distinct = [...new Set(offsets)];
  const rows = new SensitivityRows(distinct, n);
  const sens = new ExpSensitivity(n);
  const dephasing: Dephasing | undefined = grid.dephasing
    ? { imMin: DEPHASING_IM_MIN, factor: DEPHASING_FACTOR }
    : undefined;
  const k = new Float64Array(nn);
  const a = new Float64Array(n);
  const m = new Float64Array(n);
  const eta = o.etaBlock > 0 ? etaWork(n) : null;
  for (const point of grid.points) {
    sp.jLineI = point.jHz;
    for (const x of distinct) {
      const q = rows.slot.get(x)!;
      sp.offsetI = x;
      sp.rebuild();
      const ref = isCestReference(x);
      const w = ref ? wRef : detect;
      const fields = { b1IHz: point.b1Hz };
      if (eta) {
        eta.saturate(o, fields, dephasing, v, w, point.weight, rows.k[q], sens, m, a);
      } else {
        prop.apply(m, v, o.timeT1S, fields, grid.dephasing);
        prop.sensitivity(k, a, w, v, o.timeT1S);
        for (let i = 0; i < nn; i++) rows.k[q][i] += point.weight * k[i];
      }
      rows.values[q] += point.weight * dot(w, m);
      for (let i = 0; i < n; i++) rows.a[q][i] += point.weight * a[i];
      if (ref) { for (let i = 0; i < n; i++) rows.m[q][i] += point.weight * m[i]; }
    }
  }
  sp.jLineI = 0;
  sp.offsetI = savedOffset;
  sp.rebuild();
  return rows.result(offsets, dirs, sp.values.length, dStart, dDetect);
}

/**
 * Scratch and adjoint of the η-suppression saturation (block^etaBlock, block =
 * P(τe)·S·D(2τe)·S·P(τe)) at the spectrometer's current offset.
 */
function etaWork(n: number) {
  const mat = () => new Float64Array(n * n);
  const [pTaue, d2Taue, s180, block, t1, t2, gBlock, gP, gD] = Array.from({ length: 9 }, mat);
  const powerScratch = { phis: new Float64Array(0) };
  return {
    saturate(
      o: IpApFixed,
      fields: { b1IHz: number },
      dephasing: Dephasing | undefined,
      v: Float64Array,
      w: Float64Array,
      weight: number,
      k: Float64Array,
      sens: ExpSensitivity,
      mOut: Float64Array,
      aOut: Float64Array,
    ) {
      const { sp, prop, grid } = o;
      const lx = sp.lFree.slice();
      sp.delay(d2Taue, 2.0 * o.taueS);
      prop.matrix(pTaue, o.taueS, fields, grid.dephasing);
      s180.fill(0);
      for (let i = 0; i < n; i++) s180[i * n + i] = o.p180s[i * n + i];
      sp.mul(t1, s180, pTaue);
      sp.mul(t2, d2Taue, t1);
      sp.mul(t1, s180, t2);
      sp.mul(block, pTaue, t1);
      gBlock.fill(0);
      const out = powerCotangent(gBlock, block, o.etaBlock, v, w, weight, n, powerScratch);
      gP.fill(0);
      gD.fill(0);
      productCotangents([pTaue, s180, d2Taue, s180, pTaue], gBlock, [gP, null, gD, null, gP], n);
      sens.add(k, prop.liouvillian(fields), o.taueS, gP, 1, dephasing);
      sens.add(k, lx, 2.0 * o.taueS, gD);
      mOut.set(out.forward);
      aOut.set(out.adjoint);
    },
  };
}
