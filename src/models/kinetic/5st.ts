/** Five fully connected states. @module */
import type { KineticModel } from "../model.ts";
import { allPairs, nStateSettings } from "./_common.ts";

/** `5st`: every pair exchanges; KEX_AD and KEX_BD start fixed at 0 (inherited from `4st`). */
export const model5st: KineticModel = {
  name: "5st",
  description: "five states, all pairs (KEX_AD, KEX_BD fixed at 0 by default)",
  requires: [],
  settings: () =>
    nStateSettings("abcde", allPairs("abcde"), { fixedZero: ["ad", "bd"], paBounded: true }),
};
