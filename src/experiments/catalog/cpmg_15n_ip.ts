/**
 * `cpmg_15n_ip`: in-phase ¹⁵N CPMG relaxation dispersion with ¹H decoupling assumed perfect
 * (basis ixyz of the N spin), finite pulses, a ±x phase-cycled central 180° and delays of
 * −2·pw90/π that compensate evolution during the 90° pulses: {@link simpleCpmg}.
 *
 * @module
 */
import type { ExperimentModule } from "../types.ts";
import { cpmgExperiment, cpmgKeys, equilKey, pulseKeys, simpleCpmg } from "../_cpmg.ts";

/** The experiment module. */
export const cpmg15nIp: ExperimentModule = cpmgExperiment({
  name: "cpmg_15n_ip",
  keys: { ...cpmgKeys(false), ...pulseKeys(), time_equil: equilKey() },
  basis: { type: "ixyz", pair: "nh" },
  allowMinusOne: true,
  setup: (ctx, kind) =>
    simpleCpmg(ctx, kind, {
      start: ["iz"],
      detection: "[iz]",
      timeEquil1S: 0,
      timeEquil2S: ctx.settings.time_equil as number,
    }),
});
