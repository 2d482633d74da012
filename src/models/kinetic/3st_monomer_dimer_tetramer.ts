/** Monomer ⇌ dimer ⇌ tetramer association. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { lit, monomerDimerSettings, need, TP } from "./_common.ts";

/**
 * `3st_monomer_dimer_tetramer`: M + M ⇌ D (KD1, KOFF1) and D + D ⇌ Q (KD2, KOFF2) with
 * M + 2D + 4Q = P_TOTAL; A = monomer, B = protomer in a dimer, C = protomer in a tetramer:
 * k_AB = 2·KON1·[M], k_BA = KOFF1, k_BC = 2·KON2·[D], k_CB = KOFF2, no A ⇌ C step.
 * (ChemEx 2026.06 crashes on this model: its settings refer to undefined names and register
 * k_BC/k_CB under the names KAB/KBA.)
 */
export const model3stMonomerDimerTetramer: KineticModel = {
  name: "3st_monomer_dimer_tetramer",
  description: "monomer (A) <-> dimer (B) <-> tetramer (C)",
  requires: ["p_total"],
  settings: (c) => {
    const p = lit(need(c, "p_total", "3st_monomer_dimer_tetramer"));
    return {
      ...monomerDimerSettings(c, "3st_monomer_dimer_tetramer", "mdtetramer", "tetramer"),
      kbc: setting("KBC", { conds: TP, expr: "2.0 * {kon2} * {c_dimer}" }),
      kcb: setting("KCB", { conds: TP, expr: "{koff2}" }),
      // Mass-balance protomer fractions (ChemEx 2026.09, #769): KOFF = 0 keeps the composition.
      pa: setting("PA", { conds: TP, expr: `{c_monomer} / ${p}` }),
      pb: setting("PB", { conds: TP, expr: `2.0 * {c_dimer} / ${p}` }),
      pc: setting("PC", { conds: TP, expr: `4.0 * {c_tetramer} / ${p}` }),
    };
  },
};
