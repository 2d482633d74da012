/**
 * `cest_1hn_ap`: anti-phase amide ¹H CEST (basis ixyzsz, H–N pair): start and detection
 * 2HzNz; without `start_state` the start is the observed state(s) only.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cestKeys, isCestReference, simpleCest } from "../_cest.ts";

/** The experiment module. */
export const cest1hnAp: ExperimentModule = {
  name: "cest_1hn_ap",
  xKind: "offset",
  schema: {
    name: "cest_1hn_ap",
    family: "cest",
    defaultStartFromObserved: true,
    keys: {
      ...cestKeys(),
      time_t1: { type: "number", required: true },
      carrier: { type: "number", required: true },
    },
  },
  basis: () => ({ type: "ixyzsz", pair: "hn" }),
  toBeFitted: (s) => ({
    rates: ["r2_i", `r1_i_${s}`, `r1_s_${s}`, `etaxy_i_${s}`],
    modelFree: [`tauc_${s}`, `s2_${s}`, `khh_${s}`],
  }),
  isReference: isCestReference,
  setup: (ctx: SequenceContext) =>
    simpleCest(ctx, { start: ["2izsz"], detection: "[2izsz]", multiplet: "none" }),
};
