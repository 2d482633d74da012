/**
 * Method format v2 (ChemEx 2026.09 spec §1): parsing, every error of §1.1–§1.3, and the v1 →
 * v2 normalisation of every ChemEx example method file (fixtures under tests/fixtures/methods_v2).
 */
import { strict as assert } from "node:assert";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readMethodPlan } from "../src/config/method_read.ts";
import type { MethodPlan, PlanStep } from "../src/config/method_plan.ts";
import { normaliseV1Grid, renderPlan } from "../src/config/method_plan.ts";
import { parseStrictConstraint, parseStrictSelector } from "../src/config/method_selector.ts";
import { parseSearchEntry } from "../src/config/method_search.ts";
import { expectError, tempWriter, walk } from "./_fixtures.ts";
import { refdataTest } from "./_refdata.ts";

const write = tempWriter("exfit_v2_");
const FIXTURES = fileURLToPath(new URL("./fixtures/methods_v2", import.meta.url));

function v2(body: string): string {
  return write("method.toml", `FORMAT_VERSION = 2\n${body}`);
}

function errorOf(body: string): string {
  return expectError(() => readMethodPlan([v2(body)])).message;
}

Deno.test("v2: the shipped CPMG_15N_IP example reads as its plan", () => {
  const plan = readMethodPlan([
    v2(`[STEP1]
INCLUDE = ["15", "31", "33", "34", "37"]
[STEP2]
INCLUDE = "ALL"
ROLES_FROM = "STEP1"
ROLES = [{ FIX = ["PB", "KEX_AB"] }]
`),
  ]);
  assert.equal(plan.format, 2);
  assert.deepEqual(plan.notices, []);
  assert.deepEqual(plan.steps.map((s) => [s.name, s.include, s.rolesFrom, s.roles]), [
    ["STEP1", ["15", "31", "33", "34", "37"], null, []],
    ["STEP2", "all", "STEP1", [{ kind: "fix", items: ["PB", "KEX_AB"] }]],
  ]);
});

Deno.test("v2: selection is step-local (no key = all profiles); [DEFAULT] is an ordinary step", () => {
  const plan = readMethodPlan([v2(`[DEFAULT]\n[S2]\nEXCLUDE = [15]\n`)]);
  assert.deepEqual(plan.steps.map((s) => [s.name, s.include, s.exclude]), [
    ["DEFAULT", "all", undefined],
    ["S2", "all", ["15"]],
  ]);
});

Deno.test("v2: the docs' broad-rule example and canonical rendering", () => {
  const plan = readMethodPlan([
    v2(`[S]
ROLES = [{ FIX = ["DW_AB"] }, { FIT = ["dw_ab, nuc->G24N-H"] }, { CONSTRAIN = ["[DW_AB, NUC->G31N-H] = [DW_AB, NUC->G24N-H]"] }]
`),
  ]);
  assert.deepEqual(plan.steps[0].roles, [
    { kind: "fix", items: ["DW_AB"] },
    { kind: "fit", items: ["DW_AB, NUC->G24N-H"] },
    { kind: "constrain", items: ["[DW_AB, NUC->G31N-H] = [DW_AB, NUC->G24N-H]"] },
  ]);
  assert.equal(parseStrictSelector("r2_b, b0->800.03mhz").canonical, "R2_B, B0->800.0MHz");
  assert.equal(
    parseStrictSelector("R2_A, D2O->0.1, [P]->1e-3M, T->25, NUC->15N").canonical,
    "R2_A, NUC->15N, T->25.0C, [P]->0.001M, D2O->0.1",
  );
  assert.equal(
    parseStrictConstraint("[r2_b, b0->800.03mhz] = -[r1_a] + 2 * ([r2_a] - 1) / 3"),
    "[R2_B, B0->800.0MHz] = -[R1_A] + 2 * ([R2_A] - 1) / 3",
  );
});

