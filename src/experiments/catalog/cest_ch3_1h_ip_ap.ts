/**
 * `cest_ch3_1h_ip_ap`: in-phase/anti-phase methyl ¹H CEST (basis ixyzsz_eq, H–C pair): the
 * `cest_1hn_ip_ap` scheme with recovery delay `d1`, τa = 2.0 ms and no η-suppression blocks.
 * Reference planes are left out of the fit by default (`filter_ref_planes = true`).
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cestKeys, isCestReference } from "../_cest.ts";
import { ipApCest } from "../_cest_ipap.ts";

/** The experiment module. */
export const cestCh31hIpAp: ExperimentModule = {
  name: "cest_ch3_1h_ip_ap",
  xKind: "offset",
  schema: {
    name: "cest_ch3_1h_ip_ap",
    family: "cest",
    keys: {
      ...cestKeys(),
      time_t1: { type: "number", required: true },
      d1: { type: "number", required: true },
      carrier: { type: "number", required: true },
      taua: { type: "number", default: 2.0e-3 },
      filter_ref_planes: { type: "boolean", default: true },
    },
  },
  basis: () => ({ type: "ixyzsz_eq", pair: "hc" }),
  toBeFitted: (s) => ({
    rates: ["r2_i", `r1_i_${s}`, `r1_s_${s}`, `etaxy_i_${s}`, `etaz_i_${s}`],
    modelFree: [`tauc_${s}`, `s2_${s}`],
  }),
  isReference: isCestReference,
  setup: (ctx: SequenceContext) =>
    ipApCest(ctx, { recoveryS: ctx.settings.d1 as number, tauaS: ctx.settings.taua as number }),
};
