/** Binding followed by two bound-state transitions. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { lit, need, T, TPL } from "./_common.ts";

/**
 * `4st_binding_3_bound_states`: P + L ⇌ PL1 (KD_AB, KOFF_AB), PL1 ⇌ PL2 (KEQ_BC, KEX_BC),
 * PL2 ⇌ PL3 (KEQ_CD, KEX_CD); A = P, B = PL1, C = PL2, D = PL3. The fitted
 * KD_APP = [P][L]/[PL1 + PL2 + PL3] fixes KD_AB = KD_APP·(1 + KEQ_BC + KEQ_BC·KEQ_CD); the free
 * and bound concentrations are the closed-form 1:1 binding solution with the apparent constant
 * rebuilt from KD_AB, KEQ_BC, KEQ_CD (the parameters ChemEx's solver uses).
 */
export const model4stBinding3BoundStates: KineticModel = {
  name: "4st_binding_3_bound_states",
  description: "P + L <-> PL1 <-> PL2 <-> PL3 (A = P, B = PL1, C = PL2, D = PL3)",
  requires: ["p_total", "l_total"],
  settings: (c) => {
    const p = lit(need(c, "p_total", "4st_binding_3_bound_states"));
    const l = lit(need(c, "l_total", "4st_binding_3_bound_states"));
    const kdApp = "{kd_ab} / (1 + {keq_bc} + {keq_bc} * {keq_cd})";
    const bounded = (name: string, value: number, max: number) =>
      setting(name, { conds: T, value, min: 0, max, vary: true });
    return {
      kd_app: bounded("KD_APP", 1e-6, 1),
      koff_ab: bounded("KOFF_AB", 100, 1e6),
      kex_bc: bounded("KEX_BC", 1000, 1e6),
      keq_bc: bounded("KEQ_BC", 1, 100),
      kex_cd: bounded("KEX_CD", 1000, 1e6),
      keq_cd: bounded("KEQ_CD", 1, 100),
      kd_ab: setting("KD_AB", {
        conds: T,
        expr: "{kd_app} * (1 + {keq_bc} + {keq_bc} * {keq_cd})",
      }),
      kon_ab: setting("KON_AB", { conds: T, expr: "{koff_ab} / max({kd_ab}, 1e-32)" }),
      c_p: setting("C_P", { conds: TPL, expr: `binding_free(${p}, ${l}, ${kdApp})` }),
      c_l: setting("C_L", { conds: TPL, expr: `binding_free(${l}, ${p}, ${kdApp})` }),
      c_pl1: setting("C_PL1", {
        conds: TPL,
        expr: `binding_complex(${p}, ${l}, ${kdApp}) / (1 + {keq_bc} + {keq_bc} * {keq_cd})`,
      }),
      c_pl2: setting("C_PL2", { conds: TPL, expr: "{keq_bc} * {c_pl1}" }),
      c_pl3: setting("C_PL3", { conds: TPL, expr: "{keq_cd} * {c_pl2}" }),
      kab: setting("KAB", { conds: TPL, expr: "{kon_ab} * {c_l}" }),
      kba: setting("KBA", { conds: TPL, expr: "{koff_ab}" }),
      kbc: setting("KBC", { conds: TPL, expr: "{keq_bc} * {kex_bc} / (1.0 + {keq_bc})" }),
      kcb: setting("KCB", { conds: TPL, expr: "{kex_bc} / (1.0 + {keq_bc})" }),
      kcd: setting("KCD", { conds: TPL, expr: "{keq_cd} * {kex_cd} / (1.0 + {keq_cd})" }),
      kdc: setting("KDC", { conds: TPL, expr: "{kex_cd} / (1.0 + {keq_cd})" }),
      pa: setting("PA", { conds: TPL, expr: `{c_p} / ${p}` }),
      pb: setting("PB", { conds: TPL, expr: `{c_pl1} / ${p}` }),
      pc: setting("PC", { conds: TPL, expr: `{c_pl2} / ${p}` }),
      pd: setting("PD", { conds: TPL, expr: `{c_pl3} / ${p}` }),
    };
  },
};
