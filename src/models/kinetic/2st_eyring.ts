/** Two states with Eyring (transition-state) temperature dependence. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { eyringRateSettings, need, PL, populationSettings, TPL } from "./_common.ts";

/**
 * `2st_eyring`: A ⇌ B with enthalpy/entropy of B (DH_B, DS_B) and of the transition state
 * (DH_AB, DS_AB), relative to A; k_ij = (k_B·T/h)·exp(−ΔG‡_ij/RT) at each experiment's
 * temperature, so that experiments at several temperatures share these parameters.
 */
export const model2stEyring: KineticModel = {
  name: "2st_eyring",
  description: "A <-> B, rates from enthalpies/entropies (Eyring)",
  requires: ["temperature"],
  settings: (c) => ({
    dh_b: setting("DH_B", { conds: PL, value: 8e3, vary: true }),
    ds_b: setting("DS_B", { conds: PL, value: 0, vary: true }),
    dh_ab: setting("DH_AB", { conds: PL, value: 6.5e4, vary: true }),
    ds_ab: setting("DS_AB", { conds: PL, value: 0, vary: true }),
    ...eyringRateSettings("ab", ["ab"], need(c, "temperature", "2st_eyring")),
    ...populationSettings("ab", TPL, { bounded: true }),
  }),
};
