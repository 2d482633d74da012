/**
 * B1 (radio-frequency field) inhomogeneity: the `[experiment.b1_distribution]` table and the
 * legacy `b1_inh_scale`/`b1_inh_res` keys of CEST-type experiments (chemex-compat 4.4), and the
 * grid of field values and weights they stand for (physics-conventions 6.3).
 *
 * A profile is computed once per grid point (its own RF term in the Liouvillian) and the signals
 * are summed with the weights. `dephasing` is not a distribution but a mode: a single point whose
 * I-spin pulses drop every oscillating eigenmode (physics-conventions 4, pitfall P13).
 *
 * The quadratures are computed rather than taken from a table so that any `res` works
 * (`src/math/quadrature.ts`), the beta quantile by inverting the regularised incomplete beta
 * function (`src/math/distributions.ts`), and the mode of the skew-normal density by a port of
 * SciPy's bounded Brent search (`src/math/minimize.ts`), whose 1e-5 tolerance the node positions
 * inherit (pitfall P9).
 *
 * This module reads already validated settings (no I/O, no error locations): the located
 * validation of the keys is `src/config/b1.ts`, run when the experiment file is loaded.
 *
 * With no B1 key at all the grid is the single nominal point, as in ChemEx 2026.06 (2025.10
 * used gaussian(0.1, 11); see docs/b1.md).
 *
 * @module
 */
import { betaQuantile } from "../math/distributions.ts";
import { boundedBrent } from "../math/minimize.ts";
import { erf, normalPdf } from "../math/normal.ts";
import { gaussHermite, gaussLegendre } from "../math/quadrature.ts";

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

// Default of each key of each type (ChemEx's pydantic models; chemex-compat 4.4).
const DEFAULTS: Record<string, Record<string, number>> = {
  gaussian: { scale: 0.1, res: 11 },
  hermite: { scale: 0.1, res: 11 },
  skewed: { scale: 0.1, res: 11, skewness: 0 },
  truncated_skewed: { scale: 0.1, res: 11, skewness: -0.8 },
  beta: { scale: 0.1, res: 11, mean_frac: 0.95 },
};

/**
 * The B1 distribution of an experiment's validated `[experiment]` settings (lower-case keys, as
 * produced by the experiment-file reader and checked by `src/config/b1.ts`): the
 * `b1_distribution` table with its defaults, else the legacy `b1_inh_scale`/`b1_inh_res` keys.
 * `legacyDefault` gives gaussian(0.1, 11) when no B1 key is present (ChemEx's `cest_15n_test`,
 * and every CEST experiment before 2026.06).
 *
 * @example
 * ```ts
 * b1DistributionOf({ b1_distribution: { type: "hermite", res: 5 } });
 * // { type: "hermite", scale: 0.1, res: 5 }
 * b1DistributionOf({ b1_inh_scale: Infinity }); // { type: "dephasing" }
 * ```
 */
export function b1DistributionOf(
  settings: Readonly<Record<string, unknown>>,
  opts: { legacyDefault?: boolean } = {},
): B1Distribution {
  const table = settings.b1_distribution;
  if (table !== undefined && table !== null) {
    const t = table as Record<string, unknown>;
    const type = t.type === undefined ? "gaussian" : String(t.type).trim().toLowerCase();
    const v: Record<string, number> = { ...DEFAULTS[type] };
    for (const [key, value] of Object.entries(t)) if (typeof value === "number") v[key] = value;
    switch (type) {
      case "gaussian":
      case "hermite":
        return { type, scale: v.scale, res: v.res };
      case "skewed":
        return { type, scale: v.scale, res: v.res, skewness: v.skewness };
      case "truncated_skewed":
        return {
          type,
          scale: v.scale,
          skewness: v.skewness,
          res: v.res,
          lowerBound: v.lower_bound ?? null,
        };
      case "beta":
        return { type, scale: v.scale, res: v.res, meanFrac: v.mean_frac };
      case "custom":
        return { type, scales: t.scales as number[], weights: t.weights as number[] };
      case "dephasing":
        return { type: "dephasing" };
      default:
        throw new Error(`unknown B1 distribution type "${type}" (validate the settings first)`);
    }
  }
  const hasLegacy = settings.b1_inh_scale !== undefined || settings.b1_inh_res !== undefined;
  if (!hasLegacy && !opts.legacyDefault) return { type: "single" };
  const scale = settings.b1_inh_scale === undefined ? 0.1 : settings.b1_inh_scale as number;
  const res = settings.b1_inh_res === undefined ? 11 : settings.b1_inh_res as number;
  if (scale === Infinity) return { type: "dephasing" };
  return { type: "gaussian", scale, res };
}

/**
 * Nominal B1 field of an experiment's validated settings: `b1_frq`, else 1/(4·`pw90`); NaN when
 * neither is given (the validation in `src/config/b1.ts` reports that with its location).
 *
 * @example
 * ```ts
 * b1NominalHzOf({ pw90: 10e-3 }); // 25
 * ```
 */
export function b1NominalHzOf(settings: Readonly<Record<string, unknown>>): number {
  if (typeof settings.b1_frq === "number") return settings.b1_frq;
  if (typeof settings.pw90 === "number") return 1.0 / (4.0 * settings.pw90);
  return NaN;
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

function normalise(w: Float64Array): Float64Array {
  let s = 0;
  for (const v of w) s += v;
  return w.map((v) => v / s);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

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
