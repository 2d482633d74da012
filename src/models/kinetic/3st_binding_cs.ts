/** Binding by conformational selection (ChemEx 2026.09, #770). @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { lit, need, T, TPL } from "./_common.ts";

/**
 * `3st_binding_cs`: A ⇌ B (KEQ_AB = B/A, KEX_AB) and B + L ⇌ C (KD_APP, KOFF_BC); A, B the
 * free conformers, C the complex. With q = KEQ_AB and U = A + B, the fitted KD_APP = U·L/C;
 * populations come from the equilibrium (C/P = L/(KD_APP + L), the rest split 1 : q), rates
 * from KEQ/KEX (k_AB = KEX·q/(1+q), k_BA = KEX/(1+q)), k_CB = KOFF_BC and k_BC by detailed
 * balance (P_B·k_BC = P_C·k_CB). KD_BC = KD_APP·q/(1+q) and KON_BC are reported only. KEX = 0
 * or KOFF = 0 freezes an edge without changing the populations.
 */
export const model3stBindingCs: KineticModel = {
  name: "3st_binding_cs",
  description: "conformational selection A <-> B, B + L <-> C (KEQ_AB = B/A, KEX_AB)",
  requires: ["p_total", "l_total"],
  settings: (c) => {
    const p = lit(need(c, "p_total", "3st_binding_cs"));
    const l = lit(need(c, "l_total", "3st_binding_cs"));
    return {
      kd_app: setting("KD_APP", { conds: T, value: 1e-6, min: 5e-324, vary: true }),
      koff_bc: setting("KOFF_BC", { conds: T, value: 100, min: 0, vary: true }),
      keq_ab: setting("KEQ_AB", { conds: T, value: 1, min: 5e-324, vary: true }),
      kex_ab: setting("KEX_AB", { conds: T, value: 200, min: 0, vary: true }),
      kd_bc: setting("KD_BC", { conds: T, expr: "{kd_app} * {keq_ab} / (1 + {keq_ab})" }),
      kon_bc: setting("KON_BC", { conds: T, expr: "{koff_bc} / max({kd_bc}, 5e-324)" }),
      c_l: setting("C_L", { conds: TPL, expr: `binding_free(${l}, ${p}, {kd_app})` }),
      pc: setting("PC", { conds: TPL, expr: "{c_l} / ({kd_app} + {c_l})" }),
      pa: setting("PA", { conds: TPL, expr: "(1 - {pc}) / (1 + {keq_ab})" }),
      pb: setting("PB", { conds: TPL, expr: "(1 - {pc}) * {keq_ab} / (1 + {keq_ab})" }),
      kab: setting("KAB", { conds: TPL, expr: "{kex_ab} * {keq_ab} / (1 + {keq_ab})" }),
      kba: setting("KBA", { conds: TPL, expr: "{kex_ab} / (1 + {keq_ab})" }),
      kcb: setting("KCB", { conds: TPL, expr: "{koff_bc}" }),
      kbc: setting("KBC", { conds: TPL, expr: "{pc} * {kcb} / max({pb}, 5e-324)" }),
    };
  },
};
