/**
 * Kernel-level checks of CPMG sequences against intensities produced by ChemEx's own sequence
 * classes (ChemEx 2026.06 HEAD a606da35, run on the same local parameter values): covers the
 * settings and branches that no refdata fixture exercises.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { EXPERIMENTS } from "../src/experiments/registry.ts";
import { createBasis } from "../src/nmr/basis.ts";
import { ppmToRadPerS } from "../src/nmr/constants.ts";
import { Spectrometer } from "../src/nmr/spectrometer.ts";
import { basisNuclei } from "../src/fit/study.ts";

/** Shifts (ppm) of I and S in state A, their B − A differences and J (Hz) per spin pair. */
const SHIFTS: Record<string, [number, number, number, number, number]> = {
  hn: [8.5, 120.0, 0.4, 2.0, -93.0],
  nh: [118.5, 8.3, 2.0, 0.3, -93.0],
  cn: [176.5, 120.0, 1.5, 1.0, -15.0],
  ch: [21.0, 0.0, 1.0, 0.0, 0.0],
  hc: [0.8, 22.0, 0.3, 1.0, 125.0],
};

/**
 * Local values of a two-state system (pB 0.1, kex 300 s⁻¹) with every relaxation, shift and
 * coupling term non-zero, state B's rates 1.3 × state A's: shifts (ppm) of I and S in state A,
 * their B − A differences and J (Hz); `extra` adds per-state terms (scaled by 1.3 for B too).
 *
 * @example
 * ```ts
 * twoStateValues([21.0, 0.9, 1.2, 0.08, 128.0], { d: 100 }).d_b; // 130
 * ```
 */
export function twoStateValues(
  [csI, csS, dwI, dwS, j]: readonly [number, number, number, number, number],
  extra: Record<string, number> = {},
): Record<string, number> {
  const v: Record<string, number> = { pa: 0.9, pb: 0.1, kab: 30, kba: 270 };
  for (const [s, f] of [["a", 1], ["b", 1.3]] as const) {
    Object.assign(v, {
      [`r2_i_${s}`]: 10 * f,
      [`r1_i_${s}`]: 1.5 * f,
      [`r2_s_${s}`]: 15 * f,
      [`r1_s_${s}`]: 2 * f,
      [`r2a_i_${s}`]: 14 * f,
      [`r2a_s_${s}`]: 16 * f,
      [`r2mq_is_${s}`]: 18 * f,
      [`r1a_is_${s}`]: 4 * f,
      [`etaxy_i_${s}`]: 3 * f,
      [`etaxy_s_${s}`]: 1 * f,
      [`etaz_i_${s}`]: 0.5 * f,
      [`etaz_s_${s}`]: 0.1 * f,
      [`sigma_is_${s}`]: 0.05 * f,
      [`mu_is_${s}`]: 1.2 * f,
      [`j_is_${s}`]: j,
    });
    for (const [name, value] of Object.entries(extra)) v[`${name}_${s}`] = value * f;
  }
  Object.assign(v, { cs_i_a: csI, cs_i_b: csI + dwI, cs_s_a: csS, cs_s_b: csS + dwS });
  return v;
}

/** {@link twoStateValues} with the shifts of a spin pair kind ("nh", "hn", "cn", "ch", "hc"). */
export function demoValues(pair: string): Record<string, number> {
  return twoStateValues(SHIFTS[pair]);
}

/**
 * One kernel case: experiment settings (over the schema defaults and the table's `base`) and
 * ChemEx's intensities.
 */
export interface KernelCase {
  label: string;
  pair: string;
  settings: Record<string, unknown>;
  observed?: string[];
  /** Omitted: the experiment's default start. */
  start?: string[] | null;
  ncycs: number[];
  expected: number[];
}

/**
 * Unscaled intensities of `experiment` at 600 MHz for `values` (default {@link demoValues}).
 *
 * @example
 * ```ts
 * kernelIntensities("cpmg_13c_ip", { pair: "ch", settings: { time_t2: 0.04, carrier: 20, pw90: 15e-6 }, ncycs: [0, 1] });
 * ```
 */
export function kernelIntensities(
  experiment: string,
  c: Omit<KernelCase, "label" | "expected">,
  values: Record<string, number> = demoValues(c.pair),
): Float64Array {
  const m = EXPERIMENTS[experiment];
  const settings: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(m.schema.keys)) {
    if (spec.default !== undefined) settings[k] = spec.default;
  }
  Object.assign(settings, c.settings);
  const choice = m.basis(settings);
  const basis = createBasis(choice.type, ["a", "b"]);
  const nuclei = basisNuclei(choice.type, choice.pair);
  const names = Object.keys(values);
  const hz = 600;
  const sp = new Spectrometer({
    basis,
    localNames: names,
    ppmI: nuclei.i ? ppmToRadPerS(nuclei.i, hz) : 0,
    ppmS: nuclei.s ? ppmToRadPerS(nuclei.s, hz) : 0,
    qOrderI: choice.extension === "dq" ? 2 : choice.extension === "tq" ? 3 : 1,
  });
  const observed = c.observed ?? ["a"];
  const start = c.start !== undefined
    ? c.start
    : m.schema.defaultStartFromObserved
    ? observed
    : null;
  const seq = m.setup({
    settings,
    conditions: { h_larmor_frq: hz, label: [] },
    observed,
    start,
    spectrometer: sp,
  });
  sp.update(names.map((n) => values[n]));
  return seq(Float64Array.from(c.ncycs));
}

/** Options of {@link kernelTests}. */
export interface KernelTableOptions {
  /** Settings every case starts from. */
  base?: Record<string, unknown>;
  /** Agreement required, relative to the largest |value| (default 1e-9). */
  tol?: number;
  /** Local values by spin pair kind (default {@link demoValues}). */
  values?: (pair: string) => Record<string, number>;
}

/**
 * One Deno test per case: agreement with ChemEx to `tol` relative to the largest |value|.
 *
 * @example
 * ```ts
 * kernelTests("cpmg_13c_ip", [{ label: "ncyc -1", pair: "ch", settings: {}, ncycs: [-1], expected: [0.19] }], {
 *   base: { time_t2: 0.04, carrier: 20.0, pw90: 1.5e-05 },
 * });
 * ```
 */
export function kernelTests(
  experiment: string,
  cases: KernelCase[],
  o: KernelTableOptions = {},
): void {
  const tol = o.tol ?? 1e-9;
  for (const c of cases) {
    Deno.test(`${experiment} (${c.label}) matches ChemEx's sequence to ${tol}`, () => {
      const settings = { ...o.base, ...c.settings };
      const values = (o.values ?? demoValues)(c.pair);
      const got = kernelIntensities(experiment, { ...c, settings }, values);
      const scale = Math.max(...c.expected.map(Math.abs));
      c.expected.forEach((e, i) => {
        const err = Math.abs(got[i] - e) / scale;
        assert.ok(err <= tol, `ncyc ${c.ncycs[i]}: ${got[i]} vs ChemEx ${e} (rel ${err})`);
      });
    });
  }
}
