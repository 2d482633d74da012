/**
 * Shared machinery of the R1ρ (spin-lock) experiments: the spin-locked Bloch–McConnell matrix,
 * the effective-field axis of the observed state, decays along it, the exact (eigenvalue) and
 * two-point rates, and the analytic 2-state approximations (TP02, MP05, DPL94/M61). The physics
 * and the conventions are written out in `docs/r1rho.md`.
 *
 * Basis ixyz (one spin, decoupled partner): L = L_free + 2π·ν1·X_I with the spin lock (phase x)
 * at carrier + offset. The basis has no E component, so L is homogeneous and every mode decays.
 *
 * @module
 */
import type { KeySpec } from "./schema.ts";
import type { ExperimentModule, Sequence, SequenceContext } from "./types.ts";
import { addTerm } from "../nmr/basis.ts";
import {
  createEigWorkspace,
  eigDecompose,
  type EigWorkspace,
  expFromEigApply,
} from "../nmr/eig.ts";
import { createExpmWorkspace, expm, type ExpmWorkspace, matvec } from "../nmr/expm.ts";
import type { Spectrometer } from "../nmr/spectrometer.ts";
import { r1rhoAnalytic, type TwoStateInput } from "./_r1rho_analytic.ts";
import { type LocalDirection, localDirections, withJacobian } from "./_derivatives.ts";
import { lockedDecayJacobian } from "./_r1rho_derivatives.ts";

/** How intensities versus spin-lock time are calculated. */
export const INTENSITY_CALCULATIONS = [
  "bloch_mcconnell",
  "eigenvalue",
  "tp02",
  "mp05",
  "dpl94",
] as const;
/** How R1ρ rates are calculated. */
export const RATE_CALCULATIONS = ["eigenvalue", "two_point", "tp02", "mp05", "dpl94"] as const;
/** What x holds in a rate experiment: spin-lock offset (Hz) or spin-lock field (Hz). */
export const X_AXES = ["offset", "b1_frq"] as const;

type Calculation = (typeof RATE_CALCULATIONS)[number] | (typeof INTENSITY_CALCULATIONS)[number];

/** Keys of the intensity (decay) experiments. */
export function r1rhoDecayKeys(): Record<string, KeySpec> {
  return {
    b1_frq: { type: "number", required: true, min: 0, exclusiveMin: true },
    carrier: { type: "number", required: true },
    calculation: { type: "string", default: "bloch_mcconnell" },
  };
}

/** Keys of the rate experiments. */
export function r1rhoRateKeys(): Record<string, KeySpec> {
  return {
    b1_frq: { type: "number", min: 0, exclusiveMin: true },
    carrier: { type: "number", required: true },
    x_axis: { type: "string", default: "offset" },
    calculation: { type: "string", default: "eigenvalue" },
    time_t: { type: "number", min: 0, exclusiveMin: true },
  };
}

function where(ctx: SequenceContext): string {
  return ctx.file ? `${ctx.file}: [experiment]` : "[experiment]";
}

function choice<T extends string>(
  ctx: SequenceContext,
  key: string,
  allowed: readonly T[],
): T {
  const v = ctx.settings[key] as string;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new Error(
      `${where(ctx)} ${key} = ${JSON.stringify(v)}: expected one of ${
        allowed.map((a) => `"${a}"`).join(", ")
      }`,
    );
  }
  return v as T;
}

/**
 * Spin-lock engine of one profile: assembles L = L_free + 2π·ν1·X_I for the spectrometer's
 * current offset, finds the effective-field axis of a state, and propagates along it.
 */
export class SpinLock {
  readonly n: number;
  readonly l: Float64Array;
  private readonly sp: Spectrometer;
  private readonly eig: EigWorkspace;
  private readonly eigValues: EigWorkspace;
  private readonly expmWs: ExpmWorkspace;
  private readonly p: Float64Array;
  private readonly blocks: Map<string, Int32Array>;
  /** Columns of the eigenmode chosen by the last {@link lockedRate} (two for a pair). */
  private mode: number[] = [];

