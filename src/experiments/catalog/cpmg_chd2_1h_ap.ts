/**
 * `cpmg_chd2_1h_ap`: anti-phase ¹H CPMG of ¹³CHD₂ methyl groups. Basis ixyzsz with I = ¹H and
 * S = ¹³C (J_CH evolves during the delays); start and detection 2IzSz; otherwise the
 * `cpmg_15n_ip` sequence.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cpmgKeys, ncycCheck, simpleCpmg } from "../_cpmg.ts";

/** The experiment module. */
export const cpmgChd21hAp: ExperimentModule = {
  name: "cpmg_chd2_1h_ap",
  xKind: "ncyc",
  schema: {
    name: "cpmg_chd2_1h_ap",
    family: "cpmg",
    keys: {
      ...cpmgKeys(false),
      time_t2: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
      pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
      time_equil: { type: "number", default: 0.0, min: 0 },
    },
  },
  basis: () => ({ type: "ixyzsz", pair: "hc" }),
  toBeFitted: (s) => ({ rates: [`r2_i_${s}`], modelFree: [`tauc_${s}`] }),
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(true),
  setup(ctx: SequenceContext) {
    ctx.spectrometer.carrierI = ctx.settings.carrier as number;
    return simpleCpmg(ctx, {
      name: "cpmg_chd2_1h_ap",
      start: ["2izsz"],
      detection: "[2izsz]",
      timeT2S: ctx.settings.time_t2 as number,
      pw90S: ctx.settings.pw90 as number,
      timeEquil1S: 0,
      timeEquil2S: ctx.settings.time_equil as number,
    });
  },
};
