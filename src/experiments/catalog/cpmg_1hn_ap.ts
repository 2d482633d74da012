/**
 * `cpmg_1hn_ap`: anti-phase amide ¹H CPMG. Basis ixyzsz with I = ¹H, S = ¹⁵N; start and
 * detection 2IzSz, by default from the observed state (the anti-phase coherence is prepared
 * by an INEPT whose shift evolution is not modelled); the `cpmg_15n_ip` sequence
 * ({@link simpleCpmg}) with an extra delay `time_equil_1` before the first 90° pulse.
 *
 * @module
 */
import type { ExperimentModule } from "../types.ts";
import { cpmgExperiment, cpmgKeys, equilKey, pulseKeys, simpleCpmg } from "../_cpmg.ts";

/** The experiment module. */
export const cpmg1hnAp: ExperimentModule = cpmgExperiment({
  name: "cpmg_1hn_ap",
  defaultStartFromObserved: true,
  keys: {
    ...cpmgKeys(false),
    ...pulseKeys(),
    time_equil_1: equilKey(),
    time_equil_2: equilKey(),
  },
  basis: { type: "ixyzsz", pair: "hn" },
  allowMinusOne: true,
  setup: (ctx, kind) =>
    simpleCpmg(ctx, kind, {
      start: ["2izsz"],
      detection: "[2izsz]",
      timeEquil1S: ctx.settings.time_equil_1 as number,
      timeEquil2S: ctx.settings.time_equil_2 as number,
    }),
});
