/**
 * Files of `<STEP>/Statistics/<Kind>/` (compatibility spec §8.7): `summary.toml`, `samples.tsv`,
 * `correlations.tsv`, `diagnostics.toml`, `failures.tsv` (only when replicates failed) and the
 * Vega-Lite spec of `plots.svg`. Pure formatting over plain arrays.
 *
 * @module
 */
import { pyExp } from "../math/pyformat.ts";
import { tomlString as quote } from "../output/toml.ts";

const fmt = (x: number) => pyExp(x, 5);
const tsv = (x: number) => Number.isFinite(x) ? pyExp(x, 5) : "nan";

/**
 * Percentile with numpy's default linear interpolation, of sorted values.
 *
 * @example
 * ```ts
 * percentile(Float64Array.of(1, 2, 3, 4), 50); // 2.5
 * ```
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (q / 100) * (n - 1);
  const i = Math.floor(h);
  const t = h - i;
  if (i + 1 >= n) return sorted[n - 1];
  const a = sorted[i];
  const b = sorted[i + 1];
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/** Location and spread of one parameter's samples. */
export interface SampleSummary {
  count: number;
  mean: number;
  sd: number;
  median: number;
  p2_5: number;
  p15_87: number;
  p84_13: number;
  p97_5: number;
}

/**
 * Summary of the finite values (sd with n − 1; 0 for one value).
 *
 * @example
 * ```ts
 * summarize([1, 2, 3, NaN]).mean; // 2
 * ```
 */
export function summarize(values: ArrayLike<number>): SampleSummary {
  const v = Float64Array.from(Array.from(values).filter(Number.isFinite)).sort();
  const n = v.length;
  let mean = 0;
  for (const x of v) mean += x;
  mean /= n;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  return {
    count: n,
    mean: n > 0 ? mean : NaN,
    sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    median: percentile(v, 50),
    p2_5: percentile(v, 2.5),
    p15_87: percentile(v, 15.87),
    p84_13: percentile(v, 84.13),
    p97_5: percentile(v, 97.5),
  };
}

/**
 * Pearson correlation over the pairs where both are finite (NaN with fewer than 2 pairs).
 *
 * @example
 * ```ts
 * correlation([1, 2, 3], [2, 4, 6]); // 1
 * ```
 */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i])) {
      xs.push(a[i]);
      ys.push(b[i]);
    }
  }
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Samples of one statistics run: columns per parameter. */
export interface SampleTable {
  /** Parameter ids (canonical names), column order. */
  ids: string[];
  /** columns[j][i]: sample i of parameter j. */
  columns: Float64Array[];
  /** Last column: "chisqr" (resampling) or "lnprob" (MCMC). */
  extraName: string;
  extra: Float64Array;
}

/**
 * `samples.tsv`: bracketed names then the extra column; `%.5e`, `nan` for missing values.
 *
 * @example
 * ```ts
 * formatSamplesTsv(table).split("\n")[0]; // "[KEX_AB]\t[PB]\tchisqr"
 * ```
 */
export function formatSamplesTsv(t: SampleTable): string {
  const lines = [[...t.ids.map((id) => `[${id}]`), t.extraName].join("\t")];
  for (let i = 0; i < t.extra.length; i++) {
    lines.push([...t.columns.map((c) => tsv(c[i])), tsv(t.extra[i])].join("\t"));
  }
  return lines.join("\n") + "\n";
}

/**
 * `correlations.tsv`: square matrix with a first `parameter` column.
 *
 * @example
 * ```ts
 * formatCorrelationsTsv(table);
 * ```
 */
export function formatCorrelationsTsv(t: SampleTable): string {
  const names = t.ids.map((id) => `[${id}]`);
  const lines = [["parameter", ...names].join("\t")];
  t.columns.forEach((a, i) => {
    const row = t.columns.map((b, j) => i === j ? 1 : correlation(a, b));
    lines.push([names[i], ...row.map(tsv)].join("\t"));
  });
  return lines.join("\n") + "\n";
}

/**
 * Resampling `summary.toml` (one table per parameter, ChemEx's keys).
 *
 * @example
 * ```ts
 * formatResamplingSummary(table).startsWith('["KEX_AB"]'); // for a table whose first id is KEX_AB
 * ```
 */