Deno.test("v2: search and statistics forms", () => {
  const plan = readMethodPlan([
    v2(`[G]
[G.SEARCH.GRID]
AXES = ["[PB] = values(0.01, 0.02, 0.05)", "[KEX_AB] = log(100.0, 5000.0, 12)", "[DW_AB] = lin(0.0, 10.0, 5)"]
[G.STATISTICS]
MC = 100
[G.STATISTICS.MCMC]
STEPS = 20000
BURN = 4000
SEED = 680
[P]
STATISTICS = { MC = 10, BS = 5 }
[P.SEARCH.PREPARE]
HOLD = ["PB", "KEX_AB"]
TRY_DW_SIGNS = ["DW_AB"]
[D]
[D.SEARCH.DE]
SEED = 18364758544493064721
COORDINATES = ["[PB] = log(0.001, 0.2)", "[DW_AB, NUC->K19N] = lin(-15.0, 15.0)"]
[D.STATISTICS.BS]
REPLICATES = 7
SEED = 3
`),
  ]);
  const [g, p, d] = plan.steps;
  assert.deepEqual(g.search, {
    kind: "grid",
    grammar: "v2",
    axes: [
      "[PB] = values(0.01, 0.02, 0.05)",
      "[KEX_AB] = log(100.0, 5000.0, 12)",
      "[DW_AB] = lin(0.0, 10.0, 5)",
    ],
  });
  assert.deepEqual(g.statistics, {
    mc: 100,
    mcmc: { steps: 20000, burn: 4000, thin: 1, seed: 680 },
  });
  assert.deepEqual(p.search, { kind: "prepare", hold: ["PB", "KEX_AB"], tryDwSigns: ["DW_AB"] });
  assert.deepEqual(p.statistics, { mc: 10, bs: 5 });
  assert.equal(d.search?.kind, "de");
  if (d.search?.kind === "de") {
    assert.equal(d.search.seed, "18364758544493064721");
    assert.deepEqual(d.search.coordinates, [
      "[PB] = log(0.001, 0.2)",
      "[DW_AB, NUC->K19N] = lin(-15.0, 15.0)",
    ]);
  }
  assert.deepEqual(d.statistics, { bs: 7, seeds: { bs: 3 } });
  const log = parseSearchEntry("[KEX_AB] = log(100.0, 5000.0, 12)", "v2").values.values;
  assert.equal(log.length, 12);
  assert.equal(log[0], 100);
  assert.equal(log[11], 5000);
  assert.ok(Math.abs(log[1] / log[0] - log[11] / log[10]) < 1e-12);
});

Deno.test("v1: deprecated, normalised (spec §1.11 example) and equal to its v2 form", () => {
  const v1 = readMethodPlan([
    write("m.toml", `[S]\nCONSTRAINTS=["[R2_B] = [R2_A]"]\nFIX=["PB"]\nFIT=["KEX_AB"]\n`),
  ]);
  assert.equal(v1.format, 1);
  assert.equal(v1.notices.length, 1);
  assert.match(v1.notices[0], /deprecated/);
  const modern = readMethodPlan([
    v2(`[S]
ROLES = [{ CONSTRAIN = ["[R2_B] = [R2_A]"] }, { FIX = ["PB"] }, { FIT = ["KEX_AB"] }]
`),
  ]);
  assert.deepEqual(comparable(v1), comparable(modern));
  // v1 selectors stay permissive (v2 rejects the same text).
  const loose = readMethodPlan([write("m.toml", `[S]\nFIX=["PB, TYPO->ignored"]\n`)]);
  assert.deepEqual(loose.steps[0].roles, [{ kind: "fix", items: ["PB, TYPO->ignored"] }]);
  assert.equal(normaliseV1Grid("[PB] = (0.1, 0.2)"), "[PB]=values(0.1,0.2)");
});

