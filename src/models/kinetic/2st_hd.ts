/** Hydrogen/deuterium exchange of one site. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { T } from "./_common.ts";

/**
 * `2st_hd`: A = protonated (NH), B = deuterated (ND) site, per residue. k_AB = D2O·KDH·PHI,
 * k_BA = (1 − D2O)·KDH, with PHI the fractionation factor. D2O is the sample's [conditions]
 * d2o (0.1 when absent, as in ChemEx) and is never residue-specific.
 */
export const model2stHd: KineticModel = {
  name: "2st_hd",
  description: "H/D exchange NH (A) <-> ND (B) per residue",
  requires: [],
  globalOnly: ["d2o"],
  settings: (c) => {
    const tdc = ["temperature", "d2o"] as const;
    return {
      d2o: setting("D2O", { conds: ["d2o"], value: c.d2o ?? 0.1, min: 0, max: 1 }),
      kdh: setting("KDH", { part: "g", conds: T, value: 1, min: 0, vary: true }),
      phi: setting("PHI", { part: "g", conds: T, value: 1.1, min: 0.75, max: 1.5 }),
      kab: setting("KAB", { part: "g", conds: tdc, min: 0, expr: "{d2o} * {kdh} * {phi}" }),
      kba: setting("KBA", { part: "g", conds: tdc, expr: "(1.0 - {d2o}) * {kdh}" }),
      pa: setting("PA", { part: "g", conds: tdc, expr: "pop_2st_a({kab}, {kba})" }),
      pb: setting("PB", { part: "g", conds: tdc, expr: "pop_2st_b({kab}, {kba})" }),
    };
  },
};
