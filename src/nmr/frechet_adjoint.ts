/**
 * Reverse (adjoint) sensitivities of a family of propagators exp(A·t_k) that share one generator
 * A = L_free + R (the free delays of a sequence: R = 0; the finite pulses on one channel: R the
 * RF term), for signals that are sums of products of such propagators.
 *
 * A signal s with cotangent C_k = ∂s/∂exp(A·t_k) (n × n) changes along a direction E of A by
 *
 *     ds = Σ_k ⟨C_k, L(A·t_k, E·t_k)⟩ = Re Σ_ab H_ab·Ẽ_ab,   H = Σ_k Φ(t_k) ∘ (Vᵀ·C_k·V⁻ᵀ),
 *
 * with A = V·Λ·V⁻¹, Ẽ = V⁻¹·E·V and the divided differences Φ of `frechet_eig.ts` (the
 * bilinear pairing ⟨X, V·Y·V⁻¹⟩ = Σ (Vᵀ·X·V⁻ᵀ)∘Y). H costs two complex products per
 * propagator and signal, Ẽ two per direction and evaluation, and each (signal, direction) pair
 * then one n² dot product: the cost does not grow with the number of parameters.
 *
 * Where the eigenbasis is refused as ill-conditioned, the Fréchet derivatives
 * L(A·t_k, E·t_k) are formed per propagator and direction by the block-triangular route
 * (`frechet.ts`), once per evaluation, and contracted with C_k directly.
 *
 * @module
 */
import { createEigWorkspace, eigDecompose, type EigWorkspace } from "./eig.ts";
import {
  type ComplexEigen,
  complexEigen,
  createComplexEigen,
  createFrechetApplyScratch,
  divDiff,
  eigenDirection,
  type FrechetApplyScratch,
  frechetTime,
} from "./frechet_eig.ts";
import { createFrechetWorkspace, expmFrechet, type FrechetWorkspace } from "./frechet.ts";
import { cotangentTimesInverseT } from "./_eigen_contract.ts";

/**
 * The adjoint accumulator of one generator (see the module notes).
 *
 * @example
 * ```ts
 * const fam = new ExpFamily(n);
 * fam.prepare(lFree, directions); // once per evaluation
 * fam.clear();
 * fam.add(cotangent, tauS); // per propagator used by the signal
 * const dsdp = fam.contract(0); // per direction
 * ```
 */
export class ExpFamily {
  private readonly n: number;
  private readonly ws: EigWorkspace;
  private readonly ce: ComplexEigen;
  private readonly s: FrechetApplyScratch;
  private readonly hr: Float64Array;
  private readonly hi: Float64Array;
  private readonly tr: Float64Array;
  private readonly ti: Float64Array;
  private ok = false;
  private a: Float64Array;
  private dirs: readonly (Float64Array | null)[] = [];
  private tilde: ({ re: Float64Array; im: Float64Array } | null)[] = [];
  /** Fallback: the signal's cotangents by time, and L(A·t, E_l·t) by time and direction. */
  private readonly pending: { t: number; c: Float64Array }[] = [];
  private readonly frechets = new Map<number, (Float64Array | null)[]>();
  private fw: FrechetWorkspace | null = null;
  private readonly phis = new Map<number, { re: Float64Array; im: Float64Array }>();
  private readonly gr: Float64Array;
  private readonly gi: Float64Array;
  private readonly cr: Float64Array;
  private readonly ci: Float64Array;

  /** `condMax`: refuse eigenbases with a larger condition number (see `eig.ts`). */
  constructor(n: number, condMax?: number) {
    this.n = n;
    this.ws = createEigWorkspace(n, condMax);
    this.ce = createComplexEigen(n);
    this.s = createFrechetApplyScratch(n);
    const m = () => new Float64Array(n * n);
    [this.hr, this.hi, this.tr, this.ti, this.a] = [m(), m(), m(), m(), m()];
    const v = () => new Float64Array(n);
    [this.gr, this.gi, this.cr, this.ci] = [v(), v(), v(), v()];
  }

  /** Whether the eigenbasis route is used this evaluation (false: block-triangular fallback). */
  get eigen(): boolean {
    return this.ok;
  }

  /**
   * Per evaluation: decompose the generator `a` (copied) and map every direction (∂A/∂p; null
   * where p does not enter A) to the eigenbasis.
   */
  prepare(a: Float64Array, directions: readonly (Float64Array | null)[]): void {
    this.a.set(a);
    this.dirs = directions;
    this.frechets.clear();
    this.phis.clear();
    this.ok = eigDecompose(this.a, this.ws);
    if (this.ok) {
      complexEigen(this.ws, this.ce);
      this.tilde = directions.map((e) => e ? eigenDirection(e, this.ce) : null);
    } else {
      this.tilde = directions.map(() => null);
    }
  }

