/**
 * B1 (radio-frequency field) inhomogeneity: the `[experiment.b1_distribution]` table and the
 * legacy `b1_inh_scale`/`b1_inh_res` keys of CEST-type experiments (chemex-compat 4.4), and the
 * grid of field values and weights they stand for (physics-conventions 6.3).
 *
 * A profile is computed once per grid point (its own RF term in the Liouvillian) and the signals
 * are summed with the weights. `dephasing` is not a distribution but a mode: a single point whose
 * I-spin pulses drop every oscillating eigenmode (physics-conventions 4, pitfall P13).
 *
 * The quadratures are computed here rather than taken from a table so that any `res` works:
 * Gauss–Hermite and Gauss–Legendre nodes by Newton iteration on the three-term recurrences,
 * the beta quantile by inverting the regularised incomplete beta function, and the mode of the
 * skew-normal density by a port of SciPy's bounded Brent search (`minimize_scalar(method=
 * "bounded")`), whose 1e-5 tolerance the node positions inherit (pitfall P9).
 *
 * With no B1 key at all the grid is the single nominal point, as in ChemEx 2026.06 (2025.10
 * used gaussian(0.1, 11); see docs/b1.md).
 *
 * @module
 */
import type { KeySpec } from "../config/experiment.ts";
import { didYouMean } from "../config/errors.ts";
import { describeValue, KeyContext, TomlKeyIndex } from "../config/toml.ts";
import { erf } from "../stats/distributions.ts";

/** A validated B1 distribution request, independent of the nominal field. */
export type B1Distribution =
  | { type: "single" }
  | { type: "gaussian"; scale: number; res: number }
  | { type: "hermite"; scale: number; res: number }
  | { type: "skewed"; scale: number; res: number; skewness: number }
  | {
    type: "truncated_skewed";
    scale: number;
    skewness: number;
    res: number;
    /** Lower bound as a fraction of the nominal field, or null for nominal·(1 − 4·scale). */
    lowerBound: number | null;
  }
  | { type: "beta"; scale: number; res: number; meanFrac: number }
  | { type: "custom"; scales: number[]; weights: number[] }
  | { type: "dephasing" };

/** Field values of a grid and their weights (summing to one). */
export interface B1Grid {
  /** B1 field of each point, Hz. */
  valuesHz: Float64Array;
  /** valuesHz relative to the nominal field (1 for a single point). */
  scales: Float64Array;
  weights: Float64Array;
  /** Dephasing mode: I-spin pulses drop oscillating eigenmodes. */
  dephasing: boolean;
}

/** The `b1_distribution` types, in the order they are listed to users. */
export const B1_DISTRIBUTION_TYPES: readonly string[] = [
  "gaussian",
  "hermite",
  "skewed",
  "truncated_skewed",
  "beta",
  "custom",
  "dephasing",
];

/**
 * Schema keys every experiment with a B1 distribution accepts: the nominal field (`b1_frq`, or
 * `pw90` giving 1/(4·pw90)), the distribution table and the legacy Gaussian keys. Experiments
 * that require `b1_frq` override that entry.
 *
 * @example
 * ```ts
 * const keys = { time_t1: { type: "number", required: true, min: 0 }, ...b1Keys() };
 * ```
 */
export function b1Keys(): Record<string, KeySpec> {
  return {
    b1_frq: { type: "number", min: 0 },
    pw90: { type: "number", min: 0, exclusiveMin: true },
    b1_distribution: { type: "table" },
    b1_inh_scale: { type: "number", min: 0, legacy: true },
    b1_inh_res: { type: "integer", min: 1, legacy: true },
  };
}

/** Where B1 settings came from, for error messages: a located context or a file name. */
export type B1Source = KeyContext | string;

function contextOf(source: B1Source): KeyContext {
  if (typeof source !== "string") return source;
  return new KeyContext(source, new TomlKeyIndex([]));
}

interface KeyRule {
  kind: "number" | "integer" | "list";
  range?: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean };
}

