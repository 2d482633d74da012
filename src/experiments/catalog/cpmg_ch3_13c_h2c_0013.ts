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
import type { ExperimentModule } from "../types.ts";
import {
  combine,
  composeOps,
  cpmgExperiment,
  cpmgKeys,
  derive,
  ideal180Diag,
  matrices,
  pointDelay,
  pulseKeys,
  pulseKit,
  startTerms,
  type Step,
  tNeg,
  train,
  type Transient,
  zFilterDiag,
} from "../_cpmg.ts";
import { largestNcyc } from "../_methyl.ts";

// [0013] phases of the two transients (rows) in time order, cycling, for the first (A) and
// second (B) kind of echo block.
const PHASES_A = [[1, 1, 2, 0], [2, 0, 3, 3]] as const;
const PHASES_B = [[2, 0, 1, 1], [3, 3, 2, 0]] as const;

/** Echoes of the two halves of an ncyc split: m1 = 2·⌊ncyc/2⌋, m2 = 2·⌊(ncyc + 1)/2⌋. */
const HALVES = [
  (x: number) => 2 * Math.floor(x / 2),
  (x: number) => 2 * Math.floor((x + 1) / 2),
] as const;

/** One half's echo block: its kind and which of the two echo counts it has. */
interface Block {
  kind: "A" | "B";
  half: 0 | 1;
}

/** The experiment module. */
export const cpmgCh313cH2c0013: ExperimentModule = cpmgExperiment({
  name: "cpmg_ch3_13c_h2c_0013",
  // Its timing follows the profile's largest ncyc.
  setupReads: ["profileX"],
  keys: {
    ...cpmgKeys(true),
    ...pulseKeys(),
    taub: { type: "number", default: 2.0e-3, min: 0, exclusiveMin: true },
    time_equil: { type: "number", default: 5.0e-3, min: 0 },
    time_grad: { type: "number", default: 1.2e-3, min: 0 },
  },
  basis: { type: "ixyzsz", pair: "ch" },
  allowMinusOne: false,
  setup(ctx, kind) {
    const timeT2S = ctx.settings.time_t2 as number;
    const pw90S = ctx.settings.pw90 as number;
    const sp = ctx.spectrometer;
    // δ of a half with m echoes (m = 0: the reference's value).
    const delta = (half: 0 | 1) => (x: number, xs: Float64Array) => {
      const m = HALVES[half](x);
      const ncycMax = largestNcyc(ctx.profileX, xs);
      return m === 0 ? 0.5 * pw90S * (ncycMax - 1) : 0.5 * pw90S * (ncycMax + 1 - m);
    };
    const kit = pulseKit(ctx, kind, {
      tauPw90: 0.75,
      // ncyc 1 keeps the period with (2/π + 1.5)·pw90 instead (ChemEx's timing).
      tau: (x) =>
        x === 1 ? timeT2S / 4 - (2 / Math.PI + 1.5) * pw90S : timeT2S / (4 * x) - 0.75 * pw90S,
      pointDelays: [delta(0), delta(1)],
    });
    const { p90, p180, n } = kit;
    const dNeg = kit.delay(tNeg(pw90S));
    const dPos = kit.delay(-2 * tNeg(pw90S));
    const dTaub = kit.delay((ctx.settings.taub as number) + tNeg(pw90S));
    const dEq = kit.delay(ctx.settings.time_equil as number);
    const dGrad = kit.delay(ctx.settings.time_grad as number);
    const p180S = ideal180Diag(sp.basis, "s", 0);
    const zFilter = zFilterDiag(sp.basis);
    const [p90pm, middle, tmp] = matrices(n, 3);
    const prepare = () => {
      combine(p90pm, p90[0], 0.5, p90[2], -0.5);
      // The z-filtered P-element and the next ½(P90x − P90−x), shared by every transient.
      const pElement = [zFilter, dGrad, p180S, p90[0], dTaub, p90[0], p180S, p90[0], dTaub];
      composeOps(middle, [...pElement, p90[1], zFilter, dGrad, p90pm], n, tmp);
    };
    // A half for transient `row`: its echo block, or the reference's pulse pair without echoes.
    const block = (b: Block, row: number, x: number): Step[] => {
      if (HALVES[b.half](x) === 0) {
        const [first, last] = b.kind === "A"
          ? [[1, 2][row], [1, 0][row]]
          : [[2, 3][row], [0, 3][row]];
        return [p180[first], dPos, p180[last]];
      }
      const table = (b.kind === "A" ? PHASES_A : PHASES_B)[row];
      return [dNeg, train(0, table, { count: HALVES[b.half] }), dNeg];
    };
    // The two transients of one echo split (first half, then second half), with `weight`.
    const split = (b1: Block, b2: Block, x: number, weight: number): Transient[] =>
      [0, 1].map((row) => ({
        steps: [
          dEq,
          p90pm,
          ...block(b1, row, x),
          p90[0],
          pointDelay(b1.half),
          middle,
          ...block(b2, row, x),
          p90[0],
          pointDelay(b2.half),
          dEq,
        ],
        weight,
      }));
    // Even ncyc: one split; odd: the mean of the (m1, m2) and (m2, m1) splits, with block kinds
    // set by m1 mod 4. The chains only depend on these classes of ncyc: built once per class.
    const byClass = new Map<string, Transient[]>();
    const chains = (x: number): Transient[] => {
      const [m1, m2] = [HALVES[0](x), HALVES[1](x)];
      const even = Math.trunc(x) % 2 === 0;
      const key = `${even}/${m1 % 4 === 0}/${m1 === 0}/${m2 === 0}`;
      let list = byClass.get(key);
      if (!list) {
        const [a1, b1] = [{ kind: "A", half: 0 }, { kind: "B", half: 0 }] as const;
        const [a2, b2] = [{ kind: "A", half: 1 }, { kind: "B", half: 1 }] as const;
        if (even) list = split(a1, m1 % 4 === 0 ? a1 : b1, x, 1);
        else if (m1 % 4 === 0) list = [...split(a1, a2, x, 0.5), ...split(a2, b1, x, 0.5)];
        else list = [...split(a1, b2, x, 0.5), ...split(a2, a1, x, 0.5)];
        byClass.set(key, list);
      }
      return list;
    };
    return kit.sequence({
      start: startTerms(ctx.start, "2izsz"),
      detection: "[iz]",
      echoes: [{ pulse: p180[0] }],
      prepare,
      derived: [
        derive(p90pm, [0.5, [p90[0]]], [-0.5, [p90[2]]]),
        derive(middle, [1, [
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
        ]]),
      ],
      reference: split({ kind: "A", half: 0 }, { kind: "B", half: 0 }, 0, 1),
      cpmg: chains,
    });
  },
});
