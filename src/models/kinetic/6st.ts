/** Six fully connected states. @module */
import type { KineticModel } from "../model.ts";
import { allPairs, nStateSettings } from "./_common.ts";

/** `6st`: every pair exchanges; KEX_AD and KEX_BD start fixed at 0 (inherited from `4st`). */
export const model6st: KineticModel = {
  name: "6st",
  description: "six states, all pairs (KEX_AD, KEX_BD fixed at 0 by default)",
  requires: [],
  settings: () =>
    nStateSettings("abcdef", allPairs("abcdef"), { fixedZero: ["ad", "bd"], paBounded: true }),
};
