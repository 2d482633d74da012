/**
 * Python's `% 17.8e` (the data files' number format) for 15,000 intensities: `pyExp` (one
 * `toExponential` call away from exact ties), the exact BigInt formatter it falls back to at ties
 * (`pyExpExact`), and the bare `toExponential` for scale. Prints ms per 15,000 numbers, first
 * batch (cold code) and the median of the next ones.
 *
 * @module
 */
import { pyExp, pyExpExact } from "../src/math/pyformat.ts";

const N = 15_000;

function batches(format: (x: number) => string, xs: number[]): { first: number; warm: number } {
  const times: number[] = [];
  let chars = 0;
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (const x of xs) chars += format(x).length;
    times.push(performance.now() - t0);
  }
  if (chars === 0) throw new Error("no output");
  const rest = times.slice(1).sort((a, b) => a - b);
  return { first: times[0], warm: rest[rest.length >> 1] };
}

if (import.meta.main) {
  // A decaying CPMG-like intensity with irregular digits.
  const xs = Array.from({ length: N }, (_, i) => 62582.106 * Math.exp(-i / 5000) * (1 + 1e-7 * i));
  const opts = { sign: " " as const, width: 17 };
  for (
    const [name, f] of [
      ["pyExp", (x: number) => pyExp(x, 8, opts)],
      ["pyExpExact", (x: number) => pyExpExact(x, 8, opts)],
      ["toExponential", (x: number) => x.toExponential(8)],
    ] as const
  ) {
    const t = batches(f, xs);
    console.log(
      `${name}: ${t.first.toFixed(1)} ms first, ${t.warm.toFixed(1)} ms warm per ${N} numbers`,
    );
  }
}
