/** Monomer ⇌ dimer ⇌ trimer association. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { lit, monomerDimerSettings, need, TP } from "./_common.ts";

/**
 * `3st_monomer_dimer_trimer`: M + M ⇌ D (KD1, KOFF1) and M + D ⇌ T (KD2, KOFF2) with
 * M + 2D + 3T = P_TOTAL; A = monomer, B = protomer in a dimer, C = protomer in a trimer.
 * A trimer falls apart into M + D, so a protomer leaves it to A with KOFF2/3 and to B with
 * 2·KOFF2/3.
 */
export const model3stMonomerDimerTrimer: KineticModel = {
  name: "3st_monomer_dimer_trimer",
  description: "monomer (A) <-> dimer (B) <-> trimer (C)",
  requires: ["p_total"],
  settings: (c) => {
    const p = lit(need(c, "p_total", "3st_monomer_dimer_trimer"));
    return {
      ...monomerDimerSettings(c, "3st_monomer_dimer_trimer", "mdtrimer", "trimer"),
      kac: setting("KAC", { conds: TP, expr: "{kon2} * {c_dimer}" }),
      kca: setting("KCA", { conds: TP, expr: "{koff2} / 3.0" }),
      kbc: setting("KBC", { conds: TP, expr: "{kon2} * {c_monomer}" }),
      kcb: setting("KCB", { conds: TP, expr: "2.0 * {koff2} / 3.0" }),
      // Mass-balance protomer fractions (ChemEx 2026.09, #769): KOFF = 0 keeps the composition.
      pa: setting("PA", { conds: TP, expr: `{c_monomer} / ${p}` }),
      pb: setting("PB", { conds: TP, expr: `2.0 * {c_dimer} / ${p}` }),
      pc: setting("PC", { conds: TP, expr: `3.0 * {c_trimer} / ${p}` }),
    };
  },
};
