/**
 * The schema language of the experiment catalog: which `[experiment]` keys an experiment type
 * accepts (types, defaults, ranges), its family, and the `[conditions]` it reads. Experiment
 * modules declare their schema with these types; `src/config/experiment.ts` validates files
 * against them. Plain data, no I/O.
 *
 * @module
 */

/** Value types an experiment key can have. */
export type KeyType = "number" | "integer" | "boolean" | "string" | "state" | "states" | "table";

/**
 * Description of one `[experiment]` key of an experiment type.
 *
 * * `aliases`: other spellings accepted for the key (stored under the canonical name); giving two
 *   spellings with different values is an error.
 * * `legacy`: the key is accepted for old files; its value is kept in `settings` (so that it can
 *   be mapped) and a notice is recorded.
 * * min/max (with the exclusive flags) apply to `number` and `integer`; `NaN` never satisfies a
 *   bound.
 */
export interface KeySpec {
  type: KeyType;
  required?: boolean;
  default?: unknown;
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  aliases?: string[];
  legacy?: boolean;
}

/**
 * The keys an experiment type accepts in `[experiment]` (besides the common `name`,
 * `observed_state`, `start_state` and the legacy `cs_evolution_prior`/`detect_all_states`).
 *
 * A `filter_ref_planes` entry in `keys` is not an `[experiment]` key: its `default` gives the
 * default of `[data] filter_ref_planes` for this experiment type.
 */
export interface ExperimentSchema {
  name: string;
  family: "cpmg" | "cest" | "relaxation" | "shift" | "exsy" | "r1rho";
  keys: Record<string, KeySpec>;
  /** Without `start_state`, start from the observed state(s) instead of equilibrium. */
  defaultStartFromObserved?: boolean;
}

/** `[conditions]` of an experiment file. */
export interface ExperimentConditions {
  /** 1H Larmor frequency, MHz (>= 0). */
  h_larmor_frq?: number;
  /** Temperature, °C. */
  temperature?: number;
  /** Total protein concentration, M (>= 0). */
  p_total?: number;
  /** Total ligand concentration, M (>= 0). */
  l_total?: number;
  /** D2O fraction, 0 < x < 1. */
  d2o?: number;
  /** Isotope labels, canonical spelling `"1H"`, `"2H"`, `"13C"`, `"15N"`, in file order. */
  label: string[];
}

/**
 * Schema keys every experiment with a B1 distribution accepts: the nominal field (`b1_frq`, or
 * `pw90` giving 1/(4·pw90)), the distribution table and the legacy Gaussian keys. Experiments
 * that require `b1_frq` override that entry.
 *
 * @example
 * ```ts
 * const keys = { time_t1: { type: "number", required: true, min: 0 }, ...b1Keys() };
 * ```
 */
export function b1Keys(): Record<string, KeySpec> {
  return {
    b1_frq: { type: "number", min: 0 },
    pw90: { type: "number", min: 0, exclusiveMin: true },
    b1_distribution: { type: "table" },
    b1_inh_scale: { type: "number", min: 0, legacy: true },
    b1_inh_res: { type: "integer", min: 1, legacy: true },
  };
}

/**
 * exfit's `[experiment]` key choosing how the ¹³C-label multiplet weights of CEST experiments are
 * summed: "normalized" (lines sum to one, the default; see `src/nmr/jmultiplet.ts`) or "raw"
 * (ChemEx's multiplicities, pitfall P4).
 */
export const MULTIPLET_WEIGHTS_KEY = "multiplet_weights";
