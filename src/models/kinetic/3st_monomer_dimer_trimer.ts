/** Monomer ⇌ dimer ⇌ trimer association. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { lit, need, populationSettings, T, TP } from "./_common.ts";

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
    const conc = (fn: string) => `mdtrimer_${fn}(${p}, {kd1}, {kd2})`;
    return {
      kd1: setting("KD1", { conds: T, value: 1e-6, min: 0, vary: true }),
      kd2: setting("KD2", { conds: T, value: 1e-6, min: 0, vary: true }),
      koff1: setting("KOFF1", { conds: T, value: 100, min: 0, vary: true }),
      koff2: setting("KOFF2", { conds: T, value: 100, min: 0, vary: true }),
      kon1: setting("KON1", { conds: T, min: 0, expr: "{koff1} / max({kd1}, 1e-32)" }),
      kon2: setting("KON2", { conds: T, min: 0, expr: "{koff2} / max({kd2}, 1e-32)" }),
      c_monomer: setting("C_MONOMER", { conds: TP, expr: conc("monomer") }),
      c_dimer: setting("C_DIMER", { conds: TP, expr: conc("dimer") }),
      c_trimer: setting("C_TRIMER", { conds: TP, expr: conc("trimer") }),
      kab: setting("KAB", { conds: TP, expr: "2.0 * {kon1} * {c_monomer}" }),
      kba: setting("KBA", { conds: TP, expr: "{koff1}" }),
      kac: setting("KAC", { conds: TP, expr: "{kon2} * {c_dimer}" }),
      kca: setting("KCA", { conds: TP, expr: "{koff2} / 3.0" }),
      kbc: setting("KBC", { conds: TP, expr: "{kon2} * {c_monomer}" }),
      kcb: setting("KCB", { conds: TP, expr: "2.0 * {koff2} / 3.0" }),
      ...populationSettings("abc", TP),
    };
  },
};
