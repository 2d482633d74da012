/**
 * Analytic 2-state R1ρ approximations (formulas and references in `docs/r1rho.md`):
 *
 * - `dpl94`: Davis, Perlman & London (1994), the fast-exchange ω_e² form, which on resonance is
 *   Meiboom (1961): R1ρ = R1·cos²θ + (R1ρ' + φ·kex/(kex² + ω_e²))·sin²θ;
 * - `tp02`: Trott & Palmer (2002): kex² + ω_A²ω_B²/ω_e² in the denominator;
 * - `mp05`: Miloushev & Palmer (2005): TP02's denominator less
 *   sin²θ·φ·(1 + 2kex²(pA·ω_A² + pB·ω_B²)/(ω_A²ω_B² + ω_e²kex²)).
 *
 * φ = pA·pB·Δω², Ω_s = offset of state s from the spin lock, Ω̄ = pA·Ω_A + pB·Ω_B,
 * ω_s² = Ω_s² + ω1², ω_e² = Ω̄² + ω1², sin²θ = ω1²/ω_e². All rates in s⁻¹, frequencies in rad/s;
 * R1 and R1ρ' (= R2) of state A stand for both states, as in the papers.
 *
 * @module
 */

/** What the formulas read. */
export interface TwoStateInput {
  pa: number;
  pb: number;
  kexPerS: number;
  /** Offsets of states A and B from the spin-lock frequency (rad/s, same sign convention). */
  omegaARadPerS: number;
  omegaBRadPerS: number;
  /** Spin-lock field ω1 = 2π·ν1 (rad/s). */
  omega1RadPerS: number;
  r1PerS: number;
  r2PerS: number;
}

/** Names of the analytic approximations. */
export type AnalyticR1rho = "tp02" | "mp05" | "dpl94";

/**
 * R1ρ (s⁻¹) from one of the analytic approximations.
 *
 * @example
 * ```ts
 * r1rhoAnalytic("tp02", {
 *   pa: 0.9, pb: 0.1, kexPerS: 1000, omegaARadPerS: 0, omegaBRadPerS: 2000,
 *   omega1RadPerS: 2 * Math.PI * 1000, r1PerS: 1.5, r2PerS: 10,
 * });
 * ```
 */
export function r1rhoAnalytic(kind: AnalyticR1rho, v: TwoStateInput): number {
  const w1s = v.omega1RadPerS * v.omega1RadPerS;
  const mean = v.pa * v.omegaARadPerS + v.pb * v.omegaBRadPerS;
  const we2 = mean * mean + w1s;
  if (!(we2 > 0)) {
    throw new Error("R1ρ: zero effective field (spin-lock field 0 on the averaged resonance)");
  }
  const sin2 = w1s / we2;
  const cos2 = (mean * mean) / we2;
  const dw = v.omegaBRadPerS - v.omegaARadPerS;
  const phi = v.pa * v.pb * dw * dw;
  const k = v.kexPerS;
  const k2 = k * k;
  const wa2 = v.omegaARadPerS * v.omegaARadPerS + w1s;
  const wb2 = v.omegaBRadPerS * v.omegaBRadPerS + w1s;
  const base = v.r1PerS * cos2 + v.r2PerS * sin2;
  if (phi * k === 0) return base;
  let denom: number;
  if (kind === "dpl94") denom = k2 + we2;
  else if (kind === "tp02") denom = (wa2 * wb2) / we2 + k2;
  else {
    const f = 1 + (2 * k2 * (v.pa * wa2 + v.pb * wb2)) / (wa2 * wb2 + we2 * k2);
    denom = (wa2 * wb2) / we2 + k2 - sin2 * phi * f;
  }
  return base + (sin2 * phi * k) / denom;
}
