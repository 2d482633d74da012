/**
 * Spin (relaxation, shift, coupling) parameter settings of one profile, with ChemEx's default
 * ties: minor-state parameters equal the state-A ones, CS_X = CS_A + DW_AX, and the
 * anti-phase/longitudinal-order rates follow from the in-phase ones unless the data free them.
 *
 * @module
 */
import { J_COUPLINGS } from "../nmr/constants.ts";
import { RATE_NAMES } from "../nmr/rates.ts";
import type { ModelSpec } from "./model.ts";
import { lit } from "./literal.ts";
import {
  type ConditionKey,
  dependencies,
  type LocalSettings,
  setting,
} from "../params/settings.ts";

const TB: readonly ConditionKey[] = ["temperature", "h_larmor_frq"];
const T: readonly ConditionKey[] = ["temperature"];

/** What the spin settings depend on. */
export interface SpinSettingsContext {
  model: ModelSpec;
  /** Spin pair kind: "nh", "hn", "ch", "hc", "cn" (or "" for none). */
  pair: string;
  /** "", "dq" or "tq": inserted in the I-spin rate names (R2DQ_A, …). */
  extension: string;
  /** Needed only for `.tc`. */
  temperature?: number;
}

function baseSettings(ctx: SpinSettingsContext, s: string): LocalSettings {
  const S = s.toUpperCase();
  const ext = ctx.extension.toUpperCase();
  const out: LocalSettings = {
    [`tauc_${s}`]: setting(`TAUC_${S}`, { part: "g", conds: T, value: 4.0, min: 0 }),
    [`s2_${s}`]: setting(`S2_${S}`, { part: "g", conds: T, value: 0.9, min: 0 }),
    [`khh_${s}`]: setting(`KHH_${S}`, { part: "g", conds: T, value: 0 }),
    [`r2_i_${s}`]: setting(`R2${ext}_${S}`, { part: "i", conds: TB, value: 10, min: 0 }),
    [`r2_s_${s}`]: setting(`R2_${S}`, { part: "s", conds: TB, value: 10, min: 0 }),
    [`r1_i_${s}`]: setting(`R1${ext}_${S}`, { part: "i", conds: TB, value: 1.5, min: 0 }),
    [`r1_s_${s}`]: setting(`R1_${S}`, { part: "s", conds: TB, value: 1.5, min: 0 }),
    [`r2a_i_${s}`]: setting(`R2A${ext}_${S}`, {
      part: "i",
      conds: TB,
      value: 12,
      min: 0,
      expr: `{r2_i_${s}} - {r1_s_${s}}`,
    }),
    [`r2a_s_${s}`]: setting(`R2A_${S}`, {
      part: "s",
      conds: TB,
      value: 12,
      min: 0,
      expr: `{r2_s_${s}} - {r1_i_${s}}`,
    }),
    [`r2mq_is_${s}`]: setting(`R2MQ_${S}`, { part: "is", conds: TB, value: 15, min: 0 }),
    [`r1a_is_${s}`]: setting(`R1A${ext}_${S}`, {
      part: "is",
      conds: TB,
      value: 4,
      min: 0,
      expr: `{r1_i_${s}} + {r1_s_${s}}`,
    }),
    [`etaxy_i_${s}`]: setting(`ETAXY${ext}_${S}`, { part: "i", conds: TB }),
    [`etaxy_s_${s}`]: setting(`ETAXY_${S}`, { part: "s", conds: TB }),
    [`etaz_i_${s}`]: setting(`ETAZ${ext}_${S}`, { part: "i", conds: TB }),
    [`etaz_s_${s}`]: setting(`ETAZ_${S}`, { part: "s", conds: TB }),
    [`sigma_is_${s}`]: setting(`SIGMA_${S}`, { part: "is", conds: TB }),
    [`mu_is_${s}`]: setting(`MU_${S}`, { part: "is", conds: TB }),
    [`cs_i_${s}`]: setting(`CS_${S}`, { part: "i", conds: T }),
    [`cs_s_${s}`]: setting(`CS_${S}`, { part: "s", conds: T }),
    [`j_is_${s}`]: setting(`J_${S}`, { part: "is", value: J_COUPLINGS[ctx.pair] ?? 0 }),
    [`d_${s}`]: setting(`D_${S}`, { conds: T }),
  };
  // Amide protons exchange with water, which relaxes anti-phase terms independently of R1.
  if (ctx.pair === "hn") {
    out[`r2a_s_${s}`].expr = `{r2_s_${s}} + {r1a_is_${s}} - {r1_s_${s}}`;
  } else if (ctx.pair === "nh") {
    out[`r2a_i_${s}`].expr = `{r2_i_${s}} + {r1a_is_${s}} - {r1_i_${s}}`;
    out[`r1a_is_${s}`].expr = "";
  }
  if (s !== "a") {
    for (const [name, st] of Object.entries(out)) {
      if (!st.expr) st.expr = `{${name.slice(0, -1)}a}`;
    }
    const dwOpts = { conds: T, value: 0, min: -100, max: 100, vary: true } as const;
    out[`dw_i_a${s}`] = setting(`DW_A${S}`, { part: "i", ...dwOpts });
    out[`dw_s_a${s}`] = setting(`DW_A${S}`, { part: "s", ...dwOpts });
    out[`cs_i_${s}`].expr = `{cs_i_a} + {dw_i_a${s}}`;
    out[`cs_s_${s}`].expr = `{cs_s_a} + {dw_s_a${s}}`;
  }
  if (ctx.model.tempCoef) {
    if (ctx.model.tcForm === "dwp") addDwpDwm(out, s, ctx.temperature ?? 0);
    else addTrefForm(out, s, ctx.temperature ?? 0);
  }
  return out;
}

