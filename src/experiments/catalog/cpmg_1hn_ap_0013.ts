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
import type { ExperimentModule } from "../types.ts";
import {
  cpmgExperiment,
  cpmgKeys,
  derive,
  equilKey,
  matrices,
  ncycMaxKey,
  POINT_DELAY,
  pulseKeys,
  pulseKit,
  startTerms,
  type Step,
  tNeg,
  train,
  type Transient,
  zFilterDiag,
} from "../_cpmg.ts";

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
export const cpmg1hnAp0013: ExperimentModule = cpmgExperiment({
  name: "cpmg_1hn_ap_0013",
  defaultStartFromObserved: true,
  keys: {
    ...cpmgKeys(false),
    ...pulseKeys(),
    ncyc_max: ncycMaxKey(),
    taua: { type: "number", default: 2.38e-3, min: 0, exclusiveMin: true },
    ipap_flg: { type: "boolean", default: false },
    eburp_flg: { type: "boolean", default: false },
    reburp_flg: { type: "boolean", default: false },
    pw_eburp: { type: "number", default: 1.4e-3, min: 0, exclusiveMin: true },
    pw_reburp: { type: "number", default: 1.52e-3, min: 0, exclusiveMin: true },
    time_equil_1: equilKey(),
    time_equil_2: equilKey(),
  },
  basis: { type: "ixyzsz", pair: "hn" },
  allowMinusOne: false,
  setup(ctx, kind) {
    const st = ctx.settings;
    const pw90S = st.pw90 as number;
    const ncycMax = st.ncyc_max as number;
    const timeEquil1S = st.time_equil_1 as number;
    const timeEquil2S = st.time_equil_2 as number;
    const sp = ctx.spectrometer;
    const kit = pulseKit(ctx, kind, {
      tauPw90: 0.75,
      pointDelays: [(x) => pw90S * (ncycMax - x)],
    });
    const { p90, p180, n } = kit;
    const dNeg = kit.delay(tNeg(pw90S));
    const dTaua = kit.delay(st.taua as number);
    const pre = timeEquil1S === 0 ? [] : [kit.delay(timeEquil1S)];
    const post = timeEquil2S === 0 ? [] : [kit.delay(timeEquil2S)];
    // Ideal pulses do not depend on the parameters.
    const pp90 = [0, 1, 2, 3].map((k) => sp.ideal90I(new Float64Array(n * n), k));
    const [pp180y, pp180isx, hx, inept, tmp] = matrices(n, 5);
    sp.ideal180(pp180y, "i", 1);
    sp.mul(pp180isx, sp.ideal180(tmp, "i", 0), sp.ideal180(hx, "s", 0));
    // The z-filter before the INEPT.
    const zFilter = zFilterDiag(sp.basis);
    const prepare = () => {
      // Refocused INEPT, time order: 90x(ideal), τa, 180x(¹H and ¹⁵N, ideal), τa, 90y(ideal).
      inept.set(pp90[0]);
      for (const op of [dTaua, pp180isx, dTaua, pp90[1]]) {
        sp.mul(tmp, op, inept);
        inept.set(tmp);
      }
    };
    // Central element variants (time order) and the train row each one runs with.
    const centres: { ops: Step[]; row: number }[] = [];
    const dEburp = st.eburp_flg ? kit.delay(st.pw_eburp as number) : null;
    const dReburp = !dEburp && st.reburp_flg ? kit.delay(0.5 * (st.pw_reburp as number)) : null;
    [1, 3].forEach((k, row) => {
      if (dEburp) {
        const block = [pp90[k], dEburp, p180[k], dEburp, pp90[k]];
        centres.push({ ops: [...block, p180[k]], row }, { ops: [p180[k], ...block], row });
      } else if (dReburp) {
        centres.push({ ops: [dReburp, pp180y, dReburp], row });
      } else {
        centres.push({ ops: [p180[k]], row });
      }
    });
    // The period around one centre; without trains (and their t_neg) for the reference.
    const period = (c: { ops: Step[]; row: number }, trains: boolean): Step[] => [
      ...pre,
      p90[0],
      ...(trains ? [dNeg, train(0, PHASES_1[c.row])] : []),
      ...c.ops,
      ...(trains ? [train(0, PHASES_2[c.row], { fromEnd: true }), dNeg] : []),
      p90[0],
      POINT_DELAY,
      ...post,
    ];
    const transients = (trains: boolean): Transient[] =>
      centres.flatMap((c) => [
        { steps: [...period(c, trains), zFilter, inept] },
        ...(st.ipap_flg ? [{ steps: [inept, zFilter, ...period(c, trains)] }] : []),
      ]);
    return kit.sequence({
      start: startTerms(ctx.start, "2izsz"),
      detection: "[iz]",
      echoes: [{ pulse: p180[0] }],
      prepare,
      derived: [derive(inept, [1, [pp90[0], dTaua, pp180isx, dTaua, pp90[1]]])],
      constants: [...pp90, pp180y, pp180isx],
      reference: transients(false),
      cpmg: transients(true),
    });
  },
});
