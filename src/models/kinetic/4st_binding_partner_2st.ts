/** Binding of a two-form ligand with a further bound-state transition. @module */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import { lit, need, T, TPL } from "./_common.ts";

/**
 * `4st_binding_partner_2st`: as `3st_binding_partner_2st` ([L2] = KEQ_L·[L1]; P + L1 ⇌ PL1,
 * P + L2 ⇌ PL2, PL1 ⇌ PL2 with KEX_BC) plus PL2 ⇌ PL3 ([PL3] = KEQ_PL·[PL2], KEX_CD);
 * A = P, B = PL1, C = PL2, D = PL3. One 1:1 binding with
 * Kd = (1 + KEQ_L)/(1/KD_AB + KEQ_L·(1 + KEQ_PL)/KD_AC) gives the free and total bound
 * concentrations; the bound ligand splits as KD_AC : KEQ_L·KD_AB : KEQ_L·KEQ_PL·KD_AB.
 * (ChemEx 2026.06 registers L2_FREE under the name L1_FREE, so both on-rates use [L2].)
 */
export const model4stBindingPartner2st: KineticModel = {
  name: "4st_binding_partner_2st",
  description: "ligand L1 <-> L2, P + L1 <-> PL1, P + L2 <-> PL2 <-> PL3 (A = P, ..., D = PL3)",
  requires: ["p_total", "l_total"],
  settings: (c) => {
    const p = lit(need(c, "p_total", "4st_binding_partner_2st"));
    const l = lit(need(c, "l_total", "4st_binding_partner_2st"));
    const kd = "(1 + {keq_l}) / (1 / {kd_ab} + {keq_l} * (1 + {keq_pl}) / {kd_ac})";
    const lFree = `binding_free(${l}, ${p}, ${kd})`;
    const bound = `binding_complex(${p}, ${l}, ${kd})`;
    const split = "({kd_ac} + {keq_l} * {kd_ab} * (1 + {keq_pl}))";
    const ratio = (i: string, j: string, k: string) =>
      `{kex_${k}} * {pl${j}} / max({pl${i}} + {pl${j}}, 1e-100)`;
    return {
      koff_ab: setting("KOFF_AB", { conds: T, value: 100, min: 0, vary: true }),
      kd_ab: setting("KD_AB", { conds: T, value: 1e-3, min: 0, vary: true }),
      koff_ac: setting("KOFF_AC", { conds: T, value: 100, min: 0, vary: true }),
      kd_ac: setting("KD_AC", { conds: T, value: 1e-3, min: 0, vary: true }),
      keq_l: setting("KEQ_L", { conds: T, value: 1, min: 0, vary: true }),
      keq_pl: setting("KEQ_PL", { conds: T, value: 1, min: 0, vary: true }),
      kex_bc: setting("KEX_BC", { conds: T, value: 1e3, min: 0, vary: true }),
      kex_cd: setting("KEX_CD", { conds: T, value: 1e3, min: 0, vary: true }),
      kon_ab: setting("KON_AB", { conds: T, expr: "{koff_ab} / max({kd_ab}, 1e-100)" }),
      kon_ac: setting("KON_AC", { conds: T, expr: "{koff_ac} / max({kd_ac}, 1e-100)" }),
      p_free: setting("P_FREE", { conds: TPL, expr: `binding_free(${p}, ${l}, ${kd})` }),
      l1_free: setting("L1_FREE", { conds: TPL, expr: `${lFree} / (1 + {keq_l})` }),
      l2_free: setting("L2_FREE", { conds: TPL, expr: `{keq_l} * ${lFree} / (1 + {keq_l})` }),
      pl1: setting("PL1", { conds: TPL, expr: `${bound} * {kd_ac} / ${split}` }),
      pl2: setting("PL2", { conds: TPL, expr: `${bound} * {keq_l} * {kd_ab} / ${split}` }),
      pl3: setting("PL3", {
        conds: TPL,
        expr: `${bound} * {keq_l} * {keq_pl} * {kd_ab} / ${split}`,
      }),
      kab: setting("KAB", { conds: TPL, expr: "{kon_ab} * {l1_free}" }),
      kba: setting("KBA", { conds: TPL, expr: "{koff_ab}" }),
      kac: setting("KAC", { conds: TPL, expr: "{kon_ac} * {l2_free}" }),
      kca: setting("KCA", { conds: TPL, expr: "{koff_ac}" }),
      kbc: setting("KBC", { conds: TPL, expr: ratio("1", "2", "bc") }),
      kcb: setting("KCB", { conds: TPL, expr: ratio("2", "1", "bc") }),
      kcd: setting("KCD", { conds: TPL, expr: ratio("2", "3", "cd") }),
      kdc: setting("KDC", { conds: TPL, expr: ratio("3", "2", "cd") }),
      pa: setting("PA", { conds: TPL, expr: `{p_free} / ${p}` }),
      pb: setting("PB", { conds: TPL, expr: `{pl1} / ${p}` }),
      pc: setting("PC", { conds: TPL, expr: `{pl2} / ${p}` }),
      pd: setting("PD", { conds: TPL, expr: `{pl3} / ${p}` }),
    };
  },
};
