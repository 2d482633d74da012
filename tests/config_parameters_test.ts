import { strict as assert } from "node:assert";
import { join } from "node:path";
import { readParameterFiles } from "../src/config/parameters.ts";
import { expectError, REFDATA_DIR as REFDATA, refdataTest, tempWriter } from "./_fixtures.ts";

const write = tempWriter("exfit_par_");

Deno.test("selectors, value forms and bounds", () => {
  const file = write(
    "p.toml",
    `[GLOBAL]
PB = 0.07
KEX_AB = [400.0, 0.0, inf]
"KEX_AB, T->25.0C" = [300, 1, 1000, 10]

[CS_A]
G23N = [120.5]
"L24N" = 118 # comment

["R2_A, B0->800.0MHZ"]
G23N = [5.0, -inf, inf]
L24N = 1e-3

[dw_ab]
G23N = [1.0, -5.0]
`,
  );
  const entries = readParameterFiles([file]);
  assert.deepEqual(
    entries.map((e) => [e.selector, e.value, e.min, e.max, e.line]),
    [
      ["PB", 0.07, undefined, undefined, 2],
      ["KEX_AB", 400, 0, Infinity, 3],
      ["KEX_AB, T->25.0C", 300, 1, 1000, 4],
      ["CS_A, NUC->G23N", 120.5, undefined, undefined, 7],
      ["CS_A, NUC->L24N", 118, undefined, undefined, 8],
      ["R2_A, B0->800.0MHZ, NUC->G23N", 5, -Infinity, Infinity, 11],
      ["R2_A, B0->800.0MHZ, NUC->L24N", 1e-3, undefined, undefined, 12],
      ["dw_ab, NUC->G23N", 1, -5, undefined, 15],
    ],
  );
  assert.ok(entries.every((e) => e.file === file));
});

Deno.test("files merge in order: later value, first position, case-insensitive", () => {
  const a = write("a.toml", "[GLOBAL]\nPB = 0.1\nKEX_AB = 200\n\n[CS_A]\nG23N = 120\n");
  const b = write("b.toml", "[cs_a]\ng23n = 121\nL24N = 118\n\n[global]\npb = [0.2, 0, 1]\n");
  const entries = readParameterFiles([a, b]);
  assert.deepEqual(entries.map((e) => [e.selector, e.value, e.file]), [
    ["pb", 0.2, b],
    ["KEX_AB", 200, a],
    ["cs_a, NUC->g23n", 121, b],
    ["cs_a, NUC->L24N", 118, b],
  ]);
  assert.equal(entries[0].min, 0);
  assert.equal(entries[0].line, 6);
});

Deno.test("invalid values name file, line and key", () => {
  const cases: [string, RegExp, number][] = [
    [
      '[GLOBAL]\nPB = 0.1\nKEX_AB = "fast"\n',
      /parameter 'KEX_AB' in \[GLOBAL\] must be a number/,
      3,
    ],
    ["[GLOBAL]\nPB = [0.1, 0, 1, 0.01, 5]\n", /\(5 items\)/, 2],
    ["[GLOBAL]\nPB = []\n", /\(0 items\)/, 2],
    ["[CS_A]\nG23N = [120, true]\n", /parameter 'G23N' in \[CS_A\] must be a number/, 2],
    ["[GLOBAL.PB]\nvalue = 1\n", /parameter 'PB' in \[GLOBAL\] must be .*got a table/, 1],
  ];
  for (const [text, pattern, line] of cases) {
    const file = write("bad.toml", text);
    const e = expectError(() => readParameterFiles([file]));
    assert.match(e.message, pattern);
    assert.equal(e.line, line, e.message);
    assert.ok(e.message.startsWith(`${file}:${line}:`), e.message);
  }
  const top = write("top.toml", "PB = 0.1\n");
  const e = expectError(() => readParameterFiles([top]));
  assert.match(e.message, /'PB' must be inside a section: put it under \[GLOBAL\]/);
  assert.equal(e.key, "PB");
  const syntax = write("syntax.toml", "[GLOBAL]\nPB = \n");
  const s = expectError(() => readParameterFiles([syntax]));
  assert.match(s.message, /syntax\.toml:2:\d+: invalid TOML/);
  const missing = join(Deno.makeTempDirSync(), "none.toml");
  assert.equal(
    expectError(() => readParameterFiles([missing])).message,
    `${missing}: file not found`,
  );
});

Deno.test("numeric strings are accepted (as ChemEx's lax validation does)", () => {
  const file = write("s.toml", '[GLOBAL]\nPB = ["0.1", "0", "inf"]\n');
  const [e] = readParameterFiles([file]);
  assert.deepEqual([e.value, e.min, e.max], [0.1, 0, Infinity]);
});

refdataTest("refdata parameter files, including ChemEx outputs, are accepted", () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) walk(path);
      else if (
        path.endsWith(".toml") &&
        (path.includes("/Parameters/") || path.endsWith("parameters_used.toml"))
      ) files.push(path);
    }
  };
  walk(REFDATA);
  assert.ok(files.length > 400);
  let count = 0;
  for (const file of files) {
    // Two legacy (2025.10) outputs contain `KEY = ` with no value: invalid TOML that ChemEx
    // cannot read either (tomllib: "Invalid value (at line 2, column 7)").
    const invalid = /=[ \t]*$/m.test(Deno.readTextFileSync(file));
    if (invalid) {
      const e = expectError(() => readParameterFiles([file]));
      assert.equal(e.line, 2, file);
      assert.equal(e.column, 7, file);
      continue;
    }
    count += readParameterFiles([file]).length;
  }
  assert.ok(count > 10000, `${count} entries`);

  const used = readParameterFiles([
    join(REFDATA, "fit/CPMG_15N_IP/Output/run_info/parameters_used.toml"),
  ]);
  assert.deepEqual(used[0], {
    selector: "CS_A, NUC->1N",
    value: 126.886,
    min: -Infinity,
    max: Infinity,
    file: join(REFDATA, "fit/CPMG_15N_IP/Output/run_info/parameters_used.toml"),
    line: 9,
  });
  const fitted = readParameterFiles([
    join(REFDATA, "fit/CPMG_15N_IP/Output/STEP1/Parameters/fitted.toml"),
  ]);
  assert.deepEqual(fitted.slice(0, 3).map((e) => [e.selector, e.value]), [
    ["KEX_AB", 381.709],
    ["PB", 0.0702971],
    ["DW_AB, NUC->15N", 1.99993],
  ]);
  assert.ok(fitted.some((e) => e.selector === "R2_A, B0->500.0MHZ, NUC->15N"));

  // Input file merged with a fitted output: fitted values override, positions stay.
  const merged = readParameterFiles([
    join(REFDATA, "fit/CPMG_15N_IP/Parameters/parameters.toml"),
    join(REFDATA, "fit/CPMG_15N_IP/Output/STEP1/Parameters/fitted.toml"),
  ]);
  assert.deepEqual(merged.slice(0, 2).map((e) => [e.selector, e.value]), [
    ["PB", 0.0702971],
    ["KEX_AB", 381.709],
  ]);
});
