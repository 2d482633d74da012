/**
 * `cpmg_ch3_1h_sq`: ¹H single-quantum CPMG of ¹³CH₃ methyls (Tugarinov & Kay), constant-time
 * with ncyc_max refocusing pulses per half: the unused ones are applied back to back after the
 * first train and before the second. Basis ixyzsz (I = ¹H, S = ¹³C); detection [Iy].
 *
 * Preparation: thermal Iy of every state, D(taua)², ideal 180°(y) on ¹H, then only the
 * anti-phase 2IxSz/2IySz of the start states are kept (by default the observed state(s), as in
 * ChemEx). Refocusing pulses are 90(−y)·240(x)·90(−y)-type composites (`comp180_flg`) or plain
 * 180° pulses; τ = (T − f·4·pw90·ncyc_max)/(4·ncyc) with f = 7/3 or 1. The centre is a ±y 180°
 * and the whole period is preceded by a composite 180°(y); with `ipap_flg` the in-phase and
 * anti-phase pathways (composite before or after the period) are added.
 *
 * ChemEx runs the two rows of its x/y phase tables as one propagator batch and detects their
 * sum; so does this module. Its reference point (ncyc 0) has no batch, so in ChemEx — and here,
 * to reproduce its numbers — the reference carries half the weight of the CPMG points
 * (a ChemEx defect, invisible in R2,eff only if one rescales the reference by 2).
 *
 * ncyc = −1 (not accepted by ChemEx here) replaces each train, pulses included, by a free
 * delay of T/2; it is summed over the two (identical) transients like the CPMG points.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cpmgKeys, distinctNcycs, matrices, ncycCheck, startTerms } from "../_cpmg.ts";
import {
  alternatingPowers,
  applyAlternating,
  applyOps,
  combine,
  compositeI,
  echoPhases,
  ideal180Diag,
  keepDiag,
  protonMethylFitted,
  protonMethylKeys,
  pulseIPhases,
} from "../_methyl.ts";
import { detectionVector, dot } from "../../nmr/spectrometer.ts";

// Phases (time order, cycling) of the two transients of the first and second trains.
const PHASES_1 = [[0, 1], [1, 0]] as const;
const PHASES_2 = [[0, 3], [3, 0]] as const;

/** The experiment module. */
export const cpmgCh31hSq: ExperimentModule = {
  name: "cpmg_ch3_1h_sq",
  xKind: "ncyc",
  schema: {
    name: "cpmg_ch3_1h_sq",
    family: "cpmg",
    defaultStartFromObserved: true,
    keys: {
      ...cpmgKeys(false),
      ...protonMethylKeys(),
      ncyc_max: { type: "integer", required: true, min: 1 },
      taua: { type: "number", default: 2.0e-3 },
    },
  },
  basis: () => ({ type: "ixyzsz", pair: "hc" }),
  toBeFitted: protonMethylFitted,
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(true),
  setup(ctx: SequenceContext) {
    const timeT2S = ctx.settings.time_t2 as number;
    const pw90S = ctx.settings.pw90 as number;
    const ncycMax = ctx.settings.ncyc_max as number;
    const tauaS = ctx.settings.taua as number;
    const comp180 = ctx.settings.comp180_flg as boolean;
    const ipap = ctx.settings.ipap_flg as boolean;
    const frac = comp180 ? 7 / 3 : 1;
    const sp = ctx.spectrometer;
    sp.carrierI = ctx.settings.carrier as number;
    sp.b1I = 1 / (4 * pw90S);
    const keep = keepDiag(sp.basis, startTerms(ctx.start, "2ixsz", "2iysz"));
    const p180Iy = ideal180Diag(sp.basis, "i", 1);
    const detect = detectionVector(sp.basis, "[iy]", ctx.observed);
    const n = sp.size;
    const [p90, p180, p240, cp1, cp2, echo1, echo2] = Array.from(
      { length: 7 },
      () => matrices(n, 4),
    );
    const [p180pmy, dTaua, tmp] = matrices(n, 3);
    const v = new Float64Array(n);
    const u = new Float64Array(n);
    const w = new Float64Array(n);
    return (ncycs: Float64Array) => {
      sp.rebuild();
      const values = distinctNcycs("cpmg_ch3_1h_sq", ncycs, true);
      for (const x of values) {
        if (x > ncycMax) {
          throw new Error(
            `cpmg_ch3_1h_sq: ncyc = ${x} exceeds ncyc_max = ${ncycMax} of [experiment]; ` +
              "ncyc_max must be the largest number of CPMG cycles of the data",
          );
        }
      }
      const pw90p = 1 / (4 * sp.b1I);
      pulseIPhases(sp, pw90p, p90);
      pulseIPhases(sp, 2 * pw90p, p180);
      combine(p180pmy, p180[1], 0.5, p180[3], 0.5);
      if (comp180) {
        pulseIPhases(sp, (8 / 3) * pw90p, p240);
        compositeI(sp, p90, p240, -1, cp1, tmp);
        compositeI(sp, p90, p240, 1, cp2, tmp);
      } else {
        for (let k = 0; k < 4; k++) {
          cp1[k].set(p180[k]);
          cp2[k].set(p180[k]);
        }
      }
      const cycles = values.filter((x) => x !== 0);
      const times = cycles.map((x) =>
        x === -1 ? 0.5 * timeT2S : (timeT2S - frac * pw90S * 4 * ncycMax) / (4 * x)
      );
      const dCp = sp.delays(matrices(n, times.length), times);
      sp.delays([dTaua], [tauaS]);
      // Composite 180°(±y) before (py) or after (my) the relaxation period.
      const p180cPy = [p90[0], p180[1], p90[0]];
      const p180cMy = [p90[0], p180[3], p90[0]];

      const start = sp.startVector(["iy"]);
      applyOps(start, w, n, dTaua, dTaua, p180Iy, keep);

      // The back-to-back pulses that complete each train to ncyc_max elements alternate two
      // phases: tabulate the powers of their two-pulse cycles, by first phase.
      const fewest = Math.min(ncycMax, ...cycles.filter((x) => x > 0).map(Math.trunc));
      const maxPairs = Math.max(0, (ncycMax - fewest) >> 1);
      const bare1 = [0, 1].map((f) => alternatingPowers(sp, cp1[f], cp1[1 - f], maxPairs));
      const bare2 = new Map(
        [0, 3].map((f) => [f, alternatingPowers(sp, cp2[f], cp2[3 - f], maxPairs)]),
      );

      // v ← (period)·v for one transient; `ncyc` echoes per half.
      const period = (x: number, row: number) => {
        if (x === 0) return applyOps(v, w, n, p180pmy);
        const d = dCp[cycles.indexOf(x)];
        if (x === -1) return applyOps(v, w, n, d, p180pmy, d);
        const count = Math.trunc(x);
        const t1 = PHASES_1[row];
        const t2 = PHASES_2[row];
        for (let k = 0; k < count; k++) applyOps(v, w, n, echo1[t1[k % 2]]);
        const f1 = t1[count % 2];
        applyAlternating(v, w, n, cp1[f1], bare1[f1], ncycMax - count);
        applyOps(v, w, n, p180pmy);
        const f2 = t2[(ncycMax - 1) % 2];
        applyAlternating(v, w, n, cp2[f2], bare2.get(f2)!, ncycMax - count);
        for (let k = count - 1; k >= 0; k--) applyOps(v, w, n, echo2[t2[k % 2]]);
        return v;
      };
      const transient = (x: number, row: number) => {
        if (!ipap) {
          v.set(start);
          applyOps(v, w, n, ...p180cPy);
          period(x, row);
          applyOps(v, w, n, dTaua, dTaua);
          return dot(detect, v);
        }
        v.set(start);
        applyOps(v, w, n, dTaua, ...p180cPy);
        period(x, row);
        u.set(v);
        v.set(start);
        applyOps(v, w, n, dTaua);
        period(x, row);
        applyOps(v, w, n, ...p180cMy);
        for (let i = 0; i < n; i++) v[i] += u[i];
        applyOps(v, w, n, dTaua);
        return dot(detect, v);
      };
      const out = new Map<number, number>();
      for (const x of values) {
        if (x === 0) {
          out.set(x, transient(0, 0));
          continue;
        }
        if (x > 0) {
          const d = dCp[cycles.indexOf(x)];
          echoPhases(sp, d, cp1[0], echo1, tmp);
          echoPhases(sp, d, cp2[0], echo2, tmp);
        }
        out.set(x, transient(x, 0) + transient(x, 1));
      }
      return ncycs.map((x) => out.get(x)!);
    };
  },
};
