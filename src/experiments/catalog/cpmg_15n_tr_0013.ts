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
import type { ExperimentModule } from "../types.ts";
import {
  cpmgExperiment,
  cpmgKeys,
  derive,
  equilKey,
  matrices,
  ncycMaxKey,
  PHASES_0013,
  POINT_DELAY,
  pulseKeys,
  pulseKit,
  startTerms,
  tNeg,
  train,
  trosyDetection,
  trosyFitted,
} from "../_cpmg.ts";

/** Refocusing-pulse phases (quarter turns) before the P-element, read from the train's start. */
const PHASES_1: readonly (readonly number[])[] = [
  [1, 1, 0, 2, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 0, 2],
  [0, 2, 3, 3, 2, 0, 3, 3, 2, 0, 3, 3, 0, 2, 3, 3],
];

/** The experiment module. */
export const cpmg15nTr0013: ExperimentModule = cpmgExperiment({
  name: "cpmg_15n_tr_0013",
  keys: {
    ...cpmgKeys(false),
    ...pulseKeys(),
    ncyc_max: ncycMaxKey(),
    time_equil: equilKey(),
    taub: { type: "number", default: 2.68e-3, min: 0, exclusiveMin: true },
    antitrosy: { type: "boolean", default: false },
    s3e: { type: "boolean", default: true },
  },
  basis: { type: "ixyzsz", pair: "nh" },
  allowMinusOne: false,
  toBeFitted: trosyFitted,
  setup(ctx, kind) {
    const pw90S = ctx.settings.pw90 as number;
    const ncycMax = ctx.settings.ncyc_max as number;
    const antitrosy = ctx.settings.antitrosy as boolean;
    const sp = ctx.spectrometer;
    const kit = pulseKit(ctx, kind, {
      tauPw90: 0.75,
      pointDelays: [(x) => 0.5 * pw90S * (ncycMax - (x === 0 ? 1 : x))],
    });
    const { p90, p180, n } = kit;
    const dNeg = kit.delay(tNeg(pw90S));
    const dEq = kit.delay(ctx.settings.time_equil as number);
    const dTaub = kit.delay((ctx.settings.taub as number) - 2 * pw90S + tNeg(pw90S));
    const hx = sp.ideal180(new Float64Array(n * n), "s", 0);
    const [pElem, t1, t2] = matrices(n, 3);
    // 180° on ¹⁵N and ¹H built from 90° pulses: the order selects which component is kept.
    const is180 = antitrosy ? [1, 0, -1, 0, 1] : [0, 1, -1, 1, 0];
    const prepare = () => {
      // P-element, time order: 90(b), 180(¹H), τb, [90 90 180(¹H) 90 90], τb, 90(a); mean over
      // (b, a) = (y, x) and (−y, −x).
      pElem.fill(0);
      for (const [before, after] of [[1, 0], [3, 2]]) {
        const ops = [hx, dTaub, ...is180.map((k) => k < 0 ? hx : p90[k]), dTaub, p90[after]];
        t1.set(p90[before]);
        for (const op of ops) {
          sp.mul(t2, op, t1);
          t1.set(t2);
        }
        for (let i = 0; i < n * n; i++) pElem[i] += 0.5 * t1[i];
      }
    };
    const component = antitrosy ? "iz" : "-iz";
    return kit.sequence({
      start: startTerms(ctx.start, ...(ctx.settings.s3e ? ["2izsz", component] : ["2izsz"])),
      detection: trosyDetection(antitrosy),
      echoes: [{ pulse: p180[0] }],
      prepare,
      derived: [
        derive(
          pElem,
          ...[[1, 0], [3, 2]].map(([before, after]) =>
            [0.5, [
              p90[before],
              hx,
              dTaub,
              ...is180.map((k) => k < 0 ? hx : p90[k]),
              dTaub,
              p90[after],
            ]] as const
          ),
        ),
      ],
      constants: [hx],
      reference: [[0, 1], [1, 0]].map(([first, second]) => ({
        steps: [POINT_DELAY, p90[0], p180[first], pElem, p180[second], p90[3], POINT_DELAY, dEq],
      })),
      cpmg: [0, 1].map((row) => ({
        steps: [
          POINT_DELAY,
          p90[0],
          dNeg,
          train(0, PHASES_1[row]),
          dNeg,
          pElem,
          dNeg,
          // After the P-element: the [0013] table read from the train's end backwards.
          train(0, PHASES_0013[row], { fromEnd: true }),
          dNeg,
          p90[3],
          POINT_DELAY,
          dEq,
        ],
      })),
    });
  },
});
