/** Four fully connected states. @module */
import type { KineticModel } from "../model.ts";
import { allPairs, nStateSettings } from "./_common.ts";

/**
 * `4st`: every pair exchanges; as in ChemEx 2026.09 (post-#777) every structural KEX starts at
 * 200 s⁻¹, fitted (2026.06.1 fixed KEX_AD and KEX_BD at 0: `--compat 2026.06`).
 */
export const model4st: KineticModel = {
  name: "4st",
  description: "four states, all pairs (every KEX 200, fitted)",
  requires: [],
  settings: () => nStateSettings("abcd", allPairs("abcd"), { paBounded: true }),
};