// Keys, ranges and defaults of each type (ChemEx's pydantic models; chemex-compat 4.4).
const RULES: Record<string, Record<string, KeyRule>> = {
  gaussian: {
    scale: { kind: "number", range: { min: 0, max: 1 } },
    res: { kind: "integer", range: { min: 1, max: 51 } },
  },
  hermite: {
    scale: { kind: "number", range: { min: 0, max: 1 } },
    res: { kind: "integer", range: { min: 1, max: 51 } },
  },
  skewed: {
    scale: { kind: "number", range: { min: 0, max: 1 } },
    res: { kind: "integer", range: { min: 1, max: 51 } },
    skewness: { kind: "number", range: { min: -2, max: 2 } },
  },
  truncated_skewed: {
    scale: { kind: "number", range: { min: 0, max: 1 } },
    skewness: { kind: "number", range: { min: -10, max: 10 } },
    res: { kind: "integer", range: { min: 1, max: 101 } },
    lower_bound: { kind: "number", range: { min: 0, max: 1 } },
  },
  beta: {
    scale: { kind: "number", range: { min: 0.01, max: 0.5 } },
    res: { kind: "integer", range: { min: 1, max: 51 } },
    mean_frac: { kind: "number", range: { min: 0.5, max: 1, exclusiveMax: true } },
  },
  custom: { scales: { kind: "list" }, weights: { kind: "list" } },
  dephasing: {},
};

const DEFAULTS: Record<string, Record<string, number>> = {
  gaussian: { scale: 0.1, res: 11 },
  hermite: { scale: 0.1, res: 11 },
  skewed: { scale: 0.1, res: 11, skewness: 0 },
  truncated_skewed: { scale: 0.1, res: 11, skewness: -0.8 },
  beta: { scale: 0.1, res: 11, mean_frac: 0.95 },
};

/**
 * Read the B1 distribution of an experiment's validated `[experiment]` settings (lower-case keys,
 * as produced by the experiment-file reader). `legacyDefault` gives gaussian(0.1, 11) when no B1
 * key is present (ChemEx's `cest_15n_test`, and every CEST experiment before 2026.06).
 *
 * Throws {@link ConfigError} naming the file and key when the table is invalid or combined with
 * the legacy keys.
 *
 * @example
 * ```ts
 * parseB1Distribution({ b1_distribution: { type: "hermite", res: 5 } }, "exp.toml");
 * // { type: "hermite", scale: 0.1, res: 5 }
 * parseB1Distribution({ b1_inh_scale: Infinity }, "exp.toml"); // { type: "dephasing" }
 * ```
 */
export function parseB1Distribution(
  settings: Readonly<Record<string, unknown>>,
  source: B1Source,
  opts: { legacyDefault?: boolean } = {},
): B1Distribution {
  const ctx = contextOf(source);
  const table = settings.b1_distribution;
  const hasLegacy = settings.b1_inh_scale !== undefined || settings.b1_inh_res !== undefined;
  if (table !== undefined && table !== null) {
    if (hasLegacy) {
      const key = settings.b1_inh_scale !== undefined ? "b1_inh_scale" : "b1_inh_res";
      ctx.fail(
        ["experiment", key],
        "use either 'b1_distribution' or the legacy 'b1_inh_scale'/'b1_inh_res' keys, not both",
      );
    }
    return parseTable(ctx, table);
  }
  if (!hasLegacy && !opts.legacyDefault) return { type: "single" };
  const scale = settings.b1_inh_scale === undefined
    ? 0.1
    : ctx.number(settings.b1_inh_scale, ["experiment", "b1_inh_scale"], {
      min: 0,
      allowInfinity: true, // inf: fully dephasing field inhomogeneity
    });
  const res = settings.b1_inh_res === undefined
    ? 11
    : ctx.integer(settings.b1_inh_res, ["experiment", "b1_inh_res"], { min: 1 });
  if (scale === Infinity) return { type: "dephasing" };
  return { type: "gaussian", scale, res };
}

