/**
 * `cpmg_15n_tr_0013`: TROSY ¹⁵N CPMG with the "0013" phase scheme. Basis ixyzsz (I = ¹⁵N,
 * S = ¹H). Each half of the constant-time period holds ncyc refocusing pulses with phases
 * from a 16-step table (two rows: two runs whose signals add), around a P-element averaged
 * over its ±x/±y 90° phase cycle with ideal ¹H 180° pulses; heating-compensation delays
 * ½·pw90·(ncyc_max − ncyc) before and after. With `s3e` the start is 2IzSz ∓ Iz (the selected
 * multiplet component), else 2IzSz; detection [2IzSz] ∓ [Iz] (− TROSY, + anti-TROSY).
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

/** Refocusing-pulse phases (quarter turns) before the P-element, read from the train's start. */
const PHASES_1: readonly (readonly number[])[] = [
  [1, 1, 0, 2, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 0, 2],
  [0, 2, 3, 3, 2, 0, 3, 3, 2, 0, 3, 3, 0, 2, 3, 3],
];
/** Phases after the P-element, read from the train's end backwards. */
const PHASES_2: readonly (readonly number[])[] = [
  [0, 0, 1, 3, 0, 0, 3, 1, 0, 0, 3, 1, 0, 0, 1, 3],
  [1, 3, 2, 2, 3, 1, 2, 2, 3, 1, 2, 2, 1, 3, 2, 2],
];

/** The experiment module. */
export const cpmg15nTr0013: ExperimentModule = {
  name: "cpmg_15n_tr_0013",
  xKind: "ncyc",
  schema: {
    name: "cpmg_15n_tr_0013",
    family: "cpmg",
    keys: {
      ...cpmgKeys(false),
      time_t2: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
      pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
      ncyc_max: { type: "integer", required: true, min: 0, exclusiveMin: true },
      time_equil: { type: "number", default: 0.0, min: 0 },
      taub: { type: "number", default: 2.68e-3, min: 0, exclusiveMin: true },
      antitrosy: { type: "boolean", default: false },
      s3e: { type: "boolean", default: true },
    },
  },
  basis: () => ({ type: "ixyzsz", pair: "nh" }),
  toBeFitted: (s, settings) =>
    settings?.antitrosy
      ? { rates: [`r2_i_${s}`, `etaxy_i_${s}`], modelFree: [`tauc_${s}`, `s2_${s}`] }
      : { rates: [`r2_i_${s}`], modelFree: [`tauc_${s}`] },
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(false),
  setup(ctx: SequenceContext) {
    const timeT2S = ctx.settings.time_t2 as number;
    const pw90S = ctx.settings.pw90 as number;
    const ncycMax = ctx.settings.ncyc_max as number;
    const timeEquilS = ctx.settings.time_equil as number;
    const antitrosy = ctx.settings.antitrosy as boolean;
    const taubEffS = (ctx.settings.taub as number) - 2 * pw90S - 2 * pw90S / Math.PI;
    const tNegS = -2 * pw90S / Math.PI;
    const sp = ctx.spectrometer;
    sp.carrierI = ctx.settings.carrier as number;
    sp.b1I = 1 / (4 * pw90S);
    const components = ctx.settings.s3e ? ["2izsz", antitrosy ? "iz" : "-iz"] : ["2izsz"];
    const terms = startTerms(ctx.start, ...components);
    const detect = detectionVector(
      sp.basis,
      antitrosy ? "[2izsz] + [iz]" : "[2izsz] - [iz]",
      ctx.observed,
    );
    const n = sp.size;
    const p90 = matrices(n, 4);
    const p180 = matrices(n, 4);
    const echo = matrices(n, 4);
    const [px, hx, dNeg, dEq, dTaub, pElem, t1, t2] = matrices(n, 8);
    const v = new Float64Array(n);
    const w = new Float64Array(n);
    // 180° on ¹⁵N and ¹H built from 90° pulses: the order selects which component is kept.
    const is180 = antitrosy ? [1, 0, -1, 0, 1] : [0, 1, -1, 1, 0];
    return (ncycs: Float64Array) => {
      sp.rebuild();
      const values = distinctNcycs("cpmg_15n_tr_0013", ncycs, false);
      const start = sp.startVector(terms);
      const pw90p = 1 / (4 * sp.b1I);
      fourPhases(sp, sp.pulseI(px, pw90p), p90);
      fourPhases(sp, sp.pulseI(px, 2 * pw90p), p180);
      sp.ideal180(hx, "s", 0);
      sp.delays([dNeg, dEq, dTaub], [tNegS, timeEquilS, taubEffS]);
      // P-element, time order: 90(b), 180(¹H), τb, [90 90 180(¹H) 90 90], τb, 90(a); mean over
      // (b, a) = (y, x) and (−y, −x).
      pElem.fill(0);
      for (const [before, after] of [[1, 0], [3, 2]]) {
        const ops = [
          p90[before],
          hx,
          dTaub,
          ...is180.map((k) => k < 0 ? hx : p90[k]),
          dTaub,
          p90[after],
        ];
        t1.set(ops[0]);
        for (const op of ops.slice(1)) {
          sp.mul(t2, op, t1);
          t1.set(t2);
        }
        for (let i = 0; i < n * n; i++) pElem[i] += 0.5 * t1[i];
      }
      const cycles = values.filter((x) => x !== 0);
      const times = [
        ...cycles.map((x) => timeT2S / (4 * x) - 0.75 * pw90S),
        ...values.map((x) => 0.5 * pw90S * (ncycMax - (x === 0 ? 1 : x))),
      ];
      const props = sp.delays(matrices(n, times.length), times);
      const out = new Map<number, number>();
      values.forEach((x, k) => {
        const dDelta = props[cycles.length + k];
        let signal = 0;
        if (x === 0) {
          for (const [first, second] of [[0, 1], [1, 0]]) {
            v.set(start);
            propagate(v, w, n, dDelta, p90[0], p180[first], pElem, p180[second], p90[3]);
            propagate(v, w, n, dDelta, dEq);
            signal += dot(detect, v);
          }
        } else {
          echoes(sp, props[cycles.indexOf(x)], p180, echo, t1);
          const count = Math.trunc(x);
          for (let row = 0; row < 2; row++) {
            v.set(start);
            propagate(v, w, n, dDelta, p90[0], dNeg);
            applyTrain(v, w, n, echo, count, trainPhase(PHASES_1, row, count, false));
            propagate(v, w, n, dNeg, pElem, dNeg);
            applyTrain(v, w, n, echo, count, trainPhase(PHASES_2, row, count, true));
            propagate(v, w, n, dNeg, p90[3], dDelta, dEq);
            signal += dot(detect, v);
          }
        }
        out.set(x, signal);
      });
      return ncycs.map((x) => out.get(x)!);
    };
  },
};
