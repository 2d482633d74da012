/**
 * `dcest_15n`: ¹⁵N D-CEST, saturation by a DANTE train (basis ixyz, nh). One train saturates
 * at every offset + k·sw, so a spectral window of width sw is sampled at once. The start
 * magnetization carries Ξ_N (p_s·0.101329118·Iz_s; visible only with `scaled = false`); with the
 * H/D exchange models the default start is the protonated state(s) only (Iz_a for `2st_hd`,
 * Iz_a + Iz_b for `4st_hd`).
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { danteSequence, dcestKeys } from "../_dcest.ts";
import { isCestReference } from "../_cest.ts";
import { startTerms } from "../_cpmg.ts";

const HD_START: Readonly<Record<string, string[]>> = {
  "2st_hd": ["iz_a"],
  "4st_hd": ["iz_a", "iz_b"],
};

/** The experiment module. */
export const dcest15n: ExperimentModule = {
  name: "dcest_15n",
  xKind: "offset",
  schema: { name: "dcest_15n", family: "cest", keys: dcestKeys() },
  basis: () => ({ type: "ixyz", pair: "nh" }),
  toBeFitted: (s) => ({ rates: ["r2_i", `r1_i_${s}`], modelFree: [`tauc_${s}`, `s2_${s}`] }),
  isReference: isCestReference,
  setup(ctx: SequenceContext) {
    const terms = ctx.start ? startTerms(ctx.start, "iz") : (HD_START[ctx.model ?? ""] ?? ["iz"]);
    return danteSequence(ctx, { startTerms: terms, startAtom: "15N" });
  },
};
