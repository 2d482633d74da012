import { strict as assert } from "node:assert";
import { ConfigError } from "../src/config/errors.ts";
import { applyConstraints, chemexIdentity, similarity } from "../src/fit/constraints.ts";
import { applyStatus } from "../src/fit/step.ts";
import { runFit } from "../src/run/run.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { makeParamName, parseParamName } from "../src/params/name.ts";
import { parseSpinSystem } from "../src/params/spin_system.ts";
import { addParam, type ParamStore } from "../src/params/store.ts";
import { exfitCli, refdataTest } from "./_refdata.ts";

const ORIGIN = { file: "Methods/method.toml", step: "STEP1" };

/** R2_A/R2_B of two residues at two fields, plus a global PB and KEX_AB. */
function store(): ParamStore {
  const s: ParamStore = new Map();
  const init = { value: 1, min: 0, max: Infinity, vary: true, expr: "" };
  addParam(s, parseParamName("PB"), { ...init, value: 0.05 });
  addParam(s, parseParamName("KEX_AB"), { ...init, value: 300 });
  for (const res of ["15N", "31N"]) {
    for (const b0 of [500, 800]) {
      for (const name of ["R2_A", "R2_B"]) {
        addParam(s, makeParamName(name, parseSpinSystem(res), { h_larmor_frq: b0 }), init);
      }
    }
    addParam(s, makeParamName("DW_AB", parseSpinSystem(res)), init);
  }
  return s;
}

function expectConfigError(fn: () => unknown, ...patterns: RegExp[]): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    for (const p of patterns) assert.match(e.message, p);
    return;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("ChemEx identity text and similarity prefer the same spin and field", () => {
  const id = chemexIdentity(parseParamName("R2_A, NUC->15N, B0->500MHz"));
  assert.equal(id, "__R2_A_15N_500_0MHZ");
  assert.equal(chemexIdentity(parseParamName("KEX_AB, T->25C")), "__KEX_AB_25_0C");
  assert.ok(
    similarity("__R2_B_15N_500_0MHZ", "__R2_A_15N_500_0MHZ") >
      similarity("__R2_B_15N_500_0MHZ", "__R2_A_15N_800_0MHZ"),
  );
  assert.ok(
    similarity("__R2_B_15N_500_0MHZ", "__R2_A_15N_500_0MHZ") >
      similarity("__R2_B_15N_500_0MHZ", "__R2_A_31N_500_0MHZ"),
  );
  assert.equal(similarity("abc", "abc"), 100);
});

Deno.test("each reference resolves, per LHS parameter, to the most similar parameter", () => {
  const s = store();
  const changed = applyConstraints(s, ["[R2_B, NUC->N] = [R2_A, NUC->N]"], ORIGIN);
  assert.equal(changed.length, 4);
  for (const res of ["15N", "31N"]) {
    for (const b0 of ["500.0", "800.0"]) {
      const p = s.get(`R2_B, NUC->${res}, B0->${b0}MHZ`)!;
      assert.equal(p.expr, `[R2_A, NUC->${res}, B0->${b0}MHZ]`);
    }
  }
  // Arithmetic and functions are kept around the resolved references.
  applyConstraints(s, ["[DW_AB, NUC->31N] = 2 * sqrt([DW_AB, NUC->15N] ** 2) + [PB]"], ORIGIN);
  assert.equal(s.get("DW_AB, NUC->31N")!.expr, "2 * sqrt([DW_AB, NUC->15N] ** 2) + [PB]");
  // A reference that also selects the constrained parameter resolves to the others.
  const t = store();
  applyConstraints(t, ["[DW_AB, NUC->31N] = [DW_AB]"], ORIGIN);
  assert.equal(t.get("DW_AB, NUC->31N")!.expr, "[DW_AB, NUC->15N]");
});

Deno.test("CONSTRAINTS then FIX then FIT; the last constraint on a parameter wins", () => {
  const s = store();
  applyConstraints(s, ["[R2_B] = [R2_A]", "[R2_B, NUC->15N] = 2 * [R2_A]"], ORIGIN);
  assert.equal(s.get("R2_B, NUC->15N, B0->500.0MHZ")!.expr, "2 * [R2_A, NUC->15N, B0->500.0MHZ]");
  assert.equal(s.get("R2_B, NUC->31N, B0->500.0MHZ")!.expr, "[R2_A, NUC->31N, B0->500.0MHZ]");
  applyStatus(s, { fix: ["R2_B, NUC->31N"], fit: ["R2_B, B0->800MHz"] });
  const fixed = s.get("R2_B, NUC->31N, B0->500.0MHZ")!;
  assert.deepEqual([fixed.vary, fixed.expr], [false, ""]);
  const freed = s.get("R2_B, NUC->31N, B0->800.0MHZ")!;
  assert.deepEqual([freed.vary, freed.expr], [true, ""]);
  const kept = s.get("R2_B, NUC->15N, B0->500.0MHZ")!;
  assert.equal(kept.expr, "2 * [R2_A, NUC->15N, B0->500.0MHZ]");
});

