/** Three states, B and C both exchanging with A. @module */
import type { KineticModel } from "../model.ts";
import { nStateSettings } from "./_common.ts";

/** `3st_fork`: B ⇌ A ⇌ C (no direct B ⇌ C). */
export const model3stFork: KineticModel = {
  name: "3st_fork",
  description: "three states B <-> A <-> C",
  requires: [],
  settings: () => nStateSettings("abc", ["ab", "ac"]),
};
