/**
 * Kinetic models chosen with `-d`: the base name fixes the states and the exchange/population
 * parameters; suffixes `.rs` (per-residue kinetics), `.mf` (model-free rates) and `.tc`
 * (temperature coefficients of Δϖ) modify how parameters are built.
 *
 * @module
 */
import type { LocalSettings } from "../params/settings.ts";
import type { Conditions } from "../params/name.ts";
import { KINETIC_MODELS, LEGACY_MODELS_2026_06 } from "./registry.ts";
import { ModelError } from "./errors.ts";

/** A parsed `-d` value. */
export interface ModelSpec {
  readonly name: string;
  readonly states: readonly string[];
  readonly modelFree: boolean;
  readonly residueSpecific: boolean;
  readonly tempCoef: boolean;
  /**
   * `.tc` parameterisation: `"tref"` (newest ChemEx: TREF, CS0/CS1, DW0/DW1; the default) or
   * `"dwp"` (ChemEx 2026.06–2026.09.1: DWP/DWM). Chosen at load time from the parameter files
   * (`src/io/tc_form.ts`).
   */
  readonly tcForm?: "tref" | "dwp";
}

/** A kinetic model: its local settings for the given sample conditions. */
export interface KineticModel {
  readonly name: string;
  readonly description: string;
  /** Conditions the model cannot work without. */
  readonly requires: readonly (keyof Conditions)[];
  /**
   * Local names that stay global with `.rs` (ChemEx's `allow_residue_specific=False`, e.g. the
   * D2O fraction of the H/D models); every other setting without a spin part becomes
   * per-residue.
   */
  readonly globalOnly?: readonly string[];
  settings(conditions: Conditions): LocalSettings;
}

export { ModelError } from "./errors.ts";

const ALIASES: Readonly<Record<string, string>> = {
  "3st_triangle": "3st",
  "2st_rs": "2st.rs",
  "3st_eyring": "3st_eyring_linear",
};

/** Suffix of the internal name of a model kept as ChemEx 2026.06.1 defined it. */
const LEGACY_SUFFIX = "@2026.06";

/**
 * Parse a model name such as `2st`, `2st.rs.mf` or `2st_rs` (suffixes in any order).
 *
 * @example
 * ```ts
 * parseModel("2st.mf").modelFree; // true
 * parseModel("3st_triangle").name; // "3st"
 * ```
 */
