/**
 * Resampling statistics of a fitted step (physics conventions §8, compatibility spec §8.7):
 *
 * - Monte Carlo (`MC`): synthetic data = best-fit calculated intensities + Gaussian noise with
 *   each point's σ, refit.
 * - Bootstrap (`BS`): within every profile, the retained points are drawn with replacement
 *   (reference and other points separately, as ChemEx), refit.
 * - Nucleus-based bootstrap (`BSN`): the residues (groups of spin I) are drawn with replacement
 *   and every profile of a drawn residue enters, duplicates included, refit.
 *
 * A replicate is a pure function of ({@link ResamplingTask}, replicate index): its random
 * stream comes from (root seed, kind, index) only, it starts from the best-fit values, and it is
 * evaluated with the calculators of the task's chunk (only the data arrays change), so results do
 * not depend on which worker runs it or how replicates are batched.
 *
 * @module
 */
import { EXPERIMENTS } from "../experiments/registry.ts";
import { type Chunk, type ChunkEvaluator, createChunkEvaluator } from "../fit/chunk.ts";
import { type ProfileCalculator, profileResiduals } from "../fit/evaluate.ts";
import { fitGroup, independentGroups } from "../fit/step.ts";
import type { ProfileSpec, StudySpec } from "../fit/study.ts";
import { formatGroup, parseSpinSystem } from "../params/spin_system.ts";
import type { Param, ParamStore } from "../params/store.ts";
import { parseSeed, randomIndex, standardNormals, STREAM, streamRng } from "../math/random.ts";
import { TimeLimitError } from "../fit/budget.ts";

/** The three resampling schemes. */
export type ResamplingKind = "mc" | "bs" | "bsn";

/** How each scheme is reported (ChemEx's names and folders). */
export const RESAMPLING: Record<ResamplingKind, { method: string; directory: string }> = {
  mc: { method: "Monte Carlo", directory: "MonteCarlo" },
  bs: { method: "bootstrap", directory: "Bootstrap" },
  bsn: { method: "nucleus-based bootstrap", directory: "BootstrapNS" },
};

/** Everything a replicate needs: plain data, so it can be sent to a worker. */
export interface ResamplingTask {
  kind: ResamplingKind;
  /** Unsigned 64-bit root seed as a decimal string (exact through JSON). */
  rootSeed: string;
  /** The step's selected profiles with their data. */
  chunk: Chunk;
  /** Best-fit calculated (scaled) intensities of each chunk profile at all its points. */
  calculated: number[][];
  /** The parameters the profiles need, at their best-fit values and with the step's status. */
  params: Param[];
  /** Free parameters reported, in report order. */
  outputIds: string[];
  /** Solver evaluations of each group refit (`--max-evaluations`; default the solver's). */
  maxNfev?: number;
}

/** One replicate's outcome. */
export interface ReplicateResult {
  index: number;
  /** Fitted values in `outputIds` order; NaN where the replicate's data do not determine it. */
  values: number[];
  chisqr: number;
  /** Set when the refit failed (values are then NaN). */
  error?: string;
  /** Set when a group refit stopped at its evaluation budget (values are the last iterate). */
  budgetHit?: true;
}

/** A replicate's data: per profile, the chunk profile it derives from and its new data. */
export interface ReplicateDraw {
  base: number[];
  profiles: ProfileSpec[];
}

/**
 * Build a task from a fitted step.
 *
 * @example
 * ```ts
 * const task = makeResamplingTask("mc", 0, chunk, calculated, params, freeIds);
 * ```
 */
export function makeResamplingTask(
  kind: ResamplingKind,
  rootSeed: number | bigint | string,
  chunk: Chunk,
  calculated: readonly ArrayLike<number>[],
  params: readonly Param[],
  outputIds: readonly string[],
  maxNfev?: number,
): ResamplingTask {
  return {
    kind,
    rootSeed: parseSeed(rootSeed).toString(),
    chunk,
    calculated: calculated.map((c) => Array.from(c)),
    params: params.map((p) => ({ ...p, stderr: null })),
    outputIds: [...outputIds],
    ...(maxNfev !== undefined ? { maxNfev } : {}),
  };
}

function pick<T>(values: readonly T[], idx: readonly number[]): T[] {
  return idx.map((i) => values[i]);
}

/** Residue of spin I: what `BSN` draws (ChemEx's `groups["i"]`). */
function residueKey(p: ProfileSpec): string {
  const spin = parseSpinSystem(p.name).spins[0];
  return spin ? formatGroup(spin.group) : p.name;
}

/**
 * The data of replicate `index` (pure: depends on the task and the index only).
 *
 * @example
 * ```ts
 * drawReplicate(task, 0).profiles[0].exp; // synthetic intensities for MC
 * ```
 */
