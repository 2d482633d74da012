/**
 * Shared machinery of the CEST experiments: common keys, reference points, the (J line × B1
 * point) grid, and saturation propagators applied to vectors.
 *
 * A CEST profile needs exp(L·t)·v for one Liouvillian per (offset, J line, B1 point) and a
 * single start vector, so the full propagator is never formed: L = X·B·X⁻¹ is decomposed once
 * (`src/nmr/eig.ts`) and exp(L·t)·v = X·exp(B·t)·(X⁻¹·v) costs O(n²) more. Padé is the fallback
 * when the eigenvector matrix is too ill-conditioned (near exceptional points). The same route
 * gives ChemEx's dephasing mode, which scales every eigenvalue with |Im λ| ≥ 1e−6 by 1e9 before
 * exponentiation (physics-conventions 4, pitfall P13).
 *
 * @module
 */
import { b1Keys, type KeySpec, MULTIPLET_WEIGHTS_KEY } from "./schema.ts";
import type { ExperimentConditions, Sequence, SequenceContext } from "./types.ts";
import { addTerm } from "../nmr/basis.ts";
import { createExpmWorkspace, expm, type ExpmWorkspace, matvec } from "../nmr/expm.ts";
import { createEigWorkspace, eigDecompose, type EigWorkspace } from "../nmr/eig.ts";
import {
  type ComplexEigen,
  complexEigen,
  createComplexEigen,
  createFrechetApplyScratch,
  expBilinearSensitivity,
  type FrechetApplyScratch,
  frechetTime,
} from "../nmr/frechet_eig.ts";
import { createFrechetWorkspace, expmFrechet, type FrechetWorkspace } from "../nmr/frechet.ts";
import { withJacobian } from "./_derivatives.ts";
import { saturationJacobian } from "./_cest_derivatives.ts";
import { b1DistributionOf, type B1Grid, b1Grid, b1NominalHzOf } from "../nmr/b1.ts";
import { type JMultiplet, jMultiplet, SINGLE_LINE } from "../nmr/jmultiplet.ts";
import { type Spectrometer } from "../nmr/spectrometer.ts";
import { detectionVector } from "./detection.ts";
import { parseSpinSystem } from "../params/spin_system.ts";

/** Offsets beyond ±10 kHz (strictly) are reference points (I0). */
export const OFFSET_REF_HZ = 1e4;

/**
 * Whether a saturation offset (Hz) is a reference point.
 *
 * @example
 * ```ts
 * isCestReference(-2e4); // true
 * isCestReference(1e4); // false
 * ```
 */
export function isCestReference(offsetHz: number): boolean {
  return Math.abs(offsetHz) > OFFSET_REF_HZ;
}

/** Eigenvalues with |Im λ| at least this are dephased (ChemEx's SMALL_VALUE). */
export const DEPHASING_IM_MIN = 1e-6;
/** Factor applied to dephased eigenvalues. */
export const DEPHASING_FACTOR = 1e9;

/**
 * Keys shared by the CEST experiments: `sw` (∞; only folds `filter_offsets` and plots), the B1
 * keys of `src/nmr/b1.ts`, and exfit's `multiplet_weights` ("normalized" | "raw").
 *
 * @example
 * ```ts
 * const keys = { ...cestKeys(), time_t1: { type: "number", required: true, min: 0 } };
 * ```
 */
export function cestKeys(): Record<string, KeySpec> {
  return {
    sw: { type: "number", default: Infinity },
    ...b1Keys(),
    [MULTIPLET_WEIGHTS_KEY]: { type: "string", default: "normalized" },
  };
}

/**
 * Start terms: the components themselves (equilibrium populations on every state), or
 * `component_state` for each selected start state.
 *
 * @example
 * ```ts
 * startTermsOf(["a"], "2izsz", "-iz"); // ["2izsz_a", "-iz_a"]
 * ```
 */
export function startTermsOf(start: readonly string[] | null, ...components: string[]): string[] {
  if (!start || start.length === 0) return components;
  return start.flatMap((s) => components.map((c) => `${c}_${s}`));
}

