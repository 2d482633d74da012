/**
 * Model changes of ChemEx 2026.09 (spec §6): KEQ/KEX inputs of 3st_binding_cs/if and their
 * migration errors, equilibrium populations, frozen edges, the Eyring variants, --compat 2026.06.
 */
import { strict as assert } from "node:assert";
import { kineticModel, parseModel } from "../src/models/model.ts";
import { migrationMessage, retiredInputs } from "../src/models/migration.ts";
import { narrowToDefault } from "../src/models/bounds.ts";
import { loadStudy } from "../src/io/load.ts";
import { planToSteps } from "../src/cli/method_steps.ts";
import { planMethod } from "../src/fit/roles.ts";
import { ConfigError } from "../src/config/errors.ts";
import { evaluateSettings } from "./_models.ts";
import { tempWriter } from "./_fixtures.ts";
import { refdataTest } from "./_refdata.ts";

const write = tempWriter("exfit_models2609_");
const COND = { temperature: 25, p_total: 1e-3, l_total: 4e-4 };

Deno.test("3st_binding_cs: KEQ/KEX ↔ KAB/KBA, association, detailed balance", () => {
  const s = kineticModel(parseModel("3st_binding_cs")).settings(COND);
  const v = evaluateSettings(s, { kd_app: 2e-5, koff_bc: 150, keq_ab: 0.25, kex_ab: 500 });
  // KEQ = KAB/KBA, KEX = KAB + KBA.
  assert.ok(Math.abs(v.kab / v.kba - 0.25) < 1e-14);
  assert.ok(Math.abs(v.kab + v.kba - 500) < 1e-12);
  assert.ok(Math.abs(v.pb / v.pa - 0.25) < 1e-14, "B/A = KEQ_AB");
  assert.ok(Math.abs((v.pa + v.pb) * v.c_l / v.pc - 2e-5) < 1e-18, "KD_APP = U·L/C");
  assert.ok(Math.abs(v.c_l + COND.p_total * v.pc - COND.l_total) < 1e-18, "ligand mass balance");
  assert.ok(Math.abs(v.pb * v.kbc - v.pc * v.kcb) < 1e-9, "P_B·k_BC = P_C·k_CB");
  assert.equal(v.kcb, 150);
  assert.ok(Math.abs(v.kd_bc - 2e-5 * 0.25 / 1.25) < 1e-20);
  assert.ok(Math.abs(v.kon_bc - 150 / v.kd_bc) < 1e-6 * v.kon_bc);
  // KEX = 0 and KOFF = 0 freeze an edge and keep the composition.
  const frozen = evaluateSettings(s, { kd_app: 2e-5, koff_bc: 0, keq_ab: 0.25, kex_ab: 0 });
  assert.deepEqual([frozen.kab, frozen.kba, frozen.kbc, frozen.kcb], [0, 0, 0, 0]);
  assert.deepEqual([frozen.pa, frozen.pb, frozen.pc], [v.pa, v.pb, v.pc]);
  // Defaults and bounds of spec §6.2.
  assert.deepEqual(
    ["kd_app", "koff_bc", "keq_ab", "kex_ab"].map((
      k,
    ) => [s[k].value, ...narrowToDefault(s[k].name, s[k].min, s[k].max), s[k].vary]),
    [[1e-6, 5e-324, 1, true], [100, 0, 1e6, true], [1, 5e-324, 1e6, true], [200, 0, 1e6, true]],
  );
});

Deno.test("3st_binding_if: KEQ/KEX ↔ KBC/KCB, association, detailed balance", () => {
  const s = kineticModel(parseModel("3st_binding_if")).settings(COND);
  const v = evaluateSettings(s, { kd_app: 5e-5, koff_ab: 300, keq_bc: 2, kex_bc: 1200 });
  assert.ok(Math.abs(v.kbc / v.kcb - 2) < 1e-14);
  assert.ok(Math.abs(v.kbc + v.kcb - 1200) < 1e-9);
  assert.ok(Math.abs(v.pc / v.pb - 2) < 1e-14);
  assert.ok(Math.abs(v.pa * v.c_l / (v.pb + v.pc) - 5e-5) < 1e-18, "KD_APP = A·L/(B+C)");
  assert.ok(Math.abs(v.pa * v.kab - v.pb * v.kba) < 1e-9, "P_A·k_AB = P_B·k_BA");
  assert.equal(v.kba, 300);
  assert.ok(Math.abs(v.kd_ab - 5e-5 * 3) < 1e-18);
  assert.deepEqual(narrowToDefault("KEQ_BC", s.keq_bc.min, s.keq_bc.max), [0, 1e6]);
});

