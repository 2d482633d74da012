/**
 * The exfit release: recorded in `run_info/run.toml`, and part of every run's study hash
 * (`workflows/checkpoint.ts#studyHash`), so checkpoints, run folders and queued results of one
 * release are never taken for another's.
 *
 * @module
 */

/** exfit's version. */
export const EXFIT_VERSION = "0.9.0";