/** Where the ¹³C-label multiplet comes from, when `label` includes "13C". */
export type MultipletSource = "none" | "backbone_n" | "residue";

/** One point of the (J line × B1 point) grid. */
export interface GridPoint {
  jHz: number;
  b1Hz: number;
  weight: number;
}

/** The grid of a profile and whether its I-spin saturation dephases. */
export interface CestGrid {
  points: GridPoint[];
  dephasing: boolean;
  /** Nominal B1 field (Hz). */
  b1NominalHz: number;
  b1: B1Grid;
  multiplet: JMultiplet;
}

/**
 * The (J line × B1 point) grid of a profile: J lines from the ¹³C label (generic backbone ¹⁵N
 * pattern, or the residue's own atom for ¹³C experiments), B1 points from the distribution;
 * weight w_J·w_B1 (J-major order, as ChemEx's array axes).
 *
 * @example
 * ```ts
 * const grid = cestGrid(ctx, "backbone_n");
 * grid.points.length; // 8 lines × 1 B1 point with label 13C and no distribution
 * ```
 */
export function cestGrid(
  ctx: Pick<SequenceContext, "settings" | "conditions" | "spinSystem">,
  source: MultipletSource,
  opts: { legacyB1Default?: boolean } = {},
): CestGrid {
  // The settings were validated with their file locations when the experiment was loaded
  // (src/config/b1.ts); a missing field here is a caller's error, not the user's.
  const nominal = b1NominalHzOf(ctx.settings);
  if (Number.isNaN(nominal)) {
    throw new Error(
      "[experiment] of a CEST experiment: either 'b1_frq' (B1 field, Hz) or 'pw90' (90° pulse " +
        "width, s) must be given",
    );
  }
  const dist = b1DistributionOf(ctx.settings, { legacyDefault: opts.legacyB1Default });
  const b1 = b1Grid(dist, nominal);
  const multiplet = multipletOf(ctx, source);
  const points: GridPoint[] = [];
  multiplet.linesHz.forEach((jHz, j) => {
    b1.valuesHz.forEach((b1Hz, k) => {
      points.push({ jHz, b1Hz, weight: multiplet.weights[j] * b1.weights[k] });
    });
  });
  return { points, dephasing: b1.dephasing, b1NominalHz: nominal, b1, multiplet };
}

function multipletOf(
  ctx: Pick<SequenceContext, "settings" | "conditions" | "spinSystem">,
  source: MultipletSource,
): JMultiplet {
  const conditions: ExperimentConditions = ctx.conditions;
  if (source === "none" || !conditions.label.includes("13C")) return SINGLE_LINE;
  const rawWeights = ctx.settings[MULTIPLET_WEIGHTS_KEY] === "raw";
  if (source === "backbone_n") return jMultiplet("", "n", { rawWeights });
  const name = ctx.spinSystem ?? "";
  const spin = parseSpinSystem(name).spins[0];
  if (!spin) {
    throw new Error(`label "13C": the spin system "${name}" names no atom for the multiplet`);
  }
  try {
    return jMultiplet(spin.group.symbol, spin.atom, { rawWeights });
  } catch (e) {
    throw new Error(`label "13C", profile ${name}: ${(e as Error).message}`);
  }
}

/**
 * Validate exfit's `multiplet_weights` key (message names the accepted values).
 *
 * @example
 * ```ts
 * checkMultipletWeights({ multiplet_weights: "raw" }); // ok
 * ```
 */
export function checkMultipletWeights(settings: Readonly<Record<string, unknown>>): void {
  const v = settings[MULTIPLET_WEIGHTS_KEY];
  if (v !== undefined && v !== "normalized" && v !== "raw") {
    throw new Error(
      `'${MULTIPLET_WEIGHTS_KEY}' in [experiment] must be "normalized" (default) or "raw" ` +
        `(ChemEx's 13C multiplet weights), got ${JSON.stringify(v)}`,
    );
  }
}

/** Fields applied during a saturation period (Hz, phase x). */
export interface Fields {
  b1IHz: number;
  b1SHz?: number;
}

