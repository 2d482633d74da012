/**
 * `r1rho_13c_rates`: ¹³C R1ρ rates as the data (C–H pair), as `r1rho_15n_rates`.
 *
 * @module
 */
import { r1rhoRateModule } from "../_r1rho.ts";

/** The experiment module. */
export const r1rho13cRates = r1rhoRateModule({ name: "r1rho_13c_rates", pair: "ch" });
