/**
 * Seeded random streams, the one home of randomness in exfit. Every consumer derives its stream
 * from an explicit seed, so runs are reproducible and independent of how work is split:
 * {@link createRng} for a plain seeded stream (synthetic studies, plot jitter, fault injection),
 * {@link streamRng} for statistics, where every stream is derived from (root seed, kind, index)
 * only, by hashing them with SplitMix64 into a xoroshiro128+ state, so a replicate draws the same
 * numbers whichever worker runs it and however replicates are batched.
 *
 * @module
 */
import { xoroshiro128plus, xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
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

const MASK64 = (1n << 64n) - 1n;

/** Stream kinds, so that e.g. Monte-Carlo replicate 3 and bootstrap replicate 3 differ. */
export const STREAM = { mc: 1, bs: 2, bsn: 3, mcmc: 4, basins: 5 } as const;

/** SplitMix64 finalizer of x + golden ratio: a bijective 64-bit mix. */
function splitmix64(x: bigint): bigint {
  let z = (x + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/**
 * Parse a root seed (unsigned 64-bit): a number, bigint or decimal string.
 *
 * @example
 * ```ts
 * parseSeed("18446744073709551615"); // 18446744073709551615n
 * ```
 */
export function parseSeed(seed: number | bigint | string): bigint {
  let big: bigint;
  if (typeof seed === "bigint") big = seed;
  else if (typeof seed === "number") {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    big = BigInt(seed);
  } else if (/^\s*\d+\s*$/.test(seed)) big = BigInt(seed.trim());
  else throw new Error(`seed must be an unsigned 64-bit integer, got "${seed}"`);
  if (big < 0n || big > MASK64) {
    throw new Error(`seed must be an unsigned 64-bit integer (0 to 2^64-1), got ${big}`);
  }
  return big;
}

/**
 * The 64-bit seed of stream (root, ...path).
 *
 * @example
 * ```ts
 * deriveSeed(0n, STREAM.mc, 7) !== deriveSeed(0n, STREAM.mc, 8); // true
 * ```
 */
export function deriveSeed(root: bigint, ...path: number[]): bigint {
  let s = splitmix64(root & MASK64);
  for (const p of path) s = splitmix64(s ^ splitmix64(BigInt(p)));
  return s;
}

/**
 * A generator for stream (root, ...path): xoroshiro128+ whose 128-bit state is two SplitMix64
 * outputs of the derived seed.
 *
 * @example
 * ```ts
 * const rng = streamRng(0n, STREAM.bs, 4);
 * uniform(rng); // same value on every machine and in every batch
 * ```
 */
export function streamRng(root: bigint, ...path: number[]): RandomGenerator {
  const s = deriveSeed(root, ...path);
  const a = splitmix64(s);
  const b = splitmix64(a);
  const words: number[] = [a >> 32n, a & 0xffffffffn, b >> 32n, b & 0xffffffffn].map((w) =>
    Number(BigInt.asIntN(32, w))
  );
  if (!words.some((w) => w !== 0)) words[1] = 1;
  return xoroshiro128plusFromState(words);
}

/**
 * A uniform integer in [0, n).
 *
 * @example
 * ```ts
 * randomIndex(streamRng(1n), 10); // 0..9
 * ```
 */
export function randomIndex(rng: RandomGenerator, n: number): number {
  return Math.min(n - 1, Math.floor(uniform(rng) * n));
}
