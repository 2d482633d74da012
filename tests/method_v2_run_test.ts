/**
 * Method format v2 against a loaded study and end to end: role validation before any step runs,
 * ROLES_FROM / baseline roles, the v2 translations of ChemEx examples giving the v1 runs' numbers,
 * the shipped example and one file per SEARCH kind (GRID, PREPARE, DE) through the CLI.
 */
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { planToSteps } from "../src/cli/method_steps.ts";
import { ConfigError } from "../src/config/errors.ts";
import { planMethod, restoreRoles } from "../src/fit/roles.ts";
import { runPrepare } from "../src/fit/prepare.ts";
import { fitGroup } from "../src/fit/step.ts";
import { createChunkEvaluator, makeChunk } from "../src/fit/chunk.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { tempWriter } from "./_fixtures.ts";
import { cpmg15nIpInputs, refdataTest, REPO } from "./_refdata.ts";

const write = tempWriter("exfit_v2run_");
const FIXTURES = fileURLToPath(new URL("./fixtures/methods_v2", import.meta.url));

function cpmg(refdata: string) {
  const dir = `${refdata}/fit/CPMG_15N_IP`;
  return loadStudy({
    experiments: [`${dir}/Experiments/500mhz.toml`, `${dir}/Experiments/800mhz.toml`],
    parameters: [`${dir}/Parameters/parameters.toml`],
    model: parseModel("2st"),
  });
}

function program(refdata: string, method: string) {
  const loaded = cpmg(refdata);
  const { steps } = planToSteps([write("method.toml", method)]);
  return { loaded, program: planMethod(loaded.store, loaded.study, steps) };
}

function planError(refdata: string, method: string): string {
  try {
    program(refdata, method);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message;
  }
  return assert.fail("expected a ConfigError");
}

refdataTest("roles: ROLES_FROM copies roles, no ROLES_FROM starts from the baseline", (refdata) => {
  const { loaded, program: p } = program(
    refdata,
    `FORMAT_VERSION = 2
[S1]
ROLES = [{ FIX = ["PB"] }, { CONSTRAIN = ["[DW_AB, NUC->15N] = [DW_AB, NUC->31N]"] }]
[S2]
ROLES_FROM = "S1"
ROLES = [{ FIT = ["DW_AB, NUC->15N"] }]
[S3]
`,
  );
  const dw15 = "DW_AB, NUC->15N";
  assert.equal(loaded.store.get("PB")!.vary, true, "the store keeps its baseline roles");
  assert.equal(p.roles[0].get("PB")!.vary, false);
  assert.match(p.roles[0].get(dw15)!.expr, /DW_AB, NUC->31N/);
  assert.equal(p.roles[1].get("PB")!.vary, false, "inherited through ROLES_FROM");
  assert.deepEqual(p.roles[1].get(dw15), { vary: true, expr: "" }, "a later action replaces");
  assert.equal(p.roles[2].get("PB")!.vary, true, "baseline again without ROLES_FROM");
  assert.deepEqual(p.roles[2].get(dw15), { vary: true, expr: "" });
  // v1: roles from the previous step, selection inherited.
  const v1 = program(refdata, `[A]\nINCLUDE = [15]\nFIX = ["PB"]\n[B]\nFIT = ["KEX_AB"]\n`).program;
  assert.equal(v1.roles[1].get("PB")!.vary, false);
  assert.equal(v1.selected[1].filter((x) => x).length, 2, "residue 15 at both fields");
});

refdataTest(
  "roles: selectors matching nothing are errors naming file, step and selector",
  (refdata) => {
    assert.match(
      planError(refdata, `FORMAT_VERSION = 2\n[S1]\n[S2]\nROLES = [{ FIX = ["KEX_BC"] }]\n`),
      /method\.toml: step \[S2\]: FIX selector \[KEX_BC\]: No parameter matches selector \[KEX_BC\]/,
    );
    // v1 too (spec §1.3), and every step is checked before any runs.
    assert.match(
      planError(refdata, `[S1]\nFIT = ["PB"]\n[S2]\nFIT = ["DW_AB, NUC->999N"]\n`),
      /step \[S2\]: FIT selector \[DW_AB, NUC->999N\]: No parameter matches selector/,
    );
    assert.match(
      planError(
        refdata,
        `FORMAT_VERSION = 2\n[S]\nROLES = [{ CONSTRAIN = ["[R2_C] = [R2_A]"] }]\n`,
      ),
      /step \[S\]: CONSTRAIN "\[R2_C\] = \[R2_A\]": No parameter matches selector \[R2_C\]/,
    );
    assert.match(
      planError(refdata, `FORMAT_VERSION = 2\n[S]\nINCLUDE = [15, 999]\n`),
      /step \[S\]: INCLUDE selector "999" matches no loaded profile/,
    );
  },
);

