/**
 * `r1rho_1h_rates`: ¹H R1ρ rates as the data (H–N pair), as `r1rho_15n_rates`.
 *
 * @module
 */
import { r1rhoRateModule } from "../_r1rho.ts";

/** The experiment module. */
export const r1rho1hRates = r1rhoRateModule({ name: "r1rho_1h_rates", pair: "hn" });
