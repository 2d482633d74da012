/**
 * `cpmg_13co_ap`: anti-phase carbonyl ¹³C CPMG (Lundström, Hansen & Kay). Basis ixyzsz with
 * I = ¹³C′ and S = ¹⁵N; start and detection 2IzSz. The echo trains use ideal 180° pulses at
 * phase x (selective carbonyl pulses are not modelled as finite); the central flip is a finite
 * 180° averaged over ±y or, with `refocusing`, a 90–τcc–180(±y)–τcc–90 element that refocuses
 * the C′–Cα coupling (then ncyc should be even, so `even_ncycs` follows `refocusing`).
 *
 * Time order: P90y, D(t_neg), [D(τ)·P180x(ideal)·D(τ)]^ncyc, flip, [same]^ncyc, D(t_neg), P90y,
 * D(time_equil), τ = T/(4·ncyc) − pw90; the reference is P90y, flip, P90y, D(time_equil).
 *
 * @module
 */
import type { ExperimentModule } from "../types.ts";
import {
  combine,
  cpmgExperiment,
  cpmgKeys,
  derive,
  equilKey,
  pulseKeys,
  pulseKit,
  startTerms,
  tNeg,
  train,
} from "../_cpmg.ts";

/** The experiment module. */
export const cpmg13coAp: ExperimentModule = cpmgExperiment({
  name: "cpmg_13co_ap",
  keys: {
    ...cpmgKeys(false),
    ...pulseKeys(),
    time_equil: equilKey(),
    refocusing: { type: "boolean", default: false },
    taucc: { type: "number", default: 9.09e-3, min: 0 },
  },
  basis: { type: "ixyzsz", pair: "cn" },
  allowMinusOne: false,
  evenNcycs: (settings) => Boolean(settings.refocusing),
  setup(ctx, kind) {
    const st = ctx.settings;
    const sp = ctx.spectrometer;
    const kit = pulseKit(ctx, kind, { tauPw90: 1 });
    const { p90, n } = kit;
    const dNeg = kit.delay(tNeg(st.pw90 as number));
    const dEq = kit.delay(st.time_equil as number);
    const ideal180x = sp.ideal180(new Float64Array(n * n), "i", 0);
    const p180pmy = new Float64Array(n * n);
    // Central flip (time order); the CPMG points add the t_neg compensation around it.
    const dTaucc = st.refocusing ? kit.delay(st.taucc as number) : null;
    const flip = dTaucc ? [p90[1], dTaucc, p180pmy, dTaucc, p90[3]] : [p180pmy];
    const flipCp = st.refocusing ? [dNeg, ...flip, dNeg] : flip;
    return kit.sequence({
      start: startTerms(ctx.start, "2izsz"),
      detection: "[2izsz]",
      echoes: [{ pulse: ideal180x }],
      prepare: () => combine(p180pmy, kit.p180[1], 0.5, kit.p180[3], 0.5),
      derived: [derive(p180pmy, [0.5, [kit.p180[1]]], [0.5, [kit.p180[3]]])],
      constants: [ideal180x],
      reference: [{ steps: [p90[1], ...flip, p90[1], dEq] }],
      cpmg: [{
        steps: [p90[1], dNeg, train(0, [0]), ...flipCp, train(0, [0]), dNeg, p90[1], dEq],
      }],
    });
  },
});
