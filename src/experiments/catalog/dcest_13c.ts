/**
 * `dcest_13c`: ¹³C D-CEST, saturation by a DANTE train (basis ixyz, ch); as `dcest_15n` except
 * that the start magnetization is p_s·Iz_s (ChemEx passes no nucleus here, so Ξ_H = 1) and the
 * H/D exchange models do not change the default start.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { danteSequence, dcestKeys } from "../_dcest.ts";
import { isCestReference } from "../_cest.ts";
import { startTerms } from "../_cpmg.ts";

/** The experiment module. */
export const dcest13c: ExperimentModule = {
  name: "dcest_13c",
  xKind: "offset",
  schema: { name: "dcest_13c", family: "cest", keys: dcestKeys() },
  basis: () => ({ type: "ixyz", pair: "ch" }),
  toBeFitted: (s) => ({ rates: ["r2_i", `r1_i_${s}`], modelFree: [`tauc_${s}`, `s2_${s}`] }),
  isReference: isCestReference,
  setup: (ctx: SequenceContext) =>
    danteSequence(ctx, { startTerms: startTerms(ctx.start, "iz"), startAtom: "1H" }),
};
