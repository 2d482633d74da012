/**
 * Nuclear constants. Ξ (IUPAC frequency ratios) convert ppm to Hz; γ only enters model-free rates.
 *
 * @module
 */

/** Nuclei known to the Liouvillian builders. */
export type NucleusName = "1H" | "2H" | "13C" | "15N" | "19F" | "31P" | "X";

/** Gyromagnetic ratios in rad s⁻¹ T⁻¹. */
export const GAMMA: Readonly<Record<string, number>> = {
  "1H": 26.7522128e7,
  "2H": 4.10662791e7,
  "15N": -2.71261804e7,
  "13C": 6.728284e7,
  "19F": 25.18148e7,
  "31P": 10.8394e7,
};

/** IUPAC frequency ratios Ξ relative to ¹H. */
export const XI_RATIO: Readonly<Record<string, number>> = {
  "1H": 1.0,
  "2H": 0.153506088,
  "15N": 0.101329118,
  "13C": 0.25144953,
  "19F": 0.94094011,
  "31P": 0.404808636,
};

/**
 * ppm → rad/s factor P = −2π·ν_H·sign(γ)·Ξ for a nucleus (positive for ¹⁵N).
 *
 * @example
 * ```ts
 * ppmToRadPerS("15N", 600); // 382.0017752442399
 * ```
 */
export function ppmToRadPerS(nucleus: string, hLarmorFrqMHz: number): number {
  const gamma = GAMMA[nucleus];
  const xi = XI_RATIO[nucleus];
  if (gamma === undefined || xi === undefined) return -2.0 * Math.PI * hLarmorFrqMHz;
  return -2.0 * Math.PI * hLarmorFrqMHz * Math.sign(gamma) * xi;
}

/** Default scalar couplings J_IS in Hz by spin-system kind. */
export const J_COUPLINGS: Readonly<Record<string, number>> = {
  nh: -93.0,
  hn: -93.0,
  ch: 130.0,
  hc: 130.0,
  cn: -10.7,
};
