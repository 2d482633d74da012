/** One ligand, two binding modes. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { lit, need, T, TPL } from "./_common.ts";

/**
 * `3st_double_binding`: P + L ⇌ PL1 (KD_AB, KOFF_AB) and P + L ⇌ PL2 (KD_AC, KOFF_AC),
 * competing for the same ligand; A = P, B = PL1, C = PL2. The free concentrations are those of a
 * 1:1 binding with 1/Kd = 1/KD_AB + 1/KD_AC.
 */
export const model3stDoubleBinding: KineticModel = {
  name: "3st_double_binding",
  description: "two binding modes P + L <-> PL1, P + L <-> PL2 (A = P, B = PL1, C = PL2)",
  requires: ["p_total", "l_total"],
  settings: (c) => {
    const p = lit(need(c, "p_total", "3st_double_binding"));
    const l = lit(need(c, "l_total", "3st_double_binding"));
    const kd = "1 / (1 / {kd_ab} + 1 / {kd_ac})";
    return {
      koff_ab: setting("KOFF_AB", { conds: T, value: 100, min: 0, vary: true }),
      kd_ab: setting("KD_AB", { conds: T, value: 1e-3, min: 0, vary: true }),
      koff_ac: setting("KOFF_AC", { conds: T, value: 100, min: 0, vary: true }),
      kd_ac: setting("KD_AC", { conds: T, value: 1e-3, min: 0, vary: true }),
      kon_ab: setting("KON_AB", { conds: T, expr: "{koff_ab} / max({kd_ab}, 1e-100)" }),
      kon_ac: setting("KON_AC", { conds: T, expr: "{koff_ac} / max({kd_ac}, 1e-100)" }),
      pfree: setting("PFREE", { conds: TPL, expr: `binding_free(${p}, ${l}, ${kd})` }),
      l_free: setting("L_FREE", { conds: TPL, expr: `binding_free(${l}, ${p}, ${kd})` }),
      kab: setting("KAB", { conds: TPL, expr: "{kon_ab} * {l_free}" }),
      kba: setting("KBA", { conds: TPL, expr: "{koff_ab}" }),
      kac: setting("KAC", { conds: TPL, expr: "{kon_ac} * {l_free}" }),
      kca: setting("KCA", { conds: TPL, expr: "{koff_ac}" }),
      // Mass-balance populations (ChemEx 2026.09, #769): KOFF = 0 freezes, composition kept.
      pa: setting("PA", { conds: TPL, expr: `{pfree} / ${p}` }),
      pb: setting("PB", { conds: TPL, expr: `{pfree} * {l_free} / {kd_ab} / ${p}` }),
      pc: setting("PC", { conds: TPL, expr: `{pfree} * {l_free} / {kd_ac} / ${p}` }),
    };
  },
};
