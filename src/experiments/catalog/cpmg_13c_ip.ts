/**
 * `cpmg_13c_ip`: in-phase ¹³C CPMG relaxation dispersion (e.g. methyl ¹³C of selectively
 * labelled samples), ¹H decoupling assumed perfect: the single-spin basis ixyz of the carbon,
 * with the `cpmg_15n_ip` sequence ({@link simpleCpmg}: finite pulses, ±x central 180°,
 * t_neg = −2·pw90/π).
 *
 * @module
 */
import type { ExperimentModule } from "../types.ts";
import { cpmgExperiment, cpmgKeys, equilKey, pulseKeys, simpleCpmg } from "../_cpmg.ts";

/** The experiment module. */
export const cpmg13cIp: ExperimentModule = cpmgExperiment({
  name: "cpmg_13c_ip",
  keys: { ...cpmgKeys(false), ...pulseKeys(), time_equil: equilKey() },
  basis: { type: "ixyz", pair: "ch" },
  allowMinusOne: true,
  setup: (ctx, kind) =>
    simpleCpmg(ctx, kind, {
      start: ["iz"],
      detection: "[iz]",
      timeEquil1S: 0,
      timeEquil2S: ctx.settings.time_equil as number,
    }),
});
