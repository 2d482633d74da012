/**
 * Building blocks shared by the kinetic models: the condition sets parameters carry, the
 * exchange-rate definitions of the n-state models, population definitions through the
 * stationary-population functions, the Eyring and oligomer rate definitions, and access to
 * required conditions.
 *
 * @module
 */
import type { Conditions } from "../../params/name.ts";
import { type ConditionKey, type LocalSettings, setting } from "../../params/settings.ts";
import { ModelError } from "../errors.ts";
import { lit } from "../literal.ts";

/** Kinetic parameters carry every sample condition that can change them. */
export const TPL: readonly ConditionKey[] = ["temperature", "p_total", "l_total"];
/** Oligomerisation: temperature and protein concentration. */
export const TP: readonly ConditionKey[] = ["temperature", "p_total"];
/** Equilibrium and rate constants of binding: temperature only. */
export const T: readonly ConditionKey[] = ["temperature"];
/** Eyring enthalpies/entropies: the concentrations, not the temperature they describe. */
export const PL: readonly ConditionKey[] = ["p_total", "l_total"];

/**
 * A condition the model needs, or a clear error (load.ts checks `requires` first; this guards
 * direct calls).
 *
 * @example
 * ```ts
 * need({ p_total: 1e-3 }, "p_total", "2st_binding"); // 0.001
 * ```
 */
export function need(c: Conditions, key: keyof Conditions, model: string): number {
  const v = c[key];
  if (v === undefined || !Number.isFinite(v)) {
    throw new ModelError(`model "${model}" needs [conditions] ${key} in every experiment file`);
  }
  return v;
}

export { lit } from "../literal.ts";

/** `k_ij = kex_ij · p_j / (p_i + p_j)` (guarded against two empty states), as ChemEx writes it. */
export function kexToK(i: string, j: string): string {
  const kex = `{kex_${i < j ? i + j : j + i}}`;
  return `${kex} * {p${j}} / max({p${i}} + {p${j}}, 1e-100)`;
}

/**
 * The n-state model: populations PB, PC, … (0.02 each unless given), PA = 1 − Σ, exchange
 * constants KEX_ij for the listed pairs (value 200 and fitted unless listed in `fixedZero`)
 * and both rate constants of each pair.
 *
 * @example
 * ```ts
 * nStateSettings("abc", ["ab", "bc"]).kba.expr; // "{kex_ab} * {pa} / max({pb} + {pa}, 1e-100)"
 * ```
 */
export function nStateSettings(
  states: string,
  edges: readonly string[],
  opts: { fixedZero?: readonly string[]; paBounded?: boolean } = {},
): LocalSettings {
  const out: LocalSettings = {};
  for (const s of states.slice(1)) {
    out[`p${s}`] = setting(`P${s.toUpperCase()}`, {
      conds: TPL,
      value: 0.02,
      min: 0,
      max: 1,
      vary: true,
    });
  }
  for (const e of edges) {
    const zero = opts.fixedZero?.includes(e) ?? false;
    out[`kex_${e}`] = setting(`KEX_${e.toUpperCase()}`, {
      conds: TPL,
      value: zero ? 0 : 200,
      min: 0,
      vary: !zero,
    });
  }
  out.pa = setting("PA", {
    conds: TPL,
    expr: ["1.0", ...[...states.slice(1)].map((s) => `{p${s}}`)].join(" - "),
    ...(opts.paBounded ? { min: 0, max: 1 } : {}),
  });
  for (const e of edges) {
    const [i, j] = e;
    out[`k${i}${j}`] = setting(`K${i}${j}`.toUpperCase(), { conds: TPL, expr: kexToK(i, j) });
    out[`k${j}${i}`] = setting(`K${j}${i}`.toUpperCase(), { conds: TPL, expr: kexToK(j, i) });
  }
  return out;
}

/**
 * Every pair of `states`, in ChemEx's order (ab, ac, …, bc, …).
 *
 * @example
 * ```ts
 * allPairs("abc"); // ["ab", "ac", "bc"]
 * ```
 */
export function allPairs(states: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < states.length; i++) {
    for (let j = i + 1; j < states.length; j++) out.push(states[i] + states[j]);
  }
  return out;
}

/**
 * Population settings `p<state>` defined as the stationary populations of the rate constants
 * (`pop_<n>st_<state>(…)`); a pair listed in `absent` has no rate constants (written 0.0).
 *
 * @example
 * ```ts
 * populationSettings("ab", TP).pb.expr; // "pop_2st_b({kab}, {kba})"
 * ```
 */
export function populationSettings(
  states: string,
  conds: readonly ConditionKey[],
  opts: { absent?: readonly string[]; bounded?: boolean; part?: "g" } = {},
): LocalSettings {
  const args = allPairs(states).map(([i, j]) =>
    opts.absent?.includes(i + j) ? "0.0, 0.0" : `{k${i}${j}}, {k${j}${i}}`
  ).join(", ");
  const out: LocalSettings = {};
  for (const s of states) {
    out[`p${s}`] = setting(`P${s.toUpperCase()}`, {
      conds,
      part: opts.part ?? "",
      expr: `pop_${states.length}st_${s}(${args})`,
      ...(opts.bounded ? { min: 0, max: 1 } : {}),
    });
  }
  return out;
}

/**
 * Eyring rate definitions for every ordered pair of `states` present in `edges`: k_ij goes
 * from state i (ΔH_i, ΔS_i; zero for A, the reference) through the transition state of the
 * pair (DH_IJ, DS_IJ), at the experiment's temperature.
 *
 * @example
 * ```ts
 * eyringRateSettings("ab", ["ab"], 25).kba.expr;
 * // "eyring({dh_ab}, {ds_ab}, {dh_b}, {ds_b}, 25.0)"
 * ```
 */
