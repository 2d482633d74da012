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
import type { ExperimentModule, Sequence } from "../types.ts";
import {
  combine,
  cpmgExperiment,
  cpmgKeys,
  type CustomStep,
  derive,
  ideal180Diag,
  keepDiag,
  matrices,
  pulseKit,
  rotated,
  startTerms,
  type Step,
  train,
  type Transient,
} from "../_cpmg.ts";
import {
  alternatingPowers,
  applyAlternating,
  compositeI,
  powerBits,
  protonMethylFitted,
  protonMethylKeys,
  pulseIPhases,
} from "../_methyl.ts";

// Phases (time order, cycling) of the two transients of the first and second trains.
const PHASES_1 = [[0, 1], [1, 0]] as const;
const PHASES_2 = [[0, 3], [3, 0]] as const;

/** The experiment module. */
export const cpmgCh31hSq: ExperimentModule = cpmgExperiment({
  name: "cpmg_ch3_1h_sq",
  defaultStartFromObserved: true,
  keys: {
    ...cpmgKeys(false),
    ...protonMethylKeys(),
    ncyc_max: { type: "integer", required: true, min: 1 },
    taua: { type: "number", default: 2.0e-3 },
  },
  basis: { type: "ixyzsz", pair: "hc" },
  allowMinusOne: true,
  toBeFitted: protonMethylFitted,
  setup(ctx, kind) {
    const timeT2S = ctx.settings.time_t2 as number;
    const pw90S = ctx.settings.pw90 as number;
    const ncycMax = ctx.settings.ncyc_max as number;
    const comp180 = ctx.settings.comp180_flg as boolean;
    const ipap = ctx.settings.ipap_flg as boolean;
    const frac = comp180 ? 7 / 3 : 1;
    const sp = ctx.spectrometer;
    // Every refocusing pulse of the ncyc_max per half is taken out of the period.
    const kit = pulseKit(ctx, kind, {
      tauPw90: 0,
      tau: (x) => x === -1 ? 0.5 * timeT2S : (timeT2S - frac * pw90S * 4 * ncycMax) / (4 * x),
    });
    const { p90, p180, n } = kit;
    const dTaua = kit.delay(ctx.settings.taua as number);
    const [p240, cp1, cp2] = Array.from({ length: 3 }, () => matrices(n, 4));
    const [p180pmy, tmp] = matrices(n, 2);
    // Binary powers of the two-pulse cycles of the back-to-back pulses, by first phase.
    const most = powerBits(ncycMax >> 1);
    const bare1 = [matrices(n, most), matrices(n, most)];
    const bare2 = [matrices(n, most), matrices(n, most)];
    let bits = 0;
    const prepare = (ncycs: Float64Array) => {
      combine(p180pmy, p180[1], 0.5, p180[3], 0.5);
      if (comp180) {
        pulseIPhases(sp, (8 / 3) / (4 * sp.b1I), p240);
        compositeI(sp, p90, p240, -1, cp1, tmp);
        compositeI(sp, p90, p240, 1, cp2, tmp);
      } else {
        for (let k = 0; k < 4; k++) {
          cp1[k].set(p180[k]);
          cp2[k].set(p180[k]);
        }
      }
      // The back-to-back pulses that complete each train to ncyc_max elements alternate two
      // phases: tabulate the powers of their two-pulse cycles as far as this evaluation needs.
      let fewest = ncycMax;
      for (const x of ncycs) if (x > 0) fewest = Math.min(fewest, Math.trunc(x));
      const maxPairs = Math.max(0, (ncycMax - fewest) >> 1);
      bits = powerBits(maxPairs);
      for (const f of [0, 1]) alternatingPowers(sp, cp1[f], cp1[1 - f], maxPairs, bare1[f]);
      for (const [j, f] of [0, 3].entries()) {
        alternatingPowers(sp, cp2[f], cp2[3 - f], maxPairs, bare2[j]);
      }
    };
    // The back-to-back pulses after the first train and before the second (none at ncyc −1).
    // The same pulses in time order, for exact derivatives.
    const paddingMatrices = (row: number, half: 1 | 2, x: number): Float64Array[] => {
      if (x === -1) return [];
      const count = Math.trunc(x);
      const left = ncycMax - count;
      const [cp, first, second] = half === 1
        ? [cp1, PHASES_1[row][count % 2], 1 - PHASES_1[row][count % 2]]
        : [cp2, PHASES_2[row][(ncycMax - 1) % 2], 3 - PHASES_2[row][(ncycMax - 1) % 2]];
      return Array.from({ length: left }, (_, j) => cp[j % 2 === 0 ? first : second]);
    };
    const padding = (row: number, half: 1 | 2): CustomStep => ({
      kind: "custom",
      matrices: (x) => paddingMatrices(row, half, x),
      apply(v, w, x, vectors) {
        if (x === -1) return v;
        const count = Math.trunc(x);
        const left = ncycMax - count;
        if (half === 1) {
          const f = PHASES_1[row][count % 2];
          return applyAlternating(v, w, n, cp1[f], bare1[f], bits, left, vectors);
        }
        const f = PHASES_2[row][(ncycMax - 1) % 2];
        return applyAlternating(v, w, n, cp2[f], bare2[f === 0 ? 0 : 1], bits, left, vectors);
      },
    });
    // Composite 180°(±y) before (py) or after (my) the relaxation period.
    const p180cPy = [p90[0], p180[1], p90[0]];
    const p180cMy = [p90[0], p180[3], p90[0]];
    const prep = [
      dTaua,
      dTaua,
      ideal180Diag(sp.basis, "i", 1),
      keepDiag(sp.basis, startTerms(ctx.start, "2ixsz", "2iysz")),
    ];
    const transients = (period: readonly Step[]): Transient[] =>
      ipap
        ? [
          { steps: [...prep, dTaua, ...p180cPy, ...period, dTaua] },
          { steps: [...prep, dTaua, ...period, ...p180cMy, dTaua] },
        ]
        : [{ steps: [...prep, ...p180cPy, ...period, dTaua, dTaua] }];
    const sequence = kit.sequence({
      start: ["iy"],
      detection: "[iy]",
      echoes: [{ pulse: cp1[0] }, { pulse: cp2[0] }],
      prepare,
      derived: [
        derive(p180pmy, [0.5, [p180[1]]], [0.5, [p180[3]]]),
        ...(comp180
          ? [
            ...[1, 2, 3].map((k) => rotated(p240[k], p240[0], k)),
            ...([[cp1, 3], [cp2, 1]] as const).flatMap(([cp, o]) => [
              derive(cp[0], [1, [p90[o], p240[0], p90[o]]]),
              ...[1, 2, 3].map((k) => rotated(cp[k], cp[0], k)),
            ]),
          ]
          : [0, 1, 2, 3].flatMap((
            k,
          ) => [derive(cp1[k], [1, [p180[k]]]), derive(cp2[k], [1, [p180[k]]])])),
      ],
      pulses: comp180 ? [{ out: p240[0], widthS: () => (8 / 3) / (4 * sp.b1I) }] : [],
      reference: transients([p180pmy]),
      cpmg: [0, 1].flatMap((row) =>
        transients([
          train(0, PHASES_1[row]),
          padding(row, 1),
          p180pmy,
          padding(row, 2),
          train(1, PHASES_2[row], { fromEnd: true }),
        ])
      ),
    });
    const check = (ncycs: Float64Array) => {
      for (const x of ncycs) {
        if (x > ncycMax) {
          throw new Error(
            `cpmg_ch3_1h_sq: ncyc = ${x} exceeds ncyc_max = ${ncycMax} of [experiment]; ` +
              "ncyc_max must be the largest number of CPMG cycles of the data",
          );
        }
      }
    };
    const checked: Sequence = (ncycs) => (check(ncycs), sequence(ncycs));
    if (sequence.jacobian) {
      checked.jacobian = (ncycs) => (check(ncycs), sequence.jacobian!(ncycs));
      checked.jacobianCost = sequence.jacobianCost;
    }
    return checked;
  },
});
