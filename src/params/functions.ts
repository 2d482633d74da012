/**
 * Functions the kinetic models' definitions may call (whitelisted in `src/params/expr.ts`).
 * Each returns one number, so quantities with several outputs get one function per output
 * (`pop_3st_b`, `mdtrimer_dimer`). Conditions (totals, temperature, field) are passed as
 * number literals, as ChemEx writes them into its definitions.
 *
 * This library belongs to the expression language (`./expr.ts`), not to the kinetic models that
 * call it, so that parameters never depend on models (see docs/architecture.md, layers).
 *
 * | function | value |
 * |---|---|
 * | `binding_free(x_total, y_total, kd)` | free X of X + Y ⇌ XY |
 * | `binding_complex(p_total, l_total, kd)` | [XY] |
 * | `oligomer_monomer(p_total, kd, n)` / `oligomer_complex(…)` | free monomer / n-mer of n·M ⇌ Mₙ |
 * | `mdtrimer_{monomer,dimer,trimer}(p_total, kd1, kd2)` | M ⇌ D (Kd1), M + D ⇌ T (Kd2) |
 * | `mdtetramer_{monomer,dimer,tetramer}(p_total, kd1, kd2)` | M ⇌ D (Kd1), D + D ⇌ Q (Kd2) |
 * | `pop_2st_{a,b}(kab, kba)` | stationary populations |
 * | `pop_3st_{a,b,c}(kab, kba, kac, kca, kbc, kcb)` | stationary populations |
 * | `pop_4st_{a,b,c,d}(kab, kba, kac, kca, kad, kda, kbc, kcb, kbd, kdb, kcd, kdc)` | idem |
 * | `eyring(dh_ts, ds_ts, dh_from, ds_from, celsius)` | Eyring rate constant (s⁻¹) |
 * | `mf_<kind>_<rate>(h_frq, tauc, s2[, khh])` | model-free rates (`src/nmr/rates.ts`) |
 *
 * @module
 */
import {
  bindingComplex,
  bindingFree,
  eyringRate,
  monomerDimerTetramer,
  monomerDimerTrimer,
  oligomerComplex,
  oligomerMonomer,
  stationaryPopulations,
} from "./equilibrium.ts";
import { modelFreeRates, RATE_NAMES } from "../nmr/rates.ts";

/** Spin-pair kinds with model-free constants (ChemEx's rate function names). */
export const MODEL_FREE_KINDS: readonly string[] = ["nh", "hn", "ch", "hc", "cn"].flatMap((
  k,
) => [k, `${k}_d`]);

/**
 * Expression functions `mf_<kind>_<rate>(h_frq_mhz, tauc_ns, s2[, khh])`.
 *
 * @example
 * ```ts
 * MODEL_FREE_FUNCTIONS.mf_nh_r1_i(600, 4.0, 0.9, 0); // ≈ 2.2116745325575664
 * ```
 */
export const MODEL_FREE_FUNCTIONS: Readonly<Record<string, (...a: number[]) => number>> = Object
  .fromEntries(
    MODEL_FREE_KINDS.flatMap((kind) =>
      RATE_NAMES.map((rate) => [
        `mf_${kind}_${rate}`,
        (h: number, tauc: number, s2: number, khh = 0) =>
          modelFreeRates(kind, h, tauc, s2, khh)[rate],
      ])
    ),
  );

type Fn = (...a: number[]) => number;

/** Pairs of states in ChemEx's argument order (itertools.combinations). */
function pairs(states: string): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < states.length; i++) {
    for (let j = i + 1; j < states.length; j++) out.push([i, j]);
  }
  return out;
}

/** `pop_<n>st_<state>`: arguments k_ij, k_ji for each pair i < j. */
function populationFunctions(states: string): Record<string, Fn> {
  const n = states.length;
  const order = pairs(states);
  const solve = (args: number[]) => {
    if (args.length !== 2 * order.length) {
      throw new Error(`pop_${n}st_* takes ${2 * order.length} rate constants, got ${args.length}`);
    }
    const k = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    order.forEach(([i, j], m) => {
      k[i][j] = args[2 * m];
      k[j][i] = args[2 * m + 1];
    });
    return stationaryPopulations(k);
  };
  return Object.fromEntries(
    [...states].map((s, idx) => [`pop_${n}st_${s}`, (...a: number[]) => solve(a)[idx]]),
  );
}

/**
 * Every model function by (lower-case) name.
 *
 * @example
 * ```ts
 * MODEL_FUNCTIONS.pop_2st_b(10, 190); // 0.05
 * MODEL_FUNCTIONS.binding_free(1.5e-4, 1e-3, 1e-5); // free ligand (M)
 * ```
 */
export const MODEL_FUNCTIONS: Readonly<Record<string, Fn>> = {
  binding_free: bindingFree,
  binding_complex: bindingComplex,
  oligomer_monomer: oligomerMonomer,
  oligomer_complex: oligomerComplex,
  mdtrimer_monomer: (p, kd1, kd2) => monomerDimerTrimer(p, kd1, kd2).monomer,
  mdtrimer_dimer: (p, kd1, kd2) => monomerDimerTrimer(p, kd1, kd2).dimer,
  mdtrimer_trimer: (p, kd1, kd2) => monomerDimerTrimer(p, kd1, kd2).oligomer,
  mdtetramer_monomer: (p, kd1, kd2) => monomerDimerTetramer(p, kd1, kd2).monomer,
  mdtetramer_dimer: (p, kd1, kd2) => monomerDimerTetramer(p, kd1, kd2).dimer,
  mdtetramer_tetramer: (p, kd1, kd2) => monomerDimerTetramer(p, kd1, kd2).oligomer,
  ...populationFunctions("ab"),
  ...populationFunctions("abc"),
  ...populationFunctions("abcd"),
  eyring: eyringRate,
  ...MODEL_FREE_FUNCTIONS,
};