Deno.test("Eyring variants: 3st_eyring = linear (no A <-> C), fork has no B <-> C", () => {
  const lin = kineticModel(parseModel("3st_eyring")).settings({ temperature: 0 });
  assert.equal(parseModel("3st_eyring").name, "3st_eyring_linear");
  assert.ok(!("dh_ac" in lin) && !("kac" in lin) && "kbc" in lin);
  const fork = kineticModel(parseModel("3st_eyring_fork")).settings({ temperature: 0 });
  assert.ok(!("dh_bc" in fork) && !("kbc" in fork) && "kac" in fork);
  assert.deepEqual([fork.dh_ac.value, fork.dh_ac.vary, fork.ds_ac.value, fork.ds_ac.vary], [
    65000,
    true,
    0,
    false,
  ]);
  assert.deepEqual([
    ...narrowToDefault("DH_B", lin.dh_b.min, lin.dh_b.max),
    ...narrowToDefault("DS_AB", lin.ds_ab.min, lin.ds_ab.max),
  ], [
    -2e5,
    2e5,
    -500,
    500,
  ]);
  // 0 °C is a real temperature: rates at 273.15 K.
  const v = evaluateSettings(lin);
  const k = 1.380649e-23 * 273.15 / 6.62607015e-34 *
    Math.exp(-65000 / (8.31446261815324 * 273.15));
  assert.ok(Math.abs(v.kab / k - 1) < 1e-12, `${v.kab} vs ${k}`);
  // --compat 2026.06 keeps the old 3st_eyring (with its closed A <-> C).
  assert.ok(
    "dh_ac" in kineticModel(parseModel("3st_eyring", "2026.06")).settings({ temperature: 20 }),
  );
});

Deno.test("migration messages (spec §6.2): conversion, incomplete pair, zeros, large values", () => {
  assert.deepEqual(retiredInputs("3st_binding_cs"), ["KAB", "KBA"]);
  assert.deepEqual(retiredInputs("2st"), []);
  const m = migrationMessage("3st_binding_if", { KBC: 400, KCB: 800 });
  assert.match(m, /KBC\/KCB are no longer inputs of 3st_binding_if \(ChemEx 2026\.09\)/);
  assert.match(m, /KEQ_BC = 0\.5, KEX_BC = 1200\.0/);
  assert.match(m, /--compat 2026\.06/);
  assert.match(migrationMessage("3st_binding_cs", { KAB: 10 }), /only KAB was given/);
  assert.match(migrationMessage("3st_binding_cs", { KAB: 0, KBA: 0 }), /freezes the edge/);
  assert.match(
    migrationMessage("3st_binding_cs", { KAB: 5, KBA: 0 }),
    /KBA = 0 makes KEQ_AB infinite/,
  );
  assert.match(migrationMessage("3st_binding_cs", { KAB: 0, KBA: 5 }), /KAB = 0 gives KEQ_AB = 0/);
  assert.match(
    migrationMessage("3st_binding_cs", { KAB: 2e7, KBA: 1 }),
    /KEQ_AB = 20000000\.0 \(above 1000000\.0: write \[20000000\.0, 0\.0, 20000000\.0\]\)/,
  );
});

refdataTest("old inputs give the migration error in parameter files and method roles", (r) => {
  const folder = `${r}/models/3st_binding_if`;
  const experiments = [`${folder}/Experiments/500mhz.toml`, `${folder}/Experiments/800mhz.toml`];
  const parameters = [`${folder}/Parameters/parameters.toml`];
  assert.throws(
    () => loadStudy({ experiments, parameters, model: parseModel("3st_binding_if") }),
    (e) =>
      e instanceof ConfigError &&
      /parameters\.toml: .*KEQ_BC = 0\.5, KEX_BC = 1200\.0/.test(e.message),
  );
  // With --compat 2026.06 the old parameterisation loads.
  const old = loadStudy({
    experiments,
    parameters,
    model: parseModel("3st_binding_if", "2026.06"),
  });
  assert.ok(
    old.store.has("KBC, T->25.0C") || [...old.store.keys()].some((k) => k.startsWith("KBC")),
  );
  // A method role naming a retired input.
  const fresh = write(
    "p.toml",
    Deno.readTextFileSync(parameters[0]).replace(/^KBC.*\n^KCB.*\n/m, ""),
  );
  const loaded = loadStudy({
    experiments,
    parameters: [fresh],
    model: parseModel("3st_binding_if"),
  });
  const { steps } = planToSteps([
    write("m.toml", 'FORMAT_VERSION = 2\n[S]\nROLES = [{ FIX = ["KBC"] }]\n'),
  ]);
  assert.throws(
    () => planMethod(loaded.store, loaded.study, steps),
    /step \[S\]: FIX "KBC": KBC\/KCB are no longer inputs of 3st_binding_if/,
  );
});

