/**
 * Model-free relaxation rates of an IS spin pair (Lipari–Szabo, rigid tumbling):
 * J(ω) = (2/5)·S²·τc/(1+(ωτc)²), dipolar and CSA contributions, and remote-proton terms.
 * Used for `.mf` models and, as ChemEx does, for the starting values of every relaxation rate.
 *
 * @module
 */
import { GAMMA } from "./constants.ts";

/** Vacuum permeability (CODATA 2022) and reduced Planck constant, as in SciPy. */
const MU0 = 1.25663706127e-6;
const HBAR = 1.0545718176461565e-34;

interface PairConstants {
  gi: number;
  gs: number;
  rIS: number;
  rIH: number;
  rSH: number;
  csaI: readonly number[];
  csaS: readonly number[];
  phiIDeg: readonly number[];
  phiSDeg: readonly number[];
  /** Which spin of the pair is the amide proton that exchanges with water (KHH). */
  exchangingProton?: "i" | "s";
}

const N_CSA = [69.0, 42.0, -111.0];
const HN_CSA = [5.7, 0.5, -6.2];
const C_CSA = [-5.3 / 3, -5.3 / 3, 10.7 / 3];
const NH_PHI = [109.6, 90.0, 19.6];
const HN_PHI = [10.0, 80.0, 90.0];

const NH: PairConstants = {
  gi: GAMMA["15N"],
  gs: GAMMA["1H"],
  rIS: 1.04e-10,
  rIH: 1.79e-10,
  rSH: 1.85e-10,
  csaI: N_CSA,
  csaS: HN_CSA,
  phiIDeg: NH_PHI,
  phiSDeg: HN_PHI,
  exchangingProton: "s",
};
const HN: PairConstants = {
  gi: GAMMA["1H"],
  gs: GAMMA["15N"],
  rIS: 1.04e-10,
  rIH: 1.85e-10,
  rSH: 1.79e-10,
  csaI: HN_CSA,
  csaS: N_CSA,
  phiIDeg: HN_PHI,
  phiSDeg: NH_PHI,
  exchangingProton: "i",
};
const CH: PairConstants = {
  gi: GAMMA["13C"],
  gs: GAMMA["1H"],
  rIS: 1.09e-10,
  rIH: 1.70e-10,
  rSH: 1.85e-10,
  csaI: C_CSA,
  csaS: [0, 0, 0],
  phiIDeg: NH_PHI,
  phiSDeg: [0, 0, 0],
};
const HC: PairConstants = {
  gi: GAMMA["1H"],
  gs: GAMMA["13C"],
  rIS: 1.09e-10,
  rIH: 1.85e-10,
  rSH: 1.70e-10,
  csaI: [0, 0, 0],
  csaS: C_CSA,
  phiIDeg: [0, 0, 0],
  phiSDeg: NH_PHI,
};

/** Constants per spin-pair kind; "_d" = deuterated (label 2H) remote-proton distances. */
const PAIRS: Readonly<Record<string, PairConstants>> = {
  nh: NH,
  nh_d: { ...NH, rIH: 2.50e-10, rSH: 2.48e-10 },
  hn: HN,
  hn_d: { ...HN, rIH: 2.48e-10, rSH: 2.50e-10 },
  ch: CH,
  ch_d: { ...CH, rIH: 2.03e-10, rSH: 2.52e-10 },
  hc: HC,
  hc_d: { ...HC, rIH: 2.52e-10, rSH: 2.03e-10 },
  // ChemEx evaluates C–N pairs with the C–H constants; kept for identical numbers.
  cn: CH,
  cn_d: { ...CH, rIH: 2.03e-10, rSH: 2.52e-10 },
};

/** The fourteen rate names a model-free calculation yields. */
export const RATE_NAMES = [
  "r2_i",
  "r2_s",
  "r1_i",
  "r1_s",
  "r2a_i",
  "r2a_s",
  "r2mq_is",
  "r1a_is",
  "etaxy_i",
  "etaxy_s",
  "etaz_i",
  "etaz_s",
  "sigma_is",
  "mu_is",
] as const;

/** One value per name in {@link RATE_NAMES}. */
export type ModelFreeRates = Record<(typeof RATE_NAMES)[number], number>;

/**
 * Model-free rates for a spin pair kind ("nh", "nh_d", "hn", "ch", "hc", "cn", …).
 *
 * @example
 * ```ts
 * modelFreeRates("nh", 600, 4.0, 0.9, 0).r1_i; // ≈ 2.2116745325575664
 * ```
 */
