/**
 * `cpmg_ch3_mq`: ¹³C–¹H multiple-quantum CPMG of ¹³CH₃ methyls (Korzhnev et al., 2004). Basis
 * ixysxy (I = ¹³C, S = ¹H): only the four 2I{x,y}S{x,y} coherences, relaxing with R2MQ and
 * precessing at both the ¹³C and ¹H shifts (no carriers: ideal pulses make the absolute offsets
 * irrelevant). Start and detection 2IySx.
 *
 * Ideal pulses throughout: I = detect([D(τ)·180°y(¹³C)·D(τ)]^ncyc · 180°x(¹H) · [same]^ncyc ·
 * part1) with τ = T/(4·ncyc); the reference is detect(180°x(¹H)·part1). part1 is the start, or
 * with `small_protein` D(t_zeta)·180°x(¹H)·180°x(¹³C)·D(t_zeta) applied to it (the ζ element
 * that suppresses the ¹H–¹H cross-relaxation artefact of large proteins is then kept in the
 * simulation). ncyc = −1 (not accepted by ChemEx here) replaces each train by D(T/2).
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { cpmgKeys, distinctNcycs, matrices, ncycCheck, startTerms } from "../_cpmg.ts";
import { applyOps, ideal180Diag } from "../_methyl.ts";
import { detectionVector, dot } from "../../nmr/spectrometer.ts";

/** The experiment module. */
export const cpmgCh3Mq: ExperimentModule = {
  name: "cpmg_ch3_mq",
  xKind: "ncyc",
  schema: {
    name: "cpmg_ch3_mq",
    family: "cpmg",
    keys: {
      ...cpmgKeys(false),
      time_t2: { type: "number", required: true, min: 0 },
      t_zeta: { type: "number", default: 1.0 / (8.0 * 125.3) },
      small_protein: { type: "boolean", default: false },
    },
  },
  basis: () => ({ type: "ixysxy", pair: "ch" }),
  toBeFitted: (s) => ({ rates: [`r2mq_is_${s}`], modelFree: [`tauc_${s}`] }),
  isReference: (ncyc) => ncyc === 0,
  checkX: ncycCheck(true),
  setup(ctx: SequenceContext) {
    const timeT2S = ctx.settings.time_t2 as number;
    const tZetaS = ctx.settings.t_zeta as number;
    const smallProtein = ctx.settings.small_protein as boolean;
    const sp = ctx.spectrometer;
    const terms = startTerms(ctx.start, "2iysx");
    const detect = detectionVector(sp.basis, "[2iysx]", ctx.observed);
    const p180Ix = ideal180Diag(sp.basis, "i", 0);
    const p180Iy = ideal180Diag(sp.basis, "i", 1);
    const p180Sx = ideal180Diag(sp.basis, "s", 0);
    const n = sp.size;
    const [dZeta, scaled, echo] = matrices(n, 3);
    const v = new Float64Array(n);
    const w = new Float64Array(n);
    return (ncycs: Float64Array) => {
      sp.rebuild();
      const values = distinctNcycs("cpmg_ch3_mq", ncycs, true);
      const part1 = sp.startVector(terms);
      if (smallProtein) {
        sp.delays([dZeta], [tZetaS]);
        applyOps(part1, w, n, dZeta, p180Ix, p180Sx, dZeta);
      }
      const cycles = values.filter((x) => x !== 0);
      const times = cycles.map((x) => x === -1 ? 0.5 * timeT2S : timeT2S / (4 * x));
      const dCp = sp.delays(matrices(n, times.length), times);
      const out = new Map<number, number>();
      for (const x of values) {
        v.set(part1);
        if (x === 0) {
          applyOps(v, w, n, p180Sx);
        } else {
          const d = dCp[cycles.indexOf(x)];
          if (x === -1) {
            applyOps(v, w, n, d, p180Sx, d);
          } else {
            // echo = D·diag(p180Iy)·D: the diagonal scales the rows of the right factor.
            for (let r = 0; r < n; r++) {
              for (let c = 0; c < n; c++) scaled[r * n + c] = p180Iy[r] * d[r * n + c];
            }
            sp.mul(echo, d, scaled);
            const count = Math.trunc(x);
            sp.applyPower(v, echo, count, w);
            applyOps(v, w, n, p180Sx);
            sp.applyPower(v, echo, count, w);
          }
        }
        out.set(x, dot(detect, v));
      }
      return ncycs.map((x) => out.get(x)!);
    };
  },
};
