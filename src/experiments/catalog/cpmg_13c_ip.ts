/**
 * `cpmg_13c_ip`: in-phase ¹³C CPMG relaxation dispersion (e.g. methyl ¹³C of selectively
 * labelled samples), ¹H decoupling assumed perfect: the single-spin basis ixyz of the carbon,
 * with the `cpmg_15n_ip` sequence (finite pulses, ±x central 180°, t_neg = −2·pw90/π).
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cpmgKeys, ncycCheck, simpleCpmg } from "../_cpmg.ts";

/** The experiment module. */
export const cpmg13cIp: ExperimentModule = {
  name: "cpmg_13c_ip",
  xKind: "ncyc",
  schema: {
    name: "cpmg_13c_ip",
    family: "cpmg",
    keys: {
      ...cpmgKeys(false),
      time_t2: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
      pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
      time_equil: { type: "number", default: 0.0, min: 0 },
    },
  },
  basis: () => ({ type: "ixyz", pair: "ch" }),
  toBeFitted: (s) => ({ rates: [`r2_i_${s}`], modelFree: [`tauc_${s}`] }),
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(true),
  setup(ctx: SequenceContext) {
    ctx.spectrometer.carrierI = ctx.settings.carrier as number;
    return simpleCpmg(ctx, {
      name: "cpmg_13c_ip",
      start: ["iz"],
      detection: "[iz]",
      timeT2S: ctx.settings.time_t2 as number,
      pw90S: ctx.settings.pw90 as number,
      timeEquil1S: 0,
      timeEquil2S: ctx.settings.time_equil as number,
    });
  },
};
