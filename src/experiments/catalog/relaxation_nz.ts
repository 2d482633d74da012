/**
 * `relaxation_nz`: longitudinal ¹⁵N relaxation. Basis iz (nh): I(t) = detect(exp(L·t)·start)
 * with start Σ p_s·Iz_s (or the `start_state` selection). Without an E component R1 drives Iz to
 * zero, as in ChemEx. No reference points: every delay is fitted with the free scale.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { relaxationDecay } from "../_relaxation.ts";

/** The experiment module. */
export const relaxationNz: ExperimentModule = {
  name: "relaxation_nz",
  xKind: "time",
  schema: { name: "relaxation_nz", family: "relaxation", keys: {} },
  basis: () => ({ type: "iz", pair: "nh" }),
  toBeFitted: (s) => ({ rates: [`r1_i_${s}`], modelFree: [`tauc_${s}`, `s2_${s}`] }),
  isReference: () => false,
  setup: (ctx: SequenceContext) => relaxationDecay(ctx, "iz", "[iz]", false),
};
