/**
 * The chunk interface: a self-contained, JSON-serializable slice of a study (profiles with
 * their data, and the experiments they use) plus per-profile local parameter values in,
 * residuals and scales out. Fits call profiles only through this, so the same call can run
 * in-process, on a worker or in a remote function.
 *
 * @module
 */
import type { ModelSpec } from "../models/model.ts";
import type { JacobianMode } from "./jacobian.ts";
import type { ExperimentSpec, ProfileSpec, StudySpec } from "./study.ts";
import { modelFailure } from "./finite_guard.ts";
import type { EnginePool } from "./engines.ts";
import {
  createCalculator,
  type ProfileCalculator,
  profileResiduals,
  profileResidualsJacobian,
} from "./evaluate.ts";

/** Version of the chunk payload; bumped on incompatible changes. */
export const CHUNK_VERSION = 1;

/** A slice of a study. `profiles[k].experiment` indexes `experiments` of the chunk. */
export interface Chunk {
  version: number;
  model: ModelSpec;
  experiments: ExperimentSpec[];
  profiles: ProfileSpec[];
  /** Index of each profile in the originating study. */
  source: number[];
  /** How fits of this chunk compute Jacobians (default "exact", see `jacobian.ts`). */
  jacobian?: JacobianMode;
}

/**
 * Cut a chunk out of a study.
 *
 * @example
 * ```ts
 * const chunk = makeChunk(study, [0, 5, 6]);
 * JSON.stringify(chunk); // plain data
 * ```
 */
export function makeChunk(study: StudySpec, profiles: readonly number[]): Chunk {
  const expIndex = new Map<number, number>();
  const experiments: ExperimentSpec[] = [];
  const out: ProfileSpec[] = profiles.map((k) => {
    const p = study.profiles[k];
    if (!expIndex.has(p.experiment)) {
      expIndex.set(p.experiment, experiments.length);
      experiments.push(study.experiments[p.experiment]);
    }
    return { ...p, experiment: expIndex.get(p.experiment)! };
  });
  return {
    version: CHUNK_VERSION,
    model: study.model,
    experiments,
    profiles: out,
    source: [...profiles],
    ...(study.jacobian ? { jacobian: study.jacobian } : {}),
  };
}

/** Calculators of a chunk's profiles, built once and reused for every evaluation. */
export interface ChunkEvaluator {
  readonly chunk: Chunk;
  readonly calculators: readonly ProfileCalculator[];
  /** Retained points of each profile. */
  readonly sizes: Int32Array;
  /** Residuals of profile k for its local values into out; returns the scale. */
  profile(k: number, localValues: ArrayLike<number>, out: Float64Array): number;
  /**
   * Residuals and their exact derivatives with respect to the local values (points × locals,
   * row-major) of profile k; null (or absent) when its experiment family has no exact
   * derivatives.
   */
  profileJacobian?(
    k: number,
    localValues: ArrayLike<number>,
    out: Float64Array,
    jac: Float64Array,
  ): number | null;
}

/**
 * Build the calculators of a chunk (with `engines`, sharing spectrometers and sequences with the
 * calculators built before with the same pool, see `engines.ts`).
 *
 * @example
 * ```ts
 * const ev = createChunkEvaluator(makeChunk(study, [0]));
 * const r = new Float64Array(ev.sizes[0]);
 * ev.profile(0, values, r);
 * ```
 */
export function createChunkEvaluator(chunk: Chunk, engines?: EnginePool): ChunkEvaluator {
  if (chunk.version !== CHUNK_VERSION) {
    throw new Error(`chunk version ${chunk.version} is not supported (expected ${CHUNK_VERSION})`);
  }
  const asStudy: StudySpec = {
    model: chunk.model,
    experiments: chunk.experiments,
    profiles: chunk.profiles,
  };
  // One store for the chunk's sequences: profiles differing only in detection share work.
  const shared = new Map<string, unknown>();
  const calculators = chunk.profiles.map((_, k) => createCalculator(asStudy, k, shared, engines));
  return {
    chunk,
    calculators,
    sizes: Int32Array.from(calculators.map((c) => c.xFit.length)),
    // A throwing evaluation names its file, profile and values (not only the numerics' words).
    profile: (k, values, out) => {
      try {
        return profileResiduals(calculators[k], values, out);
      } catch (e) {
        throw modelFailure(asStudy, k, values, e);
      }
    },
    profileJacobian: (k, values, out, jac) => {
      try {
        return profileResidualsJacobian(calculators[k], values, out, jac);
      } catch (e) {
        throw modelFailure(asStudy, k, values, e);
      }
    },
  };
}

/** Request of {@link evaluateChunk}: local values per profile, in `localNames` order. */
export interface EvaluateRequest {
  chunk: Chunk;
  values: number[][];
}

/** Response of {@link evaluateChunk}. */
export interface EvaluateResponse {
  residuals: number[][];
  scales: number[];
}

/**
 * The serializable call: residuals of every profile of a chunk for the given local values.
 *
 * @example
 * ```ts
 * const { residuals } = evaluateChunk({ chunk, values: [[...]] });
 * ```
 */
export function evaluateChunk(req: EvaluateRequest, evaluator?: ChunkEvaluator): EvaluateResponse {
  const ev = evaluator ?? createChunkEvaluator(req.chunk);
  const residuals: number[][] = [];
  const scales: number[] = [];
  req.chunk.profiles.forEach((_, k) => {
    const out = new Float64Array(ev.sizes[k]);
    scales.push(ev.profile(k, req.values[k], out));
    residuals.push(Array.from(out));
  });
  return { residuals, scales };
}
