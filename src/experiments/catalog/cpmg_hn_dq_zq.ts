/**
 * `cpmg_hn_dq_zq`: ¹H–¹⁵N double- or zero-quantum CPMG (Orekhov, Korzhnev & Kay). Basis
 * ixyzsxyz with I = ¹⁵N and S = ¹H; start 2IxSx, detection [2IxSx] ∓ [2IySy] (− DQ, + ZQ).
 * Each refocusing element is a simultaneous ¹⁵N/¹H 90–240–90 composite pulse whose segments
 * are simulated as finite pulses with both fields on where they overlap; two composite
 * variants (opposite outer phases) run as separate trains whose signals are averaged, with
 * per-echo x/y phase patterns that depend on ν_CPMG. The reference is the start itself.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import {
  applyTrain,
  cpmgKeys,
  distinctNcycs,
  echoes,
  matrices,
  ncycCheck,
  startTerms,
  trainPhase,
} from "../_cpmg.ts";
import { detectionVector, dot, type Spectrometer } from "../../nmr/spectrometer.ts";

/** ν_CPMG limits (Hz) between the echo phase patterns. */
const NU_CPMG_LIMIT_1 = 51.0;
const NU_CPMG_LIMIT_2 = 255.0;

/** Echo phase patterns (0 = both x, 1 = both y) of the two trains, by ν_CPMG range. */
function phasePatterns(nuCpmgHz: number): readonly (readonly number[])[] {
  if (nuCpmgHz < NU_CPMG_LIMIT_1) return [[0, 1, 0, 1], [1, 0, 1, 0]];
  if (nuCpmgHz < NU_CPMG_LIMIT_2) return [[0], [1]];
  return [[0, 1, 0, 1, 1, 0, 1, 0], [1, 0, 1, 0, 0, 1, 0, 1]];
}

/**
 * The simultaneous 90–240–90 composite pulse on I and S at phase x of both central 240°
 * pulses, with outer 90° phases `phI` on I and `phS` on S. The shorter composite sits in the
 * middle of the longer one; each segment is a finite pulse with the fields that are on.
 */
function composite(
  sp: Spectrometer,
  out: Float64Array,
  phI: number,
  phS: number,
  scratch: Float64Array[],
): Float64Array {
  const pwI = 1 / (4 * sp.b1I);
  const pwS = 1 / (4 * sp.b1S);
  const [p240I, pAllI] = [8 * pwI / 3, 14 * pwI / 3];
  const [p240S, pAllS] = [8 * pwS / 3, 14 * pwS / 3];
  const edges = [p240I, p240S, pAllI, pAllS].sort((a, b) => a - b);
  const [t0, t1, t2, t3] = edges.map((e, k) => 0.5 * (e - (k === 0 ? 0 : edges[k - 1])));
  const [p0, p1, p2, p3, tmp] = scratch;
  sp.pulseIS(p0, 2 * t0, 0, 0);
  if (pAllI <= pAllS) {
    sp.pulseIS(p1, t1, phI, 0);
    sp.pulseIS(p2, t2, pAllI > p240S ? phI : null, pAllI > p240S ? phS : 0);
    sp.pulseIS(p3, t3, null, phS);
  } else {
    sp.pulseIS(p1, t1, 0, phS);
    sp.pulseIS(p2, t2, pAllS > p240I ? phI : 0, pAllS > p240I ? phS : null);
    sp.pulseIS(p3, t3, phI, null);
  }
  // Symmetric: p3·p2·p1·p0·p1·p2·p3.
  out.set(p0);
  for (const op of [p1, p2, p3]) {
    sp.mul(tmp, out, op);
    sp.mul(out, op, tmp);
  }
  return out;
}

/** The experiment module. */
export const cpmgHnDqZq: ExperimentModule = {
  name: "cpmg_hn_dq_zq",
  xKind: "ncyc",
  schema: {
    name: "cpmg_hn_dq_zq",
    family: "cpmg",
    keys: {
      ...cpmgKeys(true),
      time_t2: { type: "number", required: true, min: 0 },
      carrier_h: { type: "number", required: true },
      carrier_n: { type: "number", required: true },
      pw90_h: { type: "number", required: true, min: 0, exclusiveMin: true },
      pw90_n: { type: "number", required: true, min: 0, exclusiveMin: true },
      dq_flg: { type: "boolean", required: true },
    },
  },
  basis: () => ({ type: "ixyzsxyz", pair: "nh" }),
  toBeFitted: (s) => ({
    rates: [`r2mq_is_${s}`, `mu_is_${s}`],
    modelFree: [`tauc_${s}`, `s2_${s}`],
  }),
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(false),
  setup(ctx: SequenceContext) {
    const timeT2S = ctx.settings.time_t2 as number;
    const pw90NS = ctx.settings.pw90_n as number;
    const sp = ctx.spectrometer;
    sp.carrierI = ctx.settings.carrier_n as number;
    sp.carrierS = ctx.settings.carrier_h as number;
    sp.b1I = 1 / (4 * pw90NS);
    sp.b1S = 1 / (4 * (ctx.settings.pw90_h as number));
    const terms = startTerms(ctx.start, "2ixsx");
    const expr = ctx.settings.dq_flg ? "[2ixsx] - [2iysy]" : "[2ixsx] + [2iysy]";
    const detect = detectionVector(sp.basis, expr, ctx.observed);
    const n = sp.size;
    // Composite variants 1 and 2: outer 90° pulses at −y (¹⁵N) / y (¹H), and y / −y; each
    // turned to overall phases (x, x) and (y, y) for the echo phase patterns.
    const comp = [matrices(n, 2), matrices(n, 2)];
    const echo = [matrices(n, 2), matrices(n, 2)];
    const scratch = matrices(n, 6);
    const v = new Float64Array(n);
    const w = new Float64Array(n);
    return (ncycs: Float64Array) => {
      sp.rebuild();
      const values = distinctNcycs("cpmg_hn_dq_zq", ncycs, false);
      const start = sp.startVector(terms);
      [[3, 1], [1, 3]].forEach(([phI, phS], c) => {
        composite(sp, comp[c][0], phI, phS, scratch);
        sp.phaseS(scratch[5], comp[c][0], 1);
        sp.phase(comp[c][1], scratch[5], 1);
      });
      const cycles = values.filter((x) => x !== 0);
      const dCp = sp.delays(
        matrices(n, cycles.length),
        cycles.map((x) => timeT2S / (4 * x) - 7.0 / 3.0 * pw90NS),
      );
      const out = new Map<number, number>();
      for (const x of values) {
        if (x === 0) {
          out.set(x, dot(detect, start));
          continue;
        }
        const count = 2 * Math.trunc(x);
        const patterns = phasePatterns(x / timeT2S);
        let signal = 0;
        for (let c = 0; c < 2; c++) {
          echoes(sp, dCp[cycles.indexOf(x)], comp[c], echo[c], scratch[0]);
          v.set(start);
          applyTrain(v, w, n, echo[c], count, trainPhase(patterns, c, count, false));
          signal += 0.5 * dot(detect, v);
        }
        out.set(x, signal);
      }
      return ncycs.map((x) => out.get(x)!);
    };
  },
};
