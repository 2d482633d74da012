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
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cpmgKeys, distinctNcycs, matrices, ncycCheck, startTerms } from "../_cpmg.ts";
import { applyOps, echoPhases, ideal180Diag, pulseIPhases } from "../_methyl.ts";
import { detectionVector, dot } from "../../nmr/spectrometer.ts";

/** The experiment module. */
export const cpmgCh313cH2c: ExperimentModule = {
  name: "cpmg_ch3_13c_h2c",
  xKind: "ncyc",
  schema: {
    name: "cpmg_ch3_13c_h2c",
    family: "cpmg",
    keys: {
      ...cpmgKeys(true),
      time_t2: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
      pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
      taub: { type: "number", default: 2.0e-3 },
      time_equil: { type: "number", default: 0.0, min: 0 },
    },
  },
  basis: () => ({ type: "ixyzsz", pair: "ch" }),
  toBeFitted: (s) => ({ rates: [`r2_i_${s}`], modelFree: [`tauc_${s}`] }),
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(true),
  setup(ctx: SequenceContext) {
    const timeT2S = ctx.settings.time_t2 as number;
    const pw90S = ctx.settings.pw90 as number;
    const taubS = ctx.settings.taub as number;
    const timeEquilS = ctx.settings.time_equil as number;
    const tNegS = -2 * pw90S / Math.PI;
    const sp = ctx.spectrometer;
    sp.carrierI = ctx.settings.carrier as number;
    sp.b1I = 1 / (4 * pw90S);
    const terms = startTerms(ctx.start, "2izsz");
    const detect = detectionVector(sp.basis, "[iz]", ctx.observed);
    const p180S = ideal180Diag(sp.basis, "s", 0);
    const n = sp.size;
    const p90 = matrices(n, 4);
    const p180 = matrices(n, 4);
    const echo = matrices(n, 4);
    const [dNeg, dTaub, dEq, tmp] = matrices(n, 4);
    const v = new Float64Array(n);
    const w = new Float64Array(n);
    return (ncycs: Float64Array) => {
      sp.rebuild();
      const values = distinctNcycs("cpmg_ch3_13c_h2c", ncycs, true);
      const start = sp.startVector(terms);
      const pw90p = 1 / (4 * sp.b1I);
      pulseIPhases(sp, pw90p, p90);
      pulseIPhases(sp, 2 * pw90p, p180);
      const cycles = values.filter((x) => x !== 0);
      const times = cycles.map((x) => x === -1 ? 0.5 * timeT2S : timeT2S / (4 * x) - pw90S);
      const dCp = sp.delays(matrices(n, times.length), times);
      sp.delays([dNeg, dTaub, dEq], [tNegS, taubS, timeEquilS]);
      const palmer = [dTaub, p90[0], p180S, p90[0], dTaub];
      const out = new Map<number, number>();
      for (const x of values) {
        v.set(start);
        if (x === 0) {
          applyOps(v, w, n, p90[0], ...palmer, p90[1], dEq);
        } else {
          const d = dCp[cycles.indexOf(x)];
          applyOps(v, w, n, p90[0], dNeg);
          if (x === -1) {
            applyOps(v, w, n, d, ...palmer, d);
          } else {
            echoPhases(sp, d, p180[0], echo, tmp);
            const count = Math.trunc(x);
            sp.applyPower(v, echo[1], count, w);
            applyOps(v, w, n, ...palmer);
            sp.applyPower(v, echo[0], count, w);
          }
          applyOps(v, w, n, dNeg, p90[1], dEq);
        }
        out.set(x, dot(detect, v));
      }
      return ncycs.map((x) => out.get(x)!);
    };
  },
};
