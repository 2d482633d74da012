/** Five fully connected states. @module */
import type { KineticModel } from "../model.ts";
import { allPairs, nStateSettings } from "./_common.ts";

/** `5st`: every pair exchanges; every KEX starts at 200 s⁻¹, fitted (ChemEx 2026.09). */
export const model5st: KineticModel = {
  name: "5st",
  description: "five states, all pairs (every KEX 200, fitted)",
  requires: [],
  settings: () => nStateSettings("abcde", allPairs("abcde"), { paBounded: true }),
};
