/**
 * Propagator machinery shared by every experiment: assembles the free Liouvillian of one
 * profile from local parameter values, and gives delays, finite pulses of any phase, start
 * vectors and detection. Experiments only describe sequences on top of it.
 *
 * @module
 */
import { addTerm, type Basis, type SparseTerm } from "./basis.ts";
import {
  createExpmWorkspace,
  type ExpmWorkspace,
  matmul,
  matpow,
  matpowMany,
  matvec,
} from "./expm.ts";
import { XI_RATIO } from "./constants.ts";
import { createEigWorkspace, type EigWorkspace, expmMany } from "./eig.ts";
import {
  createEigBlocks,
  type EigBlocks,
  type ExpmBlockSpace,
  expmReducible,
} from "./_eig_blocks.ts";
import { float64Copies } from "../math/float64_blocks.ts";

/** How a profile's Liouvillian is set up; fixed for the life of a profile. */
export interface SpectrometerSetup {
  basis: Basis;
  /** Local parameter names in the order of the value arrays passed to {@link Spectrometer.update}. */
  localNames: readonly string[];
  /** ppm → rad/s factors of the I and S spins (P = −2π·ν_H·sign(γ)·Ξ). */
  ppmI: number;
  ppmS: number;
  /** Coherence order of the I spin (1, or 2/3 in DQ/TQ bases): scales I shifts and J. */
  qOrderI?: number;
}

interface BoundTerm {
  term: SparseTerm;
  local: number;
  factor: number;
}

/** A mutable per-profile calculator; not shared between threads. */
export class Spectrometer {
  readonly basis: Basis;
  readonly size: number;
  readonly ws: ExpmWorkspace;
  readonly eigWs: EigWorkspace;
  readonly values: Float64Array;
  private readonly bound: BoundTerm[];
  private readonly localIndex: Map<string, number>;
  private readonly qI: number;
  readonly ppmI: number;
  readonly ppmS: number;
  carrierI = 0;
  carrierS = 0;
  offsetI = 0;
  offsetS = 0;
  b1I = 0;
  b1S = 0;
  jLineI = 0;
  gradientFactor = 0;
  /** Dense free Liouvillian for the current values and settings. */
  readonly lFree: Float64Array;
  private readonly scratch: Float64Array;
  /** exp(G·step) of {@link pulseISMultiples} (allocated on first use). */
  private stepScratch: Float64Array | null = null;
  private readonly startPlans = new Map<
    string,
    { index: number; local: number; factor: number }[]
  >();
  private readonly perm: { index: Int32Array; sign: Float64Array }[];
  private readonly permS: { index: Int32Array; sign: Float64Array }[];
  /** Exponentials produced since {@link resetCounters}: a plain field, per instance. */
  private produced = 0;

  constructor(setup: SpectrometerSetup) {
    this.basis = setup.basis;
    this.size = setup.basis.size;
    this.ws = createExpmWorkspace(this.size);
    // A strict conditioning limit: near exceptional points the eigen route's error grows with
    // cond(V), and forward-difference Jacobians need ~1e-10 accuracy; Padé takes over there.
    this.eigWs = createEigWorkspace(this.size, 1e6);
    this.expBlocks = createEigBlocks(this.size);
    this.values = new Float64Array(setup.localNames.length);
    this.localIndex = new Map(setup.localNames.map((n, k) => [n, k]));
    this.qI = setup.qOrderI ?? 1;
    this.ppmI = setup.ppmI;
    this.ppmS = setup.ppmS;
    [this.lFree, this.scratch] = float64Copies(2, this.size * this.size);
    this.bound = [];
    for (const [name, term] of setup.basis.terms) {
      const base = name.replace(/_[a-z]$/, "");
      const local = this.localIndex.get(name);
      if (local === undefined) continue;
      let factor = 1;
      if (base === "cs_i") factor = this.qI * this.ppmI;
      else if (base === "cs_s") factor = this.ppmS;
      else if (base === "j_is") factor = this.qI;
      else if (base === "d") continue; // scaled by the gradient at assembly time
      this.bound.push({ term, local, factor });
    }
    this.perm = [0, 1, 2, 3].map((k) => phasePermutation(setup.basis, k));
    this.permS = [0, 1, 2, 3].map((k) => phasePermutation(setup.basis, k, "s"));
  }

