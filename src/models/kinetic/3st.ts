/** Three states in a triangle. @module */
import type { KineticModel } from "../model.ts";
import { nStateSettings } from "./_common.ts";

/** `3st` (alias `3st_triangle`): A ⇌ B ⇌ C ⇌ A parameterised by PB, PC and the three KEX. */
export const model3st: KineticModel = {
  name: "3st",
  description: "three states A <-> B <-> C <-> A",
  requires: [],
  settings: () => nStateSettings("abc", ["ab", "ac", "bc"]),
};
