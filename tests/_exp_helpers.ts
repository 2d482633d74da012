/**
 * Test helper: one experiment's sequence on a bare spectrometer with given local values, for
 * physics checks that do not need files.
 *
 * @module
 */
import type { ExperimentModule, Sequence } from "../src/experiments/types.ts";
import { createBasis } from "../src/nmr/basis.ts";
import { ppmToRadPerS } from "../src/nmr/constants.ts";
import { Spectrometer } from "../src/nmr/spectrometer.ts";
import { basisNuclei } from "../src/fit/study.ts";

/** What {@link sequenceFor} needs. */
export interface SequenceSetup {
  settings: Record<string, unknown>;
  /** Local parameter values by local name (e.g. `r1_i_a`, `pb`, `kab`, `cs_i_a`). */
  values: Record<string, number>;
  states?: string[];
  observed?: string[];
  start?: string[] | null;
  hLarmorFrqMHz?: number;
  label?: string[];
  model?: string;
  spinSystem?: string;
}

/** The module's sequence for the given values (schema defaults applied to settings). */
export function sequenceFor(
  module: ExperimentModule,
  o: SequenceSetup,
): { sequence: Sequence; spectrometer: Spectrometer } {
  const settings: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(module.schema.keys)) {
    if (spec.default !== undefined) settings[k] = spec.default;
  }
  Object.assign(settings, o.settings);
  const choice = module.basis(settings);
  const basis = createBasis(choice.type, o.states ?? ["a", "b"]);
  const nuclei = basisNuclei(choice.type, choice.pair);
  const hz = o.hLarmorFrqMHz ?? 600;
  const q = choice.extension === "dq" ? 2 : choice.extension === "tq" ? 3 : 1;
  const names = Object.keys(o.values);
  const spectrometer = new Spectrometer({
    basis,
    localNames: names,
    ppmI: nuclei.i ? ppmToRadPerS(nuclei.i, hz) : 0,
    ppmS: nuclei.s ? ppmToRadPerS(nuclei.s, hz) : 0,
    qOrderI: q,
  });
  const sequence = module.setup({
    settings,
    conditions: { h_larmor_frq: hz, label: o.label ?? [] },
    observed: o.observed ?? ["a"],
    start: o.start ?? null,
    spectrometer,
    model: o.model ?? "2st",
    spinSystem: o.spinSystem,
  });
  spectrometer.update(names.map((n) => o.values[n]));
  return { sequence, spectrometer };
}