  /** Index of a local parameter, or -1. */
  local(name: string): number {
    return this.localIndex.get(name) ?? -1;
  }

  /** Value of a local parameter (0 if the profile does not have it). */
  value(name: string): number {
    const k = this.localIndex.get(name);
    return k === undefined ? 0 : this.values[k];
  }

  /** Blocks of the last exponentiated generator and per-size workspaces (`_eig_blocks.ts`). */
  private readonly expBlocks: EigBlocks;
  private readonly expSubs: ExpmBlockSpace = new Map();

  /** out = exp(a·t) by Padé, block by block where `a` is reducible (a pulse on one spin). */
  private exp(out: Float64Array, a: Float64Array, t: number): void {
    expmReducible(out, a, t, this.ws, this.expBlocks, this.expSubs);
  }

  /** Set local values and rebuild the free Liouvillian. */
  update(values: ArrayLike<number>): void {
    this.values.set(values);
    this.rebuild();
  }

  /** Rebuild L_free after a change of carrier, offset, J line or gradient. */
  rebuild(): void {
    const l = this.lFree;
    l.fill(0);
    const v = this.values;
    for (const b of this.bound) addTerm(l, b.term, b.factor * v[b.local]);
    const t = this.basis.terms;
    const add = (name: string, f: number) => {
      const term = t.get(name);
      if (term) addTerm(l, term, f);
    };
    add("carrier_i", this.qI * this.ppmI * this.carrierI);
    add("carrier_s", this.ppmS * this.carrierS);
    add("offset_i", Math.sign(this.ppmI) * this.offsetI);
    add("offset_s", Math.sign(this.ppmS) * this.offsetS);
    add("jeff_i", this.jLineI);
    if (this.gradientFactor !== 0) {
      for (const s of this.basis.states) {
        const k = this.localIndex.get(`d_${s}`);
        const term = t.get(`d_${s}`);
        if (k !== undefined && term) addTerm(l, term, v[k] * this.gradientFactor * 1e-12);
      }
    }
  }

  /**
   * out = ∂L_free/∂(local value `local`), dense. L_free is linear in every local value (each
   * bound term is factor·value, the gradient term value·G·1e-12), so this is exact and does not
   * depend on the current values; the carrier, offset and J-line terms carry no local value.
   *
   * @example
   * ```ts
   * sp.dLiouvillian(dl, sp.local("r1_i_a")); // −1 at iz_a's diagonal
   * ```
   */
  dLiouvillian(out: Float64Array, local: number): Float64Array {
    out.fill(0);
    for (const b of this.bound) if (b.local === local) addTerm(out, b.term, b.factor);
    if (this.gradientFactor !== 0) {
      for (const s of this.basis.states) {
        const term = this.basis.terms.get(`d_${s}`);
        if (term && this.localIndex.get(`d_${s}`) === local) {
          addTerm(out, term, this.gradientFactor * 1e-12);
        }
      }
    }
    return out;
  }

  /**
   * out = ∂{@link startVector}(terms, atom)/∂(local value `local`): the start vector is linear in
   * the populations p_state, so this is exact.
   */
  dStartVector(
    terms: readonly string[],
    local: number,
    atom = "1H",
    out?: Float64Array,
  ): Float64Array {
    this.startVector(terms, atom, this.scratchVector());
    const plan = this.startPlans.get(`${atom}|${terms.join(",")}`)!;
    const v = out ? out.fill(0) : new Float64Array(this.size);
    for (const e of plan) if (e.local === local) v[e.index] += e.factor;
    return v;
  }

  private scratchVec: Float64Array | null = null;
  private scratchVector(): Float64Array {
    return this.scratchVec ??= new Float64Array(this.size);
  }

  /**
   * Matrix exponentials (propagators) produced since the last {@link resetCounters}: one per
   * {@link delay}, per time of {@link delays}, per {@link propagator} and per finite pulse
   * ({@link pulseI}, {@link pulseS}, {@link pulseIS}). Phase rotations, ideal pulses and
   * products are not exponentials and do not count. For cost budgets (benchmarks).
   *
   * @example
   * ```ts
   * sp.resetCounters();
   * sequence(x);
   * sp.propagatorCount; // exponentials one evaluation needed
   * ```
   */
  get propagatorCount(): number {
    return this.produced;
  }

