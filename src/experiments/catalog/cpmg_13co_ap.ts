/**
 * `cpmg_13co_ap`: anti-phase carbonyl ¹³C CPMG (Lundström, Hansen & Kay). Basis ixyzsz with
 * I = ¹³C′ and S = ¹⁵N; start and detection 2IzSz. The echo trains use ideal 180° pulses at
 * phase x (selective carbonyl pulses are not modelled as finite); the central flip is a finite
 * 180° averaged over ±y or, with `refocusing`, a 90–τcc–180(±y)–τcc–90 element that refocuses
 * the C′–Cα coupling (then ncyc should be even, so `even_ncycs` follows `refocusing`).
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import {
  cpmgKeys,
  distinctNcycs,
  echoes,
  fourPhases,
  matrices,
  ncycCheck,
  propagate,
  startTerms,
} from "../_cpmg.ts";
import { detectionVector, dot } from "../../nmr/spectrometer.ts";

/** The experiment module. */
export const cpmg13coAp: ExperimentModule = {
  name: "cpmg_13co_ap",
  xKind: "ncyc",
  schema: {
    name: "cpmg_13co_ap",
    family: "cpmg",
    keys: {
      ...cpmgKeys(false),
      time_t2: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
      pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
      time_equil: { type: "number", default: 0.0, min: 0 },
      refocusing: { type: "boolean", default: false },
      taucc: { type: "number", default: 9.09e-3, min: 0 },
    },
  },
  basis: () => ({ type: "ixyzsz", pair: "cn" }),
  toBeFitted: (s) => ({ rates: [`r2_i_${s}`], modelFree: [`tauc_${s}`] }),
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(false),
  evenNcycs: (settings) => Boolean(settings.refocusing),
  setup(ctx: SequenceContext) {
    const timeT2S = ctx.settings.time_t2 as number;
    const pw90S = ctx.settings.pw90 as number;
    const timeEquilS = ctx.settings.time_equil as number;
    const refocusing = ctx.settings.refocusing as boolean;
    const tNegS = -2 * pw90S / Math.PI;
    const sp = ctx.spectrometer;
    sp.carrierI = ctx.settings.carrier as number;
    sp.b1I = 1 / (4 * pw90S);
    const terms = startTerms(ctx.start, "2izsz");
    const detect = detectionVector(sp.basis, "[2izsz]", ctx.observed);
    const n = sp.size;
    const p90 = matrices(n, 4);
    const p180 = matrices(n, 4);
    const [px, p180pmy, ideal180x, dNeg, dEq, dTaucc, echo, tmp] = matrices(n, 8);
    const v = new Float64Array(n);
    const w = new Float64Array(n);
    return (ncycs: Float64Array) => {
      sp.rebuild();
      const values = distinctNcycs("cpmg_13co_ap", ncycs, false);
      const start = sp.startVector(terms);
      const pw90p = 1 / (4 * sp.b1I);
      fourPhases(sp, sp.pulseI(px, pw90p), p90);
      fourPhases(sp, sp.pulseI(px, 2 * pw90p), p180);
      for (let i = 0; i < n * n; i++) p180pmy[i] = 0.5 * (p180[1][i] + p180[3][i]);
      sp.ideal180(ideal180x, "i", 0);
      sp.delays([dNeg, dEq, dTaucc], [tNegS, timeEquilS, ctx.settings.taucc as number]);
      // Central flip (time order); the CPMG points add the t_neg compensation around it.
      const flip = refocusing ? [p90[1], dTaucc, p180pmy, dTaucc, p90[3]] : [p180pmy];
      const flipCp = refocusing ? [dNeg, ...flip, dNeg] : flip;
      const cycles = values.filter((x) => x !== 0);
      const dCp = sp.delays(
        matrices(n, cycles.length),
        cycles.map((x) => timeT2S / (4 * x) - pw90S),
      );
      const out = new Map<number, number>();
      for (const x of values) {
        v.set(start);
        propagate(v, w, n, p90[1]);
        if (x === 0) {
          propagate(v, w, n, ...flip);
        } else {
          echoes(sp, dCp[cycles.indexOf(x)], [ideal180x], [echo], tmp);
          const count = Math.trunc(x);
          propagate(v, w, n, dNeg);
          sp.applyPower(v, echo, count, w);
          propagate(v, w, n, ...flipCp);
          sp.applyPower(v, echo, count, w);
          propagate(v, w, n, dNeg);
        }
        propagate(v, w, n, p90[1], dEq);
        out.set(x, dot(detect, v));
      }
      return ncycs.map((x) => out.get(x)!);
    };
  },
};
