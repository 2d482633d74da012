/**
 * `cpmg_ch3_1h_tq_diff`: the ¹H triple-quantum methyl CPMG of `cpmg_ch3_1h_tq` with
 * diffusion encoding: pulsed-field gradients of length `delta` wind the TQ coherence up before
 * the CPMG period and down after it, so every element is computed in the `ixyzsz_diff` basis
 * with a diffusion term −D·c·k²·10⁻¹² on the state's components, k = 3·γ_H·gradient·delta the
 * TQ wave number and c the mean of (k(t)/k)² over the element: 1/3 and 7/3 while a gradient
 * ramps the winding 0→k and k→2k, 1 at k, 4 at 2k (the whole CPMG period), 0 at the end.
 *
 * Units: with D in µm²/s (10⁻¹² m²/s, as the 10⁻¹² factor implies) the gradient is in T/m
 * (ChemEx's field description says G/cm, but 0.306 T/m = 30.6 G/cm is the example's value).
 *
 * `gradient = 0` is accepted (ChemEx 2026.06 rejects it): k = 0, every diffusion factor is 1
 * and the intensities no longer depend on D. ChemEx's example used 0 for its non-gradient
 * data sets; read as 40 T/m (the value the reference fixture had to be edited to) the
 * attenuation of the CPMG points is e^(−4·k²·D·10⁻¹²·T) ≈ e^(−16000): every intensity
 * underflows to 0 and ChemEx's least-squares scale 0/0 makes the profile NaN.
 *
 * Sequence (time order): start 2IxSz, [D(tauc) with `ipap_flg`], grad1 = D_{1/3}(δ)·D_1(τ)·
 * P90y·P180x·P90y (at c = 1)·D_{7/3}(δ)·D_4(τ), the `cpmg_ch3_1h_tq` period with every delay
 * and pulse at c = 4, grad2 = D_{7/3}(δ)·D_1(τ)·P90−y·P180x·P90−y·D_{1/3}(δ)·D_0(τ),
 * [D(tauc)], detect 2IxSz.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cpmgKeys, distinctNcycs, matrices, ncycCheck, startTerms } from "../_cpmg.ts";
import {
  applyOps,
  combine,
  dqTqPeriod,
  echoPhases,
  ideal180Diag,
  protonMethylFitted,
  protonMethylKeys,
  pulseIPhases,
  refocusingPulses,
} from "../_methyl.ts";
import { detectionVector, dot } from "../../nmr/spectrometer.ts";
import { GAMMA } from "../../nmr/constants.ts";

/**
 * Squared wave number (rad²/m²) of ¹H triple-quantum coherence after one gradient of
 * `gradientTPerM` lasting `deltaS`.
 *
 * @example
 * ```ts
 * tqWaveNumberSq(0.306, 1e-3); // ≈ 6.03e10
 * ```
 */
export function tqWaveNumberSq(gradientTPerM: number, deltaS: number): number {
  return (3 * GAMMA["1H"] * gradientTPerM * deltaS) ** 2;
}