  /** Start a new count of {@link propagatorCount}. */
  resetCounters(): void {
    this.produced = 0;
  }

  /** out = exp(L_free·t). */
  delay(out: Float64Array, timeS: number): Float64Array {
    this.exp(out, this.lFree, timeS);
    this.produced++;
    return out;
  }

  /**
   * exp(L_free·t) for several delays of the same Liouvillian at once (out[k] for times[k]).
   * Prefer this to repeated {@link delay}: the implementation may share one decomposition.
   */
  delays(out: Float64Array[], timesS: ArrayLike<number>): Float64Array[] {
    expmMany(out, this.lFree, timesS, this.eigWs, this.ws);
    this.produced += timesS.length;
    return out;
  }

  /**
   * As {@link delays}, but the times k with skip[k] = 1 (none where `skip` is null) are left
   * out when the eigen route is taken: returns true when it was, and {@link eigWs} then holds
   * L_free's decomposition for the caller to apply those delays in its eigenbasis; false when
   * every delay was computed (Padé).
   *
   * @example
   * ```ts
   * const eigen = sp.delaysExcept(mats, times, trainOnly);
   * ```
   */
  delaysExcept(out: Float64Array[], timesS: ArrayLike<number>, skip: Uint8Array | null): boolean {
    this.produced += timesS.length;
    return expmMany(out, this.lFree, timesS, this.eigWs, this.ws, skip ?? undefined);
  }

  /**
   * exp((L_free + extra)·t) for an arbitrary additional term already assembled into `extra`
   * (size × size), e.g. a continuous-wave field.
   */
  propagator(out: Float64Array, extra: Float64Array | null, timeS: number): Float64Array {
    if (!extra) return this.delay(out, timeS);
    const l = this.scratch;
    for (let i = 0; i < l.length; i++) l[i] = this.lFree[i] + extra[i];
    this.exp(out, l, timeS);
    this.produced++;
    return out;
  }

  /**
   * v ← a^p·v by p matrix–vector products (cheaper than forming a^p when p is small and only a
   * vector is needed). `tmp` is a scratch vector of the same size.
   */
  applyPower(v: Float64Array, a: Float64Array, p: number, tmp: Float64Array): Float64Array {
    const n = this.size;
    // Ping-pong between the two buffers; copy once at the end when the result sits in tmp.
    let src = v;
    let dst = tmp;
    for (let k = 0; k < p; k++) {
      matvec(dst, a, src, n);
      const t = src;
      src = dst;
      dst = t;
    }
    if (src !== v) v.set(src);
    return v;
  }

  /**
   * Finite pulse on the I spin at phase x: exp[(L_free + 2π·B1·X_I)·width].
   * Other phases come from {@link Spectrometer.phase}.
   */
  pulseI(out: Float64Array, widthS: number, b1Hz = this.b1I): Float64Array {
    const l = this.scratch;
    l.set(this.lFree);
    const bx = this.basis.terms.get("b1x_i");
    if (bx) addTerm(l, bx, b1Hz);
    this.exp(out, l, widthS);
    this.produced++;
    return out;
  }

  /** Finite pulse on the S spin at phase x. */
  pulseS(out: Float64Array, widthS: number, b1Hz = this.b1S): Float64Array {
    const l = this.scratch;
    l.set(this.lFree);
    const bx = this.basis.terms.get("b1x_s");
    if (bx) addTerm(l, bx, b1Hz);
    this.exp(out, l, widthS);
    this.produced++;
    return out;
  }

  /**
   * out = R_z(k·90°)·p·R_z(−k·90°) about the I spin: the phase-x propagator turned into phase
   * y, −x, −y (k = 1, 2, 3). The rotation is a signed permutation, so this is exact.
   */
  phase(out: Float64Array, p: Float64Array, k: number): Float64Array {
    return permute(out, p, this.perm[((k % 4) + 4) % 4], this.size);
  }

  /** As {@link phase}, about the S spin's z axis (S-spin phases y, −x, −y for k = 1, 2, 3). */
  phaseS(out: Float64Array, p: Float64Array, k: number): Float64Array {
    return permute(out, p, this.permS[((k % 4) + 4) % 4], this.size);
  }