function parseTable(ctx: KeyContext, raw: unknown): B1Distribution {
  const base = ["experiment", "b1_distribution"];
  const table = ctx.table(raw, base);
  let type = "gaussian";
  if (table.type !== undefined) {
    type = ctx.string(table.type, [...base, "type"]).trim().toLowerCase();
    if (!(type in RULES)) {
      ctx.fail(
        [...base, "type"],
        `unknown B1 distribution type ${describeValue(table.type)}; expected one of ` +
          B1_DISTRIBUTION_TYPES.map((t) => `"${t}"`).join(", ") +
          didYouMean(type, B1_DISTRIBUTION_TYPES),
      );
    }
  }
  const rules = RULES[type];
  const values: Record<string, number> = { ...DEFAULTS[type] };
  const lists: Record<string, number[]> = {};
  for (const [key, value] of Object.entries(table)) {
    if (key === "type") continue;
    const path = [...base, key];
    const rule = rules[key];
    if (!rule) {
      const known = Object.keys(rules);
      ctx.fail(
        path,
        `unknown key '${key}' for B1 distribution type "${type}"` +
          (known.length ? ` (expected ${known.map((k) => `'${k}'`).join(", ")})` : " (no keys)") +
          didYouMean(key, known),
      );
    }
    if (rule.kind === "number") values[key] = ctx.number(value, path, rule.range);
    else if (rule.kind === "integer") values[key] = ctx.integer(value, path, rule.range);
    else {
      if (!Array.isArray(value) || value.length === 0) {
        ctx.fail(
          path,
          `${ctx.label(path)} must be a non-empty list of positive numbers, got ${
            describeValue(value)
          }`,
        );
      }
      lists[key] = (value as unknown[]).map((v) =>
        ctx.number(v, path, { min: 0, exclusiveMin: true })
      );
    }
  }
  switch (type) {
    case "gaussian":
    case "hermite":
      return { type, scale: values.scale, res: values.res };
    case "skewed":
      return { type, scale: values.scale, res: values.res, skewness: values.skewness };
    case "truncated_skewed":
      return {
        type,
        scale: values.scale,
        skewness: values.skewness,
        res: values.res,
        lowerBound: values.lower_bound ?? null,
      };
    case "beta":
      return { type, scale: values.scale, res: values.res, meanFrac: values.mean_frac };
    case "custom": {
      for (const key of ["scales", "weights"]) {
        if (!lists[key]) {
          ctx.fail(
            base,
            `B1 distribution type "custom" needs '${key}' (a list of positive numbers)`,
          );
        }
      }
      if (lists.scales.length !== lists.weights.length) {
        ctx.fail(
          [...base, "weights"],
          `'scales' and 'weights' of the custom B1 distribution must have the same length ` +
            `(got ${lists.scales.length} and ${lists.weights.length})`,
        );
      }
      return { type, scales: lists.scales, weights: lists.weights };
    }
    default:
      return { type: "dephasing" };
  }
}

/**
 * Nominal B1 field of an experiment: `b1_frq`, else 1/(4·`pw90`).
 *
 * @example
 * ```ts
 * b1NominalHz({ pw90: 10e-3 }, "exp.toml"); // 25
 * ```
 */
export function b1NominalHz(settings: Readonly<Record<string, unknown>>, source: B1Source): number {
  if (typeof settings.b1_frq === "number") return settings.b1_frq;
  if (typeof settings.pw90 === "number") return 1.0 / (4.0 * settings.pw90);
  return contextOf(source).fail(
    ["experiment"],
    "either 'b1_frq' (B1 field, Hz) or 'pw90' (90° pulse width, s) must be given in [experiment]",
  );
}

/**
 * The grid of a distribution around a nominal field (physics-conventions 6.3).
 *
 * @example
 * ```ts
 * const g = b1Grid({ type: "gaussian", scale: 0.1, res: 3 }, 25);
 * g.valuesHz; // [20, 25, 30]
 * g.weights; // ≈ [0.1065, 0.7870, 0.1065]
 * ```
 */
export function b1Grid(dist: B1Distribution, nominalHz: number): B1Grid {
  const single = (dephasing = false): B1Grid => ({
    valuesHz: Float64Array.of(nominalHz),
    scales: Float64Array.of(1),
    weights: Float64Array.of(1),
    dephasing,
  });
  const fromRelative = (rel: Float64Array, w: Float64Array): B1Grid => ({
    valuesHz: rel.map((r) => r * nominalHz),
    scales: rel,
    weights: normalise(w),
    dephasing: false,
  });
  const degenerate = (scale: number, res: number) => scale === 0 || scale === Infinity || res <= 1;
  switch (dist.type) {
    case "single":
      return single();
    case "dephasing":
      return single(true);
    case "gaussian": {
      if (degenerate(dist.scale, dist.res)) return single();
      const step = 4.0 / (dist.res - 1);
      const u = Float64Array.from({ length: dist.res }, (_, k) => k * step + -2.0);
      u[dist.res - 1] = 2.0;
      return fromRelative(u.map((x) => x * dist.scale + 1.0), u.map(normalPdf));
    }
    case "hermite":
      if (degenerate(dist.scale, dist.res)) return single();
      return hermiteGrid(dist.scale, dist.res, nominalHz);
    case "skewed":
      return skewedGrid(dist.scale, dist.res, dist.skewness, nominalHz);
    case "truncated_skewed":
      return truncatedSkewedGrid(dist, nominalHz);
    case "beta":
      return betaGrid(dist.scale, dist.res, dist.meanFrac, nominalHz);
    case "custom":
      return fromRelative(Float64Array.from(dist.scales), Float64Array.from(dist.weights));
  }
}

