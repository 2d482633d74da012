/** Monomer ⇌ tetramer association. @module */
import type { KineticModel } from "../model.ts";
import { oligomerSettings } from "./_common.ts";

/**
 * `2st_monomer_tetramer`: 4·M ⇌ M4 with Kd·[M4] = [M]^4 and [M] + 4·[M4] = P_TOTAL; A = monomer,
 * B = protomer in the tetramer, k_AB = 4·KON·[M], k_BA = KOFF.
 *
 * As in ChemEx, the populations are the stationary state of these two rates, P_B/P_A = 4·[M]/KD,
 * while the mass balance gives 4·[M4]/[M] = 4·[M]^3/KD: a 4-body association has the
 * pseudo-first-order rate 4·KON·[M]^3. Kept for compatibility (ChemEx's reference
 * simulations use it); see docs/models.md.
 */
export const model2stMonomerTetramer: KineticModel = {
  name: "2st_monomer_tetramer",
  description: "monomer (A) <-> tetramer (B)",
  requires: ["p_total"],
  settings: (c) => oligomerSettings(4, "C_TETRAMER", c, "2st_monomer_tetramer"),
};
