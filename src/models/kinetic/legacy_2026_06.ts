/**
 * The kinetic models as ChemEx 2026.06.1 defined them where 2026.09 changed their inputs
 * (`--compat 2026.06`): `3st_binding_cs`/`3st_binding_if` with the rate pair KAB/KBA or KBC/KCB
 * as inputs, `3st_eyring` with a closed A ⇌ C transition state (DH_AC = 1e10 J/mol), and
 * `4st`/`5st`/`6st` with KEX_AD, KEX_BD fixed at 0, and the `2st_monomer_<n-mer>` models with
 * k_AB = n·KON·[M] and populations from the rates.
 *
 * @module
 */
import type { KineticModel } from "../model.ts";
import { setting } from "../../params/settings.ts";
import {
  allPairs,
  eyringRateSettings,
  lit,
  need,
  nStateSettings,
  oligomerSettings,
  PL,
  populationSettings,
  T,
  TPL,
} from "./_common.ts";

/**
 * `3st_binding_cs`: P1 ⇌ P2 (KAB, KBA) and P2 + L ⇌ P2L (KD_BC, KOFF_BC); A = P1, B = P2,
 * C = P2L. The fitted KD_APP = [P1 + P2][L]/[P2L] fixes KD_BC = KD_APP·KAB/(KAB + KBA). The
 * free ligand is the closed-form 1:1 binding solution with the apparent constant rebuilt from
 * KD_BC, KAB, KBA (the parameters ChemEx's solver uses, so a user value for KD_BC acts the same).
 */
export const model3stBindingCs202606: KineticModel = {
  name: "3st_binding_cs",
  description: "conformational selection P1 <-> P2, P2 + L <-> P2L (A = P1, B = P2, C = P2L)",
  requires: ["p_total", "l_total"],
  settings: (c) => {
    const p = lit(need(c, "p_total", "3st_binding_cs"));
    const l = lit(need(c, "l_total", "3st_binding_cs"));
    return {
      kab: setting("KAB", { conds: T, value: 100, min: 0, vary: true }),
      kba: setting("KBA", { conds: T, value: 100, min: 0, vary: true }),
      koff_bc: setting("KOFF_BC", { conds: T, value: 100, min: 0, vary: true }),
      kd_app: setting("KD_APP", { conds: T, value: 1e-6, min: 0, vary: true }),
      kd_bc: setting("KD_BC", {
        conds: T,
        expr: "{kd_app} * {kab} / max({kab} + {kba}, 1e-16)",
      }),
      kon_bc: setting("KON_BC", { conds: T, expr: "{koff_bc} / max({kd_bc}, 1e-16)" }),
      c_l: setting("C_L", {
        conds: TPL,
        expr: `binding_free(${l}, ${p}, {kd_bc} * ({kab} + {kba}) / max({kab}, 1e-100))`,
      }),
      kbc: setting("KBC", { conds: TPL, expr: "{kon_bc} * {c_l}" }),
      kcb: setting("KCB", { conds: TPL, expr: "{koff_bc}" }),
      ...populationSettings("abc", TPL, { absent: ["ac"] }),
    };
  },
};

/**
 * `3st_binding_if`: P + L ⇌ PL1 (KD_AB, KOFF_AB) and PL1 ⇌ PL2 (KBC, KCB); A = P, B = PL1,
 * C = PL2. The fitted KD_APP = [P][L]/[PL1 + PL2] fixes KD_AB = KD_APP·(1 + KBC/KCB). The free
 * ligand is the closed-form 1:1 binding solution with the apparent constant rebuilt from KD_AB,
 * KBC, KCB (the parameters ChemEx's solver uses).
 */
