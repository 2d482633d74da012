/**
 * `cpmg_1hn_ap_0013`: anti-phase amide ¹H CPMG with the "0013" phase scheme (Yuwen & Kay).
 * Basis ixyzsz with I = ¹H, S = ¹⁵N; start 2IzSz (by default from the observed state). Each
 * half holds ncyc refocusing pulses with phases from 16-step tables (two rows: two runs whose
 * signals add) around a central ¹H 180° at ±y: a finite pulse, an ideal one flanked by half
 * RE-BURP delays (`reburp_flg`), or a finite 180° next to an E-BURP-like 90–180–90 block with
 * both orders added (`eburp_flg`). A heating-compensation delay pw90·(ncyc_max − ncyc) follows.
 * The signal is read as Iz after a z-filter and an ideal refocused INEPT back to ¹H; with
 * `ipap_flg` the INEPT-first order (in-phase start) is added.
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

/** Refocusing-pulse phases (quarter turns) before the centre, read from the train's start. */
const PHASES_1: readonly (readonly number[])[] = [
  [1, 1, 2, 0, 1, 1, 0, 2, 1, 1, 0, 2, 1, 1, 2, 0],
  [2, 0, 3, 3, 0, 2, 3, 3, 0, 2, 3, 3, 2, 0, 3, 3],
];
/** Phases after the centre, read from the train's end backwards. */
const PHASES_2: readonly (readonly number[])[] = [
  [3, 3, 2, 0, 3, 3, 0, 2, 3, 3, 0, 2, 3, 3, 2, 0],
  [2, 0, 1, 1, 0, 2, 1, 1, 0, 2, 1, 1, 2, 0, 1, 1],
];

