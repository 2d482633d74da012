/** Four states with Eyring temperature dependence. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { allPairs, eyringRateSettings, need, PL, populationSettings, TPL } from "./_common.ts";

/**
 * `4st_eyring`: A, B, C, D with DH_B, DH_C, DH_D (fitted, 8 kJ/mol) and a transition state for
 * every pair (75 kJ/mol; DH_AB, DH_BC, DH_BD, DH_CD fitted, DH_AC, DH_AD fixed); all entropies
 * fixed at 0.
 */
export const model4stEyring: KineticModel = {
  name: "4st_eyring",
  description: "four states, all pairs, rates from enthalpies/entropies (Eyring)",
  requires: ["temperature"],
  settings: (c) => {
    const fixedTs = ["ac", "ad"];
    const out: ReturnType<KineticModel["settings"]> = {};
    for (const s of "bcd") {
      out[`dh_${s}`] = setting(`DH_${s.toUpperCase()}`, { conds: PL, value: 8e3, vary: true });
    }
    for (const e of allPairs("abcd")) {
      out[`dh_${e}`] = setting(`DH_${e.toUpperCase()}`, {
        conds: PL,
        value: 7.5e4,
        vary: !fixedTs.includes(e),
      });
    }
    for (const s of ["b", "c", "d", ...allPairs("abcd")]) {
      out[`ds_${s}`] = setting(`DS_${s.toUpperCase()}`, { conds: PL });
    }
    return {
      ...out,
      ...eyringRateSettings("abcd", allPairs("abcd"), need(c, "temperature", "4st_eyring")),
      ...populationSettings("abcd", TPL, { bounded: true }),
    };
  },
};