export const model3stBindingIf202606: KineticModel = {
  name: "3st_binding_if",
  description: "induced fit P + L <-> PL1 <-> PL2 (A = P, B = PL1, C = PL2)",
  requires: ["p_total", "l_total"],
  settings: (c) => {
    const p = lit(need(c, "p_total", "3st_binding_if"));
    const l = lit(need(c, "l_total", "3st_binding_if"));
    return {
      kd_app: setting("KD_APP", { conds: T, value: 1e-3, min: 0, vary: true }),
      koff_ab: setting("KOFF_AB", { conds: T, value: 100, min: 0, vary: true }),
      kbc: setting("KBC", { conds: T, value: 100, min: 0, vary: true }),
      kcb: setting("KCB", { conds: T, value: 100, min: 0, vary: true }),
      kd_ab: setting("KD_AB", { conds: T, expr: "{kd_app} * (1 + {kbc} / {kcb})" }),
      kon_ab: setting("KON_AB", { conds: T, expr: "{koff_ab} / max({kd_ab}, 1e-100)" }),
      c_l: setting("C_L", {
        conds: TPL,
        expr: `binding_free(${l}, ${p}, {kd_ab} * {kcb} / max({kbc} + {kcb}, 1e-100))`,
      }),
      kab: setting("KAB", { conds: TPL, expr: "{kon_ab} * {c_l}" }),
      kba: setting("KBA", { conds: TPL, expr: "{koff_ab}" }),
      ...populationSettings("abc", TPL, { absent: ["ac"] }),
    };
  },
};

/**
 * `3st_eyring`: A, B, C with DH_B, DH_C (fitted), transition states DH_AB, DH_BC (fitted) and
 * DH_AC = 1e10 J/mol (fixed: no direct A ⇌ C); all entropies fixed at 0. With that default the
 * A ⇌ C rates underflow to exactly 0, which is their correct value (ChemEx 2026.06 aborts on the
 * underflow instead).
 */
export const model3stEyring202606: KineticModel = {
  name: "3st_eyring",
  description: "A <-> B <-> C (<-> A), rates from enthalpies/entropies (Eyring)",
  requires: ["temperature"],
  settings: (c) => ({
    dh_b: setting("DH_B", { conds: PL, value: 8e3, vary: true }),
    dh_c: setting("DH_C", { conds: PL, value: 8e3, vary: true }),
    dh_ab: setting("DH_AB", { conds: PL, value: 6.5e4, vary: true }),
    dh_bc: setting("DH_BC", { conds: PL, value: 6.5e4, vary: true }),
    dh_ac: setting("DH_AC", { conds: PL, value: 1e10 }),
    ds_b: setting("DS_B", { conds: PL }),
    ds_c: setting("DS_C", { conds: PL }),
    ds_ab: setting("DS_AB", { conds: PL }),
    ds_bc: setting("DS_BC", { conds: PL }),
    ds_ac: setting("DS_AC", { conds: PL }),
    ...eyringRateSettings("abc", ["ab", "ac", "bc"], need(c, "temperature", "3st_eyring")),
    ...populationSettings("abc", TPL, { bounded: true }),
  }),
};

/** `4st`, `5st`, `6st` of 2026.06.1: KEX_AD and KEX_BD start fixed at 0. */
function nStateLegacy(states: string): KineticModel {
  return {
    name: `${states.length}st`,
    description: `${states.length} states, all pairs (KEX_AD, KEX_BD fixed at 0 by default)`,
    requires: [],
    settings: () =>
      nStateSettings(states, allPairs(states), { fixedZero: ["ad", "bd"], paBounded: true }),
  };
}

/** `4st` of ChemEx 2026.06.1. */
export const model4st202606: KineticModel = nStateLegacy("abcd");
/** `5st` of ChemEx 2026.06.1. */
export const model5st202606: KineticModel = nStateLegacy("abcde");
/** `6st` of ChemEx 2026.06.1. */
export const model6st202606: KineticModel = nStateLegacy("abcdef");

/** The `2st_monomer_<n-mer>` models of ChemEx 2026.06.1: k_AB = n·KON·[M], KON listed. */
function oligomerLegacy(n: number, what: string): KineticModel {
  const name = `2st_monomer_${what}`;
  return {
    name,
    description: `monomer (A) <-> ${what} (B) (k_AB = ${n}·KON·[M])`,
    requires: ["p_total"],
    settings: (c) => oligomerSettings(n, `C_${what.toUpperCase()}`, c, name, "2026.06"),
  };
}

/** `2st_monomer_dimer` of ChemEx 2026.06.1. */
export const model2stMonomerDimer202606: KineticModel = oligomerLegacy(2, "dimer");
/** `2st_monomer_trimer` of ChemEx 2026.06.1. */
export const model2stMonomerTrimer202606: KineticModel = oligomerLegacy(3, "trimer");
/** `2st_monomer_tetramer` of ChemEx 2026.06.1. */
export const model2stMonomerTetramer202606: KineticModel = oligomerLegacy(4, "tetramer");
