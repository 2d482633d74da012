/**
 * `cpmg_1hn_ap`: anti-phase amide ¹H CPMG. Basis ixyzsz with I = ¹H, S = ¹⁵N; start and
 * detection 2IzSz, by default from the observed state (the anti-phase coherence is prepared
 * by an INEPT whose shift evolution is not modelled); the `cpmg_15n_ip` sequence with an
 * extra delay `time_equil_1` before the first 90° pulse.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cpmgKeys, ncycCheck, simpleCpmg } from "../_cpmg.ts";

/** The experiment module. */
export const cpmg1hnAp: ExperimentModule = {
  name: "cpmg_1hn_ap",
  xKind: "ncyc",
  schema: {
    name: "cpmg_1hn_ap",
    family: "cpmg",
    defaultStartFromObserved: true,
    keys: {
      ...cpmgKeys(false),
      time_t2: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
      pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
      time_equil_1: { type: "number", default: 0.0, min: 0 },
      time_equil_2: { type: "number", default: 0.0, min: 0 },
    },
  },
  basis: () => ({ type: "ixyzsz", pair: "hn" }),
  toBeFitted: (s) => ({ rates: [`r2_i_${s}`], modelFree: [`tauc_${s}`] }),
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(true),
  setup(ctx: SequenceContext) {
    ctx.spectrometer.carrierI = ctx.settings.carrier as number;
    return simpleCpmg(ctx, {
      name: "cpmg_1hn_ap",
      start: ["2izsz"],
      detection: "[2izsz]",
      timeT2S: ctx.settings.time_t2 as number,
      pw90S: ctx.settings.pw90 as number,
      timeEquil1S: ctx.settings.time_equil_1 as number,
      timeEquil2S: ctx.settings.time_equil_2 as number,
    });
  },
};
