/** Monomer ⇌ dimer association. @module */
import type { KineticModel } from "../model.ts";
import { oligomerSettings } from "./_common.ts";

/**
 * `2st_monomer_dimer`: 2·M ⇌ M2 with KD·[M2] = [M]^2 and [M] + 2·[M2] = P_TOTAL; A = monomer,
 * B = protomer in the dimer. As ChemEx 2026.09 (#763, #769): populations from the mass balance,
 * k_BA = KOFF, k_AB = KOFF·P_B/P_A = 2·KOFF/KD·[M]^1; KON is not listed. `--compat 2026.06`
 * keeps ChemEx 2026.06.1's k_AB = 2·KON·[M] (`legacy_2026_06.ts`; docs/models.md).
 */
export const model2stMonomerDimer: KineticModel = {
  name: "2st_monomer_dimer",
  description: "monomer (A) <-> dimer (B)",
  requires: ["p_total"],
  settings: (c) => oligomerSettings(2, "C_DIMER", c, "2st_monomer_dimer"),
};
