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
import type { ExperimentModule } from "../types.ts";
import {
  cpmgExperiment,
  cpmgKeys,
  cpmgKit,
  matrices,
  startTerms,
  train,
  type Transient,
} from "../_cpmg.ts";
import type { Spectrometer } from "../../nmr/spectrometer.ts";

/** ν_CPMG limits (Hz) between the echo phase patterns. */
const NU_CPMG_LIMIT_1 = 51.0;
const NU_CPMG_LIMIT_2 = 255.0;

/** Echo phase patterns (0 = both x, 1 = both y) of the two trains, by ν_CPMG range. */
const PATTERNS: readonly (readonly (readonly number[])[])[] = [
  [[0, 1, 0, 1], [1, 0, 1, 0]],
  [[0], [1]],
  [[0, 1, 0, 1, 1, 0, 1, 0], [1, 0, 1, 0, 0, 1, 0, 1]],
];

function phasePatterns(nuCpmgHz: number): readonly (readonly number[])[] {
  return PATTERNS[nuCpmgHz < NU_CPMG_LIMIT_1 ? 0 : nuCpmgHz < NU_CPMG_LIMIT_2 ? 1 : 2];
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
export const cpmgHnDqZq: ExperimentModule = cpmgExperiment({
  name: "cpmg_hn_dq_zq",
  keys: {
    ...cpmgKeys(true),
    time_t2: { type: "number", required: true, min: 0 },
    carrier_h: { type: "number", required: true },
    carrier_n: { type: "number", required: true },
    pw90_h: { type: "number", required: true, min: 0, exclusiveMin: true },
    pw90_n: { type: "number", required: true, min: 0, exclusiveMin: true },
    dq_flg: { type: "boolean", required: true },
  },
  basis: { type: "ixyzsxyz", pair: "nh" },
  allowMinusOne: false,
  toBeFitted: (s) => ({
    rates: [`r2mq_is_${s}`, `mu_is_${s}`],
    modelFree: [`tauc_${s}`, `s2_${s}`],
  }),
  setup(ctx, kind) {
    const timeT2S = ctx.settings.time_t2 as number;
    const pw90NS = ctx.settings.pw90_n as number;
    const sp = ctx.spectrometer;
    sp.carrierI = ctx.settings.carrier_n as number;
    sp.carrierS = ctx.settings.carrier_h as number;
    sp.b1I = 1 / (4 * pw90NS);
    sp.b1S = 1 / (4 * (ctx.settings.pw90_h as number));
    const kit = cpmgKit(ctx, kind, { tau: (x) => timeT2S / (4 * x) - 7.0 / 3.0 * pw90NS });
    const n = kit.n;
    // Composite variants 1 and 2: outer 90° pulses at −y (¹⁵N) / y (¹H), and y / −y; the echo
    // phase patterns turn them to overall phases (x, x) and (y, y) by rotating both spins.
    const comp = matrices(n, 2);
    const scratch = matrices(n, 5);
    const cpmg: Transient[] = [0, 1].map((c) => ({
      steps: [train(c, (x) => phasePatterns(x / timeT2S)[c], { perCycle: 2 })],
      weight: 0.5,
    }));
    return kit.sequence({
      start: startTerms(ctx.start, "2ixsx"),
      detection: ctx.settings.dq_flg ? "[2ixsx] - [2iysy]" : "[2ixsx] + [2iysy]",
      echoes: comp.map((pulse) => ({ pulse, spins: "is" as const })),
      prepare: () => {
        composite(sp, comp[0], 3, 1, scratch);
        composite(sp, comp[1], 1, 3, scratch);
      },
      // The reference is the start itself.
      reference: [{ steps: [] }],
      cpmg,
    });
  },
});
