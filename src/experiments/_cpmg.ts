/**
 * Keys shared by every CPMG experiment.
 *
 * @module
 */
import type { KeySpec } from "../config/experiment.ts";

/** Common CPMG keys; `evenNcycs` is the experiment's default for plotting curves. */
export function cpmgKeys(evenNcycs: boolean): Record<string, KeySpec> {
  return {
    even_ncycs: { type: "boolean", default: evenNcycs },
  };
}
