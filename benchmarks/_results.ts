/**
 * Benchmark results as data: named sample sets (seconds or microseconds), saved as JSON by
 * `deno task bench --save FILE` and compared by `--compare A.json B.json`, which prints the
 * ratio of medians with a noise estimate from the spread of both runs.
 *
 * @module
 */
import { median } from "./_timing.ts";

/** One measured quantity: every sample, so a later comparison can judge the noise. */
export interface Result {
  name: string;
  unit: "s" | "ms" | "us" | "MiB";
  samples: number[];
  /** What else the run printed that a reader needs (e.g. the last step's χ²). */
  note?: string;
}

/** A saved run. */
export interface SavedRun {
  date: string;
  deno: string;
  host: string;
  /** Load averages (1, 5, 15 min) at the start and the end: the machine is shared. */
  load?: { start: string; end: string };
  /** The command line of the run. */
  command?: string;
  /** Logical cores of the machine. */
  cores?: number;
  results: Result[];
}

/** `/proc/loadavg`'s three load averages, or "" where there is none. */
export function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return "";
  }
}

/** Relative noise of a sample set: 1.4826·MAD / median (a robust σ over the median), 0 if < 2. */
export function relativeNoise(samples: readonly number[]): number {
  if (samples.length < 2) return 0;
  const m = median([...samples]);
  const mad = median(samples.map((x) => Math.abs(x - m)));
  return m === 0 ? 0 : (1.4826 * mad) / m;
}

/** One printed line for a result: median and spread. */
export function formatResult(r: Result): string {
  const m = median([...r.samples]);
  const n = relativeNoise(r.samples);
  return `${r.name}: median ${m.toPrecision(4)} ${r.unit} (n=${r.samples.length}, noise ±${
    (100 * n).toFixed(1)
  } %)`;
}

/**
 * Write a run to `path` (JSON).
 *
 * @example
 * ```ts
 * saveRun("bench.json", [{ name: "help", unit: "ms", samples: [61, 63, 60] }]);
 * ```
 */
export function saveRun(
  path: string,
  results: Result[],
  extra: Pick<SavedRun, "load" | "command"> = {},
): void {
  const run: SavedRun = {
    date: new Date().toISOString(),
    deno: Deno.version.deno,
    host: Deno.hostname(),
    cores: navigator.hardwareConcurrency,
    ...extra,
    results,
  };
  Deno.writeTextFileSync(path, JSON.stringify(run, null, 1) + "\n");
}

/**
 * Ratio lines B/A for every result present in both runs: the ratio of medians, its noise (the
 * two relative noises added in quadrature) and a verdict: "faster"/"slower" when the ratio is
 * more than two noises away from 1, else "same within noise".
 *
 * @example
 * ```ts
 * compareRuns(a, b); // ["eval fit/CPMG_15N_IP: 0.812x ±0.031 (faster)", ...]
 * ```
 */
export function compareRuns(a: SavedRun, b: SavedRun): string[] {
  const byName = new Map(a.results.map((r) => [r.name, r]));
  const lines: string[] = [];
  for (const rb of b.results) {
    const ra = byName.get(rb.name);
    if (!ra) {
      lines.push(`${rb.name}: only in B`);
      continue;
    }
    const ratio = median([...rb.samples]) / median([...ra.samples]);
    const noise = ratio * Math.hypot(relativeNoise(ra.samples), relativeNoise(rb.samples));
    const verdict = Math.abs(ratio - 1) <= 2 * noise
      ? "same within noise"
      : ratio < 1
      ? "faster"
      : "slower";
    lines.push(`${rb.name}: ${ratio.toFixed(3)}x ±${noise.toFixed(3)} (${verdict})`);
  }
  for (const ra of a.results) {
    if (!b.results.some((r) => r.name === ra.name)) lines.push(`${ra.name}: only in A`);
  }
  return lines;
}
