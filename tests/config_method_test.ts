import { strict as assert } from "node:assert";
import { join } from "node:path";
import { readMethodFiles } from "../src/config/method.ts";
import { expectError, REFDATA_DIR as REFDATA, refdataTest, tempWriter } from "./_fixtures.ts";

const write = tempWriter("exfit_method_");

Deno.test("steps in file order with all keys", () => {
  const file = write(
    "m.toml",
    `[STEP1]
INCLUDE = [15, "G23N", 31]
fitmethod = "TRF"
GRID = ["[KEX_AB] = log(100.0, 600.0, 10)"]

[STEP2]
Include = "ALL"
EXCLUDE = ["L24", "*"]
FIX = ["PB", "KEX_AB"]
FIT = ["DW_AB"]
CONSTRAINTS = ["[R2_B] = [R2_A]"]
STATISTICS = { "MC" = 10, bs = 5, BSN = 3 }
`,
  );
  const steps = readMethodFiles([file]);
  assert.deepEqual(steps, [
    {
      name: "STEP1",
      fitmethod: "trf",
      include: ["15", "G23N", "31"],
      fit: [],
      fix: [],
      constraints: [],
      grid: ["[KEX_AB] = log(100.0, 600.0, 10)"],
      file,
    },
    {
      name: "STEP2",
      fitmethod: "trf",
      include: "all",
      exclude: "all",
      fix: ["PB", "KEX_AB"],
      fit: ["DW_AB"],
      constraints: ["[R2_B] = [R2_A]"],
      grid: [],
      statistics: { mc: 10, bs: 5, bsn: 3 },
      file,
    },
  ]);
});

Deno.test("files concatenate; a repeated step name replaces the earlier step in place", () => {
  const a = write("a.toml", '[STEP1]\nFIT = ["PB"]\n\n[STEP2]\nFIX = ["PB"]\n');
  const b = write("b.toml", '[STEP3]\nFIT = ["KEX_AB"]\n\n[STEP1]\nFIX = ["KEX_AB"]\n');
  const steps = readMethodFiles([a, b]);
  assert.deepEqual(steps.map((s) => [s.name, s.fit, s.fix, s.file]), [
    ["STEP1", [], ["KEX_AB"], b],
    ["STEP2", [], ["PB"], a],
    ["STEP3", ["KEX_AB"], [], b],
  ]);
  assert.deepEqual(readMethodFiles([]), []);
});

Deno.test("legacy fit methods are accepted with a warning naming the solver used", () => {
  const file = write(
    "m.toml",
    '[A]\nFITMETHOD = "leastsq"\n[B]\nFITMETHOD = "least_squares"\n[C]\nfitmethod = "Nelder"\n',
  );
  const [a, b, c] = readMethodFiles([file]);
  assert.equal(a.fitmethod, "trf");
  assert.match(
    a.fitmethodWarning ?? "",
    /"leastsq".*trust-region reflective least squares \(trf\)/,
  );
  assert.equal(b.fitmethodWarning, undefined);
  assert.match(c.fitmethodWarning ?? "", /"nelder"/);
  const bad = write("bad.toml", '[STEP1]\nFITMETHOD = "leastsqr"\n');
  const e = expectError(() => readMethodFiles([bad]));
  assert.match(e.message, /unknown fit method "leastsqr".*did you mean 'leastsq'\?/);
  assert.equal(e.line, 2);
});

Deno.test("unknown key names file, line, key and the closest valid key", () => {
  const file = write("m.toml", '[STEP1]\nFIT = ["PB"]\nFIXX = ["KEX_AB"]\n');
  const e = expectError(() => readMethodFiles([file]));
  assert.ok(e.message.startsWith(`${file}:3:1:`), e.message);
  assert.equal(e.key, "fixx");
  assert.match(e.message, /unknown key 'fixx' in step \[STEP1\]; did you mean 'fix'\?/);
});