/**
 * Propagates vectors through saturation periods of one spectrometer: exp((L_free + fields)·t)·v
 * via one eigendecomposition per Liouvillian, reusing its workspaces across calls.
 */
export class SaturationPropagator {
  readonly n: number;
  private readonly sp: Spectrometer;
  private readonly l: Float64Array;
  private readonly eig: EigWorkspace;
  private readonly expmWs: ExpmWorkspace;
  private readonly c: Float64Array;
  private readonly d: Float64Array;
  private readonly p: Float64Array;

  constructor(sp: Spectrometer) {
    this.sp = sp;
    const n = sp.size;
    this.n = n;
    this.l = new Float64Array(n * n);
    this.eig = createEigWorkspace(n);
    this.expmWs = createExpmWorkspace(n);
    this.c = new Float64Array(n);
    this.d = new Float64Array(n);
    this.p = new Float64Array(n * n);
  }

  /**
   * L = L_free + the given fields (phase x), into the internal buffer (overwritten by the next
   * call of any method): the generator of {@link apply} and {@link matrix}, for derivatives.
   */
  liouvillian(fields: Fields): Float64Array {
    const l = this.l;
    l.set(this.sp.lFree);
    const t = this.sp.basis.terms;
    const bi = t.get("b1x_i");
    if (bi) addTerm(l, bi, fields.b1IHz);
    const bs = t.get("b1x_s");
    if (bs && fields.b1SHz) addTerm(l, bs, fields.b1SHz);
    return l;
  }

  /**
   * out = exp((L_free + fields)·t)·v for the spectrometer's current L_free; `dephasing` drops
   * oscillating eigenmodes (ChemEx's dephasing mode).
   */
  apply(out: Float64Array, v: Float64Array, timeS: number, fields: Fields, dephasing: boolean) {
    const l = this.liouvillian(fields);
    const ws = this.eig;
    const ok = eigDecompose(l, ws);
    // ChemEx never checks conditioning; dephasing has no Padé equivalent, so an ill-conditioned
    // but complete decomposition is still used there.
    if (ok || (dephasing && Number.isFinite(ws.cond))) {
      eigApplyVector(out, v, timeS, ws, dephasing, this.c, this.d);
      this.lastRoute = dephasing ? "dephased" : "eig";
      return out;
    }
    if (dephasing) {
      throw new Error("dephased saturation: eigendecomposition of the Liouvillian failed");
    }
    expm(this.p, l, timeS, this.expmWs);
    matvec(out, this.p, v, this.n);
    this.lastRoute = "pade";
    return out;
  }

  private lastRoute: "eig" | "dephased" | "pade" | "none" = "none";
  private sens: {
    ce: ComplexEigen;
    s: FrechetApplyScratch;
    fw: FrechetWorkspace;
    lt: Float64Array;
    w: Float64Array;
  } | null = null;

