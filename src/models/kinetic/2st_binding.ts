/** Two-state ligand binding P + L ⇌ PL. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { lit, need, T, TPL } from "./_common.ts";

/**
 * `2st_binding`: A = free protein, B = complex. The free concentrations come from the stable
 * quadratic root of the mass balances (ChemEx solves them iteratively).
 */
export const model2stBinding: KineticModel = {
  name: "2st_binding",
  description: "ligand binding P + L <-> PL (A = P, B = PL)",
  requires: ["p_total", "l_total"],
  settings: (c) => {
    const p = lit(need(c, "p_total", "2st_binding"));
    const l = lit(need(c, "l_total", "2st_binding"));
    return {
      koff: setting("KOFF", { conds: T, value: 100, min: 0, vary: true }),
      kd: setting("KD", { conds: T, value: 1e-3, min: 0, vary: true }),
      kon: setting("KON", { conds: T, expr: "{koff} / max({kd}, 1e-100)" }),
      p_free: setting("P_FREE", { conds: TPL, expr: `binding_free(${p}, ${l}, {kd})` }),
      l_free: setting("L_FREE", { conds: TPL, expr: `binding_free(${l}, ${p}, {kd})` }),
      pl: setting("PL", { conds: TPL, expr: `binding_complex(${p}, ${l}, {kd})` }),
      kab: setting("KAB", { conds: TPL, expr: "{kon} * {l_free}" }),
      kba: setting("KBA", { conds: TPL, expr: "{koff}" }),
      pa: setting("PA", { conds: TPL, expr: `{p_free} / ${p}` }),
      pb: setting("PB", { conds: TPL, expr: `{pl} / ${p}` }),
    };
  },
};