/**
 * Distribution and grid of an experiment in one call (nominal from `b1_frq`/`pw90`).
 *
 * @example
 * ```ts
 * const grid = b1GridFromSettings({ b1_frq: 25, b1_distribution: { type: "dephasing" } }, "e.toml");
 * grid.dephasing; // true
 * ```
 */
export function b1GridFromSettings(
  settings: Readonly<Record<string, unknown>>,
  source: B1Source,
  opts: { legacyDefault?: boolean } = {},
): B1Grid {
  return b1Grid(parseB1Distribution(settings, source, opts), b1NominalHz(settings, source));
}

function normalise(w: Float64Array): Float64Array {
  let s = 0;
  for (const v of w) s += v;
  return w.map((v) => v / s);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
}

function hermiteGrid(scale: number, res: number, nominalHz: number): B1Grid {
  const { nodes, weights } = gaussHermite(res);
  const rel = nodes.map((x) => x * Math.SQRT2 * scale + 1.0);
  return {
    valuesHz: rel.map((r) => r * nominalHz),
    scales: rel,
    weights: normalise(weights),
    dephasing: false,
  };
}

/** Skew-normal density with location ξ, scale ω and shape α (as ChemEx writes it). */
function skewNormalPdf(x: number, xi: number, omega: number, alpha: number): number {
  const z = (x - xi) / omega;
  const phi = INV_SQRT_2PI * Math.exp(-0.5 * z * z);
  const cdf = 0.5 * (1 + erf(alpha * z / Math.SQRT2));
  return (2 / omega) * phi * cdf;
}

function skewedGrid(scale: number, res: number, skewness: number, nominalHz: number): B1Grid {
  if (scale === 0 || scale === Infinity || res <= 1) return b1Grid({ type: "single" }, nominalHz);
  if (Math.abs(skewness) < 0.01) return hermiteGrid(scale, res, nominalHz);
  const a = Math.abs(skewness);
  let delta = a < 2.0
    ? Math.sign(skewness) * Math.pow(a / (0.995 * ((4 - Math.PI) / 2)), 1 / 3)
    : Math.sign(skewness) * (1.0 - 0.5 / a);
  delta = Math.min(0.995, Math.max(-0.995, delta));
  const alpha = delta / Math.sqrt(1 - delta * delta);
  const omega = scale * (1.0 + 0.15 * a);
  const mode = Math.abs(alpha) < 0.01
    ? 0.0
    : boundedBrent((x) => -skewNormalPdf(x, 0.0, 1.0, alpha), -3, 3);
  const xi = 1.0 - omega * mode;
  const lo = Math.max(0.3, xi - 4.0 * omega);
  const hi = Math.min(2.0, xi + 4.0 * omega);
  const { nodes, weights } = gaussLegendre(res);
  const rel = nodes.map((t) => 0.5 * (hi - lo) * t + 0.5 * (hi + lo));
  const w = rel.map((r, k) => 0.5 * (hi - lo) * weights[k] * skewNormalPdf(r, xi, omega, alpha));
  return {
    valuesHz: rel.map((r) => r * nominalHz),
    scales: rel,
    weights: normalise(w),
    dephasing: false,
  };
}

