/** Monomer ⇌ dimer association. @module */
import type { KineticModel } from "../model.ts";
import { oligomerSettings } from "./_common.ts";

/**
 * `2st_monomer_dimer`: 2·M ⇌ M2 with Kd·[M2] = [M]^2 and [M] + 2·[M2] = P_TOTAL; A = monomer,
 * B = protomer in the dimer, k_AB = 2·KON·[M], k_BA = KOFF.
 */
export const model2stMonomerDimer: KineticModel = {
  name: "2st_monomer_dimer",
  description: "monomer (A) <-> dimer (B)",
  requires: ["p_total"],
  settings: (c) => oligomerSettings(2, "C_DIMER", c, "2st_monomer_dimer"),
};