refdataTest(
  "a legacy method file's INCLUDE matching no profile is a warning (ChemEx runs its 2stBinding example)",
  (refdata) => {
    const { program: p } = program(refdata, `[S]\nINCLUDE = [15, "G999N"]\n`);
    assert.equal(p.warnings.length, 1);
    assert.match(
      p.warnings[0],
      /method\.toml: step \[S\]: INCLUDE selector "G999N" matches no loaded profile; ignored/,
    );
    assert.equal(p.selected[0].filter((x) => x).length, 2, "residue 15 at both fields");
  },
);

refdataTest("search targets are validated against the step's active FIT coordinates", (refdata) => {
  const grid = (axis: string, extra = "") =>
    planError(
      refdata,
      `FORMAT_VERSION = 2\n[S]\nINCLUDE = [15]\n${extra}[S.SEARCH.GRID]\nAXES = ["${axis}"]\n`,
    );
  assert.match(
    grid("[DW_AB, NUC->31N] = lin(0, 1, 3)"),
    /matches no FIT parameter of the step's selected/,
  );
  assert.match(
    grid("[PB] = lin(0, 1, 3)", 'ROLES = [{ FIX = ["PB"] }]\n'),
    /matches no FIT parameter/,
  );
  assert.match(
    grid("[PB] = lin(0.5, 2, 3)"),
    /Search range \[0\.5, 2\] lies outside physical bounds \[0, 1\] of PB/,
  );
  assert.match(grid("[XX] = lin(0, 1, 3)"), /No parameter matches selector \[XX\]/);
  const prepare = (body: string) =>
    planError(refdata, `FORMAT_VERSION = 2\n[S]\nINCLUDE = [15]\n[S.SEARCH.PREPARE]\n${body}\n`);
  assert.match(prepare('TRY_DW_SIGNS = ["PB"]'), /takes only constant DW_XY shift differences/);
  assert.match(prepare('HOLD = ["R1_A"]'), /HOLD \[R1_A\]: No parameter matches selector/);
  const de = planError(
    refdata,
    `FORMAT_VERSION = 2\n[S]\n[S.SEARCH.DE]\nSEED = 1\nCOORDINATES = ["[DW_AB] = lin(-5, 5)"]\n`,
  );
  assert.match(de, /must resolve to exactly one FIT coordinate, found \d+/);
  // A valid broad axis expands to the selected profiles' coordinates only.
  const ok = program(
    refdata,
    `FORMAT_VERSION = 2\n[S]\nINCLUDE = [15]\n[S.SEARCH.GRID]\nAXES = ["[DW_AB] = lin(0, 1, 3)"]\n`,
  );
  assert.equal(ok.program.roles.length, 1);
});