function truncatedSkewedGrid(
  dist: { scale: number; skewness: number; res: number; lowerBound: number | null },
  nominalHz: number,
): B1Grid {
  const { scale, res } = dist;
  if (scale <= 0 || scale === Infinity || res <= 1) return b1Grid({ type: "single" }, nominalHz);
  const alpha = dist.skewness;
  const lower = dist.lowerBound !== null
    ? nominalHz * dist.lowerBound
    : nominalHz * (1.0 - 4.0 * scale);
  const upper = nominalHz;
  const delta = alpha / Math.sqrt(1.0 + alpha * alpha);
  const muZ = delta * Math.sqrt(2.0 / Math.PI);
  const mode = boundedBrent(
    (z) => {
      const phi = Math.exp(-0.5 * z * z) / Math.sqrt(2.0 * Math.PI);
      const bigPhi = 0.5 * (1.0 + erf(alpha * z / Math.SQRT2));
      return -2.0 * phi * bigPhi;
    },
    muZ - 1.0,
    muZ + 1.0,
  );
  const omega = scale * nominalHz;
  const xi = nominalHz - omega * mode;
  const { nodes, weights } = gaussLegendre(res);
  const values = nodes.map((t) => 0.5 * (upper - lower) * (t + 1.0) + lower);
  const w = values.map((x, k) =>
    skewNormalPdf(x, xi, omega, alpha) * weights[k] * 0.5 * (upper - lower)
  );
  let norm = 0;
  for (const v of w) norm += v;
  const final = norm > 0 ? normalise(w) : normalise(weights);
  return {
    valuesHz: values,
    scales: values.map((v) => v / nominalHz),
    weights: final,
    dephasing: false,
  };
}

function betaGrid(scale: number, res: number, meanFrac: number, nominalHz: number): B1Grid {
  if (scale === 0 || scale === Infinity || res <= 1) return b1Grid({ type: "single" }, nominalHz);
  const s = Math.min(0.5, Math.max(0.01, scale));
  const mu = Math.min(0.99, Math.max(0.5, meanFrac));
  const sigma = mu * s;
  const t = mu * (1 - mu) / (sigma ** 2) - 1;
  const [a, b] = t <= 0 ? [2 * mu, 2 * (1 - mu)] : [mu * t, (1 - mu) * t];
  const rel = Float64Array.from({ length: res }, (_, k) => betaQuantile((k + 1 - 0.5) / res, a, b));
  return {
    valuesHz: rel.map((r) => nominalHz * r),
    scales: rel,
    weights: new Float64Array(res).fill(1 / res),
    dephasing: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Numerical building blocks

/**
 * Minimum of f on [lo, hi] by Brent's bounded method, step for step as SciPy's
 * `minimize_scalar(f, bounds=(lo, hi), method="bounded")` (xatol 1e-5, at most 500 calls), so
 * that the result carries the same ~1e-5 error as ChemEx's skew-normal mode (pitfall P9).
 *
 * @example
 * ```ts
 * boundedBrent((x) => (x - 1) ** 2, -3, 3); // ≈ 1 (within 1e-5)
 * ```
 */
export function boundedBrent(
  f: (x: number) => number,
  lo: number,
  hi: number,
  xatol = 1e-5,
  maxiter = 500,
): number {
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || lo > hi) {
    throw new Error(`boundedBrent: invalid bounds [${lo}, ${hi}]`);
  }
  const sqrtEps = Math.sqrt(2.2e-16);
  const goldenMean = 0.5 * (3.0 - Math.sqrt(5.0));
  let a = lo;
  let b = hi;
  let fulc = a + goldenMean * (b - a);
  let nfc = fulc;
  let xf = fulc;
  let rat = 0.0;
  let e = 0.0;
  let x = xf;
  let fx = f(x);
  let num = 1;
  let ffulc = fx;
  let fnfc = fx;
  let xm = 0.5 * (a + b);
  let tol1 = sqrtEps * Math.abs(xf) + xatol / 3.0;
  let tol2 = 2.0 * tol1;
  const sign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);
  while (Math.abs(xf - xm) > tol2 - 0.5 * (b - a)) {
    let golden = true;
    if (Math.abs(e) > tol1) {
      golden = false;
      let r = (xf - nfc) * (fx - ffulc);
      let q = (xf - fulc) * (fx - fnfc);
      let p = (xf - fulc) * q - (xf - nfc) * r;
      q = 2.0 * (q - r);
      if (q > 0.0) p = -p;
      q = Math.abs(q);
      r = e;
      e = rat;
      if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (a - xf) && p < q * (b - xf)) {
        rat = (p + 0.0) / q;
        x = xf + rat;
        if (x - a < tol2 || b - x < tol2) {
          const si = sign(xm - xf) + (xm - xf === 0 ? 1 : 0);
          rat = tol1 * si;
        }
      } else {
        golden = true;
      }
    }
    if (golden) {
      e = xf >= xm ? a - xf : b - xf;
      rat = goldenMean * e;
    }
    const si = sign(rat) + (rat === 0 ? 1 : 0);
    x = xf + si * Math.max(Math.abs(rat), tol1);
    const fu = f(x);
    num += 1;
    if (fu <= fx) {
      if (x >= xf) a = xf;
      else b = xf;
      fulc = nfc;
      ffulc = fnfc;
      nfc = xf;
      fnfc = fx;
      xf = x;
      fx = fu;
    } else {
      if (x < xf) a = x;
      else b = x;
      if (fu <= fnfc || nfc === xf) {
        fulc = nfc;
        ffulc = fnfc;
        nfc = x;
        fnfc = fu;
      } else if (fu <= ffulc || fulc === xf || fulc === nfc) {
        fulc = x;
        ffulc = fu;
      }
    }
    xm = 0.5 * (a + b);
    tol1 = sqrtEps * Math.abs(xf) + xatol / 3.0;
    tol2 = 2.0 * tol1;
    if (num >= maxiter) break;
  }
  return xf;
}

