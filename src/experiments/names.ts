/**
 * Names of every supported experiment, in the catalog's order, without loading the catalog:
 * `exfit --help` lists them, and loading the 41 experiment modules would cost it about 50 ms.
 * tests/cli_command_test.ts checks that this list is `Object.keys(EXPERIMENTS)` of
 * `registry.ts`.
 *
 * @example
 * ```ts
 * EXPERIMENT_NAME_LIST.includes("cpmg_15n_ip"); // true
 * ```
 *
 * @module
 */

/** Every experiment name, as `EXPERIMENT_NAMES` of `registry.ts`. */
export const EXPERIMENT_NAME_LIST: readonly string[] = [
  "cpmg_15n_ip",
  "cpmg_13c_ip",
  "cpmg_chd2_1h_ap",
  "cpmg_1hn_ap",
  "cpmg_15n_tr",
  "cpmg_15n_ip_0013",
  "cpmg_15n_tr_0013",
  "cpmg_1hn_ap_0013",
  "cpmg_13co_ap",
  "cpmg_hn_dq_zq",
  "cpmg_ch3_13c_h2c",
  "cpmg_ch3_13c_h2c_0013",
  "cpmg_ch3_1h_sq",
  "cpmg_ch3_1h_dq",
  "cpmg_ch3_1h_tq",
  "cpmg_ch3_mq",
  "cpmg_ch3_1h_tq_diff",
  "cest_15n",
  "cest_13c",
  "cest_15n_cw",
  "cest_15n_tr",
  "cest_1hn_ap",
  "cest_1hn_ip_ap",
  "cest_ch3_1h_ip_ap",
  "cest_15n_test",
  "relaxation_nz",
  "relaxation_hznz",
  "noesyfpgpph19",
  "shift_15n_sq",
  "shift_13c_sq",
  "shift_15n_sqmq",
  "dcest_15n",
  "dcest_13c",
  "coscest_13c",
  "coscest_1hn_ip_ap",
  "r1rho_15n",
  "r1rho_13c",
  "r1rho_1h",
  "r1rho_15n_rates",
  "r1rho_13c_rates",
  "r1rho_1h_rates",
];
