/**
 * `cpmg_ch3_1h_dq`: ¹H double-quantum CPMG of ¹³CH₃ methyls (Gopalan & Kay). Basis ixyzsz with
 * the DQ extension (I = ¹H, S = ¹³C; ¹H shifts and J doubled, rates R2DQ/R1DQ…); start and
 * detection 2IxSz. The sequence is {@link protonMqCpmg}; tauc ≈ 1/(8·J_CH) is the delay added
 * on both sides with `ipap_flg`.
 *
 * @module
 */
import type { ExperimentModule } from "../types.ts";
import { cpmgExperiment, cpmgKeys } from "../_cpmg.ts";
import { protonMethylFitted, protonMethylKeys, protonMqCpmg } from "../_methyl.ts";

/** The experiment module. */
export const cpmgCh31hDq: ExperimentModule = cpmgExperiment({
  name: "cpmg_ch3_1h_dq",
  keys: {
    ...cpmgKeys(false),
    ...protonMethylKeys(),
    tauc: { type: "number", default: 1.0e-3, min: 0, exclusiveMin: true },
  },
  basis: { type: "ixyzsz", pair: "hc", extension: "dq" },
  allowMinusOne: true,
  toBeFitted: protonMethylFitted,
  setup: protonMqCpmg,
});
