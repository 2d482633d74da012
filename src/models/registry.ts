/**
 * Every kinetic model by name. Each model lives in its own module under `kinetic/`.
 *
 * @module
 */
import type { KineticModel } from "./model.ts";
import { model1st } from "./kinetic/1st.ts";
import { model2st } from "./kinetic/2st.ts";

/** Models keyed by base name. */
export const KINETIC_MODELS: Readonly<Record<string, KineticModel>> = {
  "1st": model1st,
  "2st": model2st,
};