export function modelFreeRates(
  kind: string,
  hLarmorFrqMHz: number,
  taucNs: number,
  s2: number,
  khh = 0,
): ModelFreeRates {
  const c = PAIRS[kind];
  if (!c) throw new Error(`no model-free constants for spin pair "${kind}"`);
  const gh = GAMMA["1H"];
  const dis = -MU0 * HBAR * c.gi * c.gs / (8 * Math.PI * c.rIS ** 3);
  const dih = -MU0 * HBAR * c.gi * gh / (8 * Math.PI * c.rIH ** 3);
  const dsh = -MU0 * HBAR * c.gs * gh / (8 * Math.PI * c.rSH ** 3);
  const dis2 = dis * dis;
  const dih2 = dih * dih;
  const dsh2 = dsh * dsh;
  const b0 = 2 * Math.PI * 1e6 * hLarmorFrqMHz / gh;
  const wi = -c.gi * b0;
  const ws = -c.gs * b0;
  const wh = -gh * b0;
  const ci0 = -wi * (c.csaI[0] - c.csaI[2]) * 1e-6 / 3;
  const ci1 = -wi * (c.csaI[1] - c.csaI[2]) * 1e-6 / 3;
  const cs0 = -ws * (c.csaS[0] - c.csaS[2]) * 1e-6 / 3;
  const cs1 = -ws * (c.csaS[1] - c.csaS[2]) * 1e-6 / 3;
  const ci2 = ci0 * ci0 + ci1 * ci1 - ci0 * ci1;
  const cs2 = cs0 * cs0 + cs1 * cs1 - cs0 * cs1;
  const p2 = (deg: number) => 0.5 * (3 * Math.cos(deg * Math.PI / 180) ** 2 - 1);
  const ci = ci0 * p2(c.phiIDeg[0]) + ci1 * p2(c.phiIDeg[1]);
  const cs = cs0 * p2(c.phiSDeg[0]) + cs1 * p2(c.phiSDeg[1]);
  const tau = taucNs * 1e-9;
  const jw = (w: number) => 2 / 5 * tau * s2 / (1 + (w * tau) ** 2);
  const j0 = jw(0);
  const ji = jw(wi);
  const js = jw(ws);
  const jh = jw(wh);
  const jmis = jw(wi - ws);
  const jpis = jw(wi + ws);
  const jmih = jw(wi - wh);
  const jpih = jw(wi + wh);
  const jmsh = jw(ws - wh);
  const jpsh = jw(ws + wh);
  const r: ModelFreeRates = {
    r2_i: 0.5 * (ci2 * (4 * j0 + 3 * ji) + dis2 * (4 * j0 + 3 * ji + jmis + 6 * js + 6 * jpis) +
      dih2 * (4 * j0 + 3 * ji + jmih + 6 * jh + 6 * jpih)),
    r2_s: 0.5 * (cs2 * (4 * j0 + 3 * js) + dis2 * (4 * j0 + 3 * js + jmis + 6 * ji + 6 * jpis) +
      dsh2 * (4 * j0 + 3 * js + jmsh + 6 * jh + 6 * jpsh)),
    r1_i: ci2 * 3 * ji + dis2 * (3 * ji + jmis + 6 * jpis) + dih2 * (3 * ji + jmih + 6 * jpih),
    r1_s: cs2 * 3 * js + dis2 * (3 * js + jmis + 6 * jpis) + dsh2 * (3 * js + jmsh + 6 * jpsh),
    r2a_i: 0.5 * ci2 * (4 * j0 + 3 * ji) + cs2 * 3 * js +
      0.5 * dis2 * (4 * j0 + 3 * ji + jmis + 6 * jpis) +
      0.5 * dih2 * (4 * j0 + 3 * ji + jmih + 6 * jh + 6 * jpih) +
      dsh2 * (3 * js + jmsh + 6 * jpsh),
    r2a_s: 0.5 * cs2 * (4 * j0 + 3 * js) + ci2 * 3 * ji +
      0.5 * dis2 * (4 * j0 + 3 * js + jmis + 6 * jpis) +
      0.5 * dsh2 * (4 * j0 + 3 * js + jmsh + 6 * jh + 6 * jpsh) +
      dih2 * (3 * ji + jmih + 6 * jpih),
    r2mq_is: 0.5 * (ci2 * (4 * j0 + 3 * ji) + cs2 * (4 * j0 + 3 * js) +
      dis2 * (3 * ji + jmis + 3 * js + 6 * jpis) +
      dih2 * (4 * j0 + 3 * ji + jmih + 6 * jh + 6 * jpih) +
      dsh2 * (4 * j0 + 3 * js + jmsh + 6 * jh + 6 * jpsh)),
    r1a_is: ci2 * 3 * ji + cs2 * 3 * js + dis2 * (3 * ji + 3 * js) +
      dih2 * (3 * ji + jmih + 6 * jpih) + dsh2 * (3 * js + jmsh + 6 * jpsh),
    etaxy_i: dis * ci * (4 * j0 + 3 * ji),
    etaxy_s: dis * cs * (4 * j0 + 3 * js),
    etaz_i: dis * ci * 6 * ji,
    etaz_s: dis * cs * 6 * js,
    sigma_is: dis2 * (-jmis + 6 * jpis),
    mu_is: 0.5 * dis2 * (-jmis + 6 * jpis),
  };
  // Amide protons exchange with water: KHH adds to the proton's own and the mixed rates.
  if (c.exchangingProton === "s") {
    r.r2_s += khh;
    r.r1_s += khh;
  } else if (c.exchangingProton === "i") {
    r.r2_i += khh;
    r.r1_i += khh;
  }
  if (c.exchangingProton) {
    r.r2a_i += khh;
    r.r2a_s += khh;
    r.r2mq_is += khh;
    r.r1a_is += khh;
  }
  return r;
}