  /**
   * Simultaneous finite pulses on I and S over `widthS`, phases in quarter turns (0 = x, 1 = y,
   * 2 = −x, 3 = −y; `null` = that spin's field off), with the fields {@link b1I} and {@link b1S}.
   */
  pulseIS(
    out: Float64Array,
    widthS: number,
    phaseI: number | null,
    phaseS: number | null,
  ): Float64Array {
    this.exp(out, this.pulseISGenerator(this.scratch, phaseI, phaseS), widthS);
    this.produced++;
    return out;
  }

  /**
   * As {@link pulseIS} for several widths that are whole multiples of one step, from one
   * exponential: outs[k] = exp(G·stepS)^counts[k] (shared squares, `matpowMany`). A pulse
   * split into segments of widths 8·w/3 and w (the ¹H–¹⁵N composite's) costs one Padé of a
   * third of the norm and four products instead of two Padés; the same operators, rounding
   * aside. Counts one exponential.
   *
   * @example
   * ```ts
   * sp.pulseISMultiples([p8, p3], pw90S / 3, [8, 3], 0, 0); // widths 8·pw/3 and pw
   * ```
   */
  pulseISMultiples(
    outs: readonly Float64Array[],
    stepS: number,
    counts: readonly number[],
    phaseI: number | null,
    phaseS: number | null,
  ): readonly Float64Array[] {
    const step = this.stepScratch ??= new Float64Array(this.size * this.size);
    this.exp(step, this.pulseISGenerator(this.scratch, phaseI, phaseS), stepS);
    matpowMany(outs, step, counts, this.ws);
    this.produced++;
    return outs;
  }

  /**
   * out = L_free + the RF fields of {@link pulseIS} (the generator its exponential is taken of),
   * e.g. for derivatives of such pulses.
   *
   * @example
   * ```ts
   * sp.pulseISGenerator(gen, 1, 0); // L_free + B1_I along y + B1_S along x
   * ```
   */
  pulseISGenerator(out: Float64Array, phaseI: number | null, phaseS: number | null): Float64Array {
    out.set(this.lFree);
    const t = this.basis.terms;
    const field = (spin: string, b1Hz: number, k: number | null) => {
      if (k === null) return;
      const q = ((k % 4) + 4) % 4;
      const [c, s] = [[1, 0], [0, 1], [-1, 0], [0, -1]][q];
      const bx = t.get(`b1x_${spin}`);
      const by = t.get(`b1y_${spin}`);
      if (bx) addTerm(out, bx, c * b1Hz);
      if (by) addTerm(out, by, s * b1Hz);
    };
    field("i", this.b1I, phaseI);
    field("s", this.b1S, phaseS);
    return out;
  }

  /**
   * Ideal (instantaneous) 180° pulse on one spin at phase k (quarter turns; −x ≡ x, −y ≡ y):
   * a diagonal matrix negating every component that carries the spin's z or the transverse
   * axis orthogonal to the pulse.
   */
  ideal180(out: Float64Array, spin: "i" | "s", k: number): Float64Array {
    const n = this.size;
    const other = (((k % 4) + 4) % 4) % 2 === 0 ? `${spin}y` : `${spin}x`;
    const nc = this.basis.components.length;
    out.fill(0);
    for (let r = 0; r < n; r++) {
      const c = this.basis.components[r % nc];
      out[r * n + r] = c.includes(other) || c.includes(`${spin}z`) ? -1 : 1;
    }
    return out;
  }

