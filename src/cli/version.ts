/**
 * The exfit release recorded in `run_info/run.toml`.
 *
 * @module
 */

/** exfit's version. */
export const EXFIT_VERSION = "0.9.0";
