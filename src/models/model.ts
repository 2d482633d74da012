/**
 * Kinetic models chosen with `-d`: the base name fixes the states and the exchange/population
 * parameters; suffixes `.rs` (per-residue kinetics), `.mf` (model-free rates) and `.tc`
 * (temperature coefficients of Δϖ) modify how spin parameters are built.
 *
 * @module
 */
import type { LocalSettings } from "../params/settings.ts";
import type { Conditions } from "../params/name.ts";
import { KINETIC_MODELS } from "./registry.ts";

/** A parsed `-d` value. */
export interface ModelSpec {
  readonly name: string;
  readonly states: readonly string[];
  readonly modelFree: boolean;
  readonly residueSpecific: boolean;
  readonly tempCoef: boolean;
}

/** A kinetic model: its local settings for the given sample conditions. */
export interface KineticModel {
  readonly name: string;
  readonly description: string;
  /** Conditions the model cannot work without. */
  readonly requires: readonly (keyof Conditions)[];
  settings(conditions: Conditions): LocalSettings;
}

/** Thrown for an unknown model name or suffix. */
export class ModelError extends Error {
  override name = "ModelError";
}

const ALIASES: Record<string, string> = { "3st_triangle": "3st", "2st_rs": "2st.rs" };

/**
 * Parse a model name such as `2st`, `2st.rs.mf` or `2st_rs`.
 *
 * @example
 * ```ts
 * parseModel("2st.mf").modelFree; // true
 * ```
 */
export function parseModel(text: string): ModelSpec {
  const lower = text.trim().toLowerCase();
  const expanded = ALIASES[lower.split(".")[0]]
    ? [ALIASES[lower.split(".")[0]], ...lower.split(".").slice(1)].join(".")
    : lower;
  const [base, ...suffixes] = expanded.split(".");
  const name = ALIASES[base] ?? base;
  if (!KINETIC_MODELS[name]) {
    throw new ModelError(
      `unknown model "${text}"; known models: ${Object.keys(KINETIC_MODELS).join(", ")}`,
    );
  }
  const bad = suffixes.filter((s) => !["rs", "mf", "tc"].includes(s));
  if (bad.length > 0) {
    throw new ModelError(
      `unknown model suffix ${
        bad.map((s) => `".${s}"`).join(", ")
      } in "${text}"; expected .rs, .mf or .tc`,
    );
  }
  const nstates = Number(name[0]);
  return {
    name,
    states: "abcdefgh".slice(0, nstates).split(""),
    modelFree: suffixes.includes("mf"),
    residueSpecific: suffixes.includes("rs"),
    tempCoef: suffixes.includes("tc"),
  };
}

/**
 * The kinetic model of a spec.
 *
 * @example
 * ```ts
 * kineticModel(parseModel("2st")).settings({}).kab.expr; // "{kex_ab} * {pb}"
 * ```
 */
export function kineticModel(spec: ModelSpec): KineticModel {
  return KINETIC_MODELS[spec.name];
}
