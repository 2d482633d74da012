/** Binding by induced fit. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { lit, need, populationSettings, T, TPL } from "./_common.ts";

/**
 * `3st_binding_if`: P + L ⇌ PL1 (KD_AB, KOFF_AB) and PL1 ⇌ PL2 (KBC, KCB); A = P, B = PL1,
 * C = PL2. The fitted KD_APP = [P][L]/[PL1 + PL2] fixes KD_AB = KD_APP·(1 + KBC/KCB). The free
 * ligand is the closed-form 1:1 binding solution with the apparent constant rebuilt from KD_AB,
 * KBC, KCB (the parameters ChemEx's solver uses).
 */
export const model3stBindingIf: KineticModel = {
  name: "3st_binding_if",
  description: "induced fit P + L <-> PL1 <-> PL2 (A = P, B = PL1, C = PL2)",
  requires: ["p_total", "l_total"],
  settings: (c) => {
    const p = lit(need(c, "p_total", "3st_binding_if"));
    const l = lit(need(c, "l_total", "3st_binding_if"));
    return {
      kd_app: setting("KD_APP", { conds: T, value: 1e-3, min: 0, vary: true }),
      koff_ab: setting("KOFF_AB", { conds: T, value: 100, min: 0, vary: true }),
      kbc: setting("KBC", { conds: T, value: 100, min: 0, vary: true }),
      kcb: setting("KCB", { conds: T, value: 100, min: 0, vary: true }),
      kd_ab: setting("KD_AB", { conds: T, expr: "{kd_app} * (1 + {kbc} / {kcb})" }),
      kon_ab: setting("KON_AB", { conds: T, expr: "{koff_ab} / max({kd_ab}, 1e-100)" }),
      c_l: setting("C_L", {
        conds: TPL,
        expr: `binding_free(${l}, ${p}, {kd_ab} * {kcb} / max({kbc} + {kcb}, 1e-100))`,
      }),
      kab: setting("KAB", { conds: TPL, expr: "{kon_ab} * {c_l}" }),
      kba: setting("KBA", { conds: TPL, expr: "{koff_ab}" }),
      ...populationSettings("abc", TPL, { absent: ["ac"] }),
    };
  },
};
