/**
 * What an experiment module declares: its settings schema, basis, which parameters it fits by
 * default, and its sequence (how intensities follow from a configured {@link Spectrometer}).
 *
 * @module
 */
import type { ExperimentConditions, ExperimentSchema } from "./schema.ts";
import type { Spectrometer } from "../nmr/spectrometer.ts";

/** Sample conditions of an experiment file (as the reader validates them). */
export type { ExperimentConditions };

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
  /** Base name of the kinetic model (e.g. "2st_hd"), for experiments whose defaults depend on it. */
  model?: string;
  /** Canonical spin-system name of the profile (e.g. "L7CD1"), for residue-specific physics. */
  spinSystem?: string;
  /** Path of the experiment file, for error messages about its settings. */
  file?: string;
  /**
   * Every x of the profile, masked points included, for sequences whose timing ChemEx derives
   * from the whole data set (e.g. the largest ncyc of `cpmg_ch3_13c_h2c_0013`).
   */
  profileX?: readonly number[];
  /**
   * A store shared by the sequences of one set of calculators (a chunk's), where profiles
   * with the same Liouvillian inputs share work (`CpmgChains.shareKey`). Optional: without it
   * nothing is shared.
   */
  shared?: Map<string, unknown>;
}

/**
 * Intensities (unscaled) at the given x values for the spectrometer's current parameters.
 * `labels` (EXSY only) gives each point's start and detected state, e.g. "ab", aligned with x.
 */
export type Sequence = {
  (x: Float64Array, labels?: readonly string[]): Float64Array;
  /**
   * Exact derivatives of the intensities with respect to every local value of the profile
   * (`docs/jacobians.md`), where the experiment family provides them; absent otherwise (the fit
   * then differences the profile).
   */
  jacobian?(x: Float64Array, labels?: readonly string[]): SequenceDerivatives;
  /**
   * What one {@link jacobian} costs, in evaluations of the sequence (measured with
   * `benchmarks/jacobian_bench.ts`), where that is more than a few: forward differences cost one
   * evaluation per free parameter reaching the profile, so the default fit differences a profile
   * reached by fewer free parameters than this.
   */
  jacobianCost?: number;
};

/** Intensities and their exact derivatives with respect to the profile's local values. */
export interface SequenceDerivatives {
  /** The sequence's intensities at x (the same numbers it returns). */
  values: Float64Array;
  /** ∂values[i]/∂local[l] at `i·nLocal + l` (row-major, x.length × local count). */
  jac: Float64Array;
}

/** One experiment type of the catalog. */
export interface ExperimentModule {
  readonly name: string;
  readonly schema: ExperimentSchema;
  readonly xKind: "ncyc" | "offset" | "time";
  basis(settings: Readonly<Record<string, unknown>>): BasisChoice;
  /**
   * Local names fitted by default: relaxation rates, and model-free ones with `.mf`. `settings`
   * (the experiment's validated keys) is given for experiments whose choice depends on them.
   */
  toBeFitted(
    primaryState: string,
    settings?: Readonly<Record<string, unknown>>,
  ): { rates: string[]; modelFree: string[] };
  /** Configure the spectrometer (carrier, B1, …) and return the sequence. */
  setup(ctx: SequenceContext): Sequence;
  /**
   * What {@link setup} reads of its profile beyond the experiment, the model and the local names,
   * where that is all: profiles that also agree on these can then share one spectrometer and
   * sequence (`src/fit/engines.ts`), whose every evaluation depends on its input values alone.
   * Absent (the safe default): the setup may read anything of the profile.
   */
  readonly setupReads?: readonly ("spinSystem" | "profileX")[];
  /** Reference points (I0), e.g. ncyc = 0 or |offset| > 10 kHz. */
  isReference(x: number): boolean;
  /** Why a data x value cannot be simulated by this experiment (checked on loading), or null. */
  checkX?(x: number): string | null;
  /**
   * CPMG only: whether the plotted smooth curve uses even ncyc, when it does not simply follow
   * the `even_ncycs` key (e.g. `cpmg_13co_ap` ties it to `refocusing`).
   */
  evenNcycs?(settings: Readonly<Record<string, unknown>>): boolean;
}
