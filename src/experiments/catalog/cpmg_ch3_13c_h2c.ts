/**
 * `cpmg_ch3_13c_h2c`: ¹³C CPMG of ¹³CH₃ methyls in which the relaxation period is split by a
 * P-element that interconverts in-phase and anti-phase ¹³C magnetization (Lundström et al.,
 * 2007). Basis ixyzsz (I = ¹³C, S = ¹H); start 2IzSz (the INEPT transfer), detection [Iz].
 *
 * Time order: P90x, D(t_neg), [D(τ)·P180y·D(τ)]^ncyc, P-element, [D(τ)·P180x·D(τ)]^ncyc,
 * D(t_neg), P90y, D(time_equil) with τ = T/(4·ncyc) − pw90, t_neg = −2·pw90/π compensating
 * evolution during the 90° pulses, and the P-element D(taub)·P90x·180°(¹H, ideal)·P90x·D(taub).
 * The reference (ncyc 0) has neither trains nor t_neg. ncyc = −1 (not accepted by ChemEx
 * here) replaces each train by a free delay of T/2: the same relaxation period without
 * refocusing pulses, as in `cpmg_15n_ip`.
 *
 * @module
 */
import type { ExperimentModule } from "../types.ts";
import {
  cpmgExperiment,
  cpmgKeys,
  equilKey,
  ideal180Diag,
  pulseKeys,
  pulseKit,
  startTerms,
  tNeg,
  train,
} from "../_cpmg.ts";

/** The experiment module. */
export const cpmgCh313cH2c: ExperimentModule = cpmgExperiment({
  name: "cpmg_ch3_13c_h2c",
  keys: {
    ...cpmgKeys(true),
    ...pulseKeys(),
    taub: { type: "number", default: 2.0e-3 },
    time_equil: equilKey(),
  },
  basis: { type: "ixyzsz", pair: "ch" },
  allowMinusOne: true,
  setup(ctx, kind) {
    const kit = pulseKit(ctx, kind, { tauPw90: 1 });
    const { p90, p180 } = kit;
    const dNeg = kit.delay(tNeg(ctx.settings.pw90 as number));
    const dTaub = kit.delay(ctx.settings.taub as number);
    const dEq = kit.delay(ctx.settings.time_equil as number);
    const palmer = [dTaub, p90[0], ideal180Diag(ctx.spectrometer.basis, "s", 0), p90[0], dTaub];
    return kit.sequence({
      start: startTerms(ctx.start, "2izsz"),
      detection: "[iz]",
      echoes: [{ pulse: p180[0] }],
      reference: [{ steps: [p90[0], ...palmer, p90[1], dEq] }],
      cpmg: [{
        steps: [p90[0], dNeg, train(0, [1]), ...palmer, train(0, [0]), dNeg, p90[1], dEq],
      }],
    });
  },
});
