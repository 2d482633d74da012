/**
 * Building blocks of the D-CEST (DANTE train) and COS-CEST (cosine-modulated) experiments:
 * their keys, the DANTE timing, the cosine amplitude shape, the (¹³C J line × B1) grid every
 * saturated point is summed over, and I-spin pulses with ChemEx's dephasing mode.
 *
 * Every grid point has its own Liouvillian; the signals add with weights w_J·w_B1 (grid from
 * `cestGrid` of `_cest.ts`). The J weights sum to one unless `multiplet_weights = "raw"` asks for
 * ChemEx's multiplicities. Unlike plain CEST, ChemEx detects D-CEST/COS-CEST references through
 * grid-shaped propagators, so references carry the J weights too and both weightings give the
 * same profile shape: with raw weights every unscaled intensity is larger by the multiplicity
 * total (8 for backbone ¹⁵N), which only matters with `scaled = false`.
 *
 * @module
 */
import type { KeySpec } from "./schema.ts";
import type { Sequence, SequenceContext } from "./types.ts";
import { dot, type Spectrometer } from "../nmr/spectrometer.ts";
import { detectionVector } from "./detection.ts";
import { matvec } from "../nmr/expm.ts";
import { matrices } from "./_cpmg.ts";
import { withJacobian } from "./_derivatives.ts";
import { danteJacobian } from "./_dcest_derivatives.ts";
import {
  type CestGrid,
  cestGrid,
  cestKeys,
  checkMultipletWeights,
  isCestReference,
  SaturationPropagator,
} from "./_cest.ts";

/**
 * Keys of `dcest_15n`/`dcest_13c`: DANTE timing from `sw`, `pw90` (the hardware field, also the
 * centre of the B1 distribution) and `b1_eff` (legacy alias `b1_frq`), plus the B1 distribution.
 *
 * @example
 * ```ts
 * dcestKeys().b1_eff.aliases; // ["b1_frq"]
 * ```
 */
export function dcestKeys(): Record<string, KeySpec> {
  const { b1_frq: _alias, ...common } = cestKeys();
  return {
    ...common,
    time_t1: { type: "number", required: true, min: 0 },
    time_equil: { type: "number", default: 0.0, min: 0 },
    carrier: { type: "number", required: true },
    sw: { type: "number", required: true, min: 0, exclusiveMin: true },
    pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
    b1_eff: { type: "number", required: true, min: 0, aliases: ["b1_frq"] },
  };
}

/**
 * Keys of the COS-CEST experiments: `cos_n` cosine components of a shape sampled `cos_res`
 * times per DANTE-like period 1/`sw`, nominal field `b1_frq` (or 1/(4·`pw90`)).
 *
 * @example
 * ```ts
 * coscestKeys().cos_res.default; // 10
 * ```
 */
export function coscestKeys(): Record<string, KeySpec> {
  return {
    ...cestKeys(),
    time_t1: { type: "number", required: true },
    carrier: { type: "number", required: true },
    sw: { type: "number", required: true, min: 0, exclusiveMin: true },
    cos_n: { type: "integer", required: true, min: 1 },
    cos_res: { type: "integer", default: 10, min: 1 },
  };
}

/** Cost of an exact D-CEST Jacobian in evaluations (`benchmarks/jacobian_bench.ts`). */
export const DANTE_JACOBIAN_COST = 15;

/**
 * Cost of an exact COS-CEST Jacobian in evaluations (`benchmarks/jacobian_bench.ts`): forward
 * differences are cheaper for profiles reached by fewer free parameters.
 */
export const COSINE_JACOBIAN_COST = 8;

/** DANTE train of D-CEST: pulse width and spacing (s) and number of elements. */
export interface DanteTiming {
  pwS: number;
  tauS: number;
  count: number;
}

/**
 * DANTE timing: each element is a pulse of 4·pw90·b1_eff/sw at the hardware field 1/(4·pw90)
 * (so its average field is b1_eff) followed by the rest of the period 1/sw; the train has
 * trunc(time_t1·sw + 0.1) elements (pitfall P12).
 *
 * @example
 * ```ts
 * danteTiming({ time_t1: 0.5, sw: 500, pw90: 35e-6, b1_eff: 25 });
 * // { pwS: 7e-6, tauS: 0.001993, count: 250 } (to rounding)
 * ```
 */
