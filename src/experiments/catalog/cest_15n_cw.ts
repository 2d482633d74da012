/**
 * `cest_15n_cw`: ¹⁵N CEST with continuous-wave ¹H decoupling during saturation (full two-spin
 * basis ixyzsxyz, N–H pair): both fields act for `time_t1`, the ¹H one of `b1_frq_dec` Hz at
 * `carrier_dec` ppm. The start vector carries Ξ_N (ChemEx passes the ¹⁵N nucleus; visible only
 * with `scaled = false`).
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cestKeys, isCestReference, simpleCest } from "../_cest.ts";

/** The experiment module. */
export const cest15nCw: ExperimentModule = {
  name: "cest_15n_cw",
  xKind: "offset",
  schema: {
    name: "cest_15n_cw",
    family: "cest",
    keys: {
      ...cestKeys(),
      time_t1: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
      carrier_dec: { type: "number", required: true },
      b1_frq_dec: { type: "number", required: true, min: 0 },
    },
  },
  basis: () => ({ type: "ixyzsxyz", pair: "nh" }),
  toBeFitted: (s) => ({
    rates: [
      "r2_i",
      `r2_s_${s}`,
      `r1_i_${s}`,
      `r1_s_${s}`,
      `r2mq_is_${s}`,
      `etaxy_i_${s}`,
      `etaz_i_${s}`,
    ],
    modelFree: [`tauc_${s}`, `s2_${s}`, `khh_${s}`],
  }),
  isReference: isCestReference,
  setup: (ctx: SequenceContext) =>
    simpleCest(ctx, {
      start: ["iz"],
      detection: "[iz]",
      multiplet: "backbone_n",
      startAtom: "15N",
      b1SHz: ctx.settings.b1_frq_dec as number,
      carrierS: ctx.settings.carrier_dec as number,
    }),
};
