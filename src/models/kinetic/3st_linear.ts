/** Three states in a chain. @module */
import type { KineticModel } from "../model.ts";
import { nStateSettings } from "./_common.ts";

/** `3st_linear`: A ⇌ B ⇌ C (no direct A ⇌ C). */
export const model3stLinear: KineticModel = {
  name: "3st_linear",
  description: "three states in a chain A <-> B <-> C",
  requires: [],
  settings: () => nStateSettings("abc", ["ab", "bc"]),
};
