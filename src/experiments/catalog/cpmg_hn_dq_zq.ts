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
  derive,
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
 * pulses, from the segments of {@link compositeParts} (computed into `pulses`). The shorter
 * composite sits in the middle of the longer one; each segment is a finite pulse with the
 * fields that are on. Segments of a {@link StepPair} come from one exponential and its powers
 * (`spare` holds the second before it is turned). With `from` (another variant's parts and
 * computed segments), a segment of the same width with the same fields on is taken from there
 * turned to its phases instead of being exponentiated again: the free Liouvillian commutes with
 * z rotations of either spin, so exp((L + B1 at φ)·t) = R·exp((L + B1 at φ')·t)·Rᵀ exactly (a
 * signed permutation).
 */
function composite(
  sp: Spectrometer,
  out: Float64Array,
  parts: readonly CompositePart[],
  pulses: readonly Float64Array[],
  work: { tmp: Float64Array; spare: Float64Array; pairs: readonly StepPair[] },
  from?: { parts: readonly CompositePart[]; pulses: readonly Float64Array[] },
): Float64Array {
  const { tmp, spare } = work;
  const done = new Set<number>();
  if (!from) {
    for (const { a, b, stepS, counts } of work.pairs) {
      sp.pulseISMultiples([pulses[a], spare], stepS, counts, parts[a].phaseI, parts[a].phaseS);
      turn(sp, pulses[b], spare, parts[a], parts[b], tmp);
      done.add(a).add(b);
    }
  }
  parts.forEach((q, k) => {
    if (done.has(k)) return;
    const j = from ? from.parts.findIndex((o) => sameFields(o, q)) : -1;
    if (j < 0) sp.pulseIS(pulses[k], q.widthS, q.phaseI, q.phaseS);
    else turn(sp, pulses[k], from!.pulses[j], from!.parts[j], q, tmp);
  });
  const [p0, p1, p2, p3] = pulses;
  // Symmetric: p3·p2·p1·p0·p1·p2·p3.
  out.set(p0);
  for (const op of [p1, p2, p3]) {
    sp.mul(tmp, out, op);
    sp.mul(out, op, tmp);
  }
  return out;
}

/**
 * Two segments `a`, `b` with the same fields on (phases aside) whose widths are whole
 * multiples of one step: widthS = counts·stepS to rounding. Where ¹H's composite lies within
 * ¹⁵N's 240° pulse, the segments with both fields on last 8·pw90_H/3 and pw90_H, whatever the
 * widths: the generator of the first turned to the second's phases, exponentiated once.
 */
interface StepPair {
  a: number;
  b: number;
  stepS: number;
  counts: [number, number];
}

/** Most steps in one segment of a {@link StepPair} (at most four squarings). */
const MAX_STEPS = 16;
/** Most steps in the shorter segment of a {@link StepPair}. */
const MAX_SHORT_STEPS = 4;
/** How far from whole (relative) a ratio of widths may be: a few roundings of the settings. */
const WHOLE_TOLERANCE = 1e-13;

/**
 * The {@link StepPair}s among `parts` (each segment in one pair at most). Only segments with
 * both fields on: a one-field generator splits into blocks whose Padés together cost less than
 * the full-size products of the powers.
 */
function stepPairs(parts: readonly CompositePart[]): StepPair[] {
  const pairs: StepPair[] = [];
  const used = new Set<number>();
  parts.forEach((pa, a) => {
    if (pa.phaseI === null || pa.phaseS === null) return;
    for (let b = a + 1; b < parts.length && !used.has(a); b++) {
      const pb = parts[b];
      if (used.has(b) || !sameFields({ ...pa, widthS: pb.widthS }, pb)) continue;
      const short = Math.min(pa.widthS, pb.widthS);
      const ratio = Math.max(pa.widthS, pb.widthS) / short;
      for (let q = 1; q <= MAX_SHORT_STEPS; q++) {
        const m = Math.round(ratio * q);
        if (m > MAX_STEPS || Math.abs(ratio * q - m) > WHOLE_TOLERANCE * m) continue;
        const stepS = short / q;
        const steps = (w: number) => w === short ? q : m;
        pairs.push({ a, b, stepS, counts: [steps(pa.widthS), steps(pb.widthS)] });
        used.add(a).add(b);
        break;
      }
    }
  });
  return pairs;
}

/** Whether two segments have the same width and the same fields on (phases aside). */
function sameFields(a: CompositePart, b: CompositePart): boolean {
  return a.widthS === b.widthS && (a.phaseI === null) === (b.phaseI === null) &&
    (a.phaseS === null) === (b.phaseS === null);
}

/** out = segment `p` of phases `a` turned to the phases of `b` (same fields on). */
function turn(
  sp: Spectrometer,
  out: Float64Array,
  p: Float64Array,
  a: CompositePart,
  b: CompositePart,
  tmp: Float64Array,
): void {
  const dI = a.phaseI === null ? 0 : b.phaseI! - a.phaseI;
  const dS = a.phaseS === null ? 0 : b.phaseS! - a.phaseS;
  sp.phase(tmp, p, dI);
  sp.phaseS(out, tmp, dS);
}

/** One segment of the composite: a simultaneous pulse of `widthS` (phases as `pulseIS`). */
interface CompositePart {
  widthS: number;
  phaseI: number | null;
  phaseS: number | null;
}

/**
 * The central segment p0 and the segments p1, p2, p3 on either side of it, for {@link composite}
 * with outer 90° phases `phI` on I and `phS` on S.
 */
function compositeParts(sp: Spectrometer, phI: number, phS: number): CompositePart[] {
  const pwI = 1 / (4 * sp.b1I);
  const pwS = 1 / (4 * sp.b1S);
  const [p240I, pAllI] = [8 * pwI / 3, 14 * pwI / 3];
  const [p240S, pAllS] = [8 * pwS / 3, 14 * pwS / 3];
  const edges = [p240I, p240S, pAllI, pAllS].sort((a, b) => a - b);
  const [t0, t1, t2, t3] = edges.map((e, k) => 0.5 * (e - (k === 0 ? 0 : edges[k - 1])));
  const part = (widthS: number, phaseI: number | null, phaseS: number | null) => ({
    widthS,
    phaseI,
    phaseS,
  });
  return pAllI <= pAllS
    ? [
      part(2 * t0, 0, 0),
      part(t1, phI, 0),
      part(t2, pAllI > p240S ? phI : null, pAllI > p240S ? phS : 0),
      part(t3, null, phS),
    ]
    : [
      part(2 * t0, 0, 0),
      part(t1, 0, phS),
      part(t2, pAllS > p240I ? phI : 0, pAllS > p240I ? phS : null),
      part(t3, phI, null),
    ];
}

export const cpmgHnDqZq: ExperimentModule = cpmgExperiment({
  name: "cpmg_hn_dq_zq",
  // The DQ and ZQ profiles of one spin system share work (`shareKey`).
  setupReads: ["spinSystem"],
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
    const parts = [compositeParts(sp, 3, 1), compositeParts(sp, 1, 3)];
    const segments = [matrices(n, 4), matrices(n, 4)];
    const work = {
      tmp: new Float64Array(n * n),
      spare: new Float64Array(n * n),
      pairs: stepPairs(parts[0]),
    };
    const cpmg: Transient[] = [0, 1].map((c) => ({
      steps: [train(c, (x) => phasePatterns(x / timeT2S)[c], { perCycle: 2 })],
      weight: 0.5,
    }));
    return kit.sequence({
      start: startTerms(ctx.start, "2ixsx"),
      detection: ctx.settings.dq_flg ? "[2ixsx] - [2iysy]" : "[2ixsx] + [2iysy]",
      echoes: comp.map((pulse) => ({ pulse, spins: "is" as const })),
      prepare: () => {
        composite(sp, comp[0], parts[0], segments[0], work);
        // The second variant's segments are the first's turned to its phases.
        composite(sp, comp[1], parts[1], segments[1], work, {
          parts: parts[0],
          pulses: segments[0],
        });
      },
      pulses: parts.flatMap((list, c) =>
        list.map((q, k) => ({
          out: segments[c][k],
          widthS: () => q.widthS,
          phases: [q.phaseI, q.phaseS] as const,
        }))
      ),
      derived: segments.map(([p0, p1, p2, p3], c) =>
        derive(comp[c], [1, [p3, p2, p1, p0, p1, p2, p3]])
      ),
      // DQ and ZQ profiles of one spin system differ only in detection.
      shareKey: JSON.stringify([
        ctx.spinSystem ?? null,
        { ...ctx.settings, dq_flg: null },
        ctx.conditions,
      ]),
      // The reference is the start itself.
      reference: [{ steps: [] }],
      cpmg,
    });
  },
});
