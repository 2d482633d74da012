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
import { parseDat } from "./_refdata.ts";
import {
  type KernelCase,
  type KernelTableOptions,
  kernelTests,
  twoStateValues,
} from "./_cpmg_kernel.ts";

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

/** Shifts (ppm) of I and S in state A, their B − A differences and J (Hz) per methyl pair. */
const METHYL_SHIFTS = {
  ch: [21.0, 0.9, 1.2, 0.08, 128.0],
  hc: [0.8, 22.0, 0.3, 1.0, 125.0],
} as const;

/**
 * Local values of a two-state methyl system: {@link twoStateValues} (pB 0.1, kex 300 s⁻¹, every
 * relaxation, shift and coupling term non-zero) with a diffusion constant, state B's 1.3 × A's.
 */
export function methylValues(pair: "ch" | "hc"): Record<string, number> {
  return twoStateValues(METHYL_SHIFTS[pair], { d: 100 });
}

/**
 * {@link kernelTests} on {@link methylValues}: one Deno test per case against ChemEx's sequence
 * code.
 *
 * @example
 * ```ts
 * methylKernelTests("cpmg_ch3_mq", [{ label: "x", pair: "ch", settings: { time_t2: 0.03 }, ncycs: [0], expected: [0.9] }]);
 * ```
 */
export function methylKernelTests(
  experiment: string,
  cases: (KernelCase & { pair: "ch" | "hc" })[],
  o: Omit<KernelTableOptions, "values"> = {},
): void {
  kernelTests(experiment, cases, { ...o, values: (pair) => methylValues(pair as "ch" | "hc") });
}
