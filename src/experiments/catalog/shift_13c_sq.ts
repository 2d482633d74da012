/**
 * `shift_13c_sq`: position of the ¹³C single-quantum line of the observed state. Basis ixy
 * (ch); the line is the Liouvillian eigenfrequency closest to the state's own CS, reported in
 * ppm, as ChemEx does (an absolute position).
 *
 * @module
 */
import { shiftModule } from "../_shift.ts";

/** The experiment module. */
export const shift13cSq = shiftModule(
  "shift_13c_sq",
  "ixy",
  "ch",
  true,
  (sp, line, s) => line(sp.value(`cs_i_${s}`) * sp.ppmI) / sp.ppmI,
);
