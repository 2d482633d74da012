/**
 * `relaxation_hznz`: ¹H–¹⁵N two-spin order (2HzNz) relaxation. Basis izsz (nh); start and
 * detection 2IzSz. The delay T is split in four quarters with ideal 180° pulses in between
 * (S, I, S), which refocus the cross-relaxation with Iz:
 * I(T) = detect(D·P180S·D·P180I·D·P180S·D·start), D = exp(L·T/4).
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { relaxationDecay } from "../_relaxation.ts";

/** The experiment module. */
export const relaxationHznz: ExperimentModule = {
  name: "relaxation_hznz",
  xKind: "time",
  schema: { name: "relaxation_hznz", family: "relaxation", keys: {} },
  basis: () => ({ type: "izsz", pair: "nh" }),
  toBeFitted: (s) => ({
    rates: [`r1a_is_${s}`],
    modelFree: [`tauc_${s}`, `s2_${s}`, `khh_${s}`],
  }),
  isReference: () => false,
  setup: (ctx: SequenceContext) => relaxationDecay(ctx, "2izsz", "[2izsz]", true),
};