async function exfit(cwd: string, args: string[]) {
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO}src/cli/main.ts`, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const td = new TextDecoder();
  return { code: res.code, stdout: td.decode(res.stdout), stderr: td.decode(res.stderr) };
}

function readTree(dir: string, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of Deno.readDirSync(dir)) {
    // run_info/ records the invocation (paths, time): not a result.
    if (e.name.startsWith(".") || e.name === "run_info") continue;
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) {
      for (const [k, v] of readTree(path, `${prefix}${e.name}/`)) out.set(k, v);
    } else out.set(`${prefix}${e.name}`, Deno.readTextFileSync(path));
  }
  return out;
}

for (const example of ["CPMG_15N_IP", "RELAXATION_NZ"]) {
  refdataTest(
    `${example}: the v2 translation gives the v1 run's files exactly`,
    async (refdata) => {
      const dir = `${refdata}/fit/${example}`;
      const experiments = [...Deno.readDirSync(`${dir}/Experiments`)].map((e) =>
        `Experiments/${e.name}`
      )
        .sort();
      const tmp = Deno.makeTempDirSync({ prefix: "exfit_v1v2_" });
      try {
        const base = [
          "fit",
          "-e",
          ...experiments,
          "-p",
          "Parameters/parameters.toml",
          "--plot",
          "nothing",
        ];
        const v1 = await exfit(dir, [...base, "-m", "Methods/method.toml", "-o", `${tmp}/v1`]);
        assert.equal(v1.code, 0, v1.stderr);
        assert.match(v1.stderr, /^exfit: deprecated: .*v1 format/m);
        const v2File = `${FIXTURES}/Experiments/${example}/method.toml`;
        const v2 = await exfit(dir, [...base, "-m", v2File, "-o", `${tmp}/v2`]);
        assert.equal(v2.code, 0, v2.stderr);
        assert.doesNotMatch(v2.stderr, /deprecated/);
        const [a, b] = [readTree(`${tmp}/v1`), readTree(`${tmp}/v2`)];
        assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
        for (const [path, text] of a) assert.equal(b.get(path), text, path);
      } finally {
        Deno.removeSync(tmp, { recursive: true });
      }
    },
  );
}

