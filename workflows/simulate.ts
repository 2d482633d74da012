/**
 * `exfit simulate` on an executor: the simulation's profiles go out in chunks as `simulate` work
 * items (the same ids and payloads whatever the executor: in process, local workers, HTTP
 * endpoints, `exfit serve` on an allocation, the NATS queue) and their scaled intensities come
 * back for the writers — the files of the in-process simulation, since each profile's
 * intensities are a pure function of the profile and the parameters.
 *
 * @module
 */
import { dec, PAYLOAD_VERSION, storeToPayload } from "../functions/payload.ts";
import { makeChunk } from "../src/fit/chunk.ts";
import { subStore } from "../src/fit/problem.ts";
import type { StudySpec } from "../src/fit/study.ts";
import type { ParamStore } from "../src/params/store.ts";
import {
  type RunOptions,
  runSimulateWith,
  type SimulatedProfile,
  type SimulationRunner,
  type StepOutput,
} from "../src/run/run.ts";
import { studyHash } from "./checkpoint.ts";
import type { Executor } from "./executor.ts";
import { DEFAULT_CHUNK_PROFILES } from "./plan.ts";

/**
 * A {@link SimulationRunner} that sends chunks of at most `chunkProfiles` profiles (default 32)
 * as `simulate` items, ids `<prefix>:sim:c<chunk>`.
 *
 * @example
 * ```ts
 * const simulate = createSimulationRunner({ executor: workerPool(2), prefix: "ab12" });
 * ```
 */
export function createSimulationRunner(opts: {
  executor: Executor;
  prefix: string;
  chunkProfiles?: number;
}): SimulationRunner {
  const size = opts.chunkProfiles ?? DEFAULT_CHUNK_PROFILES;
  return async (study, store, profiles) => {
    const chunks = Array.from(
      { length: Math.ceil(profiles.length / size) },
      (_, c) => profiles.slice(c * size, (c + 1) * size),
    );
    const results = await Promise.all(chunks.map(async (ks, c): Promise<SimulatedProfile[]> => {
      const id = `${opts.prefix}:sim:c${c}`;
      const res = await opts.executor.run("simulate", {
        version: PAYLOAD_VERSION,
        id,
        chunk: makeChunk(study, ks),
        params: storeToPayload(subStore(store, ks.flatMap((k) => study.profiles[k].paramIds))),
      }, { affinity: c });
      if (res.calc.length !== ks.length || res.scales.length !== ks.length) {
        throw new Error(`${id}: the reply does not answer profiles ${ks.join(", ")}`);
      }
      return ks.map((k, j) => ({
        profile: k,
        calc: Float64Array.from(res.calc[j], dec),
        scale: dec(res.scales[j]),
      }));
    }));
    return results.flat();
  };
}

/**
 * Simulate a study with its profiles computed on `executor`.
 *
 * @example
 * ```ts
 * const out = await simulateOn(loaded.study, loaded.store, { plot: true, seed: 0 }, executor);
 * ```
 */
export async function simulateOn(
  study: StudySpec,
  store: ParamStore,
  opts: RunOptions,
  executor: Executor,
  chunkProfiles = DEFAULT_CHUNK_PROFILES,
): Promise<StepOutput> {
  // The ids name the inputs: a queue's stored results are those of this very simulation.
  const hash = await studyHash(study, store, [], { simulate: true, chunkProfiles });
  const runner = createSimulationRunner({ executor, prefix: hash.slice(0, 12), chunkProfiles });
  return await runSimulateWith(study, store, opts, runner);
}
