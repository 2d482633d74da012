/**
 * `cpmg_ch3_mq`: ¹³C–¹H multiple-quantum CPMG of ¹³CH₃ methyls (Korzhnev et al., 2004). Basis
 * ixysxy (I = ¹³C, S = ¹H): only the four 2I{x,y}S{x,y} coherences, relaxing with R2MQ and
 * precessing at both the ¹³C and ¹H shifts (no carriers: ideal pulses make the absolute offsets
 * irrelevant). Start and detection 2IySx.
 *
 * Ideal pulses throughout: I = detect([D(τ)·180°y(¹³C)·D(τ)]^ncyc · 180°x(¹H) · [same]^ncyc ·
 * part1) with τ = T/(4·ncyc); the reference is detect(180°x(¹H)·part1). part1 is the start, or
 * with `small_protein` D(t_zeta)·180°x(¹H)·180°x(¹³C)·D(t_zeta) applied to it (the ζ element
 * that suppresses the ¹H–¹H cross-relaxation artefact of large proteins is then kept in the
 * simulation). ncyc = −1 (not accepted by ChemEx here) replaces each train by D(T/2).
 *
 * @module
 */
import type { ExperimentModule } from "../types.ts";
import { cpmgExperiment, cpmgKeys, cpmgKit, ideal180Diag, startTerms, train } from "../_cpmg.ts";

/** The experiment module. */
export const cpmgCh3Mq: ExperimentModule = cpmgExperiment({
  name: "cpmg_ch3_mq",
  keys: {
    ...cpmgKeys(false),
    time_t2: { type: "number", required: true, min: 0 },
    t_zeta: { type: "number", default: 1.0 / (8.0 * 125.3) },
    small_protein: { type: "boolean", default: false },
  },
  basis: { type: "ixysxy", pair: "ch" },
  allowMinusOne: true,
  toBeFitted: (s) => ({ rates: [`r2mq_is_${s}`], modelFree: [`tauc_${s}`] }),
  setup(ctx, kind) {
    const timeT2S = ctx.settings.time_t2 as number;
    const basis = ctx.spectrometer.basis;
    const kit = cpmgKit(ctx, kind, { tau: (x) => x === -1 ? 0.5 * timeT2S : timeT2S / (4 * x) });
    const p180Sx = ideal180Diag(basis, "s", 0);
    const dZeta = ctx.settings.small_protein ? kit.delay(ctx.settings.t_zeta as number) : null;
    const part1 = dZeta ? [dZeta, ideal180Diag(basis, "i", 0), p180Sx, dZeta] : [];
    return kit.sequence({
      start: startTerms(ctx.start, "2iysx"),
      detection: "[2iysx]",
      // Echoes D·180°y(¹³C)·D with the ideal pulse as a diagonal.
      echoes: [{ pulse: ideal180Diag(basis, "i", 1) }],
      reference: [{ steps: [...part1, p180Sx] }],
      cpmg: [{ steps: [...part1, train(0, [0]), p180Sx, train(0, [0])] }],
    });
  },
});
