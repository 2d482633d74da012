/**
 * `cest_15n_test` (experimental in ChemEx): `cest_15n` with `b1_frq` required and ChemEx's
 * legacy B1 default, gaussian(scale 0.1, 11 points), when no B1 key is given.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cestKeys, isCestReference, simpleCest } from "../_cest.ts";

/** The experiment module. */
export const cest15nTest: ExperimentModule = {
  name: "cest_15n_test",
  xKind: "offset",
  schema: {
    name: "cest_15n_test",
    family: "cest",
    keys: {
      ...cestKeys(),
      time_t1: { type: "number", required: true },
      carrier: { type: "number", required: true },
      b1_frq: { type: "number", required: true, min: 0 },
    },
  },
  basis: () => ({ type: "ixyz", pair: "nh" }),
  toBeFitted: (s) => ({ rates: ["r2_i", `r1_i_${s}`], modelFree: [`tauc_${s}`, `s2_${s}`] }),
  isReference: isCestReference,
  setup: (ctx: SequenceContext) =>
    simpleCest(ctx, {
      start: ["iz"],
      detection: "[iz]",
      multiplet: "backbone_n",
      legacyB1Default: true,
    }),
};