  /** Start a new signal. */
  clear(): void {
    this.hr.fill(0);
    this.hi.fill(0);
    this.pending.length = 0;
  }

  /** Add the cotangent `c` (n × n; read now, may be reused after) of exp(A·t) to the signal. */
  add(c: Float64Array, t: number): void {
    if (!this.ok) {
      this.pending.push({ t, c: c.slice() });
      return;
    }
    const { n, ce, tr, ti, hr, hi } = this;
    const { vr, vi, ur, ui } = ce;
    // T = C·Uᵀ (U = V⁻¹): T_rb = Σ_s C_rs·U_bs.
    cotangentTimesInverseT(n, c, ur, ui, tr, ti);
    const phi = this.phi(t);
    // H_ab += Φ_ab·(Vᵀ·T)_ab.
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let yr = 0;
        let yi = 0;
        for (let r = 0; r < n; r++) {
          const xr = vr[r * n + a];
          const xi = vi[r * n + a];
          const zr = tr[r * n + b];
          const zi = ti[r * n + b];
          yr += xr * zr - xi * zi;
          yi += xr * zi + xi * zr;
        }
        const at = a * n + b;
        const pr = phi.re[at];
        const pi = phi.im[at];
        hr[at] += pr * yr - pi * yi;
        hi[at] += pr * yi + pi * yr;
      }
    }
  }

  /**
   * Add the rank-one cotangent w·vᵀ of exp(A·t) (one use of the propagator between the vectors
   * v before and w after it, backwards): O(n²), no matrix product.
   */
  addOuter(w: Float64Array, v: Float64Array, t: number): void {
    const { n, ce } = this;
    if (!this.ok) {
      const c = new Float64Array(n * n);
      for (let r = 0; r < n; r++) for (let q = 0; q < n; q++) c[r * n + q] = w[r] * v[q];
      this.pending.push({ t, c });
      return;
    }
    const { vr, vi, ur, ui } = ce;
    const { gr, gi, cr, ci, hr, hi } = this;
    // g = Vᵀ·w, c = V⁻¹·v.
    for (let a = 0; a < n; a++) {
      let sr = 0;
      let si = 0;
      let pr = 0;
      let pi = 0;
      const ao = a * n;
      for (let i = 0; i < n; i++) {
        sr += w[i] * vr[i * n + a];
        si += w[i] * vi[i * n + a];
        pr += ur[ao + i] * v[i];
        pi += ui[ao + i] * v[i];
      }
      gr[a] = sr;
      gi[a] = si;
      cr[a] = pr;
      ci[a] = pi;
    }
    const phi = this.phi(t);
    for (let a = 0; a < n; a++) {
      const xr = gr[a];
      const xi = gi[a];
      if (xr === 0 && xi === 0) continue;
      const ao = a * n;
      for (let b = 0; b < n; b++) {
        const yr = xr * cr[b] - xi * ci[b];
        const yi = xr * ci[b] + xi * cr[b];
        const pr = phi.re[ao + b];
        const pi = phi.im[ao + b];
        hr[ao + b] += pr * yr - pi * yi;
        hi[ao + b] += pr * yi + pi * yr;
      }
    }
  }

  /** The divided differences Φ(t) of this evaluation's generator, cached by t. */
  private phi(t: number): { re: Float64Array; im: Float64Array } {
    let f = this.phis.get(t);
    if (f) return f;
    const { n, ce, s } = this;
    f = { re: new Float64Array(n * n), im: new Float64Array(n * n) };
    frechetTime(t, ce, s);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        divDiff(a, b, t, ce, s);
        f.re[a * n + b] = s.p[0];
        f.im[a * n + b] = s.p[1];
      }
    }
    this.phis.set(t, f);
    return f;
  }

  /** ds/dp along direction `l` (0 where p does not enter the generator). */
  contract(l: number): number {
    if (!this.dirs[l]) return 0;
    const nn = this.n * this.n;
    if (this.ok) {
      const e = this.tilde[l]!;
      const { hr, hi } = this;
      let sum = 0;
      for (let i = 0; i < nn; i++) sum += hr[i] * e.re[i] - hi[i] * e.im[i];
      return sum;
    }
    let sum = 0;
    for (const { t, c } of this.pending) {
      const d = this.frechet(t, l);
      for (let i = 0; i < nn; i++) sum += c[i] * d[i];
    }
    return sum;
  }

  /** L(A·t, E_l·t) by the block-triangular route, once per evaluation, time and direction. */
  private frechet(t: number, l: number): Float64Array {
    let byDir = this.frechets.get(t);
    if (!byDir) this.frechets.set(t, byDir = this.dirs.map(() => null));
    let d = byDir[l];
    if (!d) {
      this.fw ??= createFrechetWorkspace(this.n);
      d = new Float64Array(this.n * this.n);
      expmFrechet(null, d, this.a, this.dirs[l]!, t, this.fw);
      byDir[l] = d;
    }
    return d;
  }
}