/** The experiment module. */
export const cpmg1hnAp0013: ExperimentModule = {
  name: "cpmg_1hn_ap_0013",
  xKind: "ncyc",
  schema: {
    name: "cpmg_1hn_ap_0013",
    family: "cpmg",
    defaultStartFromObserved: true,
    keys: {
      ...cpmgKeys(false),
      time_t2: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
      pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
      ncyc_max: { type: "integer", required: true, min: 0, exclusiveMin: true },
      taua: { type: "number", default: 2.38e-3, min: 0, exclusiveMin: true },
      ipap_flg: { type: "boolean", default: false },
      eburp_flg: { type: "boolean", default: false },
      reburp_flg: { type: "boolean", default: false },
      pw_eburp: { type: "number", default: 1.4e-3, min: 0, exclusiveMin: true },
      pw_reburp: { type: "number", default: 1.52e-3, min: 0, exclusiveMin: true },
      time_equil_1: { type: "number", default: 0.0, min: 0 },
      time_equil_2: { type: "number", default: 0.0, min: 0 },
    },
  },
  basis: () => ({ type: "ixyzsz", pair: "hn" }),
  toBeFitted: (s) => ({ rates: [`r2_i_${s}`], modelFree: [`tauc_${s}`] }),
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(false),
  setup(ctx: SequenceContext) {
    const st = ctx.settings;
    const timeT2S = st.time_t2 as number;
    const pw90S = st.pw90 as number;
    const ncycMax = st.ncyc_max as number;
    const timeEquil1S = st.time_equil_1 as number;
    const timeEquil2S = st.time_equil_2 as number;
    const tNegS = -2 * pw90S / Math.PI;
    const sp = ctx.spectrometer;
    sp.carrierI = st.carrier as number;
    sp.b1I = 1 / (4 * pw90S);
    const terms = startTerms(ctx.start, "2izsz");
    const detect = detectionVector(sp.basis, "[iz]", ctx.observed);
    const n = sp.size;
    const p90 = matrices(n, 4);
    const p180 = matrices(n, 4);
    const pp90 = matrices(n, 4);
    const echo = matrices(n, 4);
    const [px, hx, pp180y, pp180isx, dNeg, dTaua, dEburp, dReburp, dEq1, dEq2, inept, tmp] =
      matrices(n, 12);
    // Keep only longitudinal terms (Iz, 2IzSz, …): the z-filter before the INEPT.
    const zKeep = new Float64Array(n).map((_, r) => {
      const c = sp.basis.components[r % sp.basis.components.length];
      return ["ie", "se", "iz", "sz", "2izsz"].includes(c) ? 1 : 0;
    });
    const zFilter = new Float64Array(n * n);
    zKeep.forEach((k, r) => zFilter[r * n + r] = k);
    const v = new Float64Array(n);
    const w = new Float64Array(n);
    const pre = timeEquil1S === 0 ? [] : [dEq1];
    const post = timeEquil2S === 0 ? [] : [dEq2];
    return (ncycs: Float64Array) => {
      sp.rebuild();
      const values = distinctNcycs("cpmg_1hn_ap_0013", ncycs, false);
      const start = sp.startVector(terms);
      const pw90p = 1 / (4 * sp.b1I);
      fourPhases(sp, sp.pulseI(px, pw90p), p90);
      fourPhases(sp, sp.pulseI(px, 2 * pw90p), p180);
      fourPhases(sp, sp.ideal90I(px, 0), pp90);
      sp.ideal180(pp180y, "i", 1);
      sp.mul(pp180isx, sp.ideal180(px, "i", 0), sp.ideal180(hx, "s", 0));
      sp.delays(
        [dNeg, dTaua, dEburp, dReburp, dEq1, dEq2],
        [
          tNegS,
          st.taua as number,
          st.pw_eburp as number,
          0.5 * (st.pw_reburp as number),
          timeEquil1S,
          timeEquil2S,
        ],
      );
      // Refocused INEPT, time order: 90x(ideal), τa, 180x(¹H and ¹⁵N, ideal), τa, 90y(ideal).
      inept.set(pp90[0]);
      for (const op of [dTaua, pp180isx, dTaua, pp90[1]]) {
        sp.mul(tmp, op, inept);
        inept.set(tmp);
      }
      // Central element variants (time order) and the train row each one runs with.
      const centres: { ops: Float64Array[]; row: number }[] = [];
      [1, 3].forEach((k, row) => {
        if (st.eburp_flg) {
          const block = [pp90[k], dEburp, p180[k], dEburp, pp90[k]];
          centres.push({ ops: [...block, p180[k]], row }, { ops: [p180[k], ...block], row });
        } else if (st.reburp_flg) {
          centres.push({ ops: [dReburp, pp180y, dReburp], row });
        } else {
          centres.push({ ops: [p180[k]], row });
        }
      });
      const cycles = values.filter((x) => x !== 0);
      const times = [
        ...cycles.map((x) => timeT2S / (4 * x) - 0.75 * pw90S),
        ...values.map((x) => pw90S * (ncycMax - x)),
      ];
      const props = sp.delays(matrices(n, times.length), times);
      const out = new Map<number, number>();
      values.forEach((x, k) => {
        const dDelta = props[cycles.length + k];
        const count = Math.trunc(x);
        if (x !== 0) echoes(sp, props[cycles.indexOf(x)], p180, echo, tmp);
        const centre = (c: { ops: Float64Array[]; row: number }) => {
          propagate(v, w, n, ...pre, p90[0]);
          if (x !== 0) {
            propagate(v, w, n, dNeg);
            applyTrain(v, w, n, echo, count, trainPhase(PHASES_1, c.row, count, false));
          }
          propagate(v, w, n, ...c.ops);
          if (x !== 0) {
            applyTrain(v, w, n, echo, count, trainPhase(PHASES_2, c.row, count, true));
            propagate(v, w, n, dNeg);
          }
          propagate(v, w, n, p90[0], dDelta, ...post);
        };
        let signal = 0;
        for (const c of centres) {
          v.set(start);
          centre(c);
          propagate(v, w, n, zFilter, inept);
          signal += dot(detect, v);
          if (st.ipap_flg) {
            v.set(start);
            propagate(v, w, n, inept, zFilter);
            centre(c);
            signal += dot(detect, v);
          }
        }
        out.set(x, signal);
      });
      return ncycs.map((x) => out.get(x)!);
    };
  },
};
