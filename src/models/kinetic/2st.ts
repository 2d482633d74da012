/** Two-state exchange A ⇌ B. @module */
import type { KineticModel } from "../model.ts";
import { type ConditionKey, setting } from "../../params/settings.ts";

/** Kinetic parameters carry the conditions that can change them. */
export const KINETIC_CONDS: readonly ConditionKey[] = ["temperature", "p_total", "l_total"];

/** `2st`: A ⇌ B parameterised by KEX_AB and PB. */
export const model2st: KineticModel = {
  name: "2st",
  description: "two states A <-> B",
  requires: [],
  settings: () => ({
    kex_ab: setting("KEX_AB", { value: 200, min: 0, vary: true, conds: KINETIC_CONDS }),
    pb: setting("PB", { value: 0.05, min: 0, max: 1, vary: true, conds: KINETIC_CONDS }),
    pa: setting("PA", { expr: "1.0 - {pb}", conds: KINETIC_CONDS }),
    kab: setting("KAB", { expr: "{kex_ab} * {pb}", conds: KINETIC_CONDS }),
    kba: setting("KBA", { expr: "{kex_ab} * {pa}", conds: KINETIC_CONDS }),
  }),
};