export function parseModel(
  text: string,
  compat: "2026.06" | "2026.09" = "2026.09",
): ModelSpec {
  const [first, ...rest] = text.trim().toLowerCase().split(".");
  if (compat === "2026.06" && Object.hasOwn(LEGACY_MODELS_2026_06, first)) {
    const spec = parseModel([first === "3st_eyring" ? "3st" : first, ...rest].join("."));
    return { ...spec, name: `${first}${LEGACY_SUFFIX}` };
  }
  const [base, ...aliasSuffixes] = (Object.hasOwn(ALIASES, first) ? ALIASES[first] : first)
    .split(".");
  const suffixes = [...aliasSuffixes, ...rest];
  if (!Object.hasOwn(KINETIC_MODELS, base)) {
    throw new ModelError(
      `unknown model "${text}"; known models: ${
        [...Object.keys(KINETIC_MODELS), ...Object.keys(ALIASES)].sort().join(", ")
      }`,
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
  const nstates = Number(base[0]);
  return {
    name: base,
    states: "abcdefgh".slice(0, nstates).split(""),
    modelFree: suffixes.includes("mf"),
    residueSpecific: suffixes.includes("rs"),
    tempCoef: suffixes.includes("tc"),
  };
}

/**
 * Whether `name` is the name of a parsed model spec: a kinetic model of the catalogue, or one kept
 * for `--compat 2026.06` (`3st_eyring@2026.06`, …).
 *
 * @example
 * ```ts
 * isModelName(parseModel("4st", "2026.06").name); // true
 * isModelName("2st.rs"); // false: a spec's name has no suffixes
 * ```
 */
export function isModelName(name: string): boolean {
  if (Object.hasOwn(KINETIC_MODELS, name)) return true;
  return name.endsWith(LEGACY_SUFFIX) &&
    Object.hasOwn(LEGACY_MODELS_2026_06, name.slice(0, -LEGACY_SUFFIX.length));
}

/**
 * The kinetic model of a spec, with its suffixes applied: `.rs` moves every setting without a
 * spin part (except the model's `globalOnly`) to the residue ("g"); `.tc` adds temperature and
 * `.mf` the ¹H Larmor frequency to the required conditions.
 *
 * @example
 * ```ts
 * kineticModel(parseModel("2st")).settings({}).kab.expr; // "{kex_ab} * {pb}"
 * kineticModel(parseModel("2st.rs")).settings({}).pb.part; // "g"
 * ```
 */
export function kineticModel(spec: ModelSpec): KineticModel {
  const base = KINETIC_MODELS[spec.name] ??
    (spec.name.endsWith(LEGACY_SUFFIX)
      ? LEGACY_MODELS_2026_06[spec.name.slice(0, -LEGACY_SUFFIX.length)]
      : undefined);
  if (!base) throw new ModelError(`unknown model "${spec.name}"`);
  if (!spec.residueSpecific && !spec.tempCoef && !spec.modelFree) return base;
  const requires = [...base.requires];
  if (spec.tempCoef && !requires.includes("temperature")) requires.push("temperature");
  if (spec.modelFree && !requires.includes("h_larmor_frq")) requires.push("h_larmor_frq");
  return {
    ...base,
    requires,
    settings: (conditions) => {
      const settings = base.settings(conditions);
      if (!spec.residueSpecific) return settings;
      const keep = new Set(base.globalOnly ?? []);
      const out: LocalSettings = {};
      for (const [name, st] of Object.entries(settings)) {
        out[name] = st.part === "" && !keep.has(name) ? { ...st, part: "g" } : st;
      }
      return out;
    },
  };
}

/** Placeholder conditions to list a model's parameters without an experiment. */
const SAMPLE_CONDITIONS: Conditions = {
  temperature: 25,
  h_larmor_frq: 600,
  p_total: 1e-3,
  l_total: 1e-3,
  d2o: 0.1,
};

function compact(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential().replace("e+", "e") : String(v);
}

/** One line of the model catalogue. */
export interface ModelSummary {
  name: string;
  description: string;
  requires: readonly string[];
  /** Independent parameters: NAME=default, "*" when fitted by default. */
  parameters: string[];
}

/**
 * Every model with its independent parameters and required conditions (for `--help` and docs).
 *
 * @example
 * ```ts
 * modelCatalogue().find((m) => m.name === "2st")!.parameters; // ["KEX_AB=200*", "PB=0.05*"]
 * ```
 */
export function modelCatalogue(): ModelSummary[] {
  return Object.values(KINETIC_MODELS).map((m) => ({
    name: m.name,
    description: m.description,
    requires: m.requires,
    parameters: Object.values(m.settings(SAMPLE_CONDITIONS))
      .filter((s) => s.expr === "")
      .map((s) => `${s.name}=${compact(s.value)}${s.vary ? "*" : ""}`),
  }));
}

/**
 * The catalogue as help text: one line per model (name, scheme, required conditions) and an
 * indented line with its independent parameters and defaults ("*" = fitted by default).
 *
 * @example
 * ```ts
 * modelHelp().split("\n")[0]; // "  1st  one state, no exchange"
 * ```
 */
export function modelHelp(): string {
  const models = modelCatalogue();
  const width = Math.max(...models.map((m) => m.name.length));
  return models.flatMap((m) => {
    const needs = m.requires.length > 0 ? ` [needs ${m.requires.join(", ")}]` : "";
    const head = `  ${m.name.padEnd(width)}  ${m.description}${needs}`;
    return m.parameters.length > 0
      ? [head, `  ${" ".repeat(width)}    ${m.parameters.join(" ")}`]
      : [head];
  }).join("\n");
}
