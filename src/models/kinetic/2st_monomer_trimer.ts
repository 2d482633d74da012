/** Monomer ⇌ trimer association. @module */
import type { KineticModel } from "../model.ts";
import { oligomerSettings } from "./_common.ts";

/**
 * `2st_monomer_trimer`: 3·M ⇌ M3 with Kd·[M3] = [M]^3 and [M] + 3·[M3] = P_TOTAL; A = monomer,
 * B = protomer in the trimer, k_AB = 3·KON·[M], k_BA = KOFF.
 *
 * As in ChemEx, the populations are the stationary state of these two rates, P_B/P_A = 3·[M]/KD,
 * while the mass balance gives 3·[M3]/[M] = 3·[M]^2/KD: a 3-body association has the
 * pseudo-first-order rate 3·KON·[M]^2. Kept for compatibility (ChemEx's reference
 * simulations use it); see docs/models.md.
 */
export const model2stMonomerTrimer: KineticModel = {
  name: "2st_monomer_trimer",
  description: "monomer (A) <-> trimer (B)",
  requires: ["p_total"],
  settings: (c) => oligomerSettings(3, "C_TRIMER", c, "2st_monomer_trimer"),
};
