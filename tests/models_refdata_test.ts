/**
 * Kinetic models end to end against ChemEx's reference simulations
 * (`../shared/refdata/models/<model>`), and, where ChemEx's reference is defective (NOTE or
 * FAILED file in the folder), against an equivalent simulation with a generic n-state model
 * whose populations and exchange constants are those our model derives.
 */
import { strict as assert } from "node:assert";
import { parse as parseToml } from "smol-toml";
import {
  compareDataDirs,
  REFDATA,
  refdataTest,
  referenceCommand,
  runExfit,
  simulateFixtureTest,
} from "./_refdata.ts";
import { evaluateSettings } from "./_models.ts";
import { kineticModel, parseModel } from "../src/models/model.ts";
import { modelFreeRates } from "../src/nmr/rates.ts";
import { loadStudy } from "../src/io/load.ts";
import type { Conditions } from "../src/params/name.ts";
import { EXPERIMENTS } from "../src/experiments/registry.ts";

/** Folders whose ChemEx output is the reference (no NOTE/FAILED file). */
const FIXTURES = [
  "1st",
  "2st.rs",
  "2st.tc",
  "2st_binding",
  "2st_monomer_dimer",
  "2st_monomer_tetramer",
  "3st",
  "3st_binding_if",
  "3st_eyring",
  "3st_fork",
  "4st_binding_3_bound_states",
  "5st",
];
/** Fixtures written for models whose inputs ChemEx 2026.09 changed: run with --compat 2026.06. */
const COMPAT_2026_06 = ["3st_binding_if", "3st_eyring", "2st_monomer_tetramer"];
for (const name of FIXTURES) {
  simulateFixtureTest(
    `models/${name}`,
    1e-6,
    COMPAT_2026_06.includes(name) ? ["--compat", "2026.06"] : [],
  );
}

refdataTest("every models/ folder is either a reference or a recorded ChemEx defect", (ref) => {
  for (const entry of Deno.readDirSync(`${ref}/models`)) {
    const files = [...Deno.readDirSync(`${ref}/models/${entry.name}`)].map((e) => e.name);
    const defect = files.some((f) => f.startsWith("NOTE") || f.startsWith("FAILED"));
    const testedHere = FIXTURES.includes(entry.name) ||
      ["3st_binding_partner_2st", "3st_monomer_dimer_tetramer", "4st_hd"].includes(entry.name);
    assert.ok(testedHere, `models/${entry.name} is not tested`);
    if (entry.name === "3st_eyring") continue; // its NOTE is about the default DH_AC only
    assert.equal(defect, !FIXTURES.includes(entry.name), `models/${entry.name}`);
  }
});

/** A scratch copy of a folder's Experiments and Data, with a parameter file of our own. */
function scratch(
  folder: string,
  parameters: string,
  editExperiment: (text: string) => string = (t) => t,
): string {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_models_" });
  for (const sub of ["Experiments", "Data"]) copyTree(`${folder}/${sub}`, `${dir}/${sub}`);
  for (const e of Deno.readDirSync(`${dir}/Experiments`)) {
    const path = `${dir}/Experiments/${e.name}`;
    Deno.writeTextFileSync(path, editExperiment(Deno.readTextFileSync(path)));
  }
  Deno.mkdirSync(`${dir}/Parameters`);
  Deno.writeTextFileSync(`${dir}/Parameters/parameters.toml`, parameters);
  return dir;
}

