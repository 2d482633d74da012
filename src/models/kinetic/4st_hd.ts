/** Conformational exchange combined with H/D exchange. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { populationSettings, T, TPL } from "./_common.ts";

/**
 * `4st_hd`: A ⇌ B conformational exchange (POP_B, KEX_AB) of the protonated site and, with the
 * same rates, C ⇌ D of the deuterated one; A ⇌ C and B ⇌ D are H/D exchange with KDH_A/PHI_A
 * and KDH_B/PHI_B. There is no A ⇌ D or B ⇌ C step. (ChemEx 2026.06 crashes on this model: its
 * population definitions refer to the missing k_AD, k_BC.)
 */
export const model4stHd: KineticModel = {
  name: "4st_hd",
  description: "A <-> B conformers, C/D their deuterated forms (H/D exchange A <-> C, B <-> D)",
  requires: [],
  globalOnly: ["d2o"],
  settings: (c) => {
    const tdc = ["temperature", "d2o"] as const;
    const hd = (name: string, expr: string) =>
      setting(name, { part: "g", conds: tdc, min: 0, expr });
    return {
      d2o: setting("D2O", { conds: ["d2o"], value: c.d2o ?? 0.1, min: 0, max: 1 }),
      pop_b: setting("POP_B", { conds: TPL, value: 0.02, min: 0, max: 1, vary: true }),
      kex_ab: setting("KEX_AB", { conds: TPL, value: 0, min: 0, vary: true }),
      kdh_a: setting("KDH_A", { part: "g", conds: T, value: 1, min: 0, vary: true }),
      kdh_b: setting("KDH_B", { part: "g", conds: T, value: 1, min: 0, vary: true }),
      phi_a: setting("PHI_A", { part: "g", conds: T, value: 1.1, min: 0.75, max: 1.5 }),
      // ChemEx's starting value 0.02 lies outside its own bounds; the tie to PHI_A decides anyway.
      phi_b: setting("PHI_B", {
        part: "g",
        conds: T,
        value: 1.1,
        min: 0.75,
        max: 1.5,
        expr: "{phi_a}",
      }),
      kab: setting("KAB", { conds: TPL, min: 0, expr: "{pop_b} * {kex_ab}" }),
      kba: setting("KBA", { conds: TPL, min: 0, expr: "(1.0 - {pop_b}) * {kex_ab}" }),
      kcd: setting("KCD", { conds: TPL, min: 0, expr: "{pop_b} * {kex_ab}" }),
      kdc: setting("KDC", { conds: TPL, min: 0, expr: "(1.0 - {pop_b}) * {kex_ab}" }),
      kac: hd("KAC", "{d2o} * {kdh_a} * {phi_a}"),
      kca: hd("KCA", "(1.0 - {d2o}) * {kdh_a}"),
      kbd: hd("KBD", "{d2o} * {kdh_b} * {phi_b}"),
      kdb: hd("KDB", "(1.0 - {d2o}) * {kdh_b}"),
      // Populations follow the per-residue H/D rates, so they are per residue and carry D2O
      // (ChemEx declares them global, which would share one residue's values with all).
      ...populationSettings("abcd", [...TPL, "d2o"], { absent: ["ad", "bc"], part: "g" }),
    };
  },
};
