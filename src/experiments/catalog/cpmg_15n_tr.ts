/**
 * `cpmg_15n_tr`: TROSY-selected ¹⁵N CPMG (Loria, Rance & Palmer). Basis ixyzsz (I = ¹⁵N,
 * S = ¹H, so J_NH and the cross-correlated rates act). Start 2IzSz; detection
 * [2IzSz] − [Iz] (TROSY) or [2IzSz] + [Iz] (`antitrosy`). The two halves of the constant-time
 * period use y- and x-phase echo trains around a "P-element" that swaps the two multiplet
 * components: mean over its ±x/±y 90° phase cycle, with ideal ¹H 180° pulses.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import {
  cpmgKeys,
  distinctNcycs,
  echoes,
  matrices,
  ncycCheck,
  propagate,
  startTerms,
} from "../_cpmg.ts";
import { detectionVector, dot } from "../../nmr/spectrometer.ts";

/** The experiment module. */
export const cpmg15nTr: ExperimentModule = {
  name: "cpmg_15n_tr",
  xKind: "ncyc",
  schema: {
    name: "cpmg_15n_tr",
    family: "cpmg",
    keys: {
      ...cpmgKeys(false),
      time_t2: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
      pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
      time_equil: { type: "number", default: 0.0, min: 0 },
      taub: { type: "number", default: 2.68e-3 },
      antitrosy: { type: "boolean", default: false },
    },
  },
  basis: () => ({ type: "ixyzsz", pair: "nh" }),
  toBeFitted: (s, settings) =>
    settings?.antitrosy
      ? { rates: [`r2_i_${s}`, `etaxy_i_${s}`], modelFree: [`tauc_${s}`, `s2_${s}`] }
      : { rates: [`r2_i_${s}`], modelFree: [`tauc_${s}`] },
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(false),
  setup(ctx: SequenceContext) {
    const timeT2S = ctx.settings.time_t2 as number;
    const pw90S = ctx.settings.pw90 as number;
    const timeEquilS = ctx.settings.time_equil as number;
    const antitrosy = ctx.settings.antitrosy as boolean;
    // The P-element's delays lose the 180° pulses and the 90° evolution compensation.
    const taubEffS = (ctx.settings.taub as number) - 2 * pw90S - 2 * pw90S / Math.PI;
    const tNegS = -2 * pw90S / Math.PI;
    const sp = ctx.spectrometer;
    sp.carrierI = ctx.settings.carrier as number;
    sp.b1I = 1 / (4 * pw90S);
    const terms = startTerms(ctx.start, "2izsz");
    const detect = detectionVector(
      sp.basis,
      antitrosy ? "[2izsz] + [iz]" : "[2izsz] - [iz]",
      ctx.observed,
    );
    const n = sp.size;
    const p90 = matrices(n, 4);
    const [p180x, p180y, hx, dNeg, dEq, dTaub, pElem0, pElem, t1, t2, echoX, echoY] = matrices(
      n,
      12,
    );
    const v = new Float64Array(n);
    const w = new Float64Array(n);
    const [ph1, ph2] = antitrosy ? [2, 1] : [1, 0];
    return (ncycs: Float64Array) => {
      sp.rebuild();
      const values = distinctNcycs("cpmg_15n_tr", ncycs, false);
      const start = sp.startVector(terms);
      const pw90p = 1 / (4 * sp.b1I);
      sp.pulseI(p90[0], pw90p);
      for (let k = 1; k < 4; k++) sp.phase(p90[k], p90[0], k);
      sp.pulseI(p180x, 2 * pw90p);
      sp.phase(p180y, p180x, 1);
      sp.ideal180(hx, "s", 0);
      sp.delays([dNeg, dEq, dTaub], [tNegS, timeEquilS, taubEffS]);
      // P-element, time order: τb, 90(φ1), 90(φ2), 180(¹H), 90(φ2), 90(φ1), τb, 180(¹H).
      pElem0.set(dTaub);
      for (const op of [p90[ph1], p90[ph2], hx, p90[ph2], p90[ph1], dTaub, hx]) {
        sp.mul(t1, op, pElem0);
        pElem0.set(t1);
      }
      // Phase cycle: 90(y)…90(x) and 90(−y)…90(−x) around it, averaged.
      pElem.fill(0);
      for (const [before, after] of [[1, 0], [3, 2]]) {
        sp.mul(t1, pElem0, p90[before]);
        sp.mul(t2, p90[after], t1);
        for (let i = 0; i < n * n; i++) pElem[i] += 0.5 * t2[i];
      }
      const cycles = values.filter((x) => x !== 0);
      const dCp = sp.delays(
        matrices(n, cycles.length),
        cycles.map((x) => timeT2S / (4 * x) - pw90S),
      );
      const out = new Map<number, number>();
      for (const x of values) {
        v.set(start);
        propagate(v, w, n, p90[0]);
        if (x === 0) {
          propagate(v, w, n, pElem0);
        } else {
          const d = dCp[cycles.indexOf(x)];
          echoes(sp, d, [p180x, p180y], [echoX, echoY], t1);
          const count = Math.trunc(x);
          propagate(v, w, n, dNeg);
          sp.applyPower(v, echoY, count, w);
          propagate(v, w, n, dNeg, pElem, dNeg);
          sp.applyPower(v, echoX, count, w);
          propagate(v, w, n, dNeg);
        }
        propagate(v, w, n, p90[1], dEq);
        out.set(x, dot(detect, v));
      }
      return ncycs.map((x) => out.get(x)!);
    };
  },
};
