/**
 * `cpmg_ch3_13c_h2c_0013`: the ¹³CH₃ ¹³C CPMG of `cpmg_ch3_13c_h2c` with the [0013] phase
 * scheme (Yip & Zuiderweg) in each half, z-filtered gradient P-element between the halves, and
 * odd ncyc realised as the mean of (ncyc − 1, ncyc + 1) and (ncyc + 1, ncyc − 1) echo splits.
 *
 * Each half: D(time_equil)… ½(P90x − P90−x), the echo block D(t_neg)·Π D(τ)·P180(φ_k)·D(τ)·
 * D(t_neg), P90x, D(δ); the reference uses a pair of 180° pulses around D(t_pos), t_pos =
 * 4·pw90/π, instead of the block. τ = T/(4·ncyc) − 0.75·pw90 (ncyc 1: T/4 − (2/π + 1.5)·pw90)
 * and δ = pw90·(ncyc_max + 1 − m)/2 (m = echoes of that half; (ncyc_max − 1)·pw90/2 for none)
 * keep the period constant; ncyc_max is the largest ncyc of the profile (all its points, as
 * ChemEx takes it from the data). ChemEx stacks the two rows of the [0013] tables as one
 * propagator batch and detects their sum; so does this module (a factor 2 on every point).
 *
 * ncyc = −1 is rejected with a clear error (ChemEx fails on it with a KeyError): unlike the
 * sequences whose halves surround one central refocusing element, each half here is its own
 * transverse period between 90° pulses, so without its pulses nothing would refocus the shift.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cpmgKeys, distinctNcycs, matrices, ncycCheck, startTerms } from "../_cpmg.ts";
import {
  applyOps,
  combine,
  composeOps,
  echoPhases,
  ideal180Diag,
  keepDiag,
  largestNcyc,
  pulseIPhases,
} from "../_methyl.ts";
import { detectionVector, dot } from "../../nmr/spectrometer.ts";

// [0013] phases of the two transients (rows) in time order, cycling, for the first (A) and
// second (B) kind of echo block.
const PHASES_A = [[1, 1, 2, 0], [2, 0, 3, 3]] as const;
const PHASES_B = [[2, 0, 1, 1], [3, 3, 2, 0]] as const;

/** The experiment module. */
export const cpmgCh313cH2c0013: ExperimentModule = {
  name: "cpmg_ch3_13c_h2c_0013",
  xKind: "ncyc",
  schema: {
    name: "cpmg_ch3_13c_h2c_0013",
    family: "cpmg",
    keys: {
      ...cpmgKeys(true),
      time_t2: { type: "number", required: true, min: 0 },
      carrier: { type: "number", required: true },
      pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
      taub: { type: "number", default: 2.0e-3, min: 0, exclusiveMin: true },
      time_equil: { type: "number", default: 5.0e-3, min: 0 },
      time_grad: { type: "number", default: 1.2e-3, min: 0 },
    },
  },
  basis: () => ({ type: "ixyzsz", pair: "ch" }),
  toBeFitted: (s) => ({ rates: [`r2_i_${s}`], modelFree: [`tauc_${s}`] }),
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(false),
  setup(ctx: SequenceContext) {
    const timeT2S = ctx.settings.time_t2 as number;
    const pw90S = ctx.settings.pw90 as number;
    const timeEquilS = ctx.settings.time_equil as number;
    const timeGradS = ctx.settings.time_grad as number;
    const taubEffS = (ctx.settings.taub as number) - 2 * pw90S / Math.PI;
    const tNegS = -2 * pw90S / Math.PI;
    const tPosS = 4 * pw90S / Math.PI;
    const sp = ctx.spectrometer;
    sp.carrierI = ctx.settings.carrier as number;
    sp.b1I = 1 / (4 * pw90S);
    const terms = startTerms(ctx.start, "2izsz");
    const detect = detectionVector(sp.basis, "[iz]", ctx.observed);
    const p180S = ideal180Diag(sp.basis, "s", 0);
    const zFilter = keepDiag(sp.basis, ["ie", "se", "iz", "sz", "2izsz"]);
    const n = sp.size;
    const p90 = matrices(n, 4);
    const p180 = matrices(n, 4);
    const echo = matrices(n, 4);
    const [p90pm, dNeg, dPos, dTaub, dEq, dGrad, middle, tmp] = matrices(n, 8);
    const v = new Float64Array(n);
    const w = new Float64Array(n);
    return (ncycs: Float64Array) => {
      sp.rebuild();
      const values = distinctNcycs("cpmg_ch3_13c_h2c_0013", ncycs, false);
      const ncycMax = largestNcyc(ctx.profileX, ncycs);
      const pw90p = 1 / (4 * sp.b1I);
      pulseIPhases(sp, pw90p, p90);
      pulseIPhases(sp, 2 * pw90p, p180);
      combine(p90pm, p90[0], 0.5, p90[2], -0.5);
      sp.delays(
        [dNeg, dPos, dTaub, dEq, dGrad],
        [tNegS, tPosS, taubEffS, timeEquilS, timeGradS],
      );
      // The z-filtered P-element and the next ½(P90x − P90−x), shared by every transient.
      composeOps(sp, middle, [
        zFilter,
        dGrad,
        p180S,
        p90[0],
        dTaub,
        p90[0],
        p180S,
        p90[0],
        dTaub,
        p90[1],
        zFilter,
        dGrad,
        p90pm,
      ], tmp);
      // Start, D(time_equil) and the first ½(P90x − P90−x): common to every transient.
      const start = applyOps(sp.startVector(terms), w, n, dEq, p90pm);
      // δ for a half with m echoes (m = 0: the reference's value).
      const deltaOf = (m: number) =>
        m === 0 ? 0.5 * pw90S * (ncycMax - 1) : 0.5 * pw90S * (ncycMax + 1 - m);
      const cycles = values.filter((x) => x !== 0);
      const halves = (x: number) => [2 * Math.floor(x / 2), 2 * Math.floor((x + 1) / 2)];
      const echoCounts = [...new Set([0, ...cycles.flatMap(halves)])];
      const dDelta = sp.delays(matrices(n, echoCounts.length), echoCounts.map(deltaOf));
      const delta = (m: number) => dDelta[echoCounts.indexOf(m)];
      const tauOf = (x: number) =>
        x === 1 ? timeT2S / 4 - (2 / Math.PI + 1.5) * pw90S : timeT2S / (4 * x) - 0.75 * pw90S;
      const dCp = sp.delays(matrices(n, cycles.length), cycles.map(tauOf));

      // Block of one half for transient `row`: kind A/B with m echoes, or the reference pulse
      // pair (m = 0).
      type Block = { kind: "A" | "B"; m: number };
      const applyBlock = (b: Block, row: number) => {
        if (b.m === 0) {
          const [first, last] = b.kind === "A"
            ? [[1, 2][row], [1, 0][row]]
            : [[2, 3][row], [0, 3][row]];
          applyOps(v, w, n, p180[first], dPos, p180[last]);
          return;
        }
        const table = (b.kind === "A" ? PHASES_A : PHASES_B)[row];
        applyOps(v, w, n, dNeg);
        for (let k = 0; k < b.m; k++) applyOps(v, w, n, echo[table[k % 4]]);
        applyOps(v, w, n, dNeg);
      };
      // Sum over the two transients of one echo split (first half, then second half).
      const signal = (b1: Block, b2: Block) => {
        let s = 0;
        for (let row = 0; row < 2; row++) {
          v.set(start);
          applyBlock(b1, row);
          applyOps(v, w, n, p90[0], delta(b1.m), middle);
          applyBlock(b2, row);
          applyOps(v, w, n, p90[0], delta(b2.m), dEq);
          s += dot(detect, v);
        }
        return s;
      };
      const out = new Map<number, number>();
      for (const x of values) {
        if (x === 0) {
          out.set(x, signal({ kind: "A", m: 0 }, { kind: "B", m: 0 }));
          continue;
        }
        echoPhases(sp, dCp[cycles.indexOf(x)], p180[0], echo, tmp);
        const [m1, m2] = halves(x);
        const a1 = { kind: "A", m: m1 } as const;
        const b1 = { kind: "B", m: m1 } as const;
        const a2 = { kind: "A", m: m2 } as const;
        const b2 = { kind: "B", m: m2 } as const;
        let value: number;
        if (Math.trunc(x) % 2 === 0) {
          value = signal(a1, m1 % 4 === 0 ? a1 : b1);
        } else if (m1 % 4 === 0) {
          value = 0.5 * (signal(a1, a2) + signal(a2, b1));
        } else {
          value = 0.5 * (signal(a1, b2) + signal(a2, a1));
        }
        out.set(x, value);
      }
      return ncycs.map((x) => out.get(x)!);
    };
  },
};