export function eyringRateSettings(
  states: string,
  edges: readonly string[],
  celsius: number,
): LocalSettings {
  const out: LocalSettings = {};
  for (const i of states) {
    for (const j of states) {
      if (i === j) continue;
      const e = i < j ? i + j : j + i;
      if (!edges.includes(e)) continue;
      const from = i === "a" ? "0.0, 0.0" : `{dh_${i}}, {ds_${i}}`;
      out[`k${i}${j}`] = setting(`K${i}${j}`.toUpperCase(), {
        conds: TPL,
        min: 0,
        expr: `eyring({dh_${e}}, {ds_${e}}, ${from}, ${lit(celsius)})`,
      });
    }
  }
  return out;
}

/**
 * The `2st_monomer_<n-mer>` models: A = monomer, B = protomer in the n-mer, KOFF and KD fitted,
 * the free monomer and n-mer from the mass balance M + n·Mₙ = P_TOTAL with KD·[Mₙ] = [M]ⁿ.
 *
 * ChemEx 2026.09 (#763, #769): populations are the mass-balance fractions (P_A = [M]/P_TOTAL),
 * k_BA = KOFF and k_AB by detailed balance, KOFF·P_B/P_A = n·KOFF/KD·[M]ⁿ⁻¹ (the n-body
 * association; KON is not listed). KOFF = 0 freezes the exchange and keeps the composition.
 * ChemEx 2026.06.1 (`form = "2026.06"`): k_AB = n·KON·[M] with KON = KOFF/KD, populations the
 * stationary state of those rates (right for the dimer only).
 *
 * @example
 * ```ts
 * oligomerSettings(2, "C_DIMER", { p_total: 1e-3 }, "2st_monomer_dimer", "2026.06").kab.expr;
 * // "2.0 * {kon} * {c_monomer}"
 * ```
 */
export function oligomerSettings(
  n: number,
  complexName: string,
  c: Conditions,
  model: string,
  form: "2026.09" | "2026.06" = "2026.09",
): LocalSettings {
  const p = lit(need(c, "p_total", model));
  const common: LocalSettings = {
    koff: setting("KOFF", { conds: T, value: 100, min: 0, vary: true }),
    kd: setting("KD", { conds: T, value: 1e-6, min: 0, vary: true }),
    c_monomer: setting("C_MONOMER", { conds: TP, expr: `oligomer_monomer(${p}, {kd}, ${n})` }),
    [complexName.toLowerCase()]: setting(complexName, {
      conds: TP,
      expr: `oligomer_complex(${p}, {kd}, ${n})`,
    }),
  };
  if (form === "2026.06") {
    return {
      ...common,
      kon: setting("KON", { conds: T, min: 0, expr: "{koff} / max({kd}, 1e-32)" }),
      kab: setting("KAB", { conds: TP, expr: `${n}.0 * {kon} * {c_monomer}` }),
      kba: setting("KBA", { conds: TP, expr: "{koff}" }),
      ...populationSettings("ab", TP),
    };
  }
  return {
    ...common,
    pa: setting("PA", { conds: TP, expr: `{c_monomer} / ${p}` }),
    // From the n-mer itself, not 1 − P_A, so that a small P_B keeps its digits.
    pb: setting("PB", { conds: TP, expr: `${n}.0 * {${complexName.toLowerCase()}} / ${p}` }),
    kba: setting("KBA", { conds: TP, expr: "{koff}" }),
    kab: setting("KAB", { conds: TP, expr: "{koff} * {pb} / max({pa}, 5e-324)" }),
  };
}

/**
 * The monomer–dimer part of the `3st_monomer_dimer_<n-mer>` models: M + M ⇌ D (KD1, KOFF1) and
 * the second association (KD2, KOFF2), the free concentrations of monomer, dimer and the larger
 * complex (`<fn>_monomer|dimer|<complex>(P_TOTAL, KD1, KD2)`), and k_AB = 2·KON1·[M],
 * k_BA = KOFF1 (A = monomer, B = protomer in a dimer). The model adds its C-state rates.
 *
 * @example
 * ```ts
 * monomerDimerSettings({ p_total: 1e-3 }, "3st_monomer_dimer_trimer", "mdtrimer", "trimer")
 *   .c_trimer.expr; // "mdtrimer_trimer(0.001, {kd1}, {kd2})"
 * ```
 */
export function monomerDimerSettings(
  c: Conditions,
  model: string,
  fn: string,
  complex: string,
): LocalSettings {
  const p = lit(need(c, "p_total", model));
  const conc = (what: string) => `${fn}_${what}(${p}, {kd1}, {kd2})`;
  const out: LocalSettings = {
    kd1: setting("KD1", { conds: T, value: 1e-6, min: 0, vary: true }),
    kd2: setting("KD2", { conds: T, value: 1e-6, min: 0, vary: true }),
    koff1: setting("KOFF1", { conds: T, value: 100, min: 0, vary: true }),
    koff2: setting("KOFF2", { conds: T, value: 100, min: 0, vary: true }),
    kon1: setting("KON1", { conds: T, min: 0, expr: "{koff1} / max({kd1}, 1e-32)" }),
    kon2: setting("KON2", { conds: T, min: 0, expr: "{koff2} / max({kd2}, 1e-32)" }),
  };
  for (const what of ["monomer", "dimer", complex]) {
    out[`c_${what}`] = setting(`C_${what.toUpperCase()}`, { conds: TP, expr: conc(what) });
  }
  out.kab = setting("KAB", { conds: TP, expr: "2.0 * {kon1} * {c_monomer}" });
  out.kba = setting("KBA", { conds: TP, expr: "{koff1}" });
  return out;
}
