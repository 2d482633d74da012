/**
 * ChemEx's sampled CPMG error bars (chemex-compat 8.4: 10,000 draws per point, two percentiles)
 * for 32 profiles of 24 CPMG points and two references, the size of ChemEx's methyl example
 * (CPMG_CH3_1H_SQ): the first pass in a fresh process, where V8 still compiles the sampling and
 * selection code, and the median of the next three. A run draws the bars once (`CpmgErrorBars`),
 * so what a whole `exfit fit` pays is mostly the first figure.
 *
 * Measured (2026-12-06, pinned to one core, alternated with the code before): 190–206 ms first /
 * 125 ms warm before; 112 ms first / 57–63 ms warm after (1) the sampling loop got a function of
 * its own and the percentiles lost their closures (V8's optimised error-bar code was left for the
 * interpreter at every point: 21–45 deoptimisations a run) and (2) the selection's partition
 * became branch-free (two selections on 10 000 fresh draws: 118 µs → 24 µs). Same bits.
 *
 * Run: `deno run -A benchmarks/error_bars_bench.ts`
 *
 * @module
 */
import { cpmgPlotData } from "../src/plot/cpmg.ts";
import { median } from "./_timing.ts";

/** One pass over the 32 profiles (the seeds differ per pass, as per profile in a run). */
function pass(seed: number): number {
  const t0 = performance.now();
  for (let p = 0; p < 32; p++) {
    const ncyc = Float64Array.from([0, 0, ...Array.from({ length: 24 }, (_, i) => i + 1)]);
    const exp = ncyc.map((n, i) =>
      n === 0 ? 1e6 : 1e6 * Math.exp(-0.03 * (15 + 10 / (1 + n))) * (1 + 0.01 * Math.sin(i + p))
    );
    const err = ncyc.map(() => 1.5e4);
    cpmgPlotData({
      name: `P${p}`,
      timeT2S: 0.03,
      ncyc,
      exp,
      err,
      calc: exp,
      used: Array.from(ncyc, () => true),
      curveNcyc: ncyc.filter((n) => n > 0),
      curveCalc: exp.filter((_, i) => ncyc[i] > 0),
    }, seed + p);
  }
  return performance.now() - t0;
}

if (import.meta.main) {
  const first = pass(0);
  const next = [1, 2, 3].map((k) => pass(100 * k));
  console.log(
    `CPMG error bars, 32 profiles × 24 points: first ${first.toFixed(1)} ms, ` +
      `then ${median(next).toFixed(1)} ms (median of 3)`,
  );
}