/** The experiment module. */
export const cpmgCh31hTqDiff: ExperimentModule = {
  name: "cpmg_ch3_1h_tq_diff",
  xKind: "ncyc",
  schema: {
    name: "cpmg_ch3_1h_tq_diff",
    family: "cpmg",
    keys: {
      ...cpmgKeys(false),
      ...protonMethylKeys(),
      delta: { type: "number", required: true, min: 0, exclusiveMin: true },
      gradient: { type: "number", required: true, min: 0 },
      tau: { type: "number", default: 500.0e-6, min: 0, exclusiveMin: true },
      tauc: { type: "number", default: 0.67e-3, min: 0, exclusiveMin: true },
    },
  },
  basis: () => ({ type: "ixyzsz_diff", pair: "hc", extension: "tq" }),
  toBeFitted: (s, settings) => {
    const out = protonMethylFitted(s, settings);
    return { rates: [...out.rates, "d_"], modelFree: [...out.modelFree, "d_"] };
  },
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(true),
  setup(ctx: SequenceContext) {
    const timeT2S = ctx.settings.time_t2 as number;
    const pw90S = ctx.settings.pw90 as number;
    const deltaS = ctx.settings.delta as number;
    const tauS = ctx.settings.tau as number;
    const taucS = ctx.settings.tauc as number;
    const comp180 = ctx.settings.comp180_flg as boolean;
    const ipap = ctx.settings.ipap_flg as boolean;
    const k2 = tqWaveNumberSq(ctx.settings.gradient as number, deltaS);
    const factor = comp180 ? 2 : 1;
    const sp = ctx.spectrometer;
    sp.carrierI = ctx.settings.carrier as number;
    sp.b1I = 1 / (4 * pw90S);
    const terms = startTerms(ctx.start, "2ixsz");
    const detect = detectionVector(sp.basis, "[2ixsz]", ctx.observed);
    const p180S = ideal180Diag(sp.basis, "s", 0);
    const n = sp.size;
    const [p90g1, p180g1, p90, p180, cp1, cp2, echo1, echo2] = Array.from(
      { length: 8 },
      () => matrices(n, 4),
    );
    const [dTau0, dTauc0, dDelta1, dTau1, dDelta73, dTau4, p180pmy, tmp] = matrices(n, 8);
    const w = new Float64Array(n);
    const atGradient = (c: number) => {
      sp.gradientFactor = c * k2;
      sp.rebuild();
    };
    return (ncycs: Float64Array) => {
      const values = distinctNcycs("cpmg_ch3_1h_tq_diff", ncycs, true);
      const pw90p = 1 / (4 * sp.b1I);
      atGradient(0);
      const start = sp.startVector(terms);
      sp.delays([dTau0, dTauc0], [tauS, taucS]);
      atGradient(1 / 3);
      sp.delays([dDelta1], [deltaS]);
      atGradient(1);
      sp.delays([dTau1], [tauS]);
      pulseIPhases(sp, pw90p, p90g1);
      sp.pulseI(p180g1[0], 2 * pw90p);
      atGradient(7 / 3);
      sp.delays([dDelta73], [deltaS]);
      atGradient(4);
      const cycles = values.filter((x) => x !== 0);
      const times = cycles.map((x) =>
        x === -1 ? 0.5 * timeT2S : timeT2S / (4 * x) - factor * pw90S
      );
      const dCp = sp.delays(matrices(n, times.length), times);
      sp.delays([dTau4], [tauS]);
      pulseIPhases(sp, pw90p, p90);
      pulseIPhases(sp, 2 * pw90p, p180);
      combine(p180pmy, p180[1], 0.5, p180[3], 0.5);
      refocusingPulses(sp, comp180, p90, p180, cp1, cp2, tmp);
      const grad1 = [dDelta1, dTau1, p90g1[1], p180g1[0], p90g1[1], dDelta73, dTau4];
      const grad2 = [dDelta73, dTau1, p90g1[3], p180g1[0], p90g1[3], dDelta1, dTau0];
      const out = new Map<number, number>();
      for (const x of values) {
        const d = x === 0 ? null : dCp[cycles.indexOf(x)];
        if (x > 0) {
          echoPhases(sp, d!, cp1[0], echo1, tmp);
          echoPhases(sp, d!, cp2[0], echo2, tmp);
        }
        const v = Float64Array.from(start);
        if (ipap) applyOps(v, w, n, dTauc0);
        dqTqPeriod(v, w, n, {
          ncyc: x,
          centre: p180pmy,
          halfT2: d,
          first: echo1,
          second: echo2,
          before: grad1,
          after: grad2,
          ipapS180: ipap ? p180S : null,
        });
        if (ipap) applyOps(v, w, n, dTauc0);
        out.set(x, dot(detect, v));
      }
      // Leave the spectrometer without diffusion weighting, as a fresh one would be.
      atGradient(0);
      return ncycs.map((x) => out.get(x)!);
    };
  },
};
