/**
 * The experiment catalog: one module per experiment type.
 *
 * @module
 */
import type { ExperimentModule } from "./types.ts";
import type { ExperimentSchema } from "./schema.ts";
import { cest15n } from "./catalog/cest_15n.ts";
import { cest13c } from "./catalog/cest_13c.ts";
import { cest15nCw } from "./catalog/cest_15n_cw.ts";
import { cest15nTr } from "./catalog/cest_15n_tr.ts";
import { cest1hnAp } from "./catalog/cest_1hn_ap.ts";
import { cest1hnIpAp } from "./catalog/cest_1hn_ip_ap.ts";
import { cestCh31hIpAp } from "./catalog/cest_ch3_1h_ip_ap.ts";
import { cest15nTest } from "./catalog/cest_15n_test.ts";
import { relaxationNz } from "./catalog/relaxation_nz.ts";
import { relaxationHznz } from "./catalog/relaxation_hznz.ts";
import { noesyfpgpph19 } from "./catalog/noesyfpgpph19.ts";
import { shift15nSq } from "./catalog/shift_15n_sq.ts";
import { shift13cSq } from "./catalog/shift_13c_sq.ts";
import { shift15nSqmq } from "./catalog/shift_15n_sqmq.ts";
import { dcest15n } from "./catalog/dcest_15n.ts";
import { dcest13c } from "./catalog/dcest_13c.ts";
import { coscest13c } from "./catalog/coscest_13c.ts";
import { coscest1hnIpAp } from "./catalog/coscest_1hn_ip_ap.ts";
import { cpmg15nIp } from "./catalog/cpmg_15n_ip.ts";
import { cpmg13cIp } from "./catalog/cpmg_13c_ip.ts";
import { cpmgChd21hAp } from "./catalog/cpmg_chd2_1h_ap.ts";
import { cpmg1hnAp } from "./catalog/cpmg_1hn_ap.ts";
import { cpmg15nTr } from "./catalog/cpmg_15n_tr.ts";
import { cpmg15nIp0013 } from "./catalog/cpmg_15n_ip_0013.ts";
import { cpmg15nTr0013 } from "./catalog/cpmg_15n_tr_0013.ts";
import { cpmg1hnAp0013 } from "./catalog/cpmg_1hn_ap_0013.ts";
import { cpmg13coAp } from "./catalog/cpmg_13co_ap.ts";
import { cpmgHnDqZq } from "./catalog/cpmg_hn_dq_zq.ts";
import { cpmgCh313cH2c } from "./catalog/cpmg_ch3_13c_h2c.ts";
import { cpmgCh313cH2c0013 } from "./catalog/cpmg_ch3_13c_h2c_0013.ts";
import { cpmgCh31hSq } from "./catalog/cpmg_ch3_1h_sq.ts";
import { cpmgCh31hDq } from "./catalog/cpmg_ch3_1h_dq.ts";
import { cpmgCh31hTq } from "./catalog/cpmg_ch3_1h_tq.ts";
import { cpmgCh3Mq } from "./catalog/cpmg_ch3_mq.ts";
import { cpmgCh31hTqDiff } from "./catalog/cpmg_ch3_1h_tq_diff.ts";
import { r1rho15n } from "./catalog/r1rho_15n.ts";
import { r1rho13c } from "./catalog/r1rho_13c.ts";
import { r1rho1h } from "./catalog/r1rho_1h.ts";
import { r1rho15nRates } from "./catalog/r1rho_15n_rates.ts";
import { r1rho13cRates } from "./catalog/r1rho_13c_rates.ts";
import { r1rho1hRates } from "./catalog/r1rho_1h_rates.ts";

/** Experiment modules by name. */
export const EXPERIMENTS: Readonly<Record<string, ExperimentModule>> = Object.fromEntries(
  [
    cpmg15nIp,
    cpmg13cIp,
    cpmgChd21hAp,
    cpmg1hnAp,
    cpmg15nTr,
    cpmg15nIp0013,
    cpmg15nTr0013,
    cpmg1hnAp0013,
    cpmg13coAp,
    cpmgHnDqZq,
    cpmgCh313cH2c,
    cpmgCh313cH2c0013,
    cpmgCh31hSq,
    cpmgCh31hDq,
    cpmgCh31hTq,
    cpmgCh3Mq,
    cpmgCh31hTqDiff,
    // CEST experiments.
    cest15n,
    cest13c,
    cest15nCw,
    cest15nTr,
    cest1hnAp,
    cest1hnIpAp,
    cestCh31hIpAp,
    cest15nTest,
    // Relaxation, EXSY, shift, D-CEST and COS-CEST experiments.
    relaxationNz,
    relaxationHznz,
    noesyfpgpph19,
    shift15nSq,
    shift13cSq,
    shift15nSqmq,
    dcest15n,
    dcest13c,
    coscest13c,
    coscest1hnIpAp,
    // R1ρ experiments (decays and rates).
    r1rho15n,
    r1rho13c,
    r1rho1h,
    r1rho15nRates,
    r1rho13cRates,
    r1rho1hRates,
  ].map((m) => [m.name, m]),
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
