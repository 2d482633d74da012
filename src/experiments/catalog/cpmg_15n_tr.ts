/**
 * `cpmg_15n_tr`: TROSY-selected ¹⁵N CPMG (Loria, Rance & Palmer). Basis ixyzsz (I = ¹⁵N,
 * S = ¹H, so J_NH and the cross-correlated rates act). Start 2IzSz; detection
 * [2IzSz] − [Iz] (TROSY) or [2IzSz] + [Iz] (`antitrosy`). The two halves of the constant-time
 * period use y- and x-phase echo trains around a "P-element" that swaps the two multiplet
 * components: mean over its ±x/±y 90° phase cycle, with ideal ¹H 180° pulses.
 *
 * @module
 */
import type { ExperimentModule } from "../types.ts";
import {
  cpmgExperiment,
  cpmgKeys,
  derive,
  equilKey,
  matrices,
  pulseKeys,
  pulseKit,
  startTerms,
  tNeg,
  train,
  trosyDetection,
  trosyFitted,
} from "../_cpmg.ts";

/** The experiment module. */
export const cpmg15nTr: ExperimentModule = cpmgExperiment({
  name: "cpmg_15n_tr",
  keys: {
    ...cpmgKeys(false),
    ...pulseKeys(),
    time_equil: equilKey(),
    taub: { type: "number", default: 2.68e-3 },
    antitrosy: { type: "boolean", default: false },
  },
  basis: { type: "ixyzsz", pair: "nh" },
  allowMinusOne: false,
  toBeFitted: trosyFitted,
  setup(ctx, kind) {
    const pw90S = ctx.settings.pw90 as number;
    const antitrosy = ctx.settings.antitrosy as boolean;
    const sp = ctx.spectrometer;
    const kit = pulseKit(ctx, kind, { tauPw90: 1 });
    const { p90, n } = kit;
    const dNeg = kit.delay(tNeg(pw90S));
    const dEq = kit.delay(ctx.settings.time_equil as number);
    // The P-element's delays lose the 180° pulses and the 90° evolution compensation.
    const dTaub = kit.delay((ctx.settings.taub as number) - 2 * pw90S + tNeg(pw90S));
    const hx = sp.ideal180(new Float64Array(n * n), "s", 0);
    const [pElem0, pElem, t1, t2] = matrices(n, 4);
    const [ph1, ph2] = antitrosy ? [2, 1] : [1, 0];
    const prepare = () => {
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
    };
    return kit.sequence({
      start: startTerms(ctx.start, "2izsz"),
      detection: trosyDetection(antitrosy),
      echoes: [{ pulse: kit.p180[0] }],
      prepare,
      derived: [
        derive(pElem0, [1, [dTaub, p90[ph1], p90[ph2], hx, p90[ph2], p90[ph1], dTaub, hx]]),
        derive(pElem, [0.5, [p90[1], pElem0, p90[0]]], [0.5, [p90[3], pElem0, p90[2]]]),
      ],
      constants: [hx],
      reference: [{ steps: [p90[0], pElem0, p90[1], dEq] }],
      cpmg: [{
        steps: [p90[0], dNeg, train(0, [1]), dNeg, pElem, dNeg, train(0, [0]), dNeg, p90[1], dEq],
      }],
    });
  },
});
