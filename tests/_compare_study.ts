/**
 * Synthetic ¹⁵N CPMG studies (two fields, seeded 1 % noise) simulated under any kinetic model
 * with exfit's own forward model and written as ChemEx input files, for `exfit compare` tests.
 *
 * @module
 */
import { join } from "node:path";
import { parseModel } from "../src/models/model.ts";
import { addExperiment, applyDefaults, type StudySpec } from "../src/fit/study.ts";
import { compileStore, evaluateDefinitions, type ParamStore } from "../src/params/store.ts";
import { createCalculator, intensitiesAt } from "../src/fit/evaluate.ts";
import { createRng, standardNormals } from "../src/math/random.ts";

const NCYC = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 0, 2, 10];
const FIELDS = [{ stem: "600mhz", hz: 600 }, { stem: "800mhz", hz: 800 }];
const T2 = 0.04;

/** A study to simulate: model, its global values, per-residue values (selector → value). */
export interface CompareStudy {
  model: string;
  globals: Record<string, number>;
  residues: { name: string; values: Record<string, number> }[];
  seed: number;
}

/** Simulate and write `Experiments/`, `Data/`, `Parameters/parameters.toml` (the true values). */
export function writeCompareStudy(dir: string, spec: CompareStudy): void {
  const study: StudySpec = { model: parseModel(spec.model), experiments: [], profiles: [] };
  const store: ParamStore = new Map();
  for (const f of FIELDS) {
    addExperiment(
      study,
      store,
      {
        stem: f.stem,
        file: `${f.stem}.toml`,
        name: "cpmg_15n_ip",
        settings: { carrier: 118.0, pw90: 40e-6, time_t2: T2, time_equil: 0, even_ncycs: false },
        conditions: { h_larmor_frq: f.hz, label: [] },
        observed: ["a"],
        start: null,
        scaled: true,
      },
      spec.residues.map((r) => ({
        key: r.name,
        x: NCYC,
        exp: NCYC.map(() => 1),
        err: NCYC.map(() => 1),
        mask: NCYC.map(() => true),
      })),
    );
  }
  const entries = [
    ...Object.entries(spec.globals).map(([selector, value]) => ({ selector, value })),
    ...spec.residues.flatMap((r) =>
      Object.entries(r.values).map(([name, value]) => ({
        selector: `${name}, NUC->${r.name}`,
        value,
      }))
    ),
  ];
  applyDefaults(store, entries);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const rng = createRng(spec.seed);
  for (const f of FIELDS) {
    Deno.mkdirSync(join(dir, "Data", f.stem), { recursive: true });
    Deno.mkdirSync(join(dir, "Experiments"), { recursive: true });
    Deno.writeTextFileSync(
      join(dir, "Experiments", `${f.stem}.toml`),
      [
        "[experiment]",
        'name = "cpmg_15n_ip"',
        "carrier = 118.0",
        "pw90 = 40e-6",
        `time_t2 = ${T2}`,
        "",
        "[conditions]",
        `h_larmor_frq = ${f.hz.toFixed(1)}`,
        "",
        "[data]",
        `path = "../Data/${f.stem}/"`,
        'error = "duplicates"',
        "",
        "[data.profiles]",
        ...spec.residues.map((r) => `${r.name} = "${r.name}.out"`),
        "",
      ].join("\n"),
    );
  }
  study.profiles.forEach((p, k) => {
    const values = p.paramIds.map((id) => pv.values[pv.index.get(id)!]);
    const calc = createCalculator(study, k);
    const clean = intensitiesAt(calc, values, calc.x);
    const sigma = 0.01;
    const noise = standardNormals(rng, NCYC.length);
    const rows = NCYC.map((ncyc, i) =>
      `${ncyc.toFixed(1)} ${(1e5 * (clean[i] + sigma * noise[i])).toExponential(7)} ${
        (1e5 * sigma).toExponential(7)
      }`
    );
    const stem = study.experiments[p.experiment].stem;
    Deno.writeTextFileSync(
      join(dir, "Data", stem, `${p.name}.out`),
      `# ncyc intensity error\n${rows.join("\n")}\n`,
    );
  });
  Deno.mkdirSync(join(dir, "Parameters"), { recursive: true });
  const sections = new Map<string, string[]>();
  for (const r of spec.residues) {
    for (const [name, value] of Object.entries(r.values)) {
      if (!sections.has(name)) sections.set(name, []);
      sections.get(name)!.push(`${r.name} = ${value}`);
    }
  }
  Deno.writeTextFileSync(
    join(dir, "Parameters", "parameters.toml"),
    [
      "[GLOBAL]",
      ...Object.entries(spec.globals).map(([k, v]) => `${k} = ${v}`),
      "",
      ...[...sections].flatMap(([name, lines]) => [`[${name}]`, ...lines, ""]),
    ].join("\n"),
  );
}
