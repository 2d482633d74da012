/**
 * `cest_15n_tr`: TROSY-selected ¹⁵N CEST (basis ixyzsz, N–H pair). Start and detection are the
 * TROSY component (2IzSz − Iz)/2, or the anti-TROSY one (2IzSz + Iz)/2 with `antitrosy = true`.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cestKeys, isCestReference, simpleCest } from "../_cest.ts";

/** The experiment module. */
export const cest15nTr: ExperimentModule = {
  name: "cest_15n_tr",
  xKind: "offset",
  schema: {
    name: "cest_15n_tr",
    family: "cest",
    keys: {
      ...cestKeys(),
      time_t1: { type: "number", required: true },
      carrier: { type: "number", required: true },
      antitrosy: { type: "boolean", default: false },
    },
  },
  basis: () => ({ type: "ixyzsz", pair: "nh" }),
  toBeFitted: (s, settings) => ({
    rates: [
      "r2_i",
      `r1_i_${s}`,
      "r1a_is",
      ...(settings?.antitrosy ? [`etaxy_i_${s}`, `etaz_i_${s}`] : []),
    ],
    modelFree: [`tauc_${s}`, `s2_${s}`, "khh"],
  }),
  isReference: isCestReference,
  setup: (ctx: SequenceContext) => {
    const anti = Boolean(ctx.settings.antitrosy);
    return simpleCest(ctx, {
      start: anti ? ["2izsz", "iz"] : ["2izsz", "-iz"],
      detection: anti ? "[2izsz] + [iz]" : "[2izsz] - [iz]",
      multiplet: "backbone_n",
    });
  },
};
