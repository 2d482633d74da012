/**
 * `noesyfpgpph19`: ¹H EXSY (NOESY with flip-back and gradient pulses). Basis iz (hn, I = ¹H).
 * Each point has a mixing time t, a start state s₁ and a detected state s₂ (columns 2 and 3 of
 * the data file): the magnetization of s₁ at equilibrium (Iz_s₁ = p_s₁, nothing else) evolves
 * for t and Iz_s₂ is read: I = [exp(L·t)]_{s₂,s₁}·p_s₁. Diagonal points (s₁ = s₂) decay with R1
 * and exchange; cross points build up from zero.
 *
 * @module
 */
import type { ExperimentModule, SequenceContext } from "../types.ts";
import { matrices } from "../_cpmg.ts";
import { localDirections, withJacobian } from "../_derivatives.ts";
import { propagatorTangents } from "../_sensitivity.ts";

/** The experiment module. */
export const noesyfpgpph19: ExperimentModule = {
  name: "noesyfpgpph19",
  xKind: "time",
  schema: { name: "noesyfpgpph19", family: "exsy", keys: {} },
  basis: () => ({ type: "iz", pair: "hn" }),
  toBeFitted: () => ({ rates: ["r1_i"], modelFree: ["tauc", "s2"] }),
  isReference: () => false,
  setup(ctx: SequenceContext) {
    const sp = ctx.spectrometer;
    const n = sp.size;
    const index = (label: string, k: number) => {
      const s = label[k];
      if (!sp.basis.states.includes(s)) {
        throw new Error(
          `noesyfpgpph19: state "${s}" of an EXSY point is not a state of the model ` +
            `(states: ${sp.basis.states.join(", ")})`,
        );
      }
      return sp.basis.index(`iz_${s}`);
    };
    const seq = (timesS: Float64Array, labels?: readonly string[]) => {
      if (!labels || labels.length !== timesS.length) {
        throw new Error("noesyfpgpph19: every point needs its start and detected state");
      }
      const distinct = [...new Set(timesS)];
      const props = sp.delays(matrices(n, distinct.length), distinct);
      const propOf = new Map(distinct.map((t, k) => [t, props[k]]));
      const equilibrium = sp.equilibrium({ i: "1H" });
      return timesS.map((t, i) => {
        const from = index(labels[i], 0);
        const to = index(labels[i], 1);
        return propOf.get(t)![to * n + from] * equilibrium[from];
      });
    };
    // ∂I = ∂[exp(L·t)]_{to,from}·p_from + [exp(L·t)]_{to,from}·∂p_from: the Fréchet derivative
    // of each delay along every direction (the basis is tiny), the equilibrium linear in p.
    return withJacobian(seq, (timesS, labels) => {
      const values = seq(timesS, labels);
      const dirs = localDirections(sp, ["iz"]);
      const nl = sp.values.length;
      const jac = new Float64Array(timesS.length * nl);
      const equilibrium = sp.equilibrium({ i: "1H" });
      for (const t of new Set(timesS)) {
        const d = sp.delay(new Float64Array(n * n), t);
        const dd = propagatorTangents(sp.lFree, t, dirs, n);
        timesS.forEach((ti, i) => {
          if (ti !== t) return;
          const from = index(labels![i], 0);
          const to = index(labels![i], 1);
          dirs.forEach((dir, q) => {
            let g = dd[q] ? dd[q]![to * n + from] * equilibrium[from] : 0;
            if (dir.dstart) g += d[to * n + from] * dir.dstart[from];
            jac[i * nl + dir.local] = g;
          });
        });
      }
      return { values, jac };
    });
  },
};
