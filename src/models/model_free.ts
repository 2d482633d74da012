/**
 * The `.mf` suffix: every relaxation rate of every state becomes a definition over that
 * state's TAUC, S2 (and KHH for amide pairs) through the model-free spectral densities of
 * `src/nmr/rates.ts`. The definitions call expression functions named
 * `mf_<pair kind>_<rate>` (e.g. `mf_nh_d_r2_i(800.0, {tauc_a}, {s2_a}, {khh_a})`), one per
 * spin-pair kind (with `_d` for deuterated samples) and rate.
 *
 * @module
 */
import { RATE_NAMES } from "../nmr/rates.ts";
import { MODEL_FREE_KINDS } from "../params/functions.ts";
import type { LocalSettings } from "../params/settings.ts";
import { ModelError } from "./errors.ts";
import { lit } from "./literal.ts";

/** Pairs whose amide proton exchanges with water: their rates take KHH. */
const WATER_EXCHANGE = new Set(["nh", "hn"]);

/** What the model-free definitions of one experiment depend on. */
export interface ModelFreeContext {
  /** Spin-pair kind of the experiment's basis ("nh", "hn", "ch", "hc", "cn"). */
  pair: string;
  /** Label 2H: deuterated remote-proton distances. */
  deuterated: boolean;
  /** ¹H Larmor frequency (MHz), used unrounded. */
  hLarmorFrq: number | undefined;
  states: readonly string[];
}

/**
 * Replace, in place, the definitions of every relaxation rate of every state by its
 * model-free expression (the settings of the other parameters are left alone).
 *
 * @example
 * ```ts
 * applyModelFree(spins, { pair: "nh", deuterated: true, hLarmorFrq: 800, states: ["a", "b"] });
 * spins.r2_i_a.expr; // "mf_nh_d_r2_i(800.0, {tauc_a}, {s2_a}, {khh_a})"
 * ```
 */
export function applyModelFree(settings: LocalSettings, ctx: ModelFreeContext): void {
  const kind = `${ctx.pair}${ctx.deuterated ? "_d" : ""}`;
  if (!MODEL_FREE_KINDS.includes(kind)) {
    throw new ModelError(
      `model-free rates (.mf) need an experiment on a spin pair (${
        MODEL_FREE_KINDS.filter((k) => !k.endsWith("_d")).join(", ")
      }); this experiment has ${ctx.pair ? `"${ctx.pair}"` : "none"}`,
    );
  }
  if (ctx.hLarmorFrq === undefined || !Number.isFinite(ctx.hLarmorFrq)) {
    throw new ModelError("model-free rates (.mf) need [conditions] h_larmor_frq");
  }
  const h = lit(ctx.hLarmorFrq);
  for (const s of ctx.states) {
    const khh = WATER_EXCHANGE.has(ctx.pair) ? `, {khh_${s}}` : "";
    for (const rate of RATE_NAMES) {
      const st = settings[`${rate}_${s}`];
      if (st) st.expr = `mf_${kind}_${rate}(${h}, {tauc_${s}}, {s2_${s}}${khh})`;
    }
  }
}