Deno.test("constraints outside the language or resolving badly are errors naming file and step", () => {
  const bad: [string, RegExp][] = [
    ["[PB] = foo * 2", /"foo" is not a parameter reference/],
    ["[PB] = [KEX_AB].x", /property access|not allowed|Unexpected/],
    ["[PB] = gamma([KEX_AB])", /unknown function "gamma"/],
    ["[PB] = __import__('os')", /not|Unexpected|invalid/],
    ["[PB] == [KEX_AB]", /exactly one '='/],
    ["[PB] = [R1_A]", /\[R1_A\] selects no parameter/],
    ["[DW_AB, NUC->15N] = [DW_AB, NUC->15N]", /selects only the constrained parameter/],
    ["= [KEX_AB]", /left-hand side is empty/],
    ["[PB] = ", /right-hand side is empty/],
  ];
  for (const [text, pattern] of bad) {
    expectConfigError(
      () => applyConstraints(store(), [text], ORIGIN),
      /^Methods\/method\.toml: step \[STEP1\]: CONSTRAINTS entry/,
      pattern,
    );
  }
  // A cycle is reported and leaves the store as it was.
  const s = store();
  expectConfigError(
    () => applyConstraints(s, ["[PB] = 0.001 * [KEX_AB]", "[KEX_AB] = 1000 * [PB]"], ORIGIN),
    /circular parameter definitions/,
  );
  assert.equal(s.get("PB")!.expr, "");
});

refdataTest("a constrained parameter gets its value and propagated error", (refdata) => {
  const dir = `${refdata}/fit/CPMG_15N_IP`;
  const loaded = loadStudy({
    experiments: [`${dir}/Experiments/500mhz.toml`, `${dir}/Experiments/800mhz.toml`],
    parameters: [`${dir}/Parameters/parameters.toml`],
    model: parseModel("2st"),
    include: ["15", "31"],
  });
  const step = {
    name: "",
    fit: [],
    fix: [],
    constraints: ["[DW_AB, NUC->31N] = 0.5 * [DW_AB, NUC->15N] + 1"],
    origin: ORIGIN,
  };
  const [out] = [...runFit(loaded.study, loaded.store, [step], { plot: false, seed: 0 })];
  const dw15 = loaded.store.get("DW_AB, NUC->15N")!;
  const dw31 = loaded.store.get("DW_AB, NUC->31N")!;
  assert.ok(dw15.vary && dw15.stderr! > 0);
  assert.ok(Math.abs(dw31.value - (0.5 * dw15.value + 1)) < 1e-12);
  assert.ok(Math.abs(dw31.stderr! - 0.5 * dw15.stderr!) < 1e-3 * dw15.stderr!);
  const constrained = out.files.get("Parameters/constrained.toml")!;
  assert.match(constrained, /31N\s*=\s*\S+ # ±\S+ \(0\.5 \* \[DW_AB, NUC->15N\] \+ 1\)/);
  assert.doesNotMatch(out.files.get("Parameters/fitted.toml")!, /\[DW_AB\]\n15N[^\n]*\n31N/);
});

refdataTest("the CLI names the method file and step of a bad constraint", async (refdata) => {
  const dir = `${refdata}/fit/CPMG_15N_IP`;
  const tmp = Deno.makeTempDirSync({ prefix: "exfit_constraints_" });
  try {
    Deno.writeTextFileSync(
      `${tmp}/bad.toml`,
      '[STEP1]\nINCLUDE = [15]\nCONSTRAINTS = ["[DW_AB] = 2 * kex"]\n',
    );
    const { code, err } = await exfitCli([
      "fit",
      "-e",
      `${dir}/Experiments/500mhz.toml`,
      "-p",
      `${dir}/Parameters/parameters.toml`,
      "-m",
      `${tmp}/bad.toml`,
      "-o",
      `${tmp}/Output`,
    ]);
    assert.equal(code, 1);
    assert.match(err, /bad\.toml: step \[STEP1\]: CONSTRAINTS entry .*"kex" is not a parameter/);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