  /**
   * Ideal 90° pulse on the I spin at phase k: exp(π/2·G) = 1 + G + G² for the unit generator G
   * of an x (then rotated) field, so the result is exact.
   */
  ideal90I(out: Float64Array, k: number): Float64Array {
    const n = this.size;
    const g = new Float64Array(n * n);
    const bx = this.basis.terms.get("b1x_i");
    if (bx) bx.index.forEach((at, e) => g[at] += Math.sign(bx.value[e]));
    const g2 = new Float64Array(n * n);
    matmul(g2, g, g, n);
    const p = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) p[i] = g[i] + g2[i];
    for (let i = 0; i < n; i++) p[i * n + i] += 1;
    return this.phase(out, p, k);
  }

  /** out = a^p for an integer p ≥ 0. */
  matpow(out: Float64Array, a: Float64Array, p: number): Float64Array {
    matpow(out, a, p, this.ws);
    return out;
  }

  /** out = a·b (size × size). */
  mul(out: Float64Array, a: Float64Array, b: Float64Array): Float64Array {
    matmul(out, a, b, this.size);
    return out;
  }

  /**
   * Start vector: each term (e.g. "iz", "iz_a", "-2izsz") adds sign·p_state·Ξ(atom) to every
   * state-labelled component whose name starts with the term. With `out` (length {@link size})
   * the vector is written there instead of a new array, for sequences that allocate nothing per
   * evaluation.
   */
  startVector(terms: readonly string[], atom = "1H", out?: Float64Array): Float64Array {
    // Which components a term list touches never changes: resolve the names once per list.
    const key = `${atom}|${terms.join(",")}`;
    let plan = this.startPlans.get(key);
    if (!plan) {
      const ratio = XI_RATIO[atom] ?? 1;
      const { components, states } = this.basis;
      const entries: { index: number; local: number; factor: number }[] = [];
      states.forEach((s, k) => {
        const local = this.local(`p${s}`);
        components.forEach((c, j) => {
          const name = `${c}_${s}`;
          for (const term of terms) {
            const bare = term.replace(/^[+-]/, "");
            if (name.startsWith(bare)) {
              const factor = (term.startsWith("-") ? -1 : 1) * ratio;
              entries.push({ index: k * components.length + j, local, factor });
            }
          }
        });
      });
      plan = entries;
      this.startPlans.set(key, plan);
    }
    const v = out ? out.fill(0) : new Float64Array(this.size);
    for (const e of plan) v[e.index] += e.factor * (e.local >= 0 ? this.values[e.local] : 0);
    return v;
  }

  /** Thermal equilibrium: IE/Iz (and SE/Sz) of each state = p_state·Ξ of that spin's nucleus. */
  equilibrium(nuclei: { i?: string; s?: string }): Float64Array {
    const v = new Float64Array(this.size);
    for (const s of this.basis.states) {
      const pop = this.value(`p${s}`);
      for (const [spin, nuc] of Object.entries(nuclei)) {
        if (!nuc) continue;
        const scale = pop * (XI_RATIO[nuc] ?? 1);
        for (const c of [`${spin}e_${s}`, `${spin}z_${s}`]) {
          if (this.basis.components.includes(c.split("_")[0])) v[this.basis.index(c)] += scale;
        }
      }
    }
    return v;
  }
}

/** out = R·p·Rᵀ for a signed permutation R (a 90° z rotation): exact, no products. */
function permute(
  out: Float64Array,
  p: Float64Array,
  perm: { index: Int32Array; sign: Float64Array },
  n: number,
): Float64Array {
  const { index, sign } = perm;
  for (let r = 0; r < n; r++) {
    const rr = index[r] * n;
    const sr = sign[r];
    for (let c = 0; c < n; c++) out[rr + index[c]] = sr * sign[c] * p[r * n + c];
  }
  return out;
}

function phasePermutation(
  basis: Basis,
  k: number,
  spin: "i" | "s" = "i",
): { index: Int32Array; sign: Float64Array } {
  const [x, y] = [`${spin}x`, `${spin}y`];
  const n = basis.size;
  const index = new Int32Array(n);
  const sign = new Float64Array(n);
  const comps = basis.components;
  const nc = comps.length;
  for (let s = 0; s < basis.states.length; s++) {
    comps.forEach((c, j) => {
      let name = c;
      let sg = 1;
      // x → y → −x → −y for the spin's transverse part; z, E and the other spin are untouched.
      for (let step = 0; step < k; step++) {
        if (name.includes(x)) name = name.replace(x, y);
        else if (name.includes(y)) {
          name = name.replace(y, x);
          sg = -sg;
        }
      }
      const target = comps.indexOf(name);
      if (target < 0) throw new Error(`basis ${basis.type} is not closed under z rotation`);
      index[s * nc + j] = s * nc + target;
      sign[s * nc + j] = sg;
    });
  }
  return { index, sign };
}

/** v·m for vectors. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
