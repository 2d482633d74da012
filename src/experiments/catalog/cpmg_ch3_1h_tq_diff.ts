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
import type { ExperimentModule, Sequence } from "../types.ts";
import { cpmgExperiment, cpmgKeys, matrices, rotated } from "../_cpmg.ts";
import { protonMethylFitted, protonMethylKeys, protonMqCpmg, pulseIPhases } from "../_methyl.ts";
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
export const cpmgCh31hTqDiff: ExperimentModule = cpmgExperiment({
  name: "cpmg_ch3_1h_tq_diff",
  keys: {
    ...cpmgKeys(false),
    ...protonMethylKeys(),
    delta: { type: "number", required: true, min: 0, exclusiveMin: true },
    gradient: { type: "number", required: true, min: 0 },
    tau: { type: "number", default: 500.0e-6, min: 0, exclusiveMin: true },
    tauc: { type: "number", default: 0.67e-3, min: 0, exclusiveMin: true },
  },
  basis: { type: "ixyzsz_diff", pair: "hc", extension: "tq" },
  allowMinusOne: true,
  toBeFitted: (s, settings) => {
    const out = protonMethylFitted(s, settings);
    return { rates: [...out.rates, "d_"], modelFree: [...out.modelFree, "d_"] };
  },
  setup(ctx, kind) {
    const deltaS = ctx.settings.delta as number;
    const tauS = ctx.settings.tau as number;
    const taucS = ctx.settings.tauc as number;
    const k2 = tqWaveNumberSq(ctx.settings.gradient as number, deltaS);
    const sp = ctx.spectrometer;
    const n = sp.size;
    const p90g1 = matrices(n, 4);
    const [p180g1, dTau0, dTauc0, dDelta1, dTau1, dDelta73, dTau4] = matrices(n, 7);
    const atGradient = (c: number) => {
      sp.gradientFactor = c * k2;
      sp.rebuild();
    };
    // The gradient blocks, each element at its own diffusion weighting; the CPMG period itself
    // (pulses and delays of the engine) is at c = 4, where this leaves the Liouvillian.
    const liouvillian = () => {
      const pw90p = 1 / (4 * sp.b1I);
      atGradient(0);
      sp.delays([dTau0, dTauc0], [tauS, taucS]);
      atGradient(1 / 3);
      sp.delays([dDelta1], [deltaS]);
      atGradient(1);
      sp.delays([dTau1], [tauS]);
      pulseIPhases(sp, pw90p, p90g1);
      sp.pulseI(p180g1, 2 * pw90p);
      atGradient(7 / 3);
      sp.delays([dDelta73], [deltaS]);
      atGradient(4);
      sp.delays([dTau4], [tauS]);
    };
    const sequence = protonMqCpmg(ctx, kind, {
      before: [dDelta1, dTau1, p90g1[1], p180g1, p90g1[1], dDelta73, dTau4],
      after: [dDelta73, dTau1, p90g1[3], p180g1, p90g1[3], dDelta1, dTau0],
      dTauc: dTauc0,
      liouvillian,
      exact: {
        derived: [1, 2, 3].map((k) => rotated(p90g1[k], p90g1[0], k)),
        states: [
          {
            set: () => atGradient(0),
            delays: [{ out: dTau0, timeS: tauS }, { out: dTauc0, timeS: taucS }],
          },
          { set: () => atGradient(1 / 3), delays: [{ out: dDelta1, timeS: deltaS }] },
          {
            set: () => atGradient(1),
            delays: [{ out: dTau1, timeS: tauS }],
            pulses: [
              { out: p90g1[0], widthS: () => 1 / (4 * sp.b1I) },
              { out: p180g1, widthS: () => 2 * (1 / (4 * sp.b1I)) },
            ],
          },
          { set: () => atGradient(7 / 3), delays: [{ out: dDelta73, timeS: deltaS }] },
          { set: () => atGradient(4), delays: [{ out: dTau4, timeS: tauS }] },
        ],
      },
    });
    // Leave the spectrometer without diffusion weighting, as a fresh one would be.
    const reset = <T>(out: T): T => (atGradient(0), out);
    const wrapped: Sequence = (ncycs) => reset(sequence(ncycs));
    if (sequence.jacobian) {
      wrapped.jacobian = (ncycs) => reset(sequence.jacobian!(ncycs));
      wrapped.jacobianCost = sequence.jacobianCost;
    }
    return wrapped;
  },
});