  /**
   * For the signal s = wᵀ·exp(L·t)·v of the last {@link apply} (same v and t; dephased too):
   * kOut = ∂s/∂L (n × n) and aOut = exp(L·t)ᵀ·w, so that a parameter p changes s by
   * Σ kOut∘∂L/∂p + aOut·∂v/∂p (`docs/jacobians.md`). From the same eigendecomposition, or by the
   * block-triangular route where {@link apply} fell back to Padé.
   */
  sensitivity(
    kOut: Float64Array,
    aOut: Float64Array,
    w: Float64Array,
    v: Float64Array,
    timeS: number,
  ): void {
    const n = this.n;
    this.sens ??= {
      ce: createComplexEigen(n),
      s: createFrechetApplyScratch(n),
      fw: createFrechetWorkspace(n),
      lt: new Float64Array(n * n),
      w: new Float64Array(n * n),
    };
    const z = this.sens;
    if (this.lastRoute === "eig" || this.lastRoute === "dephased") {
      complexEigen(this.eig, z.ce);
      frechetTime(
        timeS,
        z.ce,
        z.s,
        this.lastRoute === "dephased"
          ? { imMin: DEPHASING_IM_MIN, factor: DEPHASING_FACTOR }
          : undefined,
      );
      expBilinearSensitivity(kOut, aOut, w, v, timeS, z.ce, z.s);
      return;
    }
    if (this.lastRoute !== "pade") throw new Error("saturation sensitivity: no saturation applied");
    // ⟨L(A·t, E·t), w·vᵀ⟩ = ⟨E, L(Aᵀ·t, w·vᵀ·t)⟩: the adjoint of the Fréchet derivative.
    const l = this.l;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        z.lt[r * n + c] = l[c * n + r];
        z.w[r * n + c] = w[r] * v[c];
      }
    }
    expmFrechet(null, kOut, z.lt, z.w, timeS, z.fw);
    aOut.fill(0);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) aOut[c] += this.p[r * n + c] * w[r];
    }
  }

  /** out = exp((L_free + fields)·t) as a matrix (dephased when asked). */
  matrix(out: Float64Array, timeS: number, fields: Fields, dephasing: boolean): Float64Array {
    const l = this.liouvillian(fields);
    if (!dephasing) {
      expm(out, l, timeS, this.expmWs);
      return out;
    }
    return dephasedPropagator(out, l, timeS, this.eig);
  }
}

/**
 * out = X·exp(B·t)·X⁻¹·v from a decomposition in `ws` (used even when `ws.ok` is false but the
 * inverse exists). With `dephasing`, eigenvalues with |Im λ| ≥ 1e−6 are multiplied by 1e9.
 * `c` and `d` are scratch vectors of size n.
 */
function eigApplyVector(
  out: Float64Array,
  v: Float64Array,
  t: number,
  ws: EigWorkspace,
  dephasing: boolean,
  c: Float64Array,
  d: Float64Array,
): void {
  const { n, x, xinv, wr, wi } = ws;
  matvec(c, xinv, v, n);
  for (let j = 0; j < n; j++) {
    const b = wi[j];
    if (b > 0 && j + 1 < n) {
      const f = dephasing && Math.abs(b) >= DEPHASING_IM_MIN ? DEPHASING_FACTOR : 1;
      const e = Math.exp(wr[j] * f * t);
      const ec = e * Math.cos(b * f * t);
      const es = e * Math.sin(b * f * t);
      d[j] = ec * c[j] + es * c[j + 1];
      d[j + 1] = -es * c[j] + ec * c[j + 1];
      j++;
    } else {
      d[j] = Math.exp(wr[j] * t) * c[j];
    }
  }
  matvec(out, x, d, n);
}

/**
 * out = exp(L·t) with ChemEx's dephasing (eigenvalues with |Im λ| ≥ 1e−6 scaled by 1e9), for
 * sequences that need the propagator as a matrix (powers, products).
 *
 * @example
 * ```ts
 * dephasedPropagator(out, l, 0.5, createEigWorkspace(6));
 * ```
 */
export function dephasedPropagator(
  out: Float64Array,
  l: Float64Array,
  timeS: number,
  ws: EigWorkspace,
): Float64Array {
  const n = ws.n;
  if (!eigDecompose(l, ws) && !Number.isFinite(ws.cond)) {
    throw new Error("dephased propagator: eigendecomposition of the Liouvillian failed");
  }
  const c = new Float64Array(n);
  const d = new Float64Array(n);
  const col = new Float64Array(n);
  const e = new Float64Array(n);
  // Column by column: out·e_k = X·exp(B·t)·X⁻¹·e_k.
  for (let k = 0; k < n; k++) {
    e.fill(0);
    e[k] = 1;
    eigApplyVector(col, e, timeS, ws, true, c, d);
    for (let i = 0; i < n; i++) out[i * n + k] = col[i];
  }
  return out;
}

/**
 * Sum of w·detect over the grid for each distinct non-reference offset; reference offsets give
 * detect(start) unweighted (pitfall P2). `saturate(out, start, point)` propagates `start` for
 * the spectrometer already set to the point's J line and offset.
 */
