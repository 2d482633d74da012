/** Monomer ⇌ dimer ⇌ tetramer association. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { lit, need, populationSettings, T, TP } from "./_common.ts";

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
    const conc = (fn: string) => `mdtetramer_${fn}(${p}, {kd1}, {kd2})`;
    return {
      kd1: setting("KD1", { conds: T, value: 1e-6, min: 0, vary: true }),
      kd2: setting("KD2", { conds: T, value: 1e-6, min: 0, vary: true }),
      koff1: setting("KOFF1", { conds: T, value: 100, min: 0, vary: true }),
      koff2: setting("KOFF2", { conds: T, value: 100, min: 0, vary: true }),
      kon1: setting("KON1", { conds: T, min: 0, expr: "{koff1} / max({kd1}, 1e-32)" }),
      kon2: setting("KON2", { conds: T, min: 0, expr: "{koff2} / max({kd2}, 1e-32)" }),
      c_monomer: setting("C_MONOMER", { conds: TP, expr: conc("monomer") }),
      c_dimer: setting("C_DIMER", { conds: TP, expr: conc("dimer") }),
      c_tetramer: setting("C_TETRAMER", { conds: TP, expr: conc("tetramer") }),
      kab: setting("KAB", { conds: TP, expr: "2.0 * {kon1} * {c_monomer}" }),
      kba: setting("KBA", { conds: TP, expr: "{koff1}" }),
      kbc: setting("KBC", { conds: TP, expr: "2.0 * {kon2} * {c_dimer}" }),
      kcb: setting("KCB", { conds: TP, expr: "{koff2}" }),
      ...populationSettings("abc", TP, { absent: ["ac"] }),
    };
  },
};
