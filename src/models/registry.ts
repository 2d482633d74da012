/**
 * Every kinetic model by name. Each model lives in its own module under `kinetic/`.
 *
 * @module
 */
import type { KineticModel } from "./model.ts";
import { model1st } from "./kinetic/1st.ts";
import { model2st } from "./kinetic/2st.ts";
import { model3st } from "./kinetic/3st.ts";
import { model3stLinear } from "./kinetic/3st_linear.ts";
import { model3stFork } from "./kinetic/3st_fork.ts";
import { model4st } from "./kinetic/4st.ts";
import { model5st } from "./kinetic/5st.ts";
import { model6st } from "./kinetic/6st.ts";
import { model2stBinding } from "./kinetic/2st_binding.ts";
import { model2stHd } from "./kinetic/2st_hd.ts";
import { model4stHd } from "./kinetic/4st_hd.ts";
import { model2stEyring } from "./kinetic/2st_eyring.ts";
import { model3stEyringFork, model3stEyringLinear } from "./kinetic/3st_eyring.ts";
import {
  model2stMonomerDimer202606,
  model2stMonomerTetramer202606,
  model2stMonomerTrimer202606,
  model3stBindingCs202606,
  model3stBindingIf202606,
  model3stEyring202606,
  model4st202606,
  model5st202606,
  model6st202606,
} from "./kinetic/legacy_2026_06.ts";
import { model4stEyring } from "./kinetic/4st_eyring.ts";
import { model2stMonomerDimer } from "./kinetic/2st_monomer_dimer.ts";
import { model2stMonomerTrimer } from "./kinetic/2st_monomer_trimer.ts";
import { model2stMonomerTetramer } from "./kinetic/2st_monomer_tetramer.ts";
import { model3stMonomerDimerTrimer } from "./kinetic/3st_monomer_dimer_trimer.ts";
import { model3stMonomerDimerTetramer } from "./kinetic/3st_monomer_dimer_tetramer.ts";
import { model3stBindingCs } from "./kinetic/3st_binding_cs.ts";
import { model3stBindingIf } from "./kinetic/3st_binding_if.ts";
import { model3stDoubleBinding } from "./kinetic/3st_double_binding.ts";
import { model3stBindingPartner2st } from "./kinetic/3st_binding_partner_2st.ts";
import { model4stBindingPartner2st } from "./kinetic/4st_binding_partner_2st.ts";
import { model4stBinding3BoundStates } from "./kinetic/4st_binding_3_bound_states.ts";

/** Models keyed by base name (aliases such as `3st_triangle` are resolved by `parseModel`). */
export const KINETIC_MODELS: Readonly<Record<string, KineticModel>> = Object.fromEntries(
  [
    model1st,
    model2st,
    model3st,
    model3stLinear,
    model3stFork,
    model4st,
    model5st,
    model6st,
    model2stBinding,
    model2stHd,
    model4stHd,
    model2stEyring,
    model3stEyringLinear,
    model3stEyringFork,
    model4stEyring,
    model2stMonomerDimer,
    model2stMonomerTrimer,
    model2stMonomerTetramer,
    model3stMonomerDimerTrimer,
    model3stMonomerDimerTetramer,
    model3stBindingCs,
    model3stBindingIf,
    model3stDoubleBinding,
    model3stBindingPartner2st,
    model4stBindingPartner2st,
    model4stBinding3BoundStates,
  ].map((m) => [m.name, m]),
);

/**
 * Models as ChemEx 2026.06.1 defined them where 2026.09 changed their inputs, used with
 * `--compat 2026.06` (keys: the user's model name).
 */
export const LEGACY_MODELS_2026_06: Readonly<Record<string, KineticModel>> = {
  "3st_binding_cs": model3stBindingCs202606,
  "3st_binding_if": model3stBindingIf202606,
  "3st_eyring": model3stEyring202606,
  "4st": model4st202606,
  "5st": model5st202606,
  "6st": model6st202606,
  "2st_monomer_dimer": model2stMonomerDimer202606,
  "2st_monomer_trimer": model2stMonomerTrimer202606,
  "2st_monomer_tetramer": model2stMonomerTetramer202606,
};