Deno.test("malformed TOML and bad values", () => {
  const syntax = write("s.toml", '[STEP1]\nFIT = ["PB"\n');
  const s = expectError(() => readMethodFiles([syntax]));
  assert.match(s.message, /s\.toml:3:\d+: invalid TOML/);
  const cases: [string, RegExp, number][] = [
    ['FIT = "PB"\nFIX = [1]', /'fix' in \[STEP1\] must be a list of strings/, 3],
    ["INCLUDE = [1.5]", /'include' in \[STEP1\] must be "ALL", "\*" or a list/, 2],
    ["STATISTICS = { MC = 0 }", /'mc' in \[STEP1.statistics\] must be >= 1, got 0/, 2],
    ["STATISTICS = { MCX = 3 }", /unknown key 'mcx'.*did you mean 'mc'\?/, 2],
    ["STATISTICS = 10", /'statistics' in \[STEP1\] must be a table/, 2],
  ];
  for (const [body, pattern, line] of cases) {
    const file = write("m.toml", `[STEP1]\n${body}\n`);
    const e = expectError(() => readMethodFiles([file]));
    assert.match(e.message, pattern);
    assert.equal(e.line, line, e.message);
  }
  const top = write("top.toml", 'FIT = ["PB"]\n');
  assert.match(expectError(() => readMethodFiles([top])).message, /must be a step table/);
  // A single string is taken as a one-item list; integers become residue strings.
  const single = write("single.toml", '[S]\nFIT = "PB"\nINCLUDE = 23\n');
  const [step] = readMethodFiles([single]);
  assert.deepEqual(step.fit, ["PB"]);
  assert.deepEqual(step.include, ["23"]);
});

Deno.test("MCMC statistics: integer, inline and nested tables, validation", () => {
  const file = write(
    "m.toml",
    `[S1]
STATISTICS = { MCMC = 500 }

[S2]
[S2.STATISTICS.MCMC]
STEPS = 1000
BURN = 200
THIN = 4
WALKERS = 64
SEED = 18446744073709551615
WORKERS = 2
UPDATE_PARAMETERS = false

[S3]
STATISTICS = { mcmc = { steps = 10, burn = "AUTO", seed = 42 } }
`,
  );
  const [s1, s2, s3] = readMethodFiles([file]);
  assert.deepEqual(s1.statistics, { mcmc: { steps: 500, burn: "auto", thin: 1 } });
  assert.deepEqual(s2.statistics, {
    mcmc: {
      steps: 1000,
      burn: 200,
      thin: 4,
      walkers: 64,
      seed: 18446744073709551615n,
      workers: 2,
    },
  });
  assert.deepEqual(s3.statistics?.mcmc, { steps: 10, burn: "auto", thin: 1, seed: 42 });

  const bad: [string, RegExp][] = [
    ["{ steps = 10, burn = 10 }", /burn \(10\) must be smaller than steps \(10\)/],
    ["{ steps = 10, burn = 5, thin = 6 }", /keep no sample/],
    ["{ burn = 5 }", /missing required key 'steps'/],
    ["{ steps = 10, seed = -1 }", /unsigned 64-bit integer, got -1/],
    ["{ steps = 10, update_parameters = true }", /'update_parameters' must be false/],
    ['{ steps = 10, burn = "later" }', /must be "auto" or an integer/],
    ["{ steps = 10, walker = 3 }", /unknown key 'walker'.*did you mean 'walkers'\?/],
  ];
  for (const [mcmc, pattern] of bad) {
    const f = write("m.toml", `[S]\nSTATISTICS = { MCMC = ${mcmc} }\n`);
    const e = expectError(() => readMethodFiles([f]));
    assert.match(e.message, pattern);
    assert.equal(e.line, 2, e.message);
  }
});

refdataTest("refdata method files", () => {
  const grid = readMethodFiles([join(REFDATA, "fit/CPMG_15N_IP_grid/Methods/method_grid.toml")]);
  assert.deepEqual(grid.map((s) => s.name), ["STEP1", "STEP2", "STEP3", "STEP4"]);
  assert.deepEqual(grid[0].include, ["15", "31", "33", "34", "37"]);
  assert.equal(grid[0].grid.length, 3);
  assert.equal(grid[2].include, "all");
  const stat = readMethodFiles([join(REFDATA, "fit/CPMG_15N_IP_stat/Methods/method_stat.toml")]);
  assert.deepEqual(stat[0].statistics, { mc: 10, bs: 10, bsn: 10 });
  const def = readMethodFiles([join(REFDATA, "fit/RELAXATION_NZ/Methods/method.toml")]);
  assert.deepEqual(def.map((s) => [s.name, s.fix]), [["DEFAULT", ["PB", "KEX_AB"]]]);
});
