/** Three states with Eyring temperature dependence. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { eyringRateSettings, need, PL, populationSettings, TPL } from "./_common.ts";

/**
 * `3st_eyring`: A, B, C with DH_B, DH_C (fitted), transition states DH_AB, DH_BC (fitted) and
 * DH_AC = 1e10 J/mol (fixed: no direct A ⇌ C); all entropies fixed at 0. With that default the
 * A ⇌ C rates underflow to exactly 0, which is their correct value (ChemEx 2026.06 aborts on the
 * underflow instead).
 */
export const model3stEyring: KineticModel = {
  name: "3st_eyring",
  description: "A <-> B <-> C (<-> A), rates from enthalpies/entropies (Eyring)",
  requires: ["temperature"],
  settings: (c) => ({
    dh_b: setting("DH_B", { conds: PL, value: 8e3, vary: true }),
    dh_c: setting("DH_C", { conds: PL, value: 8e3, vary: true }),
    dh_ab: setting("DH_AB", { conds: PL, value: 6.5e4, vary: true }),
    dh_bc: setting("DH_BC", { conds: PL, value: 6.5e4, vary: true }),
    dh_ac: setting("DH_AC", { conds: PL, value: 1e10 }),
    ds_b: setting("DS_B", { conds: PL }),
    ds_c: setting("DS_C", { conds: PL }),
    ds_ab: setting("DS_AB", { conds: PL }),
    ds_bc: setting("DS_BC", { conds: PL }),
    ds_ac: setting("DS_AC", { conds: PL }),
    ...eyringRateSettings("abc", ["ab", "ac", "bc"], need(c, "temperature", "3st_eyring")),
    ...populationSettings("abc", TPL, { bounded: true }),
  }),
};