export function formatResamplingSummary(t: SampleTable): string {
  const lines: string[] = [];
  t.ids.forEach((id, j) => {
    const s = summarize(t.columns[j]);
    lines.push(`[${quote(id)}]`, 'interval = "95% percentile"', `sample_count = ${s.count}`);
    if (s.count > 0) {
      lines.push(
        `mean = ${fmt(s.mean)}`,
        `standard_deviation = ${fmt(s.sd)}`,
        `median = ${fmt(s.median)}`,
        `percentile_95_lower = ${fmt(s.p2_5)}`,
        `percentile_95_upper = ${fmt(s.p97_5)}`,
        `percentile_68_lower = ${fmt(s.p15_87)}`,
        `percentile_68_upper = ${fmt(s.p84_13)}`,
        `half_percentile_68_width = ${fmt(0.5 * (s.p84_13 - s.p15_87))}`,
      );
    }
    lines.push("");
  });
  return lines.join("\n");
}

/**
 * MCMC `summary.toml`: uniform prior bounds, equal-tailed intervals, and where the
 * autocorrelation time is usable the effective sample size and the Monte-Carlo standard error
 * of the mean.
 *
 * @example
 * ```ts
 * formatMcmcSummary(table, lower, upper, ess);
 * ```
 */
export function formatMcmcSummary(
  t: SampleTable,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  ess: ArrayLike<number>,
): string {
  const lines: string[] = [];
  t.ids.forEach((id, j) => {
    const s = summarize(t.columns[j]);
    lines.push(
      `[${quote(id)}]`,
      'prior = "uniform"',
      `prior_lower = ${fmt(lower[j])}`,
      `prior_upper = ${fmt(upper[j])}`,
      'credible_interval = "95% equal-tailed"',
      `mean = ${fmt(s.mean)}`,
      `standard_deviation = ${fmt(s.sd)}`,
      `median = ${fmt(s.median)}`,
      `eti_95_lower = ${fmt(s.p2_5)}`,
      `eti_95_upper = ${fmt(s.p97_5)}`,
      `credible_interval_68_lower = ${fmt(s.p15_87)}`,
      `credible_interval_68_upper = ${fmt(s.p84_13)}`,
      `half_credible_interval_68_width = ${fmt(0.5 * (s.p84_13 - s.p15_87))}`,
    );
    if (Number.isFinite(ess[j]) && ess[j] > 0) {
      lines.push(
        `effective_sample_size = ${fmt(ess[j])}`,
        `mcse_mean = ${fmt(s.sd / Math.sqrt(ess[j]))}`,
      );
    }
    lines.push("");
  });
  return lines.join("\n");
}

/**
 * `failures.tsv` of replicates that could not be refit: `ordinal` is the replicate's 1-based
 * number (replicate index + 1), `disposition` "failed", `category` "fit".
 *
 * @example
 * ```ts
 * formatFailuresTsv([{ index: 3, error: "..." }]); // "...\n4\tfailed\tfit\t...\n"
 * ```
 */
export function formatFailuresTsv(failures: readonly { index: number; error: string }[]): string {
  const clean = (s: string) => s.replace(/[\t\n]/g, " ");
  return ["ordinal\tdisposition\tcategory\tmessage"]
    .concat(failures.map((f) => `${f.index + 1}\tfailed\tfit\t${clean(f.error)}`))
    .join("\n") + "\n";
}

/**
 * Vega-Lite spec of `plots.svg`: a histogram of each parameter's samples.
 *
 * @example
 * ```ts
 * const spec = samplesFigure(table, "Monte Carlo");
 * ```
 */
export function samplesFigure(t: SampleTable, title: string): object {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    background: "white",
    config: { aria: false },
    vconcat: t.ids.map((id, j) => ({
      width: 320,
      height: 160,
      data: { values: Array.from(t.columns[j]).filter(Number.isFinite).map((v) => ({ v })) },
      mark: { type: "bar", color: "#4C78A8" },
      encoding: {
        x: { field: "v", type: "quantitative", bin: { maxbins: 30 }, title: id },
        y: { aggregate: "count", type: "quantitative", title: "samples" },
      },
    })),
  };
}
