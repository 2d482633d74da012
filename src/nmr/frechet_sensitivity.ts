/**
 * Reverse (adjoint) sensitivity of a propagator inside a longer product: for a scalar signal
 * that depends on exp(A·t) through its cotangent G = ∂s/∂exp(A·t) (n × n), the change of s
 * along a change E of A is ⟨G, L(A·t, E·t)⟩ = ⟨K, E⟩ with
 *
 *     K = L(Aᵀ·t, G·t) = Re(V⁻ᵀ·(Φ ∘ (Vᵀ·G·V⁻ᵀ))·Vᵀ)
 *
 * (the Fréchet derivative is self-adjoint up to the transpose; A = V·Λ·V⁻¹, Φ the divided
 * differences of `frechet_eig.ts`). Every local value of a profile changes every Liouvillian of
 * its sequence by the same ∂L_free/∂p, so the K of all the sequence's propagators can be summed
 * and each parameter then costs one sparse dot product: `docs/jacobians.md`, adjoint form.
 * {@link expBilinearSensitivity} is the rank-one case G = w·vᵀ.
 *
 * Where the eigenbasis is refused as ill-conditioned, K comes from the block-triangular route
 * (`frechet.ts`) on Aᵀ; ChemEx's dephasing mode (eigenvalues with |Im λ| ≥ threshold run
 * `factor` times faster) uses the divided differences of that matrix function (Daleckii–Krein)
 * from any complete decomposition, as the propagator itself does.
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
  type FrechetApplyScratch,
  frechetTime,
} from "./frechet_eig.ts";
import { createFrechetWorkspace, expmFrechet, type FrechetWorkspace } from "./frechet.ts";
import { createExpmWorkspace, expm, type ExpmWorkspace } from "./expm.ts";
import { cotangentTimesInverseT, inverseTTimes } from "./_eigen_contract.ts";

/** ChemEx's dephasing mode: eigenvalues with |Im λ| ≥ imMin run `factor` times faster. */
export interface Dephasing {
  imMin: number;
  factor: number;
}

/**
 * Adds K = L(Aᵀ·t, G·t) of propagators exp(A·t) to sensitivity matrices (see the module notes).
 *
 * @example
 * ```ts
 * const sens = new ExpSensitivity(6);
 * sens.add(k, lFree, 0.01, cotangent); // k += ∂s/∂L through exp(lFree·0.01)
 * ```
 */
export class ExpSensitivity {
  readonly n: number;
  private readonly ws: EigWorkspace;
  private readonly ce: ComplexEigen;
  private readonly s: FrechetApplyScratch;
  private readonly tr: Float64Array;
  private readonly ti: Float64Array;
  private readonly mr: Float64Array;
  private readonly mi: Float64Array;
  private fw: FrechetWorkspace | null = null;
  private at: Float64Array | null = null;
  private dk: Float64Array | null = null;
  private ew: ExpmWorkspace | null = null;

  constructor(n: number) {
    this.n = n;
    this.ws = createEigWorkspace(n);
    this.ce = createComplexEigen(n);
    this.s = createFrechetApplyScratch(n);
    const m = () => new Float64Array(n * n);
    [this.tr, this.ti, this.mr, this.mi] = [m(), m(), m(), m()];
  }

  /**
   * k += weight·L(Aᵀ·t, G·t): the sensitivity to A of a signal whose cotangent with respect to
   * exp(A·t) (dephased with `dephasing`) is `g`.
   */
  add(
    k: Float64Array,
    a: Float64Array,
    t: number,
    g: Float64Array,
    weight = 1,
    dephasing?: Dephasing,
  ): void {
    this.prepare(null, a, t, dephasing);
    this.addPrepared(k, g, weight);
  }

  private prepared: { eigen: boolean; t: number; a: Float64Array } | null = null;

