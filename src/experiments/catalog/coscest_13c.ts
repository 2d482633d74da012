/**
 * `coscest_13c`: ¹³C CEST with a cosine-modulated saturation field (basis ixyz, ch), which
 * saturates cos_n offsets spaced sw apart at once. Start: thermal equilibrium p_s·Ξ_C·Iz_s
 * (ChemEx ignores `start_state` here). Reference points (|offset| > 1e4 Hz): detect(D(teq)·start);
 * others: Σ_grid w·detect(D(teq)·C·start), C the cosine-modulated propagator at that offset.
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
import {
  cestGrid,
  checkMultipletWeights,
  isCestReference,
  SaturationPropagator,
} from "../_cest.ts";
import { matrices } from "../_cpmg.ts";
import { withJacobian } from "../_derivatives.ts";
import { cosineJacobian } from "../_dcest_derivatives.ts";
import { dot } from "../../nmr/spectrometer.ts";
import { detectionVector } from "../detection.ts";
import { matvec } from "../../nmr/expm.ts";

/** The experiment module. */
export const coscest13c: ExperimentModule = {
  name: "coscest_13c",
  xKind: "offset",
  schema: {
    name: "coscest_13c",
    family: "cest",
    keys: { ...coscestKeys(), time_equil: { type: "number", default: 0.0, min: 0 } },
  },
  basis: () => ({ type: "ixyz", pair: "ch" }),
  toBeFitted: (s) => ({ rates: ["r2_i", `r1_i_${s}`], modelFree: [`tauc_${s}`, `s2_${s}`] }),
  isReference: isCestReference,
  setup(ctx: SequenceContext) {
    checkMultipletWeights(ctx.settings);
    const sp = ctx.spectrometer;
    const s = ctx.settings;
    sp.carrierI = s.carrier as number;
    const grid = cestGrid(ctx, "residue");
    sp.b1I = grid.b1NominalHz;
    const prop = new SaturationPropagator(sp);
    const pulse = pulseMaker(prop, grid.dephasing);
    const cosN = s.cos_n as number;
    const cosRes = s.cos_res as number;
    const amplitudes = cosineAmplitudes(cosN, cosRes);
    const train = cosineTrain(s.time_t1 as number, s.sw as number, cosN, cosRes);
    const timeEquilS = s.time_equil as number;
    const detect = detectionVector(sp.basis, "[iz]", ctx.observed);
    const n = sp.size;
    const work = cosineWork(n);
    const [sat, dEq] = matrices(n, 2);
    const v = new Float64Array(n);
    const w = new Float64Array(n);
    const finish = (vec: Float64Array) => {
      if (timeEquilS === 0) return dot(detect, vec);
      matvec(w, dEq, vec, n);
      return dot(detect, w);
    };
    const seq = (offsets: Float64Array) => {
      const start = sp.equilibrium({ i: "13C" });
      return sumOverGrid(sp, grid, offsets, {
        line: () => {
          if (timeEquilS > 0) sp.delay(dEq, timeEquilS);
        },
        point: (_x, bk) => {
          if (bk === null) return finish(start);
          cosinePropagator(sat, sp, pulse, amplitudes, train, grid.b1.valuesHz[bk], work);
          matvec(v, sat, start, n);
          return finish(v);
        },
      });
    };
    // The equilibrium start is p_s·Ξ(13C) on each state's iz (the basis has no ie).
    const setup = { sp, grid, prop, detect, timeEquilS, startTerms: ["iz"], startAtom: "13C" };
    return withJacobian(
      seq,
      (offsets) => cosineJacobian(setup, amplitudes, train, offsets),
      COSINE_JACOBIAN_COST,
    );
  },
};