export function danteTiming(settings: Readonly<Record<string, unknown>>): DanteTiming {
  const pw90S = settings.pw90 as number;
  const sw = settings.sw as number;
  const pwS = 4.0 * pw90S * (settings.b1_eff as number) / sw;
  return {
    pwS,
    tauS: 1.0 / sw - pwS,
    count: Math.trunc((settings.time_t1 as number) * sw + 0.1),
  };
}

/**
 * Relative amplitudes of the cosine-modulated shape over one period: cos_res samples of
 * Σ_n cos(m_n·θ) with m_n = n − (cos_n − 1)/2 (n = 0…cos_n−1), θ uniform on [−π, π) — a comb
 * of cos_n excitation bands spaced sw apart, centred on the carrier offset.
 *
 * @example
 * ```ts
 * cosineAmplitudes(1, 4); // [1, 1, 1, 1]
 * cosineAmplitudes(2, 4); // ≈ [0, 1.414, 2, 1.414]
 * ```
 */
export function cosineAmplitudes(cosN: number, cosRes: number): Float64Array {
  const step = (Math.PI - -Math.PI) / cosRes;
  const out = new Float64Array(cosRes);
  for (let k = 0; k < cosRes; k++) {
    const theta = k * step + -Math.PI;
    let s = 0;
    for (let n = 0; n < cosN; n++) s += Math.cos((n - 0.5 * (cosN - 1)) * theta);
    out[k] = s;
  }
  return out;
}

/** Structure of the cosine-modulated irradiation of length time_t1 (see {@link cosineTrain}). */
export interface CosineTrain {
  /** Sample time, 1/(cos_res·sw) s. */
  dtS: number;
  /** Number of (phase 0, phase `phase1`) period pairs. */
  pairs: number;
  /** Whether one more period at phase `phase1` follows the pairs. */
  extra: boolean;
  /** Phase (quarter turns) of every second period: −x (2) for even cos_n, else x (0). */
  phase1: number;
  /** Number of samples of the final partial period. */
  left: number;
  /** Phase of the partial period. */
  phaseLeft: number;
}

/**
 * How time_t1 is filled with periods of the cosine shape: trunc(time_t1·sw) whole periods,
 * alternating between phase x and `phase1` (inverting every other period keeps an even number
 * of bands symmetric), then a partial period of trunc(frac·cos_res) samples.
 *
 * @example
 * ```ts
 * cosineTrain(0.5, 1200, 3, 10); // { dtS: 1/12000, pairs: 300, extra: false, phase1: 0, left: 0, phaseLeft: 0 }
 * ```
 */
export function cosineTrain(
  timeT1S: number,
  sw: number,
  cosN: number,
  cosRes: number,
): CosineTrain {
  const periods = Math.trunc(timeT1S * sw);
  const extra = periods % 2 === 1;
  const phase1 = cosN % 2 === 0 ? 2 : 0;
  return {
    dtS: 1.0 / (cosRes * sw),
    pairs: Math.floor(periods / 2),
    extra,
    phase1,
    left: Math.trunc((timeT1S * sw - periods) * cosRes),
    phaseLeft: extra ? 0 : phase1,
  };
}

/**
 * Finite I-spin pulse at phase x with field `b1Hz`, or its dephased version (B1 distribution
 * `dephasing`, legacy `b1_inh_scale = inf`: eigenvalues with |Im λ| ≥ 1e−6 scaled by 1e9, so
 * that only magnetization locked along the effective field survives the pulse).
 *
 * @example
 * ```ts
 * const pulse = pulseMaker(new SaturationPropagator(sp), grid.dephasing);
 * pulse(out, 7e-6, 7142.9);
 * ```
 */
export function pulseMaker(
  prop: SaturationPropagator,
  dephasing: boolean,
): (out: Float64Array, widthS: number, b1Hz: number) => Float64Array {
  return (out, widthS, b1Hz) => prop.matrix(out, widthS, { b1IHz: b1Hz }, dephasing);
}

