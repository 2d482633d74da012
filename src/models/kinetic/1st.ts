/** One state, no exchange. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";

/** `1st`: a single state with population 1. */
export const model1st: KineticModel = {
  name: "1st",
  description: "one state, no exchange",
  requires: [],
  settings: () => ({ pa: setting("PA", { expr: "1.0" }) }),
};
