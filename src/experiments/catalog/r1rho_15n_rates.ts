/**
 * `r1rho_15n_rates`: ¹⁵N R1ρ rates (s⁻¹, with errors) as the data, as relax, BMNS and cpmg_fit
 * users have them: x is the spin-lock offset from `carrier` (Hz, field `b1_frq`) or, with
 * `x_axis = "b1_frq"`, the spin-lock field (Hz, at the carrier). `calculation` picks the exact
 * eigenvalue rate (default), the two-point decay at `time_t`, or TP02 / MP05 / DPL94
 * (`docs/r1rho.md`). Not scaled.
 *
 * @module
 */
import { r1rhoRateModule } from "../_r1rho.ts";

/** The experiment module. */
export const r1rho15nRates = r1rhoRateModule({ name: "r1rho_15n_rates", pair: "nh" });
