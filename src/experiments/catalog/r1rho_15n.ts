/**
 * `r1rho_15n`: ¹⁵N R1ρ decays (basis ixyz, ¹H decoupled): intensity versus spin-lock time (s)
 * at one spin-lock field `b1_frq` (Hz) applied at `carrier` (ppm). Magnetisation is aligned
 * along the effective field of the observed state, locked for T, returned and detected
 * (`docs/r1rho.md`). Intensities are scaled per profile, with or without a T = 0 plane.
 *
 * @module
 */
import { r1rhoDecayModule } from "../_r1rho.ts";

/** The experiment module. */
export const r1rho15n = r1rhoDecayModule({ name: "r1rho_15n", pair: "nh" });
