/**
 * What an experiment module declares: its settings schema, basis, which parameters it fits by
 * default, and its sequence (how intensities follow from a configured {@link Spectrometer}).
 *
 * @module
 */
import type { ExperimentSchema } from "../config/experiment.ts";
import type { Spectrometer } from "../nmr/spectrometer.ts";

/** Sample conditions of an experiment file. */
export interface ExperimentConditions {
  h_larmor_frq?: number;
  temperature?: number;
  p_total?: number;
  l_total?: number;
  d2o?: number;
  label: string[];
}

/** The Liouvillian space an experiment works in. */
export interface BasisChoice {
  type: string;
  /** Spin pair kind ("nh", "hn", "ch", "hc", "cn"): nuclei of I and S, J and model-free constants. */
  pair: string;
  extension?: "" | "dq" | "tq";
}

/** Everything an experiment's sequence may read when it is set up for one profile. */
export interface SequenceContext {
  settings: Readonly<Record<string, unknown>>;
  conditions: ExperimentConditions;
  observed: readonly string[];
  /** Start states, or null for the experiment's default (usually equilibrium). */
  start: readonly string[] | null;
  spectrometer: Spectrometer;
}

/** Intensities (unscaled) at the given x values for the spectrometer's current parameters. */
export type Sequence = (x: Float64Array) => Float64Array;

/** One experiment type of the catalog. */
export interface ExperimentModule {
  readonly name: string;
  readonly schema: ExperimentSchema;
  readonly xKind: "ncyc" | "offset" | "time";
  basis(settings: Readonly<Record<string, unknown>>): BasisChoice;
  /** Local names fitted by default: relaxation rates, and model-free ones with `.mf`. */
  toBeFitted(primaryState: string): { rates: string[]; modelFree: string[] };
  /** Configure the spectrometer (carrier, B1, …) and return the sequence. */
  setup(ctx: SequenceContext): Sequence;
  /** Reference points (I0), e.g. ncyc = 0 or |offset| > 10 kHz. */
  isReference(x: number): boolean;
}
