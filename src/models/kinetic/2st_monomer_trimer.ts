/** Monomer ⇌ trimer association. @module */
import type { KineticModel } from "../model.ts";
import { oligomerSettings } from "./_common.ts";

/**
 * `2st_monomer_trimer`: 3·M ⇌ M3 with KD·[M3] = [M]^3 and [M] + 3·[M3] = P_TOTAL; A = monomer,
 * B = protomer in the trimer. As ChemEx 2026.09 (#763, #769): populations from the mass balance,
 * k_BA = KOFF, k_AB = KOFF·P_B/P_A = 3·KOFF/KD·[M]^2; KON is not listed. `--compat 2026.06`
 * keeps ChemEx 2026.06.1's k_AB = 3·KON·[M] (`legacy_2026_06.ts`; docs/models.md).
 */
export const model2stMonomerTrimer: KineticModel = {
  name: "2st_monomer_trimer",
  description: "monomer (A) <-> trimer (B)",
  requires: ["p_total"],
  settings: (c) => oligomerSettings(3, "C_TRIMER", c, "2st_monomer_trimer"),
};
