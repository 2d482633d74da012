/** Six fully connected states. @module */
import type { KineticModel } from "../model.ts";
import { allPairs, nStateSettings } from "./_common.ts";

/** `6st`: every pair exchanges; every KEX starts at 200 s⁻¹, fitted (ChemEx 2026.09). */
export const model6st: KineticModel = {
  name: "6st",
  description: "six states, all pairs (every KEX 200, fitted)",
  requires: [],
  settings: () => nStateSettings("abcdef", allPairs("abcdef"), { paBounded: true }),
};
