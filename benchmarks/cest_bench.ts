/**
 * CEST profile evaluation. First the reuse this project relies on — one eigendecomposition per
 * Liouvillian and exp(L·t)·start applied as a vector (`src/experiments/_cest.ts`) — against a
 * full exponential per offset followed by a matrix–vector product (Padé for a single B1 point;
 * the full dephased propagator for ChemEx's dephasing mode), on the CEST_15N (n = 6) and
 * CEST_15N_CW (n = 30) examples. Then the time of one profile evaluation of every CEST type on
 * its refdata example, with its basis size, and ChemEx's figure for cest_15n.
 *
 * Run: `deno run -A benchmarks/cest_bench.ts` (needs ../shared/refdata; ~10 s).
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { createCalculator, intensitiesAt, type ProfileCalculator } from "../src/fit/evaluate.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import type { StudySpec } from "../src/fit/study.ts";
import { cestGrid, dephasedPropagator, isCestReference } from "../src/experiments/_cest.ts";
import { addTerm } from "../src/nmr/basis.ts";
import { createExpmWorkspace, expm, matvec } from "../src/nmr/expm.ts";
import { createEigWorkspace } from "../src/nmr/eig.ts";
import { detectionVector } from "../src/experiments/detection.ts";
import { median } from "./_timing.ts";

const REFDATA = fromFileUrl(new URL("../../shared/refdata", import.meta.url));

/** Median wall time (ms) of `fn` over `reps` runs after `warm` warm-up runs. */
function time(fn: () => void, reps: number, warm = 20): number {
  for (let i = 0; i < warm; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

function load(folder: string, experiments: string[], model: string, parameters: string[]) {
  const cwd = Deno.cwd();
  Deno.chdir(`${REFDATA}/simulate/${folder}`);
  try {
    const { study, store } = loadStudy({ experiments, parameters, model: parseModel(model) });
    const pv = compileStore(store);
    evaluateDefinitions(pv);
    const values = study.profiles.map((p) =>
      Float64Array.from(p.paramIds.map((id) => pv.values[pv.index.get(id)!]))
    );
    return { study, values };
  } finally {
    Deno.chdir(cwd);
  }
}

/** The pre-eigen way: for every offset, the full propagator matrix, then a product. */
function matrixProfile(calc: ProfileCalculator, study: StudySpec, dephasing: boolean): () => void {
  const exp = study.experiments[calc.spec.experiment];
  const sp = calc.spectrometer;
  const n = sp.size;
  const grid = cestGrid({ settings: exp.settings, conditions: exp.conditions }, "backbone_n");
  const timeT1S = exp.settings.time_t1 as number;
  const b1SHz = (exp.settings.b1_frq_dec as number | undefined) ?? 0;
  const detect = detectionVector(sp.basis, "[iz]", exp.observed);
  const l = new Float64Array(n * n);
  const p = new Float64Array(n * n);
  const m = new Float64Array(n);
  const ws = createExpmWorkspace(n);
  const eig = createEigWorkspace(n);
  const bx = sp.basis.terms.get("b1x_i")!;
  const bs = sp.basis.terms.get("b1x_s");
  return () => {
    const start = sp.startVector(["iz"]);
    const distinct = [...new Set(calc.x)];
    let sink = 0;
    for (const x of distinct) {
      if (isCestReference(x)) continue;
      for (const point of grid.points) {
        sp.jLineI = point.jHz;
        sp.offsetI = x;
        sp.rebuild();
        l.set(sp.lFree);
        addTerm(l, bx, point.b1Hz);
        if (bs && b1SHz) addTerm(l, bs, b1SHz);
        if (dephasing) dephasedPropagator(p, l, timeT1S, eig);
        else expm(p, l, timeT1S, ws);
        matvec(m, p, start, n);
        for (let i = 0; i < n; i++) sink += point.weight * detect[i] * m[i];
      }
    }
    if (Number.isNaN(sink)) throw new Error("NaN");
  };
}

/** Medians of two alternatives timed in alternation (fairer on a shared machine). */
function compare(a: () => void, b: () => void, reps: number): [number, number] {
  for (let i = 0; i < 30; i++) {
    a();
    b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < reps; i++) {
    let t0 = performance.now();
    a();
    ta.push(performance.now() - t0);
    t0 = performance.now();
    b();
    tb.push(performance.now() - t0);
  }
  return [median(ta), median(tb)];
}

console.log("Reuse (one eigendecomposition per Liouvillian, exp(L·t)·v as a vector) vs a full");
console.log(
  "exponential per offset, first profile of each example, medians of 40 alternated runs:",
);
const comparisons: [string, string, string, string, boolean][] = [
  ["CEST_15N", "Experiments/13hz.toml", "2st", "cest_15n, single B1 point", false],
  ["CEST_15N", "Experiments/13hz.toml", "2st", "cest_15n, dephasing (example)", true],
  ["CEST_15N_CW", "Experiments/dec.toml", "2st", "cest_15n_cw, single B1 point", false],
];
for (const [folder, file, model, label, dephasing] of comparisons) {
  const { study, values } = load(folder, [file], model, ["Parameters/parameters.toml"]);
  if (!dephasing) delete study.experiments[0].settings.b1_distribution;
  const calc = createCalculator(study, 0);
  const v = values[0];
  calc.spectrometer.update(v);
  const full = matrixProfile(calc, study, dephasing);
  const [vector, matrix] = compare(() => intensitiesAt(calc, v, calc.x), () => {
    calc.spectrometer.update(v);
    full();
  }, 40);
  console.log(
    `  ${label.padEnd(32)} n = ${String(calc.spectrometer.size).padStart(2)}: vector route ${
      vector.toFixed(3)
    } ms, ${dephasing ? "dephased" : "Padé"} matrix per offset ${matrix.toFixed(3)} ms, ` +
      `speed-up ×${(matrix / vector).toFixed(2)}`,
  );
}

const cases: [string, string, string[], string, string[]][] = [
  ["cest_15n", "CEST_15N", ["Experiments/13hz.toml"], "2st", ["Parameters/parameters.toml"]],
  ["cest_13c", "CEST_13C", ["Experiments/15hz.toml"], "2st", ["Parameters/parameters.toml"]],
  [
    "cest_13c +13C label",
    "CEST_13C_LABEL_CN",
    ["Experiments/23hz.toml"],
    "2st",
    ["Parameters/parameters.toml"],
  ],
  ["cest_15n_cw", "CEST_15N_CW", ["Experiments/dec.toml"], "2st.mf", [
    "Parameters/parameters.toml",
  ]],
  ["cest_15n_tr", "CEST_15N_TR", ["Experiments/trosy.toml"], "2st.mf", [
    "Parameters/parameters.toml",
  ]],
  ["cest_1hn_ap", "CEST_1HN_AP", ["Experiments/26hz.toml"], "2st", ["Parameters/parameters.toml"]],
  ["cest_1hn_ip_ap", "CEST_1HN_IP_AP", ["Experiments/30hz.toml"], "2st.rs", [
    "Parameters/parameters.toml",
  ]],
  ["cest_ch3_1h_ip_ap", "CEST_CH3_1H_IP_AP", ["Experiments/30hz.toml"], "2st.rs", [
    "Parameters/parameters.toml",
  ]],
];
console.log("\nOne profile evaluation per CEST type (first profile of the example, median of 20):");
for (const [name, folder, exps, model, params] of cases) {
  try {
    const { study, values } = load(folder, exps, model, params);
    const calc = createCalculator(study, 0);
    const grid = cestGrid(
      {
        settings: study.experiments[0].settings,
        conditions: study.experiments[0].conditions,
        spinSystem: study.profiles[0].name,
      },
      name.startsWith("cest_13c") ? "residue" : "backbone_n",
    );
    const ms = time(() => intensitiesAt(calc, values[0], calc.x), 20);
    const offsets = new Set(calc.x).size;
    console.log(
      `  ${name.padEnd(20)} basis ${String(calc.spectrometer.size).padStart(2)}  ` +
        `${String(offsets).padStart(3)} offsets × ${grid.points.length} grid points  ` +
        `${ms.toFixed(3)} ms`,
    );
  } catch (e) {
    console.log(`  ${name.padEnd(20)} skipped: ${(e as Error).message.split("\n")[0]}`);
  }
}
const chemex = JSON.parse(Deno.readTextFileSync(`${REFDATA}/timing/CEST_15N.json`));
const ref = median(
  chemex.profiles.map((p: { median_s_same_params: number }) => p.median_s_same_params * 1e3),
);
console.log(`\nChemEx 2026.06 (timing/CEST_15N.json): ${ref.toFixed(3)} ms per cest_15n profile.`);
