/**
 * Seeded random streams. Every consumer derives its stream from an explicit seed, so runs are
 * reproducible and independent of how work is split.
 *
 * @module
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

export type { RandomGenerator };

/**
 * A generator for a seed.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * ```
 */
export function createRng(seed: number): RandomGenerator {
  return xoroshiro128plus(seed);
}

/**
 * `count` standard normal draws (Box–Muller on the generator's uniforms).
 *
 * @example
 * ```ts
 * const z = standardNormals(createRng(1), 1000);
 * ```
 */
export function standardNormals(rng: RandomGenerator, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng)));
    const angle = 2 * Math.PI * uniformFloat64(rng);
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/**
 * A uniform draw in [0, 1).
 *
 * @example
 * ```ts
 * uniform(createRng(3));
 * ```
 */
export function uniform(rng: RandomGenerator): number {
  return uniformFloat64(rng);
}
