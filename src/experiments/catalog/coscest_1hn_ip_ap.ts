/**
 * `coscest_1hn_ip_ap`: amide ¹H CEST with a cosine-modulated saturation field, detected as
 * anti-phase 2HzNz (basis ixyzsz_eq, hn). Start: IE of each state (p_s; or the `start_state`
 * selection) left to recover for d1, keeping only the IE and Iz parts. Saturated points:
 * detect(C·start) with C the cosine-modulated propagator at the offset. Reference points
 * (|offset| > 1e4 Hz, not fitted by default): the saturation period is replaced by free
 * evolution for time_t1 followed by an INEPT transfer to 2IzSz with perfect pulses,
 * 90°(−y)·D(τa)·180°(x on I and S)·D(τa)·90°(x), free evolution at zero offset.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import {
  coscestKeys,
  COSINE_JACOBIAN_COST,
  cosineAmplitudes,
  cosinePropagator,
  cosineTrain,
  cosineWork,
  pulseMaker,
  sumOverGrid,
} from "../_dcest.ts";
import { cestGrid, isCestReference, SaturationPropagator, startTermsOf } from "../_cest.ts";
import { matrices } from "../_cpmg.ts";
import { type LocalDirection, withJacobian } from "../_derivatives.ts";
import { cosineJacobian, type FixedParts } from "../_dcest_derivatives.ts";
import {
  filteredStart,
  productTangents,
  propagatorTangents,
  transposeMatvec,
} from "../_sensitivity.ts";
import { dot } from "../../nmr/spectrometer.ts";
import { detectionVector } from "../detection.ts";
import { matvec } from "../../nmr/expm.ts";

/** The experiment module. */
export const coscest1hnIpAp: ExperimentModule = {
  name: "coscest_1hn_ip_ap",
  xKind: "offset",
  schema: {
    name: "coscest_1hn_ip_ap",
    family: "cest",
    keys: {
      ...coscestKeys(),
      d1: { type: "number", required: true },
      taua: { type: "number", default: 2.38e-3 },
      filter_ref_planes: { type: "boolean", default: true },
    },
  },
  basis: () => ({ type: "ixyzsz_eq", pair: "hn" }),
  toBeFitted: (s) => ({
    rates: ["r2_i", `r1_i_${s}`, `r1_s_${s}`, `etaxy_i_${s}`, `etaz_i_${s}`],
    modelFree: [`tauc_${s}`, `s2_${s}`, `khh_${s}`],
  }),
  isReference: isCestReference,
  setup(ctx: SequenceContext) {
    const sp = ctx.spectrometer;
    const s = ctx.settings;
    sp.carrierI = s.carrier as number;
    const grid = cestGrid(ctx, "none");
    sp.b1I = grid.b1NominalHz;
    const prop = new SaturationPropagator(sp);
    const pulse = pulseMaker(prop, grid.dephasing);
    const cosN = s.cos_n as number;
    const cosRes = s.cos_res as number;
    const amplitudes = cosineAmplitudes(cosN, cosRes);
    const train = cosineTrain(s.time_t1 as number, s.sw as number, cosN, cosRes);
    const terms = startTermsOf(ctx.start, "ie");
    const detect = detectionVector(sp.basis, "[2izsz]", ctx.observed);
    const n = sp.size;
    const nc = sp.basis.components.length;
    const work = cosineWork(n);
    const [sat, dD1, dTaua, dT1, p90x, p90my, p180isx, tmp] = matrices(n, 8);
    sp.ideal90I(p90x, 0);
    sp.ideal90I(p90my, 3);
    sp.ideal180(tmp, "i", 0);
    sp.ideal180(sat, "s", 0);
    sp.mul(p180isx, tmp, sat);
    const keep = Float64Array.from(
      { length: n },
      (_, k) => ["ie", "iz"].includes(sp.basis.components[k % nc]) ? 1 : 0,
    );
    const start = new Float64Array(n);
    const v = new Float64Array(n);
    const w = new Float64Array(n);
    const seq = (offsets: Float64Array) => {
      sp.offsetI = 0;
      sp.rebuild();
      // Recovery, free evolution and INEPT delays are all at zero offset, as in ChemEx.
      sp.delays([dD1, dTaua, dT1], [s.d1 as number, s.taua as number, s.time_t1 as number]);
      matvec(start, dD1, sp.startVector(terms), n);
      for (let k = 0; k < n; k++) start[k] *= keep[k];
      return sumOverGrid(sp, grid, offsets, {
        point: (_x, bk) => {
          if (bk === null) {
            v.set(start);
            for (const op of [dT1, p90x, dTaua, p180isx, dTaua, p90my]) {
              matvec(w, op, v, n);
              v.set(w);
            }
            return dot(detect, v);
          }
          cosinePropagator(sat, sp, pulse, amplitudes, train, grid.b1.valuesHz[bk], work);
          matvec(v, sat, start, n);
          return dot(detect, v);
        },
      });
    };
    // The start (recovery, z-filter) and the reference readout are fixed chains at zero offset.
    const fixed = (dirs: readonly LocalDirection[]): FixedParts => {
      sp.offsetI = 0;
      sp.rebuild();
      const l0 = sp.lFree.slice();
      const times = [s.d1 as number, s.taua as number, s.time_t1 as number];
      sp.delays([dD1, dTaua, dT1], times);
      const [d1T, tauaT, t1T] = times.map((t) => propagatorTangents(l0, t, dirs, n));
      const { start: v0, tangents } = filteredStart(
        dD1,
        d1T,
        sp.startVector(terms),
        dirs,
        keep,
        n,
      );
      const readout = productTangents(
        [p90my, dTaua, p180isx, dTaua, p90x, dT1],
        [null, tauaT, null, tauaT, null, t1T],
        dirs.length,
        n,
      );
      return {
        start: v0,
        dStart: tangents,
        refDetect: transposeMatvec(new Float64Array(n), readout.product, detect, n),
        dRefDetect: readout.tangents.map((t) =>
          t && transposeMatvec(new Float64Array(n), t, detect, n)
        ),
      };
    };
    const setup = {
      sp,
      grid,
      prop,
      detect,
      timeEquilS: 0,
      startTerms: terms,
      startAtom: "1H",
      fixed,
    };
    return withJacobian(
      seq,
      (offsets) => cosineJacobian(setup, amplitudes, train, offsets),
      COSINE_JACOBIAN_COST,
    );
  },
};
