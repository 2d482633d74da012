/**
 * `cest_15n`: pure in-phase ¹⁵N CEST (basis ixyz, ¹H decoupling assumed perfect): a weak
 * constant-wave field of `time_t1` at each offset, then detection of Iz (physics-conventions
 * 6.1). With `label = "13C"` the generic backbone ¹⁵N multiplet splits every line.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cestKeys, isCestReference, simpleCest } from "../_cest.ts";

/** The experiment module. */
export const cest15n: ExperimentModule = {
  name: "cest_15n",
  xKind: "offset",
  schema: {
    name: "cest_15n",
    family: "cest",
    keys: {
      ...cestKeys(),
      time_t1: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
    },
  },
  basis: () => ({ type: "ixyz", pair: "nh" }),
  toBeFitted: (s) => ({ rates: ["r2_i", `r1_i_${s}`], modelFree: [`tauc_${s}`, `s2_${s}`] }),
  isReference: isCestReference,
  setup: (ctx: SequenceContext) =>
    simpleCest(ctx, { start: ["iz"], detection: "[iz]", multiplet: "backbone_n" }),
};