Deno.test("v2: errors of spec §1.1 (format detection, steps)", () => {
  assert.match(
    expectError(() => readMethodPlan([write("m.toml", "FORMAT_VERSION = 2.0\n[S]\n")])).message,
    /FORMAT_VERSION supports only version 2; omit it for legacy v1/,
  );
  assert.match(
    expectError(() => readMethodPlan([write("m.toml", 'FORMAT_VERSION = "2"\n[S]\n')])).message,
    /FORMAT_VERSION supports only version 2/,
  );
  assert.match(
    expectError(() => readMethodPlan([write("m.toml", "FORMAT_VERSION = 1\n[S]\n")])).message,
    /FORMAT_VERSION supports only version 2/,
  );
  assert.match(
    expectError(() => readMethodPlan([write("m.toml", "FORMAT_VERSION = 2\nformat_version = 2\n")]))
      .message,
    /Duplicate key 'format_version'/,
  );
  const a = v2("[S]\n");
  const b = write("old.toml", "[T]\n");
  assert.match(
    expectError(() => readMethodPlan([a, b])).message,
    /old\.toml: mixing method formats in one invocation/,
  );
  assert.match(errorOf("X = 3\n"), /'X' must be a step table/);
  assert.match(
    expectError(() => readMethodPlan([v2("[S]\n"), v2("[S]\n")])).message,
    /step \[S\] is defined again/,
  );
  assert.match(errorOf('["../up"]\n'), /must not be an absolute path or contain '\.\.'/);
  assert.match(errorOf('["/abs"]\n'), /must not be an absolute path/);
});

Deno.test("v2: errors of spec §1.2 (closed key set)", () => {
  assert.match(errorOf('[S]\nFIX = ["PB"]\n'), /:3:1: Unsupported v2 field FIX in step \[S\]/);
  assert.match(
    errorOf('[S]\nFITMETHOD = "trf"\n'),
    /V2 has no FITMETHOD; omit it because TRF is implicit/,
  );
  assert.match(errorOf("[S]\nInclude = [1]\nINCLUDE = [2]\n"), /Duplicate key 'INCLUDE'/);
  assert.match(errorOf("[S]\nROLES = []\n"), /ROLES must be a non-empty array/);
  assert.match(errorOf('[S]\nROLES = ["PB"]\n'), /exactly one key FIT, FIX or/);
  assert.match(errorOf('[S]\nROLES = [{ FIX = ["PB"], FIT = ["KEX_AB"] }]\n'), /exactly one key/);
  assert.match(errorOf('[S]\nROLES = [{ FREE = ["PB"] }]\n'), /unknown action 'FREE'/);
  assert.match(errorOf("[S]\nROLES = [{ FIX = [] }]\n"), /must not be empty/);
  assert.match(errorOf("[S]\nROLES = [{ FIX = [1] }]\n"), /must be an array of strings/);
  assert.match(
    errorOf('[S]\nROLES_FROM = "T"\n[T]\n'),
    /ROLES_FROM = "T" must name an earlier step/,
  );
  assert.match(errorOf('[S]\nROLES_FROM = "S"\n'), /must name an earlier step/);
  assert.match(errorOf("[S]\n[S.SEARCH]\n"), /SEARCH must hold exactly one of GRID, PREPARE/);
  assert.match(
    errorOf('[S.SEARCH.GRID]\nAXES = ["[PB] = lin(0, 1, 3)"]\n[S.SEARCH.PREPARE]\nHOLD = ["PB"]\n'),
    /exactly one of GRID, PREPARE \(or DE\), found 2/,
  );
  assert.match(
    errorOf('[S.SEARCH.PROFILE]\nHOLD = ["PB"]\n'),
    /Unsupported v2 field PROFILE in SEARCH/,
  );
  assert.match(errorOf("[S.SEARCH.GRID]\n"), /SEARCH.GRID needs AXES/);
  assert.match(errorOf("[S.SEARCH.GRID]\nAXES = []\n"), /must not be empty/);
  assert.match(
    errorOf('[S.SEARCH.GRID]\nAXES = ["[PB] = lin(0, 1, 3)"]\nSTEPS = 3\n'),
    /Unsupported v2 field STEPS in SEARCH.GRID/,
  );
});

