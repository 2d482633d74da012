/**
 * Why `normalCdf` reads Mills' ratio from a table and a Taylor series in the tails: the
 * Kolmogorov–Smirnov test every fit step reports (`statistics.toml`) evaluates Φ at each
 * normalised residual, and Laplace's continued fraction (`millsRatio`, the exact reference) needs
 * hundreds of terms for |x| near 1. Prints µs per Φ both ways and the time of one `ksTestNormal`
 * over 2,484 seeded normal draws (CPMG_15N_IP's STEP2), first call and warm.
 *
 * fdlibm's erfc from `@stdlib/math-base-special-erfc` was as fast (0.05–0.11 µs) but brings 137
 * npm packages into `deno.lock`, and Deno reads the lock at every start: an empty script in the
 * repository took 71 ms against 67.5 ms (12 alternated runs), on every `exfit` process.
 *
 * @module
 */
import { millsRatio, normalCdf, normalPdf } from "../src/math/normal.ts";
import { ksTestNormal } from "../src/math/distributions.ts";
import { createRng, standardNormals } from "../src/math/random.ts";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Median µs per call of `f` over a grid of x in [-4, 4], `reps` batches. */
function perCall(f: (x: number) => number, reps = 7): number {
  const n = 20_000;
  const out: number[] = [];
  let sink = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += f(-4 + (8 * i) / n);
    out.push(((performance.now() - t0) / n) * 1000);
  }
  if (!(sink > 0)) throw new Error("no work");
  return median(out);
}

if (import.meta.main) {
  const draws = standardNormals(createRng(7), 2_484);
  const t0 = performance.now();
  const p = ksTestNormal(draws);
  const first = performance.now() - t0;
  const warm: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    ksTestNormal(draws);
    warm.push(performance.now() - t);
  }
  const lib = perCall(normalCdf);
  // The continued fraction alone (what normalCdf computed before), for |x| ≥ 1/√2.
  const fraction = perCall((x) => {
    const z = Math.max(Math.abs(x), Math.SQRT1_2);
    const tail = normalPdf(z) * millsRatio(z);
    return x < 0 ? tail : 1 - tail;
  });
  console.log(
    `normal CDF: ${lib.toFixed(3)} µs per call (table and Taylor series) against ` +
      `${fraction.toFixed(3)} µs (continued fraction), ${(fraction / lib).toFixed(0)}× faster`,
  );
  console.log(
    `ksTestNormal of 2,484 draws: ${first.toFixed(1)} ms first call, ` +
      `${median(warm).toFixed(2)} ms warm (p = ${p.toPrecision(6)})`,
  );
}
