/** Monomer ⇌ tetramer association. @module */
import type { KineticModel } from "../model.ts";
import { oligomerSettings } from "./_common.ts";

/**
 * `2st_monomer_tetramer`: 4·M ⇌ M4 with KD·[M4] = [M]^4 and [M] + 4·[M4] = P_TOTAL; A = monomer,
 * B = protomer in the tetramer. As ChemEx 2026.09 (#763, #769): populations from the mass balance,
 * k_BA = KOFF, k_AB = KOFF·P_B/P_A = 4·KOFF/KD·[M]^3; KON is not listed. `--compat 2026.06`
 * keeps ChemEx 2026.06.1's k_AB = 4·KON·[M] (`legacy_2026_06.ts`; docs/models.md).
 */
export const model2stMonomerTetramer: KineticModel = {
  name: "2st_monomer_tetramer",
  description: "monomer (A) <-> tetramer (B)",
  requires: ["p_total"],
  settings: (c) => oligomerSettings(4, "C_TETRAMER", c, "2st_monomer_tetramer"),
};
