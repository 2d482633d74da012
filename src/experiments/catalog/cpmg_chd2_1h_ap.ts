/**
 * `cpmg_chd2_1h_ap`: anti-phase ¹H CPMG of ¹³CHD₂ methyl groups. Basis ixyzsz with I = ¹H and
 * S = ¹³C (J_CH evolves during the delays); start and detection 2IzSz; otherwise the
 * `cpmg_15n_ip` sequence ({@link simpleCpmg}).
 *
 * @module
 */
import type { ExperimentModule } from "../types.ts";
import { cpmgExperiment, cpmgKeys, equilKey, pulseKeys, simpleCpmg } from "../_cpmg.ts";

/** The experiment module. */
export const cpmgChd21hAp: ExperimentModule = cpmgExperiment({
  name: "cpmg_chd2_1h_ap",
  keys: { ...cpmgKeys(false), ...pulseKeys(), time_equil: equilKey() },
  basis: { type: "ixyzsz", pair: "hc" },
  allowMinusOne: true,
  setup: (ctx, kind) =>
    simpleCpmg(ctx, kind, {
      start: ["2izsz"],
      detection: "[2izsz]",
      timeEquil1S: 0,
      timeEquil2S: ctx.settings.time_equil as number,
    }),
});