/** What differs between the D-CEST experiments. */
export interface DanteOptions {
  /** Start terms (after state selection), e.g. ["iz"] or ["iz_a"]. */
  startTerms: string[];
  /** Nucleus whose Ξ scales the start magnetization ("15N" for dcest_15n, "1H" for dcest_13c). */
  startAtom: string;
}

/** Per-profile callbacks of {@link sumOverGrid}. */
export interface GridVisitor {
  /** Called once per J line, after the spectrometer was rebuilt at that line (offset 0). */
  line?(): void;
  /**
   * Detected signal at offset x for B1 point `b1Index` (offset already set), or of the
   * reference (|x| > 1e4 Hz) when `b1Index` is null.
   */
  point(x: number, b1Index: number | null): number;
}

/**
 * Σ_J w_J·[reference or Σ_B1 w_B1·signal] for every distinct offset. References are evaluated
 * per J line too: ChemEx detects them through grid-shaped propagators, so unlike plain CEST
 * references they carry the J weights.
 *
 * @example
 * ```ts
 * sumOverGrid(sp, grid, offsets, { point: (x, bk) => (bk === null ? ref : saturated(bk)) });
 * ```
 */
export function sumOverGrid(
  sp: Spectrometer,
  grid: CestGrid,
  offsets: Float64Array,
  visit: GridVisitor,
): Float64Array {
  const distinct = [...new Set(offsets)];
  const values = new Map(distinct.map((x) => [x, 0]));
  const { multiplet, b1 } = grid;
  multiplet.linesHz.forEach((line, jk) => {
    sp.jLineI = line;
    sp.offsetI = 0;
    sp.rebuild();
    visit.line?.();
    const wJ = multiplet.weights[jk];
    for (const x of distinct) {
      let sum = 0;
      if (isCestReference(x)) {
        sum = visit.point(x, null);
      } else {
        sp.offsetI = x;
        sp.rebuild();
        for (let bk = 0; bk < b1.weights.length; bk++) sum += b1.weights[bk] * visit.point(x, bk);
      }
      values.set(x, values.get(x)! + wJ * sum);
    }
  });
  sp.jLineI = 0;
  sp.offsetI = 0;
  sp.rebuild();
  return offsets.map((x) => values.get(x)!);
}

/**
 * D-CEST intensities at saturation offsets x (Hz from the carrier). A point with |x| > 1e4 Hz is
 * a reference: detect(D(teq)·start), no train. Otherwise, with offset x, element
 * E = D(τ_d)·P_x(pw_d) (pulse first) and I = Σ_grid w·detect(D(teq)·E^n_d·start), D(teq) the
 * identity when time_equil = 0. B1 of the DANTE pulses = 1/(4·pw90), distributed as the
 * experiment's B1 distribution around it.
 *
 * @example
 * ```ts
 * const seq = danteSequence(ctx, { startTerms: ["iz"], startAtom: "15N" });
 * seq(Float64Array.of(-20000, 0, 121)); // section 9: 0.0962626621, 0.0334188876, −1.031e−4
 * ```
 */
