/**
 * `r1rho_13c`: ¹³C R1ρ decays (basis ixyz, C–H pair, ¹H decoupled), as `r1rho_15n`.
 *
 * @module
 */
import { r1rhoDecayModule } from "../_r1rho.ts";

/** The experiment module. */
export const r1rho13c = r1rhoDecayModule({ name: "r1rho_13c", pair: "ch" });
