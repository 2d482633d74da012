/**
 * The layering of docs/architecture.md holds in the code: every import arrow of src/,
 * functions/ and workflows/ points down, `_private` modules stay in their folder, the core does
 * no I/O; and the checker itself catches each kind of breach in a small fixture tree.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import {
  CHECKED_ROOTS,
  coreIoViolations,
  importGraph,
  importsOf,
  LAYERS,
  layerViolations,
  loadedAtStart,
  staticPackages,
  tsFiles,
} from "./_imports.ts";
import { fileTooLong, longFunctions, MAX_FILE_LINES, MAX_FUNCTION_LINES } from "./_sizes.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./fixtures/architecture", import.meta.url));

Deno.test("every import of src/, functions/ and workflows/ follows the layers", () => {
  const arrows = importGraph(REPO);
  assert.ok(arrows.length > 300, `only ${arrows.length} imports found: is the parser broken?`);
  const bad = layerViolations(arrows);
  assert.deepEqual(bad, [], `\n${bad.join("\n")}\n(see docs/architecture.md, "Layers")`);
});

Deno.test("the core (math, nmr, solver, params, models, experiments) does no I/O", () => {
  const files = CHECKED_ROOTS.flatMap((r) => tsFiles(REPO, r));
  const bad = coreIoViolations(REPO, files);
  assert.deepEqual(bad, [], bad.join("\n"));
});

Deno.test("every folder of src/ has a layer, and docs/architecture.md lists the same order", () => {
  const folders = [...Deno.readDirSync(`${REPO}/src`)].filter((e) => e.isDirectory)
    .map((e) => `src/${e.name}`);
  const known = LAYERS.flat();
  for (const f of folders) assert.ok(known.includes(f), `${f} is in no layer`);
  const doc = Deno.readTextFileSync(`${REPO}/docs/architecture.md`);
  const section = doc.slice(
    doc.indexOf("## Layers"),
    doc.indexOf("##", doc.indexOf("## Layers") + 3),
  );
  let last = -1;
  for (const f of known.filter((k) => k !== "src/report" || section.includes(k))) {
    const at = section.indexOf(f);
    assert.ok(at >= 0, `docs/architecture.md, Layers: ${f} is not mentioned`);
    assert.ok(at > last, `docs/architecture.md, Layers: ${f} is out of order`);
    last = at;
  }
});

Deno.test("the checker fails on a wrong arrow, a private import, a lazy import and core I/O", () => {
  const arrows = importGraph(FIXTURE, ["src"]);
  const bad = layerViolations(arrows);
  assert.deepEqual(bad.sort(), [
    "src/nmr/wrong_way.ts:2 imports src/fit/step.ts: src/nmr (layer 2) may not depend on " +
    "src/fit (layer 7)",
    "src/params/lazy.ts:2 imports src/stats/uses_private.ts: src/params (layer 3) may not " +
    "depend on src/stats (layer 9)",
    "src/stats/uses_private.ts:2 imports src/fit/_private.ts: private module used outside " +
    "src/fit/",
  ]);
  const io = coreIoViolations(FIXTURE, tsFiles(FIXTURE, "src"));
  assert.deepEqual(io, ["src/params/reads_file.ts:2: I/O in the core"]);
});

Deno.test(`no function of src/, functions/ and workflows/ is over ${MAX_FUNCTION_LINES} lines`, () => {
  const bad = CHECKED_ROOTS.flatMap((r) => tsFiles(REPO, r))
    .flatMap((f) => longFunctions(f, Deno.readTextFileSync(`${REPO}/${f}`)))
    .map((fn) => `${fn.file}:${fn.line} ${fn.name} is ${fn.lines} lines`);
  assert.deepEqual(bad, [], `\n${bad.join("\n")}\n(split it into named pieces)`);
});

Deno.test(`no file of src/, functions/ and workflows/ is over ${MAX_FILE_LINES} lines without a note`, () => {
  const bad = CHECKED_ROOTS.flatMap((r) => tsFiles(REPO, r))
    .filter((f) => fileTooLong(Deno.readTextFileSync(`${REPO}/${f}`)));
  assert.deepEqual(
    bad,
    [],
    `over ${MAX_FILE_LINES} lines: split by concern, or say in the opening comment why it is ` +
      `"Kept in one file"`,
  );
});

Deno.test("the size checker finds long functions by name and long files without a note", () => {
  const body = "  x++;\n".repeat(150);
  const text = [
    `export function declared() {\n${body}}`,
    `const arrow = () => {\n${body}};`,
    `class C {\n  method() {\n${body}  }\n}`,
    "function short() {\n  return 1;\n}",
    `function outer() {\n  const inner = function () {\n${body}  };\n  return inner;\n}`,
  ].join("\n");
  assert.deepEqual(
    longFunctions("a.ts", text).map((f) => `${f.line} ${f.name} ${f.lines}`),
    ["1 declared 152", "153 arrow 152", "306 method 152", "462 outer 155", "463 inner 152"],
  );
  const long = "x;\n".repeat(MAX_FILE_LINES + 1);
  assert.equal(fileTooLong(long), true);
  assert.equal(fileTooLong("x;\n".repeat(MAX_FILE_LINES)), false);
  assert.equal(fileTooLong(`/**\n * Why.\n *\n * @module\n */\n${long}`), true);
  assert.equal(
    fileTooLong(`/**\n * Kept in one file because the steps share one workspace.\n */\n${long}`),
    false,
  );
});

Deno.test("imports are read from code, not from comments or strings in examples", () => {
  const text = [
    "/**",
    " * @example",
    ' * import { x } from "../fit/x.ts";',
    " */",
    '// import { y } from "../fit/y.ts";',
    'import type { A } from "./a.ts";',
    'export { b } from "../b.ts";',
    "import {",
    "  c,",
    '} from "./c.ts";',
    'const d = await import("../d.ts");',
    'import "./side.ts";',
    'import { e } from "node:path";',
  ].join("\n");
  assert.deepEqual(importsOf(text).map((i) => `${i.line}:${i.spec}`).sort(), [
    "10:./c.ts",
    "11:../d.ts",
    "12:./side.ts",
    "6:./a.ts",
    "7:../b.ts",
  ]);
});

Deno.test("the CLI loads plotting and bundling libraries only when a command needs them", () => {
  // What `exfit fit` loads at start (literal dynamic imports included: Deno loads those too).
  const loaded = loadedAtStart(REPO, "src/cli/fit_command.ts").packages;
  for (const heavy of ["vega", "vega-lite", "esbuild", "ml-matrix", "pdfkit", "commander"]) {
    assert.ok(!loaded.has(heavy), `exfit fit loads ${heavy} at start`);
  }
  assert.ok(staticPackages(REPO, "src/cli/main.ts").size === 0);
});
