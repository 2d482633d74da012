/**
 * Test helpers for the methyl CPMG experiments: load a refdata study in-process, evaluate its
 * profiles with modified settings or parameters, and compare single `.dat` files.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { type LoadedStudy, loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import { createCalculator, intensitiesAt } from "../src/fit/evaluate.ts";
import { EXPERIMENTS } from "../src/experiments/registry.ts";
import { createBasis } from "../src/nmr/basis.ts";
import { ppmToRadPerS } from "../src/nmr/constants.ts";
import { Spectrometer } from "../src/nmr/spectrometer.ts";
import { basisNuclei } from "../src/fit/study.ts";
import { parseDat } from "./_refdata.ts";

/**
 * Load a refdata folder's study (model 2st) from inside the folder; paths are relative to it.
 *
 * @example
 * ```ts
 * const l = loadFixture(`${refdata}/simulate/CPMG_CH3_MQ`, ["Experiments/600mhz.toml"]);
 * ```
 */
export function loadFixture(folder: string, experiments: string[]): LoadedStudy {
  const cwd = Deno.cwd();
  Deno.chdir(folder);
  try {
    return loadStudy({
      experiments,
      parameters: ["Parameters/parameters.toml"],
      model: parseModel("2st"),
    });
  } finally {
    Deno.chdir(cwd);
  }
}

/** Local parameter values of every profile, definitions evaluated. */
export function profileValues(l: LoadedStudy): Float64Array[] {
  const pv = compileStore(l.store);
  evaluateDefinitions(pv);
  return l.study.profiles.map((p) =>
    Float64Array.from(p.paramIds.map((id) => pv.values[pv.index.get(id)!]))
  );
}

/**
 * Unscaled intensities of profile `k` at `x`, after applying `edit` to its local values
 * (by local name, e.g. `{ kab: 0 }`).
 */
export function evaluateProfile(
  l: LoadedStudy,
  k: number,
  x: number[],
  edit: Record<string, number> = {},
): Float64Array {
  const calc = createCalculator(l.study, k);
  const values = profileValues(l)[k];
  for (const [name, value] of Object.entries(edit)) {
    const i = calc.spec.localNames.indexOf(name);
    assert.ok(i >= 0, `profile ${calc.spec.name} has no local parameter ${name}`);
    values[i] = value;
  }
  return intensitiesAt(calc, values, Float64Array.from(x));
}

/**
 * Compare the calculated column of one `.dat` file with ChemEx's, relative to each profile's
 * largest |value|; returns the largest relative difference.
 */
export function compareDatFile(refFile: string, ourFile: string, tol: number): number {
  const ref = parseDat(Deno.readTextFileSync(refFile));
  const ours = parseDat(Deno.readTextFileSync(ourFile));
  assert.deepEqual([...ours.keys()].sort(), [...ref.keys()].sort(), `${ourFile}: profile names`);
  let worst = 0;
  for (const [name, rows] of ref) {
    const mine = ours.get(name)!;
    assert.equal(mine.length, rows.length, `${ourFile} [${name}]: row count`);
    const last = (r: { cols: number[] }) => r.cols[r.cols.length - 1];
    const scale = Math.max(...rows.map((r) => Math.abs(last(r))));
    rows.forEach((r, i) => {
      assert.equal(mine[i].cols[0], r.cols[0], `${ourFile} [${name}] row ${i}: x`);
      const err = Math.abs(last(mine[i]) - last(r)) / (scale || 1);
      worst = Math.max(worst, err);
      assert.ok(err <= tol, `${ourFile} [${name}] row ${i}: ${last(mine[i])} vs ChemEx ${last(r)}`);
    });
  }
  return worst;
}

/** Every calculated value of a `.dat` file (NaN rows included, which {@link parseDat} drops). */
export function calculatedValues(file: string): number[] {
  return Deno.readTextFileSync(file).split("\n")
    .map((l) => l.replace(/^#/, "").replace(/# NOT USED IN THE FIT/, "").trim())
    .filter((l) => l !== "" && !l.startsWith("[") && /^-?[\d.]/.test(l))
    .map((l) => {
      const cols = l.split(/\s+/);
      return Number(cols[cols.length - 1]);
    });
}

/** Recursive copy of a directory of plain files. */
export function copyDir(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const e of Deno.readDirSync(from)) {
    if (e.isDirectory) copyDir(`${from}/${e.name}`, `${to}/${e.name}`);
    else if (e.isFile) Deno.copyFileSync(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

/**
 * The ncyc = −1 point (trains replaced by free delays of T/2) of profile `k` with exchange
 * switched off, relative to the point at `ncycRef` cycles: without exchange there is no
 * dispersion, so the two differ only by pulse imperfections and by which coherences relax
 * during the period.
 */
export function minusOneRatio(l: LoadedStudy, k: number, ncycRef: number): number {
  const [m1, ref] = evaluateProfile(l, k, [-1, ncycRef], { kab: 0, kba: 0 });
  assert.ok(Number.isFinite(m1) && Number.isFinite(ref));
  return m1 / ref;
}

/** One check against ChemEx's own sequence code (run on {@link methylValues}). */
export interface MethylKernelCase {
  label: string;
  pair: "ch" | "hc";
  settings: Record<string, unknown>;
  observed?: string[];
  /** Omitted: the experiment's default start; null: equilibrium (`start_state = []`). */
  start?: string[] | null;
  ncycs: number[];
  expected: number[];
}

/**
 * Local values of a two-state methyl system: pB 0.1, kex 300 s⁻¹, every relaxation, shift,
 * coupling and diffusion term non-zero, state B's rates (and D) 1.3 × state A's.
 */
export function methylValues(pair: "ch" | "hc"): Record<string, number> {
  const [csI, csS, dwI, dwS, j] = pair === "ch" ? [21.0, 0.9, 1.2, 0.08, 128.0] : [
    0.8,
    22.0,
    0.3,
    1.0,
    125.0,
  ];
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
      [`d_${s}`]: 100 * f,
    });
  }
  Object.assign(v, { cs_i_a: csI, cs_i_b: csI + dwI, cs_s_a: csS, cs_s_b: csS + dwS });
  return v;
}

/** Unscaled intensities of a methyl experiment at 600 MHz for {@link methylValues}. */
export function methylKernel(
  experiment: string,
  c: Omit<MethylKernelCase, "label" | "expected">,
): Float64Array {
  const m = EXPERIMENTS[experiment];
  const settings: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(m.schema.keys)) {
    if (spec.default !== undefined) settings[k] = spec.default;
  }
  Object.assign(settings, c.settings);
  const choice = m.basis(settings);
  const nuclei = basisNuclei(choice.type, choice.pair);
  const values = methylValues(c.pair);
  const names = Object.keys(values);
  const hz = 600;
  const sp = new Spectrometer({
    basis: createBasis(choice.type, ["a", "b"]),
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

/** One Deno test per case: agreement with ChemEx's sequence code to `tol` (of the largest |value|). */
export function methylKernelTests(experiment: string, cases: MethylKernelCase[], tol = 1e-9): void {
  for (const c of cases) {
    Deno.test(`${experiment} (${c.label}) matches ChemEx's sequence to ${tol}`, () => {
      const got = methylKernel(experiment, c);
      const scale = Math.max(...c.expected.map(Math.abs));
      c.expected.forEach((e, i) => {
        const err = Math.abs(got[i] - e) / scale;
        assert.ok(err <= tol, `ncyc ${c.ncycs[i]}: ${got[i]} vs ChemEx ${e} (rel ${err})`);
      });
    });
  }
}
