/** Three states with Eyring temperature dependence (ChemEx 2026.09, #750/#771). @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { eyringRateSettings, need, PL, populationSettings, TPL } from "./_common.ts";

/** Enthalpy/entropy settings of the states B, C and the transition states of `edges`. */
function eyringSettings(edges: readonly string[]) {
  const out: Record<string, ReturnType<typeof setting>> = {
    dh_b: setting("DH_B", { conds: PL, value: 8e3, vary: true }),
    dh_c: setting("DH_C", { conds: PL, value: 8e3, vary: true }),
    ds_b: setting("DS_B", { conds: PL }),
    ds_c: setting("DS_C", { conds: PL }),
  };
  for (const e of edges) {
    const E = e.toUpperCase();
    out[`dh_${e}`] = setting(`DH_${E}`, {
      conds: PL,
      value: 6.5e4,
      vary: true,
    });
    out[`ds_${e}`] = setting(`DS_${E}`, { conds: PL });
  }
  return out;
}

/**
 * `3st_eyring_linear` (= `3st_eyring`): A ⇌ B ⇌ C, rates
 * ln k = ln(k_B/h) + ln T + (S_TS − S_i)/R − (H_TS − H_i)/(RT) with A the reference; DH_B, DH_C
 * 8000 and the transition DH_AB, DH_BC 65000 J/mol fitted, all DS 0 fixed. No A ⇌ C edge (the
 * 2026.06 DH_AC = 1e10 sentinel is gone).
 */
export const model3stEyringLinear: KineticModel = {
  name: "3st_eyring_linear",
  description: "A <-> B <-> C, rates from enthalpies/entropies (Eyring)",
  requires: ["temperature"],
  settings: (c) => ({
    ...eyringSettings(["ab", "bc"]),
    ...eyringRateSettings("abc", ["ab", "bc"], need(c, "temperature", "3st_eyring_linear")),
    ...populationSettings("abc", TPL, { bounded: true, absent: ["ac"] }),
  }),
};

/** `3st_eyring_fork`: B ⇌ A ⇌ C (transition states AB and AC), otherwise as the linear one. */
export const model3stEyringFork: KineticModel = {
  name: "3st_eyring_fork",
  description: "B <-> A <-> C, rates from enthalpies/entropies (Eyring)",
  requires: ["temperature"],
  settings: (c) => ({
    ...eyringSettings(["ab", "ac"]),
    ...eyringRateSettings("abc", ["ab", "ac"], need(c, "temperature", "3st_eyring_fork")),
    ...populationSettings("abc", TPL, { bounded: true, absent: ["bc"] }),
  }),
};