Deno.test("v2: errors of spec §1.3 (selectors, constraints, search entries)", () => {
  const roles = (sel: string) => errorOf(`[S]\nROLES = [{ FIX = ["${sel}"] }]\n`);
  assert.match(roles("PB, TYPO->1"), /unknown qualifier "TYPO->" \(characters 5-11\)/);
  assert.match(roles("PB, T->25, T->30"), /qualifier T-> given twice/);
  assert.match(roles("PB,"), /trailing comma/);
  assert.match(roles("PB, , T->25"), /empty fragment/);
  assert.match(roles("1PB"), /is not a parameter name/);
  assert.match(roles(""), /empty parameter name/);
  assert.match(roles("PB, B0->-1"), /B0-> must be ≥ 0/);
  assert.match(roles("PB, D2O->1.5"), /D2O-> must lie strictly between 0 and 1/);
  assert.match(roles("PB, [P]->-1e-3M"), /\[P\]-> must be ≥ 0/);
  assert.match(roles("PB, T->abc"), /expected a number/);
  assert.match(roles("PB, NUC->"), /empty value after NUC->/);
  assert.match(roles("PB KEX"), /is not a parameter name/);
  const con = (c: string) => errorOf(`[S]\nROLES = [{ CONSTRAIN = ["${c}"] }]\n`);
  assert.match(con("[R2_B] = [R2_A] = 1"), /expected exactly one '='/);
  assert.match(con("R2_B = [R2_A]"), /left side must be one bracketed selector/);
  assert.match(con("[R2_B] = "), /empty right side/);
  assert.match(con("[R2_B] = [R2_A, FOO->1]"), /unknown qualifier "FOO->"/);
  const axis = (e: string) => errorOf(`[S.SEARCH.GRID]\nAXES = ["${e}"]\n`);
  assert.match(axis("[PB] = lin(0, 1, 1)"), /count must be an integer ≥ 2/);
  assert.match(axis("[PB] = lin(0, 1, 2.5)"), /count must be an integer ≥ 2/);
  assert.match(axis("[PB] = lin(1, 0, 3)"), /needs low < high/);
  assert.match(axis("[PB] = log(0, 1, 3)"), /log\(\) needs low > 0/);
  assert.match(axis("[PB] = values()"), /values\(\) needs ≥ 1 value/);
  assert.match(axis("[PB] = values(0.1, 0.1)"), /lists a value twice/);
  assert.match(axis("[PB] = range(0, 1, 3)"), /unknown function "range"/);
  assert.match(axis("[PB] = lin(0, 1e999, 3)"), /not finite/);
  assert.match(axis("PB = lin(0, 1, 3)"), /left side must be one bracketed selector/);
  const de = (e: string) => errorOf(`[S.SEARCH.DE]\nSEED = 1\nCOORDINATES = ["${e}"]\n`);
  assert.match(de("[PB] = lin(0, 1, 3)"), /lin\(\) takes 2 arguments/);
  assert.match(de("[PB] = values(0.1)"), /unknown function "values"/);
  assert.match(errorOf('[S.SEARCH.DE]\nCOORDINATES = ["[PB] = lin(0, 1)"]\n'), /needs SEED/);
  assert.match(
    errorOf('[S.SEARCH.DE]\nSEED = -1\nCOORDINATES = ["[PB] = lin(0, 1)"]\n'),
    /unsigned 64-bit integer/,
  );
  assert.match(
    errorOf('[S.SEARCH.DE]\nSEED = 1\nCOORDINATES = ["[PB] = lin(0, 1)", "[pb] = log(0.1, 1)"]\n'),
    /coordinate \[PB\] is listed twice/,
  );
  assert.match(
    errorOf("[S.SEARCH.PREPARE]\nHOLD = []\n"),
    /needs a non-empty HOLD or TRY_DW_SIGNS/,
  );
  assert.match(
    errorOf('[S.SEARCH.PREPARE]\nHOLD = ["DW_AB"]\nTRY_DW_SIGNS = ["DW_AB"]\n'),
    /DW_AB in both HOLD and TRY_DW_SIGNS/,
  );
  assert.match(errorOf('[S.SEARCH.PREPARE]\nMIRROR = ["DW_AB"]\n'), /Unsupported v2 field MIRROR/);
});

