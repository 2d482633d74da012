/**
 * The experiment catalog: one module per experiment type.
 *
 * @module
 */
import type { ExperimentModule } from "./types.ts";
import type { ExperimentSchema } from "../config/experiment.ts";
import { cpmg15nIp } from "./catalog/cpmg_15n_ip.ts";

/** Experiment modules by name. */
export const EXPERIMENTS: Readonly<Record<string, ExperimentModule>> = Object.fromEntries(
  [cpmg15nIp].map((m) => [m.name, m]),
);

/**
 * Schema lookup for the experiment-file reader.
 *
 * @example
 * ```ts
 * schemaFor("cpmg_15n_ip")?.family; // "cpmg"
 * ```
 */
export function schemaFor(name: string): ExperimentSchema | undefined {
  return EXPERIMENTS[name]?.schema;
}

/** Names of every supported experiment. */
export const EXPERIMENT_NAMES: readonly string[] = Object.keys(EXPERIMENTS);