export function drawReplicate(task: ResamplingTask, index: number): ReplicateDraw {
  const rng = streamRng(parseSeed(task.rootSeed), STREAM[task.kind], index);
  const profiles = task.chunk.profiles;
  if (task.kind === "mc") {
    return {
      base: profiles.map((_, k) => k),
      profiles: profiles.map((p, k) => {
        const z = standardNormals(rng, p.x.length);
        const calc = task.calculated[k];
        return { ...p, exp: p.err.map((s, i) => calc[i] + s * z[i]) };
      }),
    };
  }
  if (task.kind === "bs") {
    return {
      base: profiles.map((_, k) => k),
      profiles: profiles.map((p) => {
        const module = EXPERIMENTS[task.chunk.experiments[p.experiment].name];
        const masked = p.mask.map((m, i) => m ? i : -1).filter((i) => i >= 0);
        const refs = masked.filter((i) => module.isReference(p.x[i]));
        const others = masked.filter((i) => !module.isReference(p.x[i]));
        const drawn = [
          ...refs.map(() => refs[randomIndex(rng, refs.length)]),
          ...others.map(() => others[randomIndex(rng, others.length)]),
        ].sort((a, b) => a - b);
        const source = p.x.map((_, i) => i);
        masked.forEach((t, j) => source[t] = drawn[j]);
        return {
          ...p,
          x: pick(p.x, source),
          exp: pick(p.exp, source),
          err: pick(p.err, source),
          ...(p.labels ? { labels: pick(p.labels, source) } : {}),
        };
      }),
    };
  }
  const keys = profiles.map(residueKey);
  const groups = [...new Set(keys)].sort();
  const drawnGroups = groups.map(() => groups[randomIndex(rng, groups.length)]);
  const base = drawnGroups.flatMap((g) =>
    keys.map((k, i) => k === g ? i : -1).filter((i) => i >= 0)
  );
  return { base, profiles: base.map((k) => profiles[k]) };
}

/** Calculators of the task's chunk, built once and shared by every replicate of a batch. */
export interface ReplicateCache {
  base: ChunkEvaluator;
}

/**
 * Calculators for a task (reuse across replicates; results do not depend on it).
 *
 * @example
 * ```ts
 * const cache = createReplicateCache(task);
 * runReplicate(task, 0, cache);
 * ```
 */
export function createReplicateCache(task: Pick<ResamplingTask, "chunk">): ReplicateCache {
  return { base: createChunkEvaluator(task.chunk) };
}

function replicaCalculator(base: ProfileCalculator, p: ProfileSpec): ProfileCalculator {
  const keep = p.mask.map((m, i) => m ? i : -1).filter((i) => i >= 0);
  return {
    ...base,
    spec: p,
    x: Float64Array.from(p.x),
    xFit: Float64Array.from(keep, (i) => p.x[i]),
    expFit: Float64Array.from(keep, (i) => p.exp[i]),
    errFit: Float64Array.from(keep, (i) => p.err[i]),
    ...(p.labels ? { labels: p.labels, labelsFit: keep.map((i) => p.labels![i]) } : {}),
  };
}

function subEvaluator(
  chunk: Chunk,
  profiles: ProfileSpec[],
  calcs: ProfileCalculator[],
  members: number[],
): ChunkEvaluator {
  const calculators = members.map((k) => calcs[k]);
  return {
    chunk: { ...chunk, profiles: members.map((k) => profiles[k]), source: members },
    calculators,
    sizes: Int32Array.from(calculators, (c) => c.xFit.length),
    profile: (k, values, out) => profileResiduals(calculators[k], values, out),
  };
}

/**
 * Refit a replicate's data from the best-fit values, group by independent group.
 *
 * @example
 * ```ts
 * const { values, chisqr } = fitReplicate(task, drawReplicate(task, 3));
 * ```
 */
export function fitReplicate(
  task: ResamplingTask,
  draw: ReplicateDraw,
  cache: ReplicateCache = createReplicateCache(task),
): { values: number[]; chisqr: number; budgetHit: boolean } {
  const calcs = draw.profiles.map((p, k) =>
    replicaCalculator(cache.base.calculators[draw.base[k]], p)
  );
  const store: ParamStore = new Map(task.params.map((p) => [p.id, { ...p }]));
  const pseudo: StudySpec = {
    model: task.chunk.model,
    experiments: task.chunk.experiments,
    profiles: draw.profiles,
  };
  const all = draw.profiles.map((_, k) => k);
  const fitted = new Set<string>();
  let chisqr = 0;
  let budgetHit = false;
  const budget = task.maxNfev !== undefined ? { maxNfev: task.maxNfev } : {};
  for (const members of independentGroups(store, pseudo, all)) {
    const ev = subEvaluator(task.chunk, draw.profiles, calcs, members);
    const { residuals, problem, diagnostics } = fitGroup(store, ev, budget);
    for (const r of residuals) chisqr += r * r;
    for (const id of problem.freeIds) fitted.add(id);
    if (diagnostics.triggers.includes("budget")) budgetHit = true;
  }
  return {
    values: task.outputIds.map((id) => fitted.has(id) ? store.get(id)!.value : NaN),
    chisqr,
    budgetHit,
  };
}

/**
 * Replicate `index` of a task: draw, refit, report (a failed refit gives NaN values and the
 * error message instead of throwing, so one bad replicate does not lose the others).
 *
 * @example
 * ```ts
 * runReplicate(task, 0).values;
 * ```
 */
export function runReplicate(
  task: ResamplingTask,
  index: number,
  cache?: ReplicateCache,
): ReplicateResult {
  try {
    const { values, chisqr, budgetHit } = fitReplicate(task, drawReplicate(task, index), cache);
    return { index, values, chisqr, ...(budgetHit ? { budgetHit: true as const } : {}) };
  } catch (e) {
    // A replicate that failed is counted as failed; a run past its time limit stops.
    if (e instanceof TimeLimitError) throw e;
    return {
      index,
      values: task.outputIds.map(() => NaN),
      chisqr: NaN,
      error: (e as Error).message,
    };
  }
}

/**
 * Run a batch of replicates in-process with one shared cache.
 *
 * @example
 * ```ts
 * const results = runReplicates(task, [0, 1, 2, 3]);
 * ```
 */
export function runReplicates(
  task: ResamplingTask,
  indices: readonly number[],
  onDone: (r: ReplicateResult) => void = () => {},
): ReplicateResult[] {
  const cache = createReplicateCache(task);
  return indices.map((i) => {
    const r = runReplicate(task, i, cache);
    onDone(r);
    return r;
  });
}