Deno.test("v2: errors of STATISTICS (spec §1.10)", () => {
  const st = (body: string) => errorOf(`[S.STATISTICS.MCMC]\n${body}\n`);
  for (const key of ["THIN = 2", "WALKERS = 64", "WORKERS = 2", "UPDATE_PARAMETERS = false"]) {
    assert.match(st(`STEPS = 100\n${key}`), /is not a v2 STATISTICS.MCMC field/);
  }
  assert.match(st('STEPS = 100\nBURN = "AUTO"'), /"AUTO" is not a v2 value/);
  assert.match(st("STEPS = 100\nBURN = 100"), /BURN \(100\) must be smaller than STEPS/);
  assert.match(st("BURN = 10"), /STATISTICS.MCMC needs STEPS/);
  assert.match(errorOf("[S.STATISTICS.MC]\nSEED = 1\n"), /STATISTICS.MC needs REPLICATES/);
  assert.match(errorOf("[S.STATISTICS.BS]\nREPLICATES = 1\nN = 1\n"), /Unsupported v2 field N/);
  assert.match(errorOf("[S.STATISTICS]\nMC = 0\n"), /must be/);
  assert.match(errorOf("[S.STATISTICS]\nJACKKNIFE = 3\n"), /Unsupported v2 field JACKKNIFE/);
});

/** A plan with v1 inheritance resolved and selectors canonical, for comparing formats. */
function comparable(plan: MethodPlan) {
  let selection: { include?: PlanStep["include"]; exclude?: PlanStep["exclude"] } = {
    include: "all",
  };
  const canon = (kind: string, s: string) => {
    if (kind === "constrain") return parseStrictConstraint(s);
    return parseStrictSelector(s).canonical;
  };
  return plan.steps.map((s) => {
    if (s.include !== undefined || s.exclude !== undefined || s.format === 2) {
      selection = { include: s.include ?? "all", exclude: s.exclude };
    }
    const inc = selection.include;
    const search = s.search;
    return {
      name: s.name,
      include: Array.isArray(inc) ? inc.map(String) : inc,
      exclude: selection.exclude,
      rolesFrom: s.rolesFrom,
      roles: s.roles.map((r) => ({ kind: r.kind, items: r.items.map((i) => canon(r.kind, i)) })),
      search: search?.kind === "grid"
        ? search.axes.map((a) => {
          const e = parseSearchEntry(a, search.grammar);
          return [parseStrictSelector(e.selector).canonical, e.values.values];
        })
        : search,
      statistics: s.statistics && {
        mc: s.statistics.mc,
        bs: s.statistics.bs,
        bsn: s.statistics.bsn,
        mcmc: s.statistics.mcmc,
        // v1 resampling always uses seed 0 (spec §1.11).
        seeds: Object.fromEntries(
          (["mc", "bs", "bsn"] as const).filter((k) => s.statistics![k] !== undefined)
            .map((k) => [k, Number(s.statistics!.seeds?.[k] ?? 0)]),
        ),
      },
    };
  });
}

refdataTest(
  "every ChemEx example method file has a v2 translation with the same plan",
  (refdata) => {
    const examples = `${refdata}/inputs/chemex-examples`;
    const v1Files = [...walk(examples)].filter((f) => /\/Methods\/[^/]+\.toml$/.test(f)).sort();
    assert.ok(v1Files.length >= 29, `found ${v1Files.length} example method files`);
    for (const v1File of v1Files) {
      const rel = v1File.slice(examples.length + 1).replace("/Methods/", "/");
      const v2File = join(FIXTURES, rel);
      const v1 = readMethodPlan([v1File]);
      const modern = readMethodPlan([v2File]);
      assert.equal(modern.format, 2, v2File);
      assert.deepEqual(comparable(modern), comparable(v1), rel);
      // The canonical rendering reads back as the same plan.
      const again = readMethodPlan([write("rendered.toml", renderPlan(modern))]);
      assert.deepEqual(comparable(again), comparable(modern), `${rel} (rendered)`);
    }
    assert.equal(dirname(FIXTURES).endsWith("fixtures"), true);
  },
);
