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
import type { ExperimentModule } from "../types.ts";
import {
  cpmgExperiment,
  cpmgKeys,
  equilKey,
  ncycMaxKey,
  PHASES_0013,
  POINT_DELAY,
  pulseKeys,
  pulseKit,
  startTerms,
  tNeg,
  train,
} from "../_cpmg.ts";

/** The experiment module. */
export const cpmg15nIp0013: ExperimentModule = cpmgExperiment({
  name: "cpmg_15n_ip_0013",
  keys: { ...cpmgKeys(false), ...pulseKeys(), ncyc_max: ncycMaxKey(), time_equil: equilKey() },
  basis: { type: "ixyz", pair: "nh" },
  allowMinusOne: false,
  setup(ctx, kind) {
    const pw90S = ctx.settings.pw90 as number;
    const ncycMax = ctx.settings.ncyc_max as number;
    const timeEquilS = ctx.settings.time_equil as number;
    const kit = pulseKit(ctx, kind, {
      tauPw90: 0.75,
      pointDelays: [(x) => pw90S * (ncycMax - (x === 0 ? 1 : x)) + timeEquilS],
    });
    const { p90, p180 } = kit;
    const dNeg = kit.delay(tNeg(pw90S));
    const dPos = kit.delay(4 * pw90S / Math.PI);
    return kit.sequence({
      start: startTerms(ctx.start, "iz"),
      detection: "[iz]",
      echoes: [{ pulse: p180[0] }],
      reference: [[0, 0], [1, 3]].map(([first, second]) => ({
        steps: [p90[1], p180[first], dPos, p180[second], p90[3], POINT_DELAY],
      })),
      cpmg: PHASES_0013.map((row) => ({
        steps: [p90[1], dNeg, train(0, row, { perCycle: 2 }), dNeg, p90[3], POINT_DELAY],
      })),
    });
  },
});