  constructor(sp: Spectrometer) {
    this.sp = sp;
    const n = sp.size;
    this.n = n;
    this.l = new Float64Array(n * n);
    this.eig = createEigWorkspace(n, 1e6);
    // Eigenvalues alone do not depend on the conditioning of the eigenvectors.
    this.eigValues = createEigWorkspace(n, Infinity);
    this.expmWs = createExpmWorkspace(n);
    this.p = new Float64Array(n * n);
    this.blocks = new Map(
      sp.basis.states.map((s) => [
        s,
        Int32Array.from(["ix", "iy", "iz"], (c) => sp.basis.index(`${c}_${s}`)),
      ]),
    );
  }

  /** L = L_free + spin-lock field (Hz, phase x), for the spectrometer's current L_free. */
  assemble(b1Hz: number): Float64Array {
    this.l.set(this.sp.lFree);
    const bx = this.sp.basis.terms.get("b1x_i");
    if (bx) addTerm(this.l, bx, b1Hz);
    return this.l;
  }

  /**
   * Unit vector along the effective field of `state` in the assembled L: the null vector of the
   * state's rotation generator, read from the antisymmetric part of its (x, y, z) block. With
   * Ω = L[y,x] − L[x,y] (precession about z) and w = L[z,y] − L[y,z] (the field about x), the
   * generator annihilates (w, 0, Ω); the sign is chosen with a non-negative z part (the
   * equilibrium magnetisation is tilted onto the axis, not against it).
   */
  axis(state: string): [number, number, number] {
    const [x, y, z] = this.block(state);
    const n = this.n;
    const l = this.l;
    const omega = 0.5 * (l[y * n + x] - l[x * n + y]);
    const w = 0.5 * (l[z * n + y] - l[y * n + z]);
    const norm = Math.hypot(w, omega);
    if (norm === 0) return [0, 0, 1];
    const sign = omega < 0 ? -1 : 1;
    return [(sign * w) / norm, 0, (sign * omega) / norm];
  }

  /** Indices of ix, iy, iz of a state. */
  block(state: string): Int32Array {
    const b = this.blocks.get(state);
    if (!b) throw new Error(`R1ρ: state "${state}" is not in the basis`);
    return b;
  }

  /** A vector with `axis` on the given states, each scaled by its weight. */
  vector(
    out: Float64Array,
    axis: readonly number[],
    states: readonly string[],
    weight: (s: string) => number,
  ) {
    out.fill(0);
    for (const s of states) {
      const b = this.block(s);
      const w = weight(s);
      for (let k = 0; k < 3; k++) out[b[k]] += w * axis[k];
    }
    return out;
  }