  /**
   * Decompose A for t (and write exp(A·t), dephased with `dephasing`, into `out` when given):
   * {@link addPrepared} then adds K for any cotangent of this propagator. Returns `out`.
   */
  prepare(
    out: Float64Array | null,
    a: Float64Array,
    t: number,
    dephasing?: Dephasing,
  ): Float64Array | null {
    const n = this.n;
    const ok = eigDecompose(a, this.ws);
    if (ok || (dephasing && Number.isFinite(this.ws.cond))) {
      complexEigen(this.ws, this.ce);
      frechetTime(t, this.ce, this.s, dephasing);
      this.prepared = { eigen: true, t, a };
      if (out) this.propagator(out);
      return out;
    }
    if (dephasing) throw new Error("dephased propagator: eigendecomposition failed");
    const at = this.at ??= new Float64Array(n * n);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) at[r * n + c] = a[c * n + r];
    this.prepared = { eigen: false, t, a: at };
    if (out) expm(out, a, t, this.ew ??= createExpmWorkspace(n));
    return out;
  }

  /** k += weight·L(Aᵀ·t, G·t) for the A and t of the last {@link prepare}. */
  addPrepared(k: Float64Array, g: Float64Array, weight = 1): void {
    const p = this.prepared;
    if (!p) throw new Error("ExpSensitivity: nothing prepared");
    if (p.eigen) {
      this.addEigen(k, p.t, g, weight);
      return;
    }
    const n = this.n;
    this.fw ??= createFrechetWorkspace(n);
    const dk = this.dk ??= new Float64Array(n * n);
    expmFrechet(null, dk, p.a, g, p.t, this.fw);
    for (let i = 0; i < n * n; i++) k[i] += weight * dk[i];
  }

  /** out = Re(V·e^{Λt}·V⁻¹) from the prepared decomposition (dephased as prepared). */
  private propagator(out: Float64Array): void {
    const { n, ce, s } = this;
    const { vr, vi, ur, ui } = ce;
    const { er, ei } = s;
    out.fill(0);
    for (let i = 0; i < n; i++) {
      const io = i * n;
      for (let b = 0; b < n; b++) {
        // (V·e^{Λt})_ib.
        const xr = vr[io + b] * er[b] - vi[io + b] * ei[b];
        const xi = vr[io + b] * ei[b] + vi[io + b] * er[b];
        if (xr === 0 && xi === 0) continue;
        const bo = b * n;
        for (let j = 0; j < n; j++) out[io + j] += xr * ur[bo + j] - xi * ui[bo + j];
      }
    }
  }

  /** The eigen route of {@link add}, with e^{λt} already in the scratch. */
  private addEigen(k: Float64Array, t: number, g: Float64Array, weight: number): void {
    const { n, ce, s, tr, ti, mr, mi } = this;
    const { vr, vi, ur, ui } = ce;
    // T = G·V⁻ᵀ: T_rb = Σ_q G_rq·U_bq (U = V⁻¹).
    cotangentTimesInverseT(n, g, ur, ui, tr, ti);
    // M = Φ ∘ (Vᵀ·T).
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
        if (yr === 0 && yi === 0) {
          mr[a * n + b] = 0;
          mi[a * n + b] = 0;
          continue;
        }
        divDiff(a, b, t, ce, s);
        const [pr, pi] = s.p;
        mr[a * n + b] = pr * yr - pi * yi;
        mi[a * n + b] = pr * yi + pi * yr;
      }
    }
    // X = V⁻ᵀ·M: X_rb = Σ_a U_ar·M_ab (into T).
    inverseTTimes(n, ur, ui, mr, mi, tr, ti);
    // k += weight·Re(X·Vᵀ): K_rq = Σ_b X_rb·V_qb.
    for (let r = 0; r < n; r++) {
      const ro = r * n;
      for (let q = 0; q < n; q++) {
        const qo = q * n;
        let sum = 0;
        for (let b = 0; b < n; b++) sum += tr[ro + b] * vr[qo + b] - ti[ro + b] * vi[qo + b];
        k[ro + q] += weight * sum;
      }
    }
  }
}
