/**
 * `cpmg_15n_ip_0013`: in-phase ¹⁵N CPMG with the "0013" phase scheme (Jiang, Yu, Zhang, Liu &
 * Kay) that makes the dispersion insensitive to pulse imperfections. Basis ixyz (¹H decoupling
 * perfect). The 2·ncyc refocusing pulses follow a 16-step phase table, the whole scheme runs
 * twice (two rows of the table) and the two signals add; a heating-compensation delay
 * pw90·(ncyc_max − ncyc) + time_equil follows the train. The reference is a 90–180–180–90
 * block (two phase variants, added) with a 4·pw90/π delay between the 180° pulses.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import {
  applyTrain,
  cpmgKeys,
  distinctNcycs,
  echoes,
  fourPhases,
  matrices,
  ncycCheck,
  propagate,
  startTerms,
  trainPhase,
} from "../_cpmg.ts";
import { detectionVector, dot } from "../../nmr/spectrometer.ts";

/** Phases (quarter turns) of the refocusing pulses, two cycle rows, time order. */
const PHASES: readonly (readonly number[])[] = [
  [0, 0, 1, 3, 0, 0, 3, 1, 0, 0, 3, 1, 0, 0, 1, 3],
  [1, 3, 2, 2, 3, 1, 2, 2, 3, 1, 2, 2, 1, 3, 2, 2],
];

/** The experiment module. */
export const cpmg15nIp0013: ExperimentModule = {
  name: "cpmg_15n_ip_0013",
  xKind: "ncyc",
  schema: {
    name: "cpmg_15n_ip_0013",
    family: "cpmg",
    keys: {
      ...cpmgKeys(false),
      time_t2: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
      pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
      ncyc_max: { type: "integer", required: true, min: 0, exclusiveMin: true },
      time_equil: { type: "number", default: 0.0, min: 0 },
    },
  },
  basis: () => ({ type: "ixyz", pair: "nh" }),
  toBeFitted: (s) => ({ rates: [`r2_i_${s}`], modelFree: [`tauc_${s}`] }),
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(false),
  setup(ctx: SequenceContext) {
    const timeT2S = ctx.settings.time_t2 as number;
    const pw90S = ctx.settings.pw90 as number;
    const ncycMax = ctx.settings.ncyc_max as number;
    const timeEquilS = ctx.settings.time_equil as number;
    const tNegS = -2 * pw90S / Math.PI;
    const tPosS = 4 * pw90S / Math.PI;
    const sp = ctx.spectrometer;
    sp.carrierI = ctx.settings.carrier as number;
    sp.b1I = 1 / (4 * pw90S);
    const terms = startTerms(ctx.start, "iz");
    const detect = detectionVector(sp.basis, "[iz]", ctx.observed);
    const n = sp.size;
    const p90 = matrices(n, 4);
    const p180 = matrices(n, 4);
    const echo = matrices(n, 4);
    const [px, dNeg, dPos, tmp] = matrices(n, 4);
    const v = new Float64Array(n);
    const w = new Float64Array(n);
    return (ncycs: Float64Array) => {
      sp.rebuild();
      const values = distinctNcycs("cpmg_15n_ip_0013", ncycs, false);
      const start = sp.startVector(terms);
      const pw90p = 1 / (4 * sp.b1I);
      fourPhases(sp, sp.pulseI(px, pw90p), p90);
      fourPhases(sp, sp.pulseI(px, 2 * pw90p), p180);
      sp.delays([dNeg, dPos], [tNegS, tPosS]);
      const cycles = values.filter((x) => x !== 0);
      const times = [
        ...cycles.map((x) => timeT2S / (4 * x) - 0.75 * pw90S),
        ...values.map((x) => pw90S * (ncycMax - (x === 0 ? 1 : x)) + timeEquilS),
      ];
      const props = sp.delays(matrices(n, times.length), times);
      const out = new Map<number, number>();
      values.forEach((x, k) => {
        const dDelta = props[cycles.length + k];
        let signal = 0;
        if (x === 0) {
          for (const [first, second] of [[0, 0], [1, 3]]) {
            v.set(start);
            propagate(v, w, n, p90[1], p180[first], dPos, p180[second], p90[3], dDelta);
            signal += dot(detect, v);
          }
        } else {
          echoes(sp, props[cycles.indexOf(x)], p180, echo, tmp);
          const count = 2 * Math.trunc(x);
          for (let row = 0; row < 2; row++) {
            v.set(start);
            propagate(v, w, n, p90[1], dNeg);
            applyTrain(v, w, n, echo, count, trainPhase(PHASES, row, count, false));
            propagate(v, w, n, dNeg, p90[3], dDelta);
            signal += dot(detect, v);
          }
        }
        out.set(x, signal);
      });
      return ncycs.map((x) => out.get(x)!);
    };
  },
};
