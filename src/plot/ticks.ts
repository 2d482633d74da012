/**
 * Axis arithmetic of the figures, as the chart libraries scientists know do it (d3's `ticks`,
 * `nice` and default tick format, which Vega used for exfit's figures before): tick steps of
 * 1, 2 or 5 × 10^k, domains extended to whole steps, labels with the precision of the step and
 * thousands separators.
 *
 * @module
 */

const E10 = Math.sqrt(50);
const E5 = Math.sqrt(10);
const E2 = Math.sqrt(2);

/**
 * The tick step for about `count` ticks over [lo, hi]: 1, 2 or 5 × 10^k, picked as d3 does (the
 * multiple nearest to the raw step on a log scale); 0 when the span is empty or not finite.
 *
 * @example
 * ```ts
 * tickStep(0, 1000, 10); // 100
 * tickStep(0, 1, 6); // 0.2
 * ```
 */
export function tickStep(lo: number, hi: number, count: number): number {
  const raw = Math.abs(hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 0;
  const power = Math.floor(Math.log10(raw));
  const error = raw / 10 ** power;
  const factor = error >= E10 ? 10 : error >= E5 ? 5 : error >= E2 ? 2 : 1;
  return factor * 10 ** power;
}

/**
 * Ticks at whole multiples of {@link tickStep} inside [lo, hi] (ascending; [lo] for an empty
 * span). Values are computed as integer × step so they print without rounding noise.
 *
 * @example
 * ```ts
 * linearTicks(0, 1000, 10); // [0, 100, 200, …, 1000]
 * linearTicks(9.3, 10.4, 6); // [9.4, 9.6, 9.8, 10, 10.2, 10.4]
 * ```
 */
export function linearTicks(lo: number, hi: number, count: number): number[] {
  const a = Math.min(lo, hi);
  const b = Math.max(lo, hi);
  const step = tickStep(a, b, count);
  if (step === 0) return Number.isFinite(a) ? [a] : [];
  const first = Math.ceil(a / step - 1e-9);
  const last = Math.floor(b / step + 1e-9);
  const out: number[] = [];
  // A power of ten below 1 divides exactly where multiplying by it would not (0.1 × 3).
  const inverse = step < 1 ? Math.round(1 / step) : 0;
  // `|| 0`: Math.ceil of a tiny negative is −0.
  for (let k = first; k <= last; k++) out.push((inverse ? k / inverse : k * step) || 0);
  return out;
}

/**
 * The domain extended outwards to whole tick steps (d3's `nice`), repeated until the step settles.
 *
 * @example
 * ```ts
 * niceDomain(0.13, 9.7, 6); // [0, 10]
 * ```
 */
export function niceDomain(lo: number, hi: number, count: number): [number, number] {
  let a = lo;
  let b = hi;
  let previous = NaN;
  for (let k = 0; k < 10; k++) {
    const step = tickStep(a, b, count);
    if (step === 0 || step === previous) break;
    a = Math.floor(a / step) * step;
    b = Math.ceil(b / step) * step;
    previous = step;
  }
  return [a, b];
}

/**
 * "Nice" tick values (1, 2, 5 × 10^k steps, the first step not below the raw one) covering
 * [lo, hi], about `count` of them: the report's small figures.
 *
 * @example
 * ```ts
 * niceTicks(0, 10, 5); // [0, 2, 4, 6, 8, 10]
 * ```
 */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

/**
 * A tick label with the decimals the step needs, thousands separators and a true minus sign
 * (d3's default `,f` tick format); never "−0".
 *
 * @example
 * ```ts
 * formatTick(1000, 200); // "1,000"
 * formatTick(-0.4, 0.2); // "−0.4"
 * ```
 */
export function formatTick(value: number, step: number): string {
  const decimals = step > 0 ? Math.min(20, Math.max(0, -Math.floor(Math.log10(step) + 1e-9))) : 6;
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const text = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  return value < 0 && Number(fixed) !== 0 ? `−${text}` : text;
}
