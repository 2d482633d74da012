/**
 * `r1rho_1h`: ¹H R1ρ decays (basis ixyz, H–N pair, heteronucleus decoupled), as `r1rho_15n`.
 *
 * @module
 */
import { r1rhoDecayModule } from "../_r1rho.ts";

/** The experiment module. */
export const r1rho1h = r1rhoDecayModule({ name: "r1rho_1h", pair: "hn" });
