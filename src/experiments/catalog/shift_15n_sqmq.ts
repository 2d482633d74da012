/**
 * `shift_15n_sqmq`: exchange-induced difference between the ¹⁵N single-quantum line and the
 * mean of the ¹H–¹⁵N double- and zero-quantum lines, in ppb. Basis ixy_ixysxy (nh). Each line
 * is the eigenfrequency closest to the observed state's own SQ, DQ (Ω_N + Ω_H) or ZQ (Ω_N − Ω_H)
 * frequency; without exchange SQ = (DQ + ZQ)/2 exactly, so the value measures Δω-weighted
 * exchange shifts of both nuclei.
 *
 * @module
 */
import { shiftModule } from "../_shift.ts";

/** The experiment module. */
export const shift15nSqmq = shiftModule(
  "shift_15n_sqmq",
  "ixy_ixysxy",
  "nh",
  false,
  (sp, line, s) => {
    const sqI = sp.value(`cs_i_${s}`) * sp.ppmI;
    const sqS = sp.value(`cs_s_${s}`) * sp.ppmS;
    const sq = line(sqI);
    const dq = line(sqI + sqS);
    const zq = line(sqI - sqS);
    return 1e3 * (sq - 0.5 * (dq + zq)) / sp.ppmI;
  },
);