function copyTree(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const e of Deno.readDirSync(from)) {
    if (e.isDirectory) copyTree(`${from}/${e.name}`, `${to}/${e.name}`);
    else Deno.copyFileSync(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

/** The fixture's parameter file without its [GLOBAL] table, plus our own globals. */
function withGlobals(folder: string, globals: Record<string, number>): string {
  const text = Deno.readTextFileSync(`${folder}/Parameters/parameters.toml`);
  const rest = text.replace(/\[GLOBAL\][^[]*/, "");
  const lines = Object.entries(globals).map(([k, v]) => `${k} = ${v}`);
  return `[GLOBAL]\n${lines.join("\n")}\n\n${rest}`;
}

/** Lower-case [GLOBAL] entries of a fixture's parameter file (kinetic ones are global there). */
function fixtureGlobals(folder: string): Record<string, number> {
  const toml = parseToml(Deno.readTextFileSync(`${folder}/Parameters/parameters.toml`));
  return Object.fromEntries(
    Object.entries(toml.GLOBAL as Record<string, number>).map(([k, v]) => [k.toLowerCase(), v]),
  );
}

function experimentArgs(folder: string, model: string): string[] {
  const args = referenceCommand(folder);
  const d = args.indexOf("-d");
  args[d + 1] = model;
  return args;
}

/**
 * Simulate the experiments of `folder`'s command in `cwd` with `model` and in `dir` with
 * `other`; compare (and remove `dir`).
 */
async function equivalent(
  folder: string,
  cwd: string,
  model: string,
  dir: string,
  other: string,
  tol: number,
): Promise<number> {
  const ours = await runExfit(cwd, experimentArgs(folder, model));
  const generic = await runExfit(dir, experimentArgs(folder, other));
  try {
    return compareDataDirs(generic, ours, tol);
  } finally {
    for (const d of [ours, generic, dir]) Deno.removeSync(d, { recursive: true });
  }
}

/** Populations and exchange constants (k_ij + k_ji) of a model, for the n-state models. */
function nStateEquivalent(
  model: string,
  cond: Conditions,
  values: Record<string, number>,
  pairs: string[],
): Record<string, number> {
  const settings = kineticModel(parseModel(model)).settings(cond);
  const v = evaluateSettings(settings, values);
  const out: Record<string, number> = {};
  for (const s of parseModel(model).states.slice(1)) out[`P${s.toUpperCase()}`] = v[`p${s}`];
  for (const [i, j] of pairs) {
    out[`KEX_${i}${j}`.toUpperCase()] = (v[`k${i}${j}`] ?? 0) + (v[`k${j}${i}`] ?? 0);
  }
  return out;
}

refdataTest(
  "3st_binding_partner_2st (ChemEx defect) equals 3st with its derived rates",
  async (r) => {
    const folder = `${r}/models/3st_binding_partner_2st`;
    const g = fixtureGlobals(folder);
    const eq = nStateEquivalent("3st_binding_partner_2st", { p_total: 1e-3, l_total: 1.5e-4 }, g, [
      "ab",
      "ac",
      "bc",
    ]);
    const dir = scratch(folder, withGlobals(folder, { ...eq, TAUC_A: g.tauc_a }));
    const worst = await equivalent(folder, folder, "3st_binding_partner_2st", dir, "3st", 1e-9);
    console.log(
      `3st_binding_partner_2st vs 3st: worst relative difference ${worst.toExponential(2)}`,
    );
    // ChemEx's own output (both on-rates from [L2]) is visibly different: we do not reproduce it.
    const ours = await runExfit(folder, referenceCommand(folder));
    try {
      const off = compareDataDirs(`${folder}/OutputSim`, ours, Infinity);
      console.log(`3st_binding_partner_2st vs ChemEx's defective output: ${off.toExponential(2)}`);
      assert.ok(off > 1e-4, `expected to differ from ChemEx's defective output, got ${off}`);
    } finally {
      Deno.removeSync(ours, { recursive: true });
    }
  },
);

refdataTest("3st_monomer_dimer_tetramer (ChemEx crashes) equals 3st_linear", async (r) => {
  const folder = `${r}/models/3st_monomer_dimer_tetramer`;
  const g = fixtureGlobals(folder);
  const eq = nStateEquivalent("3st_monomer_dimer_tetramer", { p_total: 1e-3 }, g, ["ab", "bc"]);
  assert.ok(eq.PB > 0.01 && eq.PC > 1e-3, `populations ${JSON.stringify(eq)}`);
  const dir = scratch(folder, withGlobals(folder, { ...eq, TAUC_A: g.tauc_a }));
  await equivalent(folder, folder, "3st_monomer_dimer_tetramer", dir, "3st_linear", 1e-9);
});

refdataTest("4st_hd (ChemEx crashes) equals 4st with its derived rates", async (r) => {
  // The fixture is a CEST one; the chemistry does not depend on the experiment, so the check
  // runs on the CPMG data of models/5st with a D2O fraction added to the conditions.
  const base = `${r}/models/5st`;
  const g = { pop_b: 0.08, kex_ab: 150, kdh_a: 20, kdh_b: 60, phi_a: 1.2, tauc_a: 3 };
  const addD2o = (t: string) => t.replace("[conditions]", "[conditions]\nd2o = 0.2");
  const hd = scratch(
    base,
    withGlobals(base, {
      POP_B: g.pop_b,
      KEX_AB: g.kex_ab,
      KDH_A: g.kdh_a,
      KDH_B: g.kdh_b,
      PHI_A: g.phi_a,
      TAUC_A: g.tauc_a,
    }),
    addD2o,
  );
  const eq = nStateEquivalent("4st_hd", { d2o: 0.2 }, g, ["ab", "ac", "ad", "bc", "bd", "cd"]);
  assert.equal(eq.KEX_AD, 0);
  assert.equal(eq.KEX_BC, 0);
  const dir = scratch(base, withGlobals(base, { ...eq, TAUC_A: g.tauc_a }), addD2o);
  try {
    await equivalent(base, hd, "4st_hd", dir, "4st", 1e-9);
  } finally {
    Deno.removeSync(hd, { recursive: true });
  }
});

refdataTest(
  "3st_eyring runs with its default DH_AC (ChemEx fails) and closes A <-> C",
  async (r) => {
    const folder = `${r}/models/3st_eyring`;
    const params = Deno.readTextFileSync(`${folder}/Parameters/parameters.toml`)
      .replace(/^DH_AC\s*=.*$/m, "");
    const dir = scratch(folder, params);
    try {
      const out = await runExfit(dir, referenceCommand(folder), ["--compat", "2026.06"]);
      // The reference sets DH_AC = 1.2e5 J/mol (k_AC ≈ 1e-9 s⁻¹), which is closed for all purposes.
      compareDataDirs(`${folder}/OutputSim`, out, 1e-6);
      const constrained = Deno.readTextFileSync(`${out}/Parameters/constrained.toml`);
      assert.match(constrained, /"KAC, T->20\.0C"\s*=\s*0\.00000e\+00/);
      Deno.removeSync(out, { recursive: true });
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

refdataTest(".mf: rates of each state follow that state's TAUC and S2", async (r) => {
  const folder = `${r}/models/3st`;
  const kinetic = { PB: 0.1, KEX_AB: 500 };
  const mf = { TAUC_A: 3, S2_A: 0.85, TAUC_B: 9, S2_B: 0.7 };
  const dirMf = scratch(folder, withGlobals(folder, { ...kinetic, ...mf }));
  // The same with explicit rates computed here from the model-free formulas (label 2H: "nh_d").
  const rates: Record<string, number> = { ...kinetic };
  for (const h of [500, 800]) {
    for (const s of ["A", "B"]) {
      const mfr = modelFreeRates("nh_d", h, mf[`TAUC_${s}` as "TAUC_A"], mf[`S2_${s}` as "S2_A"]);
      rates[`"R2_${s}, B0->${h}.0MHz"`] = mfr.r2_i;
      rates[`"R1_${s}, B0->${h}.0MHz"`] = mfr.r1_i;
    }
  }
  const dirRates = scratch(folder, withGlobals(folder, rates));
  try {
    const a = await runExfit(dirMf, experimentArgs(folder, "2st.mf"));
    const b = await runExfit(dirRates, experimentArgs(folder, "2st"));
    const worst = compareDataDirs(b, a, 1e-12);
    console.log(`2st.mf vs explicit model-free rates: ${worst.toExponential(2)}`);
    const constrained = Deno.readTextFileSync(`${a}/Parameters/constrained.toml`);
    assert.match(constrained, /mf_nh_d_r2_i\(500\.0, \[TAUC_B, NUC->1\], \[S2_B, NUC->1\]/);
    for (const d of [a, b]) Deno.removeSync(d, { recursive: true });
  } finally {
    for (const d of [dirMf, dirRates]) Deno.removeSync(d, { recursive: true });
  }
});

refdataTest("missing conditions are reported with the file and key", (r) => {
  const folder = `${r}/models/3st`;
  const load = (model: string) =>
    loadStudy({
      experiments: [`${folder}/Experiments/500mhz.toml`],
      parameters: [`${folder}/Parameters/parameters.toml`],
      model: parseModel(model),
    });
  assert.throws(() => load("2st_binding"), /500mhz\.toml.*needs \[conditions\] p_total/s);
  assert.throws(() => load("2st_eyring"), /needs \[conditions\] temperature/);
  assert.throws(() => load("2st.tc"), /needs \[conditions\] temperature/);
  assert.doesNotThrow(() => load("2st_hd"));
});

/**
 * ChemEx's simulate examples that use a kinetic model other than 2st. They run as soon as
 * their experiment types are in the catalog (other modules add CEST/D-CEST types).
 */
const MODEL_EXAMPLES: Record<string, string> = {
  "simulate/DCEST_15N_3States": "3st_linear",
  "simulate/DCEST_15N_HD_EXCH": "2st_hd",
  "simulate/Combination_2stBinding": "2st_binding",
  "simulate/CEST_15N_CW": "2st.mf",
  "simulate/CEST_15N_TR": "2st.mf",
  "simulate/CEST_1HN_IP_AP": "2st.rs",
  "simulate/CEST_CH3_1H_IP_AP": "2st.rs",
  "simulate/COSCEST_1HN_IP_AP": "2st.rs",
};
// Registered whatever the machine has, so a missing ../shared/refdata shows these as ignored.
for (const [folder, model] of Object.entries(MODEL_EXAMPLES)) {
  if (REFDATA === null) {
    simulateFixtureTest(folder);
    continue;
  }
  const args = referenceCommand(`${REFDATA}/${folder}`);
  assert.equal(args[args.indexOf("-d") + 1], model, folder);
  const missing = args.filter((a) => a.endsWith(".toml") && a.startsWith("Experiments/"))
    .map((a) =>
      /^\s*name\s*=\s*"([^"]+)"/m.exec(Deno.readTextFileSync(`${REFDATA}/${folder}/${a}`))
    )
    .map((m) => m![1].toLowerCase())
    .filter((name) => !(name in EXPERIMENTS));
  if (missing.length === 0) simulateFixtureTest(folder);
  else {
    Deno.test({ name: `simulate ${folder} (-d ${model})`, ignore: true, fn: () => {} });
    console.log(
      `notice: ${folder} (-d ${model}) waits for experiment types ${
        [...new Set(missing)].join(", ")
      }`,
    );
  }
}

refdataTest("4st_hd on its own (CEST) fixture equals 4st with its derived rates", async (r) => {
  const folder = `${r}/models/4st_hd`;
  // The fixture frees PHI_B = 1.2 ≠ PHI_A, which breaks detailed balance around the
  // A-B-D-C cycle (no 4st parameter set has those rates), so PHI_B keeps its tie to PHI_A here.
  const params = Deno.readTextFileSync(`${folder}/Parameters/parameters.toml`)
    .replace(/^PHI_B\s*=.*$/m, "");
  const hd = scratch(folder, params);
  const g = fixtureGlobals(folder);
  delete g.phi_b;
  const eq = nStateEquivalent("4st_hd", { d2o: 0.1 }, g, ["ab", "ac", "ad", "bc", "bd", "cd"]);
  const dir = scratch(folder, withGlobals(folder, { ...eq, TAUC_A: g.tauc_a }));
  try {
    await equivalent(folder, hd, "4st_hd", dir, "4st", 1e-9);
    // And the fixture as given (PHI_B free) runs: ChemEx 2026.06 crashes on it.
    const out = await runExfit(folder, referenceCommand(folder));
    const dat = Deno.readTextFileSync(`${out}/Data/13hz.dat`);
    assert.ok(!/nan|inf/i.test(dat), "finite intensities");
    Deno.removeSync(out, { recursive: true });
  } finally {
    Deno.removeSync(hd, { recursive: true });
  }
});
