/**
 * `cpmg_15n_ip`: in-phase ¹⁵N CPMG relaxation dispersion with ¹H decoupling assumed perfect
 * (basis ixyz of the N spin), finite pulses, a ±x phase-cycled central 180° and delays of
 * −2·pw90/π that compensate evolution during the 90° pulses.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cpmgKeys, ncycCheck } from "../_cpmg.ts";
import { detectionVector, dot } from "../../nmr/spectrometer.ts";
import { matvec } from "../../nmr/expm.ts";

/** The experiment module. */
export const cpmg15nIp: ExperimentModule = {
  name: "cpmg_15n_ip",
  xKind: "ncyc",
  schema: {
    name: "cpmg_15n_ip",
    family: "cpmg",
    keys: {
      ...cpmgKeys(false),
      time_t2: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
      pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
      time_equil: { type: "number", default: 0.0, min: 0 },
    },
  },
  basis: () => ({ type: "ixyz", pair: "nh" }),
  toBeFitted: (s) => ({ rates: [`r2_i_${s}`], modelFree: [`tauc_${s}`] }),
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(true),
  setup(ctx: SequenceContext) {
    const timeT2S = ctx.settings.time_t2 as number;
    const pw90S = ctx.settings.pw90 as number;
    const timeEquilS = ctx.settings.time_equil as number;
    const sp = ctx.spectrometer;
    sp.carrierI = ctx.settings.carrier as number;
    sp.b1I = 1 / (4 * pw90S);
    const tNegS = -2 * pw90S / Math.PI;
    const startTerms = ctx.start ? ctx.start.map((s) => `iz_${s}`) : ["iz"];
    const detect = detectionVector(sp.basis, "[iz]", ctx.observed);
    const n = sp.size;
    const m = () => new Float64Array(n * n);
    const [p90, p180x, p180y, tmp, p180pmx, pre, post, t1, echo] = Array.from({ length: 9 }, m);
    const v1 = new Float64Array(n);
    const v2 = new Float64Array(n);
    const v0 = new Float64Array(n);
    const props: Float64Array[] = [];
    return (ncycs: Float64Array) => {
      sp.rebuild();
      const start = sp.startVector(startTerms);
      const pw90p = 1 / (4 * sp.b1I);
      sp.pulseI(p90, pw90p);
      sp.pulseI(p180x, 2 * pw90p);
      sp.phase(p180y, p180x, 1);
      sp.phase(tmp, p180x, 2);
      for (let i = 0; i < n * n; i++) p180pmx[i] = 0.5 * (p180x[i] + tmp[i]);
      // Every free-precession delay of the sequence shares one Liouvillian.
      const distinct = [...new Set(ncycs)].filter((x) => x !== 0);
      const times = [
        tNegS,
        timeEquilS,
        ...distinct.map((x) => x === -1 ? 0.5 * timeT2S : timeT2S / (4 * x) - pw90S),
      ];
      while (props.length < times.length) props.push(m());
      sp.delays(props, times);
      const [dNeg, dEq] = props;
      sp.mul(pre, dNeg, p90);
      sp.mul(t1, p90, dNeg);
      sp.mul(post, dEq, t1);
      const values = new Map<number, number>();
      // Reference: no CPMG block and no t_neg compensation.
      matvec(v1, p90, start, n);
      matvec(v2, p180pmx, v1, n);
      matvec(v1, p90, v2, n);
      matvec(v2, dEq, v1, n);
      values.set(0, dot(detect, v2));
      matvec(v0, pre, start, n);
      distinct.forEach((ncyc, k) => {
        const dCp = props[k + 2];
        v1.set(v0);
        if (ncyc === -1) {
          matvec(v2, dCp, v1, n);
          matvec(v1, p180pmx, v2, n);
          matvec(v2, dCp, v1, n);
        } else {
          sp.mul(t1, p180y, dCp);
          sp.mul(echo, dCp, t1);
          const count = Math.trunc(ncyc);
          sp.applyPower(v1, echo, count, v2);
          matvec(v2, p180pmx, v1, n);
          sp.applyPower(v2, echo, count, v1);
        }
        matvec(v1, post, v2, n);
        values.set(ncyc, dot(detect, v1));
      });
      return ncycs.map((x) => values.get(x)!);
    };
  },
};