export function danteSequence(ctx: SequenceContext, o: DanteOptions): Sequence {
  checkMultipletWeights(ctx.settings);
  const sp = ctx.spectrometer;
  const s = ctx.settings;
  sp.carrierI = s.carrier as number;
  const timing = danteTiming(s);
  const timeEquilS = s.time_equil as number;
  // b1_frq is an alias of b1_eff here, so the grid is centred on the hardware field 1/(4·pw90).
  const grid = cestGrid(ctx, "residue");
  sp.b1I = grid.b1NominalHz;
  const prop = new SaturationPropagator(sp);
  const pulse = pulseMaker(prop, grid.dephasing);
  const detect = detectionVector(sp.basis, "[iz]", ctx.observed);
  const n = sp.size;
  const [p, delay, element, train, dEq] = matrices(n, 5);
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  // No RF during time_equil: the detected z part does not depend on the offset, only on the line.
  const finish = (vec: Float64Array) => {
    if (timeEquilS === 0) return dot(detect, vec);
    matvec(w, dEq, vec, n);
    return dot(detect, w);
  };
  const seq = (offsets: Float64Array) => {
    const start = sp.startVector(o.startTerms, o.startAtom);
    return sumOverGrid(sp, grid, offsets, {
      line: () => {
        if (timeEquilS > 0) sp.delay(dEq, timeEquilS);
      },
      point: (_x, bk) => {
        if (bk === null) return finish(start);
        // The inter-pulse delay depends on the offset and line only, not on B1.
        if (bk === 0) sp.delay(delay, timing.tauS);
        pulse(p, timing.pwS, grid.b1.valuesHz[bk]);
        sp.mul(element, delay, p);
        sp.matpow(train, element, timing.count);
        matvec(v, train, start, n);
        return finish(v);
      },
    });
  };
  const setup = { sp, grid, prop, detect, timeEquilS, ...o };
  // Measured (docs/jacobians.md): one exact Jacobian costs about 15 evaluations of these small
  // trains, so fits with fewer free parameters per profile keep forward differences.
  return withJacobian(seq, (offsets) => danteJacobian(setup, timing, offsets), DANTE_JACOBIAN_COST);
}

/** Scratch matrices of {@link cosinePropagator}, allocated once per profile. */
export interface CosineWork {
  slices: Map<number, Float64Array>;
  base: Float64Array;
  shifted: Float64Array;
  pair: Float64Array;
  tmp: Float64Array;
}

/**
 * Scratch space for {@link cosinePropagator} on an n-dimensional basis.
 *
 * @example
 * ```ts
 * const work = cosineWork(sp.size);
 * ```
 */
export function cosineWork(n: number): CosineWork {
  const [base, shifted, pair, tmp] = matrices(n, 4);
  return { slices: new Map(), base, shifted, pair, tmp };
}

/**
 * Propagator of the whole cosine-modulated irradiation for the spectrometer's current L_free
 * (offset and J line set) and one B1 value, into `out`. Each sample of the shape is a pulse of
 * length 1/(cos_res·sw) at field amplitude·B1 (all relaxation and exchange included); a period
 * is the product of its samples, and whole periods alternate between phase x and `phase1`.
 *
 * @example
 * ```ts
 * cosinePropagator(out, sp, pulse, cosineAmplitudes(3, 10), cosineTrain(0.5, 1200, 3, 10), 30, work);
 * ```
 */
export function cosinePropagator(
  out: Float64Array,
  sp: Spectrometer,
  pulse: (out: Float64Array, widthS: number, b1Hz: number) => Float64Array,
  amplitudes: Float64Array,
  train: CosineTrain,
  b1Hz: number,
  work: CosineWork,
): Float64Array {
  const n = sp.size;
  const fresh = new Set<number>();
  const slice = (amp: number) => {
    let p = work.slices.get(amp);
    if (!p) {
      p = new Float64Array(n * n);
      work.slices.set(amp, p);
    }
    if (!fresh.has(amp)) {
      pulse(p, train.dtS, amp * b1Hz);
      fresh.add(amp);
    }
    return p;
  };
  // Samples in time order: the first acts first, so it ends up rightmost in the product.
  const period = (dst: Float64Array, count: number) => {
    dst.set(slice(amplitudes[0]));
    for (let k = 1; k < count; k++) {
      sp.mul(work.tmp, slice(amplitudes[k]), dst);
      dst.set(work.tmp);
    }
    return dst;
  };
  const { base, shifted, pair, tmp } = work;
  period(base, amplitudes.length);
  if (train.phase1 === 0) shifted.set(base);
  else sp.phase(shifted, base, train.phase1);
  sp.mul(pair, base, shifted);
  sp.matpow(out, pair, train.pairs);
  if (train.extra) {
    sp.mul(tmp, shifted, out);
    out.set(tmp);
  }
  if (train.left > 0) {
    period(base, train.left);
    if (train.phaseLeft !== 0) {
      sp.phase(shifted, base, train.phaseLeft);
      base.set(shifted);
    }
    sp.mul(tmp, base, out);
    out.set(tmp);
  }
  return out;
}