/**
 * `.tc` as ChemEx 2026.06–2026.09.1 wrote it: DW_AX(T) = DWP_AX + T·DWM_AX (T in °C), CS_A
 * constant.
 */
function addDwpDwm(out: LocalSettings, s: string, temp: number): void {
  if (s === "a") return;
  const S = s.toUpperCase();
  for (const spin of ["i", "s"] as const) {
    out[`dwm_${spin}_a${s}`] = setting(`DWM_A${S}`, {
      part: spin,
      value: 0,
      min: -1,
      max: 1,
      vary: true,
    });
    out[`dwp_${spin}_a${s}`] = setting(`DWP_A${S}`, {
      part: spin,
      value: 0,
      min: -100,
      max: 100,
      vary: true,
    });
    const dw = out[`dw_${spin}_a${s}`];
    dw.vary = false;
    dw.expr = `{dwp_${spin}_a${s}} + ${temp} * {dwm_${spin}_a${s}}`;
  }
}

/**
 * `.tc` as the newest ChemEx writes it (spec §6.6): with dT = T − TREF,
 * CS_A = CS0_A + CS1_A·dT and DW_AX = DW0_AX + DW1_AX·dT. TREF is one global constant (25 °C
 * unless a parameter file sets it), CS0/CS1 take the role the experiment gives CS_A (fixed
 * unless it fits shifts), DW0/DW1 are fitted.
 */
function addTrefForm(out: LocalSettings, s: string, temp: number): void {
  const dT = `(${lit(temp)} - {tref})`;
  for (const spin of ["i", "s"] as const) {
    if (s === "a") {
      out.tref = setting("TREF", { value: 25, min: -273.15, max: 1000 });
      out[`cs0_${spin}_a`] = setting("CS0_A", { part: spin, value: 0, min: -100, max: 300 });
      out[`cs1_${spin}_a`] = setting("CS1_A", { part: spin, value: 0, min: -1, max: 1 });
      out[`cs_${spin}_a`].expr = `{cs0_${spin}_a} + {cs1_${spin}_a} * ${dT}`;
      continue;
    }
    const S = s.toUpperCase();
    const opts = { part: spin, value: 0, vary: true } as const;
    out[`dw0_${spin}_a${s}`] = setting(`DW0_A${S}`, { ...opts, min: -100, max: 100 });
    out[`dw1_${spin}_a${s}`] = setting(`DW1_A${S}`, { ...opts, min: -1, max: 1 });
    const dw = out[`dw_${spin}_a${s}`];
    dw.vary = false;
    dw.expr = `{dw0_${spin}_a${s}} + {dw1_${spin}_a${s}} * ${dT}`;
  }
}

/** Names of the model-free functions a rate name maps to (local name without the state). */
export const MODEL_FREE_RATES: readonly string[] = RATE_NAMES;

/**
 * All spin settings of all states (before selecting what the basis needs).
 *
 * @example
 * ```ts
 * const s = allSpinSettings({ model, pair: "nh", extension: "" });
 * s.cs_i_b.expr; // "{cs_i_a} + {dw_i_ab}"
 * ```
 */
export function allSpinSettings(ctx: SpinSettingsContext): LocalSettings {
  const out: LocalSettings = {};
  for (const s of ctx.model.states) Object.assign(out, baseSettings(ctx, s));
  return out;
}

/**
 * Keep the settings whose names are required (Liouvillian terms and populations), plus every
 * setting their definitions depend on.
 *
 * @example
 * ```ts
 * selectRelevant(all, new Set(["r2_i_a", "pa"]));
 * ```
 */
export function selectRelevant(all: LocalSettings, required: Set<string>): LocalSettings {
  const pool = [...required].filter((n) => n in all);
  const chosen = new Set<string>();
  while (pool.length > 0) {
    const name = pool.pop()!;
    if (chosen.has(name)) continue;
    chosen.add(name);
    for (const d of dependencies(all[name].expr)) if (!chosen.has(d)) pool.push(d);
  }
  const out: LocalSettings = {};
  for (const name of Object.keys(all)) if (chosen.has(name)) out[name] = all[name];
  return out;
}
