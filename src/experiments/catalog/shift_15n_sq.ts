/**
 * `shift_15n_sq`: position of the ¹⁵N single-quantum line of the observed state. Basis ixy (nh);
 * the line is the Liouvillian eigenfrequency closest to the state's own CS, reported in ppm
 * (frequency / (rad/s per ppm)), as ChemEx does: an absolute position, not a difference.
 *
 * @module
 */
import { shiftModule } from "../_shift.ts";

/** The experiment module. */
export const shift15nSq = shiftModule(
  "shift_15n_sq",
  "ixy",
  "nh",
  true,
  (sp, line, s) => line(sp.value(`cs_i_${s}`) * sp.ppmI) / sp.ppmI,
);
