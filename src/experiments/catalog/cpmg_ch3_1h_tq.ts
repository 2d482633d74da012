/**
 * `cpmg_ch3_1h_tq`: ¹H triple-quantum CPMG of ¹³CH₃ methyls (Yuwen, Vallurupalli & Kay).
 * Basis ixyzsz with the TQ extension (I = ¹H, S = ¹³C; ¹H shifts and J tripled, rates
 * R2TQ/R1TQ…); start and detection 2IxSz. The sequence is {@link protonMqCpmg}; tauc ≈
 * 1/(12·J_CH) is the delay added on both sides with `ipap_flg`.
 *
 * @module
 */
import type { ExperimentModule } from "../types.ts";
import { cpmgExperiment, cpmgKeys } from "../_cpmg.ts";
import { protonMethylFitted, protonMethylKeys, protonMqCpmg } from "../_methyl.ts";

/** The experiment module. */
export const cpmgCh31hTq: ExperimentModule = cpmgExperiment({
  name: "cpmg_ch3_1h_tq",
  keys: { ...cpmgKeys(false), ...protonMethylKeys(), tauc: { type: "number", default: 0.67e-3 } },
  basis: { type: "ixyzsz", pair: "hc", extension: "tq" },
  allowMinusOne: true,
  toBeFitted: protonMethylFitted,
  setup: protonMqCpmg,
});
