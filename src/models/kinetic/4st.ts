/** Four fully connected states. @module */
import type { KineticModel } from "../model.ts";
import { allPairs, nStateSettings } from "./_common.ts";

/**
 * `4st`: every pair exchanges; as in ChemEx, KEX_AD and KEX_BD start fixed at 0 (a linear
 * A-B-C-D-like topology with the A-C shortcut) until the user sets or fits them.
 */
export const model4st: KineticModel = {
  name: "4st",
  description: "four states, all pairs (KEX_AD, KEX_BD fixed at 0 by default)",
  requires: [],
  settings: () =>
    nStateSettings("abcd", allPairs("abcd"), { fixedZero: ["ad", "bd"], paBounded: true }),
};