/**
 * Gauss–Hermite quadrature (physicists' weight e^{−x²}): n nodes in ascending order and their
 * weights, by Newton iteration on the orthonormal recurrence.
 *
 * @example
 * ```ts
 * gaussHermite(2).nodes; // [-0.7071067811865476, 0.7071067811865476]
 * ```
 */
export function gaussHermite(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const pim4 = Math.pow(Math.PI, -0.25);
  const m = Math.floor((n + 1) / 2);
  let z = 0;
  for (let i = 0; i < m; i++) {
    // Initial guesses of Numerical Recipes (gauher), refined by Newton's method.
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -0.16667);
    else if (i === 1) z -= 1.14 * Math.pow(n, 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * nodes[0];
    else if (i === 3) z = 1.91 * z - 0.91 * nodes[1];
    else z = 2.0 * z - nodes[i - 2];
    let pp = 0;
    for (let its = 0; its < 100; its++) {
      let p1 = pim4;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    nodes[i] = z;
    weights[i] = 2 / (pp * pp);
  }
  // gauher fills from the largest root down; mirror into ascending order.
  const outN = new Float64Array(n);
  const outW = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    outN[n - 1 - i] = nodes[i];
    outN[i] = -nodes[i];
    outW[n - 1 - i] = weights[i];
    outW[i] = weights[i];
  }
  if (n % 2 === 1) outN[m - 1] = 0;
  return { nodes: outN, weights: outW };
}

/**
 * Gauss–Legendre quadrature on [−1, 1]: n nodes in ascending order and their weights.
 *
 * @example
 * ```ts
 * gaussLegendre(2).nodes; // [-0.5773502691896257, 0.5773502691896257]
 * ```
 */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const m = Math.floor((n + 1) / 2);
  for (let i = 0; i < m; i++) {
    let z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
    let pp = 0;
    for (let its = 0; its < 100; its++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      pp = n * (z * p1 - p2) / (z * z - 1);
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-16) break;
    }
    nodes[n - 1 - i] = z;
    nodes[i] = -z;
    weights[i] = weights[n - 1 - i] = 2 / ((1 - z * z) * pp * pp);
  }
  if (n % 2 === 1) nodes[m - 1] = 0;
  return { nodes, weights };
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  const xm = x - 1;
  let a = c[0];
  const t = xm + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (xm + i);
  return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/**
 * Regularised incomplete beta function I_x(a, b).
 *
 * @example
 * ```ts
 * betaCdf(0.5, 2, 2); // 0.5
 * ```
 */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnPre = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) +
    b * Math.log1p(-x);
  const pre = Math.exp(lnPre);
  if (x < (a + 1) / (a + b + 2)) return pre * betaFraction(x, a, b) / a;
  return 1 - pre * betaFraction(1 - x, b, a) / b;
}

/**
 * Quantile of the beta distribution (SciPy's `stats.beta.ppf(p, a, b)`), by safeguarded
 * Newton–bisection on {@link betaCdf} to near machine precision.
 *
 * @example
 * ```ts
 * betaQuantile(0.5, 2, 2); // 0.5
 * ```
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let lo = 0;
  let hi = 1;
  let x = a / (a + b);
  const lnB = logGamma(a) + logGamma(b) - logGamma(a + b);
  for (let it = 0; it < 200; it++) {
    const f = betaCdf(x, a, b) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const dens = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnB);
    let next = x - f / dens;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-16 * Math.max(x, 1e-300) || hi - lo <= 2e-16 * hi) return next;
    x = next;
  }
  return x;
}
