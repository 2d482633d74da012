/**
 * ChemEx 2026.09's finite default bounds (#751, spec §6.1): every parameter a model or the spin
 * settings create gets a finite box by its NAME, so that a fit started from the defaults never
 * runs towards ±∞. The models themselves declare physical domains (a rate is ≥ 0, a population
 * within [0, 1]); the default box is intersected with that domain when a study is loaded
 * (`src/io/default_bounds.ts`), explicit bounds in a parameter file replace it, and a bare value
 * inherits it. `--compat 2026.06` keeps ChemEx 2026.06.1's open bounds.
 *
 * @module
 */

/** One rule of the table: names it applies to and the box. */
interface BoundRule {
  readonly pattern: RegExp;
  readonly box: readonly [number, number];
  /** What the rule is, for docs and errors. */
  readonly what: string;
}

/** The smallest positive binary64 number: a dissociation constant is strictly positive. */
const TINY = 5e-324;

/**
 * Rules, most specific first (the first match wins). Relaxation names carry an optional
 * coherence extension (`R2DQ_A`, `R1ADQ_A`); `KD` covers `KD`, `KD1`, `KD_AB`, `KD_APP` but not
 * the H/D rate `KDH`.
 */
const RULES: readonly BoundRule[] = [
  { pattern: /^P[A-H]$|^POP_[A-H]$/, box: [0, 1], what: "population" },
  { pattern: /^TAUC_[A-H]$/, box: [0, 1000], what: "correlation time (ns)" },
  { pattern: /^S2_[A-H]$/, box: [0, 1], what: "order parameter" },
  { pattern: /^KHH_[A-H]$/, box: [0, 1e6], what: "1H-1H exchange rate (s-1)" },
  { pattern: /^R[12][A-Z]*_[A-H]$/, box: [0, 1000], what: "relaxation rate (s-1)" },
  {
    pattern: /^(ETAXY|ETAZ|SIGMA|MU)[A-Z]*_[A-H]$/,
    box: [-1000, 1000],
    what: "signed relaxation or cross-correlation rate (s-1)",
  },
  { pattern: /^CS0?_[A-H]$/, box: [-100, 300], what: "chemical shift (ppm)" },
  { pattern: /^CS1_[A-H]$/, box: [-1, 1], what: "shift temperature coefficient (ppm/°C)" },
  { pattern: /^DW[0P]?_[A-H]{2}$/, box: [-100, 100], what: "shift difference (ppm)" },
  { pattern: /^DW[1M]_[A-H]{2}$/, box: [-1, 1], what: "shift-difference coefficient (ppm/°C)" },
  { pattern: /^J_[A-H]$/, box: [-1000, 1000], what: "scalar coupling (Hz)" },
  { pattern: /^D_[A-H]$/, box: [0, 1e6], what: "diffusion coefficient" },
  {
    pattern: /^(KEX|KOFF|KDH)(\d|_[A-Z]+)?$|^K[A-H]{2}$/,
    box: [0, 1e6],
    what: "exchange, off or H/D rate (s-1)",
  },
  { pattern: /^KD(\d|_[A-Z]+)?$/, box: [TINY, 1], what: "dissociation constant (M)" },
  { pattern: /^KEQ(_[A-Z]+)?$/, box: [0, 1e6], what: "equilibrium ratio" },
  { pattern: /^DH_[A-H]{1,2}$/, box: [-2e5, 2e5], what: "enthalpy (J/mol)" },
  { pattern: /^DS_[A-H]{1,2}$/, box: [-500, 500], what: "entropy (J/mol/K)" },
  { pattern: /^TREF$/, box: [-273.15, 1000], what: "reference temperature (°C)" },
];

/**
 * The finite default box of a parameter NAME, or undefined for names without one (derived
 * report-only quantities such as `KON` or free concentrations).
 *
 * @example
 * ```ts
 * finiteDefaultBounds("KEX_AB"); // [0, 1000000]
 * finiteDefaultBounds("R2DQ_A"); // [0, 1000]
 * finiteDefaultBounds("KON"); // undefined
 * ```
 */
export function finiteDefaultBounds(name: string): readonly [number, number] | undefined {
  return RULES.find((r) => r.pattern.test(name))?.box;
}

/**
 * What the rule that boxes `name` is about ("relaxation rate (s-1)"), for messages.
 *
 * @example
 * ```ts
 * defaultBoundsKind("R2_A"); // "relaxation rate (s-1)"
 * ```
 */
export function defaultBoundsKind(name: string): string | undefined {
  return RULES.find((r) => r.pattern.test(name))?.what;
}

/**
 * The default box of `name` intersected with a model's domain `[min, max]` (a model's own
 * narrower box, e.g. `KEQ_BC` of `4st_binding_3_bound_states` in [0, 100], is kept).
 *
 * @example
 * ```ts
 * narrowToDefault("KD", 0, Infinity); // [5e-324, 1]
 * narrowToDefault("PHI", 0.75, 1.5); // [0.75, 1.5]
 * ```
 */
export function narrowToDefault(name: string, min: number, max: number): [number, number] {
  const box = finiteDefaultBounds(name);
  if (!box) return [min, max];
  const lo = Math.max(min, box[0]);
  const hi = Math.min(max, box[1]);
  // A domain disjoint from the box (never for the shipped models) keeps the domain.
  return lo <= hi ? [lo, hi] : [min, max];
}
