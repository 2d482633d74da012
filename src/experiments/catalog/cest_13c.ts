/**
 * `cest_13c`: pure in-phase ¹³C CEST (basis ixyz, C–H pair, ¹H decoupling assumed perfect); the
 * sequence of `cest_15n` (physics-conventions 6.1). With `label = "13C"` each profile's line is
 * split by the couplings of its own residue type and atom (e.g. L18CB).
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cestKeys, isCestReference, simpleCest } from "../_cest.ts";

/** The experiment module. */
export const cest13c: ExperimentModule = {
  name: "cest_13c",
  xKind: "offset",
  schema: {
    name: "cest_13c",
    family: "cest",
    keys: {
      ...cestKeys(),
      time_t1: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
    },
  },
  basis: () => ({ type: "ixyz", pair: "ch" }),
  toBeFitted: (s) => ({ rates: ["r2_i", `r1_i_${s}`], modelFree: [`tauc_${s}`, `s2_${s}`] }),
  isReference: isCestReference,
  setup: (ctx: SequenceContext) =>
    simpleCest(ctx, { start: ["iz"], detection: "[iz]", multiplet: "residue" }),
};
