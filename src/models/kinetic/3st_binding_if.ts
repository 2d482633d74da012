/** Binding by induced fit (ChemEx 2026.09, #770). @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { lit, need, T, TPL } from "./_common.ts";

/**
 * `3st_binding_if`: A + L ⇌ B (KD_APP, KOFF_AB) and B ⇌ C (KEQ_BC = C/B, KEX_BC); A free, B and
 * C the two complexes. With q = KEQ_BC, the fitted KD_APP = A·L/(B + C); populations from the
 * equilibrium (A/P = KD_APP/(KD_APP + L), the rest split 1 : q), k_BC = KEX·q/(1+q),
 * k_CB = KEX/(1+q), k_BA = KOFF_AB and k_AB by detailed balance (P_A·k_AB = P_B·k_BA).
 * KD_AB = KD_APP·(1+q) and KON_AB are reported only.
 */
export const model3stBindingIf: KineticModel = {
  name: "3st_binding_if",
  description: "induced fit A + L <-> B <-> C (KEQ_BC = C/B, KEX_BC)",
  requires: ["p_total", "l_total"],
  settings: (c) => {
    const p = lit(need(c, "p_total", "3st_binding_if"));
    const l = lit(need(c, "l_total", "3st_binding_if"));
    return {
      kd_app: setting("KD_APP", { conds: T, value: 1e-3, min: 5e-324, vary: true }),
      koff_ab: setting("KOFF_AB", { conds: T, value: 100, min: 0, vary: true }),
      keq_bc: setting("KEQ_BC", { conds: T, value: 1, min: 0, vary: true }),
      kex_bc: setting("KEX_BC", { conds: T, value: 200, min: 0, vary: true }),
      kd_ab: setting("KD_AB", { conds: T, expr: "{kd_app} * (1 + {keq_bc})" }),
      kon_ab: setting("KON_AB", { conds: T, expr: "{koff_ab} / max({kd_ab}, 5e-324)" }),
      c_l: setting("C_L", { conds: TPL, expr: `binding_free(${l}, ${p}, {kd_app})` }),
      pa: setting("PA", { conds: TPL, expr: "{kd_app} / ({kd_app} + {c_l})" }),
      pb: setting("PB", { conds: TPL, expr: "(1 - {pa}) / (1 + {keq_bc})" }),
      pc: setting("PC", { conds: TPL, expr: "(1 - {pa}) * {keq_bc} / (1 + {keq_bc})" }),
      kbc: setting("KBC", { conds: TPL, expr: "{kex_bc} * {keq_bc} / (1 + {keq_bc})" }),
      kcb: setting("KCB", { conds: TPL, expr: "{kex_bc} / (1 + {keq_bc})" }),
      kba: setting("KBA", { conds: TPL, expr: "{koff_ab}" }),
      kab: setting("KAB", { conds: TPL, expr: "{pb} * {kba} / max({pa}, 5e-324)" }),
    };
  },
};