Deno.test("4st/5st/6st: every structural KEX starts at 200, fitted; --compat 2026.06 keeps 0, fixed", () => {
  for (const name of ["4st", "5st", "6st"]) {
    const now = kineticModel(parseModel(name)).settings({});
    const old = kineticModel(parseModel(name, "2026.06")).settings({});
    for (const e of ["ad", "bd"]) {
      assert.deepEqual([now[`kex_${e}`].value, now[`kex_${e}`].vary], [200, true], `${name} ${e}`);
      assert.deepEqual([old[`kex_${e}`].value, old[`kex_${e}`].vary], [0, false], `${name} ${e}`);
    }
    assert.deepEqual([now.kex_ab.value, now.kex_ab.vary], [200, true]);
  }
});

Deno.test("oligomers (#763, #769): n-body association, mass-balance populations, KOFF = 0 freezes", () => {
  const c = { p_total: 1e-3 };
  for (const [n, what] of [[3, "trimer"], [4, "tetramer"]] as const) {
    const s = kineticModel(parseModel(`2st_monomer_${what}`)).settings(c);
    assert.ok(!("kon" in s), "KON is no longer listed");
    const v = evaluateSettings(s, { kd: 0.036, koff: 100 });
    const m = v.c_monomer;
    assert.ok(Math.abs(v.kab / (n * 100 / 0.036 * m ** (n - 1)) - 1) < 1e-12, `${what} k_AB`);
    assert.ok(Math.abs(v.pb / (n * m ** n / 0.036 / 1e-3) - 1) < 1e-12, `${what} P_B`);
    const frozen = evaluateSettings(s, { kd: 0.036, koff: 0 });
    assert.deepEqual([frozen.kab, frozen.kba, frozen.pa, frozen.pb], [0, 0, v.pa, v.pb]);
    // 2026.06.1: k_AB = n·KON·[M] and rate populations (the refdata tetramer's PB = 0.1).
    const old = evaluateSettings(
      kineticModel(parseModel(`2st_monomer_${what}`, "2026.06")).settings(c),
      { kd: 0.036, koff: 100 },
    );
    assert.ok(Math.abs(old.kab / (n * 100 / 0.036 * m) - 1) < 1e-12);
    assert.ok(old.pb > 100 * v.pb, `${what}: ${old.pb} vs ${v.pb}`);
  }
});

Deno.test("association models (#769): KOFF = 0 freezes the exchange and keeps the composition", () => {
  const c = { p_total: 1e-3, l_total: 6e-4, temperature: 25 };
  const cases: [string, Record<string, number>][] = [
    ["2st_binding", { koff: 100 }],
    ["3st_double_binding", { koff_ab: 100, koff_ac: 50 }],
    ["3st_binding_partner_2st", { koff_ab: 100, koff_ac: 50 }],
    ["4st_binding_partner_2st", { koff_ab: 100, koff_ac: 50 }],
    ["3st_monomer_dimer_trimer", { koff1: 100, koff2: 50 }],
    ["3st_monomer_dimer_tetramer", { koff1: 100, koff2: 50 }],
  ];
  for (const [name, koffs] of cases) {
    const model = parseModel(name);
    const s = kineticModel(model).settings(c);
    const live = evaluateSettings(s, koffs);
    const zero = evaluateSettings(s, Object.fromEntries(Object.keys(koffs).map((k) => [k, 0])));
    const pops = model.states.map((x) => `p${x}`);
    for (const p of pops) {
      assert.ok(Number.isFinite(zero[p]) && Math.abs(zero[p] - live[p]) < 1e-12, `${name} ${p}`);
    }
    assert.ok(Math.abs(pops.reduce((a, p) => a + live[p], 0) - 1) < 1e-12, `${name} sum`);
    for (const k of ["kab", "kba", "kac", "kca"].filter((k) => k in s)) {
      assert.equal(zero[k], 0, `${name} ${k}`);
    }
  }
});