/** `exfit fit` of CPMG_15N_IP with a v2 method file; returns the output folder's files. */
async function fitCpmg(refdata: string, method: string) {
  const dir = `${refdata}/fit/CPMG_15N_IP`;
  const tmp = Deno.makeTempDirSync({ prefix: "exfit_search_" });
  Deno.writeTextFileSync(`${tmp}/method.toml`, method);
  const r = await exfit(dir, [
    "fit",
    ...cpmg15nIpInputs({ method: `${tmp}/method.toml` }),
    "-o",
    `${tmp}/Output`,
    "--plot",
    "nothing",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const files = readTree(`${tmp}/Output`);
  Deno.removeSync(tmp, { recursive: true });
  return { files, stdout: r.stdout, stderr: r.stderr };
}

function chi2Of(stdout: string, step: string): number {
  const m = new RegExp(`^${step}: [^,]*, chi2 = ([0-9.e+-]+)`, "m").exec(stdout);
  assert.ok(m, stdout);
  return Number(m[1]);
}

refdataTest(
  "SEARCH.GRID end to end: profiled surface, Grid/ layout, statistics run",
  async (refdata) => {
    const { files, stderr } = await fitCpmg(
      refdata,
      `FORMAT_VERSION = 2
[STEP1]
INCLUDE = [15]
STATISTICS = { MC = 2 }
[STEP1.SEARCH.GRID]
AXES = ["[PB] = values(0.05, 0.07)", "[KEX_AB] = log(300.0, 400.0, 2)"]
`,
    );
    assert.doesNotMatch(stderr, /skipped/);
    assert.ok(!files.has("Grid/grid.out"), "v2 writes the new layout only");
    const summary = files.get("Grid/summary.toml")!;
    assert.match(summary, /^status = "complete"\nselected_chi_square = \d/);
    assert.match(summary, /factor_count = 1/);
    assert.match(
      summary,
      /\[\[selected_axes\]\]\nparameter_id = '__PB'\nname = '\[PB\]'\nvalue = 0\.0[57]/,
    );
    const factor = [...files.keys()].find((k) => k.startsWith("Grid/Factors/"))!;
    assert.match(factor, /^Grid\/Factors\/factor_01__pb__kex_ab__e1p\d+-e2p\d+\.tsv$/);
    const rows = files.get(factor)!.split("\n").filter((r) => r !== "");
    assert.equal(
      rows[0],
      "point\tprofiles\tpb\tkex_ab\tchi_square\tstatus\tselected\tobjective_evaluations\tfailure",
    );
    assert.equal(rows.length, 5);
    assert.equal(rows.filter((r) => r.split("\t")[6] === "true").length, 1);
    // objective_evaluations: the profile evaluations of each point's nuisance refit (R2, DW).
    for (const r of rows.slice(1)) {
      const n = r.split("\t")[7];
      assert.match(n, /^[1-9]\d*$/, r);
      assert.ok(Number(n) > 2, r);
    }
    assert.ok(files.has("Grid/Profiles/1D/pb.tsv") && files.has("Grid/Profiles/2D/kex_ab__pb.tsv"));
    assert.ok(files.has("Statistics/MonteCarlo/samples.tsv"), "STATISTICS run in a v2 GRID step");
    // GRID coordinates are not released by the step's final fit.
    assert.match(files.get("Parameters/fixed.toml")!, /PB/);
  },
);

refdataTest(
  "SEARCH.PREPARE end to end: held nuisance fit, sign search, full fit",
  async (refdata) => {
    const prepared = await fitCpmg(
      refdata,
      `FORMAT_VERSION = 2
[STEP1]
INCLUDE = [15]
[STEP1.SEARCH.PREPARE]
HOLD = ["PB", "KEX_AB"]
TRY_DW_SIGNS = ["DW_AB"]
`,
    );
    assert.ok(chi2Of(prepared.stdout, "fit") > 0);
    // The final fit releases HOLD: PB and KEX_AB are fitted.
    assert.match(prepared.files.get("Parameters/fitted.toml")!, /PB/);
    assert.match(prepared.files.get("Parameters/fitted.toml")!, /KEX_AB/);
  },
);

refdataTest("PREPARE keeps the DW sign with the lower held χ²", (refdata) => {
  const loaded = cpmg(refdata);
  const { steps } = planToSteps([
    write(
      "method.toml",
      `FORMAT_VERSION = 2\n[S]\nINCLUDE = [15]\n[S.SEARCH.PREPARE]\nHOLD = ["PB", "KEX_AB"]\n` +
        `TRY_DW_SIGNS = ["DW_AB"]\n`,
    ),
  ]);
  const p = planMethod(loaded.store, loaded.study, steps);
  restoreRoles(loaded.store, p.roles[0]);
  const selected = p.selected[0];
  const dw = "DW_AB, NUC->15N";
  // Start on the wrong side of zero; the flip must find the other sign when it fits better.
  const chi2At = (sign: number) => {
    const store = new Map([...loaded.store].map(([k, v]) => [k, { ...v }]));
    store.get(dw)!.value = sign * Math.abs(store.get(dw)!.value || 1);
    store.get("PB")!.vary = false;
    store.get("KEX_AB")!.vary = false;
    const chosen = selected.map((s, k) => s ? k : -1).filter((k) => k >= 0);
    const r = fitGroup(store, createChunkEvaluator(makeChunk(loaded.study, chosen))).residuals;
    return { chi2: r.reduce((a, v) => a + v * v, 0), dw: store.get(dw)!.value };
  };
  const [plus, minus] = [chi2At(1), chi2At(-1)];
  const best = plus.chi2 <= minus.chi2 ? plus : minus;
  const store = loaded.store;
  store.get(dw)!.value = -Math.sign(best.dw) * Math.abs(store.get(dw)!.value || 1);
  const notices = runPrepare(loaded.study, store, steps[0].search as never, selected);
  assert.deepEqual(notices, []);
  assert.equal(Math.sign(store.get(dw)!.value), Math.sign(best.dw));
  assert.ok(Math.abs(store.get(dw)!.value - best.dw) < 1e-3 * Math.abs(best.dw));
  assert.equal(store.get("PB")!.vary, true, "HOLD released after preparation");
});

refdataTest("SEARCH.DE end to end: DE then one TRF over the complete FIT set", async (refdata) => {
  const { files, stdout, stderr } = await fitCpmg(
    refdata,
    `FORMAT_VERSION = 2
[STEP1]
INCLUDE = [15]
[STEP1.SEARCH.DE]
SEED = 597
COORDINATES = ["[PB] = log(0.01, 0.2)", "[KEX_AB] = log(100.0, 1000.0)"]
`,
  );
  assert.match(stderr, /DE: χ² .* generations over 2 coordinates/);
  const fitted = files.get("Parameters/fitted.toml")!;
  assert.match(fitted, /KEX_AB/);
  assert.ok(chi2Of(stdout, "fit") > 0);
});
