/** Binding by conformational selection. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { lit, need, populationSettings, T, TPL } from "./_common.ts";

/**
 * `3st_binding_cs`: P1 ⇌ P2 (KAB, KBA) and P2 + L ⇌ P2L (KD_BC, KOFF_BC); A = P1, B = P2,
 * C = P2L. The fitted KD_APP = [P1 + P2][L]/[P2L] fixes KD_BC = KD_APP·KAB/(KAB + KBA). The
 * free ligand is the closed-form 1:1 binding solution with the apparent constant rebuilt from
 * KD_BC, KAB, KBA (the parameters ChemEx's solver uses, so a user value for KD_BC acts the same).
 */
export const model3stBindingCs: KineticModel = {
  name: "3st_binding_cs",
  description: "conformational selection P1 <-> P2, P2 + L <-> P2L (A = P1, B = P2, C = P2L)",
  requires: ["p_total", "l_total"],
  settings: (c) => {
    const p = lit(need(c, "p_total", "3st_binding_cs"));
    const l = lit(need(c, "l_total", "3st_binding_cs"));
    return {
      kab: setting("KAB", { conds: T, value: 100, min: 0, vary: true }),
      kba: setting("KBA", { conds: T, value: 100, min: 0, vary: true }),
      koff_bc: setting("KOFF_BC", { conds: T, value: 100, min: 0, vary: true }),
      kd_app: setting("KD_APP", { conds: T, value: 1e-6, min: 0, vary: true }),
      kd_bc: setting("KD_BC", {
        conds: T,
        expr: "{kd_app} * {kab} / max({kab} + {kba}, 1e-16)",
      }),
      kon_bc: setting("KON_BC", { conds: T, expr: "{koff_bc} / max({kd_bc}, 1e-16)" }),
      c_l: setting("C_L", {
        conds: TPL,
        expr: `binding_free(${l}, ${p}, {kd_bc} * ({kab} + {kba}) / max({kab}, 1e-100))`,
      }),
      kbc: setting("KBC", { conds: TPL, expr: "{kon_bc} * {c_l}" }),
      kcb: setting("KCB", { conds: TPL, expr: "{koff_bc}" }),
      ...populationSettings("abc", TPL, { absent: ["ac"] }),
    };
  },
};
