/** Binding of a ligand that itself exchanges between two forms. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { lit, need, T, TPL } from "./_common.ts";

/**
 * `3st_binding_partner_2st`: the ligand exists as L1 ⇌ L2 ([L2] = KEQ·[L1]); P + L1 ⇌ PL1
 * (KD_AB, KOFF_AB), P + L2 ⇌ PL2 (KD_AC, KOFF_AC) and PL1 ⇌ PL2 (KEX_BC); A = P, B = PL1,
 * C = PL2. The mass balances reduce to a 1:1 binding of the total free ligand with
 * Kd = (1 + KEQ)/(1/KD_AB + KEQ/KD_AC); the bound ligand splits as KD_AC : KEQ·KD_AB.
 * Each on-rate uses its own ligand form (ChemEx 2026.06 registers L2_FREE under the name
 * L1_FREE, so both on-rates use [L2]).
 */
export const model3stBindingPartner2st: KineticModel = {
  name: "3st_binding_partner_2st",
  description: "ligand L1 <-> L2, P + L1 <-> PL1, P + L2 <-> PL2 (A = P, B = PL1, C = PL2)",
  requires: ["p_total", "l_total"],
  settings: (c) => {
    const p = lit(need(c, "p_total", "3st_binding_partner_2st"));
    const l = lit(need(c, "l_total", "3st_binding_partner_2st"));
    const kd = "(1 + {keq}) / (1 / {kd_ab} + {keq} / {kd_ac})";
    const lFree = `binding_free(${l}, ${p}, ${kd})`;
    const bound = `binding_complex(${p}, ${l}, ${kd})`;
    const split = "({kd_ac} + {keq} * {kd_ab})";
    return {
      koff_ab: setting("KOFF_AB", { conds: T, value: 100, min: 0, vary: true }),
      kd_ab: setting("KD_AB", { conds: T, value: 1e-3, min: 0, vary: true }),
      koff_ac: setting("KOFF_AC", { conds: T, value: 100, min: 0, vary: true }),
      kd_ac: setting("KD_AC", { conds: T, value: 1e-3, min: 0, vary: true }),
      keq: setting("KEQ", { conds: T, value: 1, min: 0, vary: true }),
      kex_bc: setting("KEX_BC", { conds: T, value: 1e3, min: 0, vary: true }),
      kon_ab: setting("KON_AB", { conds: T, expr: "{koff_ab} / max({kd_ab}, 1e-100)" }),
      kon_ac: setting("KON_AC", { conds: T, expr: "{koff_ac} / max({kd_ac}, 1e-100)" }),
      l1_free: setting("L1_FREE", { conds: TPL, expr: `${lFree} / (1 + {keq})` }),
      l2_free: setting("L2_FREE", { conds: TPL, expr: `{keq} * ${lFree} / (1 + {keq})` }),
      pl1: setting("PL1", { conds: TPL, expr: `${bound} * {kd_ac} / ${split}` }),
      pl2: setting("PL2", { conds: TPL, expr: `${bound} * {keq} * {kd_ab} / ${split}` }),
      kab: setting("KAB", { conds: TPL, expr: "{kon_ab} * {l1_free}" }),
      kba: setting("KBA", { conds: TPL, expr: "{koff_ab}" }),
      kac: setting("KAC", { conds: TPL, expr: "{kon_ac} * {l2_free}" }),
      kca: setting("KCA", { conds: TPL, expr: "{koff_ac}" }),
      kbc: setting("KBC", {
        conds: TPL,
        expr: "{kex_bc} * {pl2} / max({pl1} + {pl2}, 1e-100)",
      }),
      kcb: setting("KCB", {
        conds: TPL,
        expr: "{kex_bc} * {pl1} / max({pl1} + {pl2}, 1e-100)",
      }),
      // Mass-balance populations (ChemEx 2026.09, #769): KOFF = 0 freezes, composition kept.
      pa: setting("PA", { conds: TPL, expr: `binding_free(${p}, ${l}, ${kd}) / ${p}` }),
      pb: setting("PB", { conds: TPL, expr: `{pl1} / ${p}` }),
      pc: setting("PC", { conds: TPL, expr: `{pl2} / ${p}` }),
    };
  },
};