  /**
   * d·exp(L·t)·v for each time of `timesS` (one decomposition, Padé when refused), for the L
   * last assembled.
   */
  decay(timesS: readonly number[], v: Float64Array, d: Float64Array): Float64Array {
    const n = this.n;
    const out = new Float64Array(timesS.length);
    const m = new Float64Array(n);
    const eigOk = timesS.length > 1 && eigDecompose(this.l, this.eig);
    timesS.forEach((t, k) => {
      if (eigOk) expFromEigApply(m, t, v, this.eig);
      else {
        expm(this.p, this.l, t, this.expmWs);
        matvec(m, this.p, v, n);
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += d[i] * m[i];
      out[k] = s;
    });
    return out;
  }

  /**
   * The exact R1ρ of the assembled L: −λ for the real eigenvalue λ whose mode carries most of
   * the detected signal of the start vector `v` (detection `d`), i.e. the largest
   * |d·x_k|·|(X⁻¹v)_k| over real eigenvalues. For magnetisation aligned along the effective field
   * this is the spin-locked mode of the observed state. Oscillating modes (conjugate pairs,
   * precession about the effective field) are left out: B1 inhomogeneity dephases them and an
   * exponential fit never sees them, although near resonance in fast exchange such a pair can
   * decay more slowly than the locked mode (−max Re λ would pick it). Without any real
   * eigenvalue the slowest mode is returned. See `docs/r1rho.md`.
   */
  lockedRate(v: Float64Array, d: Float64Array): number {
    const ws = this.eigValues;
    ws.wr.fill(NaN);
    eigDecompose(this.l, ws);
    const { n, x, xinv, wr, wi } = ws;
    for (let k = 0; k < n; k++) {
      if (!Number.isFinite(wr[k]) || !Number.isFinite(wi[k]) || !Number.isFinite(ws.cond)) {
        throw new Error(
          "R1ρ: the eigenmodes of the spin-locked Liouvillian could not be computed " +
            "(non-finite parameters or no convergence)",
        );
      }
    }
    // Amplitude of mode j in d·exp(L·t)·v: (d·x_j)·(X⁻¹v)_j; a pair spans columns j, j+1.
    const dx = (j: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += d[i] * x[i * n + j];
      return s;
    };
    const cv = (j: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += xinv[j * n + i] * v[i];
      return s;
    };
    let best = -1;
    let slowest = 0;
    for (let j = 0; j < n; j++) {
      if (wr[j] > wr[slowest]) slowest = j;
      if (wi[j] !== 0) continue;
      const weight = Math.abs(dx(j) * cv(j));
      if (weight > best) {
        best = weight;
        this.mode = [j];
      }
    }
    if (best < 0) {
      this.mode = wi[slowest] === 0
        ? [slowest]
        : [slowest, wi[slowest] > 0 ? slowest + 1 : slowest - 1];
    }
    return -wr[this.mode[0]];
  }

  /**
   * ∂R1ρ/∂p = −∂Re λ/∂p of the mode chosen by the last {@link lockedRate}, for a direction
   * ∂L/∂p: first-order perturbation y·(∂L/∂p)·x with the left (row of X⁻¹) and right (column
   * of X) eigenvectors, y·x = 1; for a conjugate pair half the trace over its two columns.
   */
  rateDerivative(dl: Float64Array): number {
    const { n, x, xinv } = this.eigValues;
    let s = 0;
    for (const j of this.mode) {
      for (let i = 0; i < n; i++) {
        const yi = xinv[j * n + i];
        if (yi === 0) continue;
        let row = 0;
        for (let k = 0; k < n; k++) row += dl[i * n + k] * x[k * n + j];
        s += yi * row;
      }
    }
    return -s / this.mode.length;
  }
}

/** The two-state values the analytic formulas need, from the spectrometer's current values. */
function twoStateInput(
  sp: Spectrometer,
  carrierPpm: number,
  offsetHz: number,
  b1Hz: number,
): TwoStateInput {
  const states = sp.basis.states;
  if (states.length !== 2) {
    throw new Error(
      `R1ρ: the analytic formulas (tp02, mp05, dpl94) are for 2-state exchange; this model has ` +
        `${states.length} state(s): use calculation = "eigenvalue", "two_point" or ` +
        `"bloch_mcconnell"`,
    );
  }
  const [a, b] = states;
  const ppmToRad = Math.abs(sp.ppmI);
  // Spin-lock position (ppm) = carrier + offset / ν_I; Ω = (δ − δ_SL)·|ppm → rad/s|.
  const lockPpm = carrierPpm + (offsetHz * 2 * Math.PI) / ppmToRad;
  return {
    pa: sp.value(`p${a}`),
    pb: sp.value(`p${b}`),
    kexPerS: sp.value(`k${a}${b}`) + sp.value(`k${b}${a}`),
    omegaARadPerS: (sp.value(`cs_i_${a}`) - lockPpm) * ppmToRad,
    omegaBRadPerS: (sp.value(`cs_i_${b}`) - lockPpm) * ppmToRad,
    omega1RadPerS: 2 * Math.PI * b1Hz,
    r1PerS: sp.value(`r1_i_${a}`),
    r2PerS: sp.value(`r2_i_${a}`),
  };
}

/** Spin-lock conditions of one point. */
interface LockPoint {
  offsetHz: number;
  b1Hz: number;
}

/** Which states start, which are detected, and the delay of a two-point rate. */
interface RateSetup {
  /** Primary observed state: its effective field is the alignment axis. */
  primary: string;
  observed: readonly string[];
  /** Start states of the two-point decay (null: every state, equilibrium populations). */
  start: readonly string[] | null;
  timeTS: number;
}

/**
 * R1ρ of one point with the spectrometer set to it (offset already rebuilt into L_free).
 */
function rateAt(
  lock: SpinLock,
  sp: Spectrometer,
  calc: Calculation,
  point: LockPoint,
  carrierPpm: number,
  o: RateSetup,
): number {
  if (calc === "tp02" || calc === "mp05" || calc === "dpl94") {
    return r1rhoAnalytic(calc, twoStateInput(sp, carrierPpm, point.offsetHz, point.b1Hz));
  }
  lock.assemble(point.b1Hz);
  const axis = lock.axis(o.primary);
  const population = (s: string) => sp.local(`p${s}`) >= 0 ? sp.value(`p${s}`) : 1;
  const d = lock.vector(new Float64Array(lock.n), axis, o.observed, () => 1);
  if (calc === "eigenvalue") {
    const v = lock.vector(new Float64Array(lock.n), axis, sp.basis.states, population);
    return lock.lockedRate(v, d);
  }
  // Two-point: the start states' magnetisation (p_s each), along the primary state's effective
  // field, decays for T; its projection on the observed states is detected:
  // R = −ln(I(T)/I(0))/T.
  const starts = o.start && o.start.length > 0 ? o.start : sp.basis.states;
  const v = lock.vector(new Float64Array(lock.n), axis, starts, population);
  let i0 = 0;
  for (let k = 0; k < lock.n; k++) i0 += d[k] * v[k];
  const i = lock.decay([o.timeTS], v, d)[0];
  // A decay that crossed zero (possible only far outside any sensible regime) has no
  // logarithm: report the rate of a decay to 1e-300 rather than NaN.
  return -Math.log(Math.max(i / i0, 1e-300)) / o.timeTS;
}

/**
 * The sequence of an R1ρ rate experiment: the R1ρ (s⁻¹) at each x, x being the spin-lock offset
 * from the carrier (Hz, `x_axis = "offset"`, field `b1_frq`) or the spin-lock field (Hz,
 * `x_axis = "b1_frq"`, spin lock at the carrier).
 *
 * @example
 * ```ts
 * const seq = r1rhoRates(ctx); // ctx.settings: { carrier: 118.0, b1_frq: 1000, ... }
 * seq(Float64Array.of(0, 500)); // R1ρ at 0 and 500 Hz from the carrier
 * ```
 */
export function r1rhoRates(ctx: SequenceContext): Sequence {
  const sp = ctx.spectrometer;
  const calc = choice(ctx, "calculation", RATE_CALCULATIONS);
  const xAxis = choice(ctx, "x_axis", X_AXES);
  const carrierPpm = ctx.settings.carrier as number;
  const b1Hz = ctx.settings.b1_frq as number | undefined;
  if (xAxis === "offset" && b1Hz === undefined) {
    throw new Error(`${where(ctx)} b1_frq is required with x_axis = "offset"`);
  }
  const timeTS = ctx.settings.time_t as number | undefined;
  if (calc === "two_point" && timeTS === undefined) {
    throw new Error(`${where(ctx)} time_t (s) is required with calculation = "two_point"`);
  }
  sp.carrierI = carrierPpm;
  sp.b1I = b1Hz ?? 0;
  const lock = new SpinLock(sp);
  const setup: RateSetup = {
    primary: ctx.observed[0],
    observed: ctx.observed,
    start: ctx.start,
    timeTS: timeTS ?? 0,
  };
  const pointAt = (xv: number): LockPoint =>
    xAxis === "offset" ? { offsetHz: xv, b1Hz: b1Hz! } : { offsetHz: 0, b1Hz: xv };
  // Every point, and with `jac` the exact derivatives of the eigenvalue rate (row-major).
  const evaluate = (x: Float64Array, jac: Float64Array | null) => {
    const saved = sp.offsetI;
    const out = new Float64Array(x.length);
    const nLocal = sp.values.length;
    x.forEach((xv, k) => {
      const point = pointAt(xv);
      sp.offsetI = point.offsetHz;
      sp.rebuild();
      out[k] = rateAt(lock, sp, calc, point, carrierPpm, setup);
      if (jac && calc === "two_point") twoPointDerivative(jac.subarray(k * nLocal), out[k]);
      else if (jac) {
        for (const dir of directions()) jac[k * nLocal + dir.local] = lock.rateDerivative(dir.dl!);
      }
    });
    sp.offsetI = saved;
    sp.rebuild();
    return out;
  };
  const seq = (x: Float64Array) => evaluate(x, null);
  if (calc !== "eigenvalue" && calc !== "two_point") return seq;
  // ∂L/∂p does not depend on the values (L is linear in them): computed once, when first asked.
  let dirs: LocalDirection[] | null = null;
  const directions = () => dirs ??= localDirections(sp, []).filter((d) => d.dl !== null);
  // R = −ln(I(T)/I(0))/T: ∂R = −(∂I(T)/I(T) − ∂I(0)/I(0))/T, from the locked decay (L as
  // rateAt left it); 0 where the ratio was clamped.
  const twoPointDerivative = (row: Float64Array, rate: number) => {
    const starts = setup.start && setup.start.length > 0 ? setup.start : sp.basis.states;
    const { values, jac } = lockedDecayJacobian(lock, sp, directions(), {
      primary: setup.primary,
      startStates: starts,
      observed: setup.observed,
      population: (s) => sp.local(`p${s}`) >= 0 ? sp.value(`p${s}`) : 1,
    }, [0, setup.timeTS]);
    if (!(values[1] / values[0] > 1e-300) || !Number.isFinite(rate)) return;
    const nLocal = sp.values.length;
    for (let l = 0; l < nLocal; l++) {
      row[l] = -(jac[nLocal + l] / values[1] - jac[l] / values[0]) / setup.timeTS;
    }
  };
  return withJacobian(seq, (x) => {
    const jac = new Float64Array(x.length * sp.values.length);
    const values = evaluate(x, jac);
    return { values, jac };
  });
}

/**
 * The sequence of an R1ρ decay experiment: intensity versus spin-lock time x (s). Full
 * Bloch–McConnell (`calculation = "bloch_mcconnell"`): every start state's equilibrium
 * magnetisation p_s is put along the effective field of the primary observed state, evolves
 * under the spin lock for T, and the projection of the observed states' magnetisation on that
 * axis is detected (ideal alignment and return, steady state removed by the ± phase cycle).
 * The other calculations (exact rate, analytic forms) give p·exp(−R1ρ·T) with p the observed
 * states' population.
 *
 * @example
 * ```ts
 * const seq = r1rhoDecay(ctx); // ctx.settings: { carrier: 118.0, b1_frq: 1000, ... }
 * seq(Float64Array.of(0, 0.04, 0.1)); // intensities (unscaled)
 * ```
 */
export function r1rhoDecay(ctx: SequenceContext): Sequence {
  const sp = ctx.spectrometer;
  const calc = choice(ctx, "calculation", INTENSITY_CALCULATIONS);
  const carrierPpm = ctx.settings.carrier as number;
  const b1Hz = ctx.settings.b1_frq as number;
  sp.carrierI = carrierPpm;
  sp.b1I = b1Hz;
  const lock = new SpinLock(sp);
  const primary = ctx.observed[0];
  const states = sp.basis.states;
  const startStates = ctx.start && ctx.start.length > 0 ? ctx.start : states;
  const population = (s: string) => sp.local(`p${s}`) >= 0 ? sp.value(`p${s}`) : 1;
  const v = new Float64Array(lock.n);
  const d = new Float64Array(lock.n);
  // The rate of the non-Bloch–McConnell calculations, at the spin-lock carrier.
  const lockedRate = () =>
    rateAt(lock, sp, calc, { offsetHz: 0, b1Hz }, carrierPpm, {
      primary,
      observed: ctx.observed,
      start: ctx.start,
      timeTS: 0,
    });
  const observedPopulation = () => ctx.observed.reduce((s, o) => s + population(o), 0);
  const seq = (timesS: Float64Array) => {
    sp.offsetI = 0;
    sp.rebuild();
    const times = [...new Set(timesS)];
    let values: Float64Array;
    if (calc === "bloch_mcconnell") {
      lock.assemble(b1Hz);
      const axis = lock.axis(primary);
      lock.vector(v, axis, startStates, population);
      lock.vector(d, axis, ctx.observed, () => 1);
      values = lock.decay(times, v, d);
    } else {
      const r = lockedRate();
      const p0 = observedPopulation();
      values = Float64Array.from(times, (t) => p0 * Math.exp(-r * t));
    }
    const byTime = new Map(times.map((t, k) => [t, values[k]]));
    return timesS.map((t) => byTime.get(t)!);
  };
  if (calc !== "bloch_mcconnell" && calc !== "eigenvalue") return seq;
  let dirs: LocalDirection[] | null = null;
  const directions = () => dirs ??= localDirections(sp, []).filter((d) => d.dl !== null);
  return withJacobian(seq, (timesS) => {
    sp.offsetI = 0;
    sp.rebuild();
    const times = [...new Set(timesS)];
    const nLocal = sp.values.length;
    let byTime: Map<number, number>;
    let jacOf: (t: number) => Float64Array;
    if (calc === "bloch_mcconnell") {
      lock.assemble(b1Hz);
      const { values, jac } = lockedDecayJacobian(lock, sp, directions(), {
        primary,
        startStates,
        observed: ctx.observed,
        population,
      }, times);
      byTime = new Map(times.map((t, k) => [t, values[k]]));
      const row = new Map(times.map((t, k) => [t, jac.subarray(k * nLocal, (k + 1) * nLocal)]));
      jacOf = (t) => row.get(t)!;
    } else {
      // I = p0·exp(−R·t): ∂I = exp(−R·t)·(∂p0 − p0·t·∂R), ∂R from the locked eigenvalue.
      const r = lockedRate();
      const p0 = observedPopulation();
      const dr = new Float64Array(nLocal);
      for (const dir of directions()) dr[dir.local] = lock.rateDerivative(dir.dl!);
      const dp0 = new Float64Array(nLocal);
      for (const o of ctx.observed) if (sp.local(`p${o}`) >= 0) dp0[sp.local(`p${o}`)] += 1;
      byTime = new Map(times.map((t) => [t, p0 * Math.exp(-r * t)]));
      jacOf = (t) => dr.map((d, l) => Math.exp(-r * t) * (dp0[l] - p0 * t * d));
    }
    const jac = new Float64Array(timesS.length * nLocal);
    timesS.forEach((t, i) => jac.set(jacOf(t), i * nLocal));
    return { values: timesS.map((t) => byTime.get(t)!), jac };
  });
}

/** What differs between the R1ρ modules of one kind: name, nucleus pair. */
export interface R1rhoModuleOptions {
  name: string;
  pair: "nh" | "ch" | "hn";
}

const toBeFitted = (s: string) => ({
  rates: ["r2_i", `r1_i_${s}`],
  modelFree: [`tauc_${s}`, `s2_${s}`],
});

/**
 * An R1ρ decay experiment module (x = spin-lock time, s; intensities, scaled).
 *
 * @example
 * ```ts
 * export const r1rho15n = r1rhoDecayModule({ name: "r1rho_15n", pair: "nh" });
 * ```
 */
export function r1rhoDecayModule(o: R1rhoModuleOptions): ExperimentModule {
  return {
    name: o.name,
    xKind: "time",
    schema: { name: o.name, family: "relaxation", keys: r1rhoDecayKeys() },
    basis: () => ({ type: "ixyz", pair: o.pair }),
    toBeFitted,
    isReference: () => false,
    checkX: (x) => x < 0 ? `spin-lock time ${x} s is negative` : null,
    setup: r1rhoDecay,
  };
}

/**
 * An R1ρ rate experiment module (x = spin-lock offset or field, Hz; R1ρ in s⁻¹, not scaled).
 *
 * @example
 * ```ts
 * export const r1rho15nRates = r1rhoRateModule({ name: "r1rho_15n_rates", pair: "nh" });
 * ```
 */
export function r1rhoRateModule(o: R1rhoModuleOptions): ExperimentModule {
  return {
    name: o.name,
    xKind: "offset",
    // Without `start_state` a two-point decay starts from the observed state only (the
    // peers' convention); `start_state = []` starts from equilibrium.
    schema: {
      name: o.name,
      family: "r1rho",
      keys: r1rhoRateKeys(),
      defaultStartFromObserved: true,
    },
    basis: () => ({ type: "ixyz", pair: o.pair }),
    toBeFitted,
    isReference: () => false,
    setup: r1rhoRates,
  };
}