export function cestIntensities(
  sp: Spectrometer,
  offsets: Float64Array,
  grid: CestGrid,
  start: Float64Array,
  detect: Float64Array,
  saturate: (out: Float64Array, start: Float64Array, point: GridPoint) => void,
): Float64Array {
  const n = sp.size;
  const distinct = [...new Set(offsets)].filter((x) => !isCestReference(x));
  const sums = new Float64Array(distinct.length);
  const m = new Float64Array(n);
  const savedJ = sp.jLineI;
  const savedOffset = sp.offsetI;
  for (const point of grid.points) {
    sp.jLineI = point.jHz;
    distinct.forEach((x, k) => {
      sp.offsetI = x;
      sp.rebuild();
      saturate(m, start, point);
      let s = 0;
      for (let i = 0; i < n; i++) s += detect[i] * m[i];
      sums[k] += point.weight * s;
    });
  }
  sp.jLineI = savedJ;
  sp.offsetI = savedOffset;
  sp.rebuild();
  let ref = 0;
  for (let i = 0; i < n; i++) ref += detect[i] * start[i];
  const byOffset = new Map(distinct.map((x, k) => [x, sums[k]]));
  return offsets.map((x) => byOffset.get(x) ?? ref);
}

/** What differs between the single-saturation CEST experiments. */
export interface SimpleCestOptions {
  /** Start components (before `start_state` selection), e.g. ["iz"] or ["2izsz", "-iz"]. */
  start: string[];
  /** Detection expression, e.g. "[iz]". */
  detection: string;
  multiplet: MultipletSource;
  /** Nucleus whose Ξ scales the start vector ("1H" unless the experiment says otherwise). */
  startAtom?: string;
  /** S-spin field (Hz, phase x) applied with the I-spin saturation (`cest_15n_cw`). */
  b1SHz?: number;
  /** S-spin carrier (ppm). */
  carrierS?: number;
  /** gaussian(0.1, 11) when no B1 key is given (`cest_15n_test`). */
  legacyB1Default?: boolean;
}

/**
 * The sequence of the CEST experiments made of one constant-wave saturation of length
 * `time_t1` (phase x) at each offset: I = Σ_grid w·detect(exp[(L_free + 2πB1·X_I)·t1]·start),
 * references (|offset| > 10 kHz) = detect(start).
 *
 * @example
 * ```ts
 * const seq = simpleCest(ctx, { start: ["iz"], detection: "[iz]", multiplet: "backbone_n" });
 * ```
 */
export function simpleCest(ctx: SequenceContext, o: SimpleCestOptions): Sequence {
  checkMultipletWeights(ctx.settings);
  const sp = ctx.spectrometer;
  const timeT1S = ctx.settings.time_t1 as number;
  sp.carrierI = ctx.settings.carrier as number;
  if (o.carrierS !== undefined) sp.carrierS = o.carrierS;
  const grid = cestGrid(ctx, o.multiplet, { legacyB1Default: o.legacyB1Default });
  sp.b1I = grid.b1NominalHz;
  if (o.b1SHz !== undefined) sp.b1S = o.b1SHz;
  const terms = startTermsOf(ctx.start, ...o.start);
  const detect = detectionVector(sp.basis, o.detection, ctx.observed);
  const prop = new SaturationPropagator(sp);
  const seq = (offsets: Float64Array) => {
    sp.rebuild();
    const start = sp.startVector(terms, o.startAtom);
    return cestIntensities(sp, offsets, grid, start, detect, (out, v, point) => {
      prop.apply(out, v, timeT1S, { b1IHz: point.b1Hz, b1SHz: o.b1SHz }, grid.dephasing);
    });
  };
  return withJacobian(seq, (offsets) => {
    sp.rebuild();
    const start = sp.startVector(terms, o.startAtom);
    return saturationJacobian(sp, offsets, grid, start, detect, terms, o.startAtom, {
      prop,
      timeS: timeT1S,
      fields: (point) => ({ b1IHz: point.b1Hz, b1SHz: o.b1SHz }),
      dephasing: grid.dephasing,
    });
  });
}
