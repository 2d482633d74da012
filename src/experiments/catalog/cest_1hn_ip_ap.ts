/**
 * `cest_1hn_ip_ap`: in-phase/anti-phase amide ¹H CEST (basis ixyzsz_eq, H–N pair). Every point
 * is saturated, references included, after a recovery delay `d1` (shortened to d1 − t1 when
 * η-suppression blocks are used); references are read out through an INEPT. Reference planes
 * are left out of the fit by default (`filter_ref_planes = true`).
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cestKeys, isCestReference } from "../_cest.ts";
import { ipApCest } from "../_cest_ipap.ts";

/** The experiment module. */
export const cest1hnIpAp: ExperimentModule = {
  name: "cest_1hn_ip_ap",
  xKind: "offset",
  schema: {
    name: "cest_1hn_ip_ap",
    family: "cest",
    keys: {
      ...cestKeys(),
      time_t1: { type: "number", required: true },
      carrier: { type: "number", required: true },
      d1: { type: "number", required: true },
      taua: { type: "number", default: 2.38e-3 },
      eta_block: { type: "integer", default: 0 },
      filter_ref_planes: { type: "boolean", default: true },
    },
  },
  basis: () => ({ type: "ixyzsz_eq", pair: "hn" }),
  toBeFitted: (s) => ({
    rates: ["r2_i", `r1_i_${s}`, `r1_s_${s}`, `etaxy_i_${s}`, `etaz_i_${s}`],
    modelFree: [`tauc_${s}`, `s2_${s}`, `khh_${s}`],
  }),
  isReference: isCestReference,
  setup: (ctx: SequenceContext) => {
    const d1S = ctx.settings.d1 as number;
    const timeT1S = ctx.settings.time_t1 as number;
    const etaBlock = ctx.settings.eta_block as number;
    return ipApCest(ctx, {
      recoveryS: etaBlock > 0 ? Math.max(d1S - timeT1S, 0.0) : d1S,
      tauaS: ctx.settings.taua as number,
      etaBlock,
    });
  },
};
