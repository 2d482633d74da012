import { strict as assert } from "node:assert";
import {
  formatErrorComment,
  formatParametersToml,
  type ParameterLine,
} from "../src/output/parameters_toml.ts";
import { REFDATA_DIR, refdataTest, walk } from "./_fixtures.ts";

const unquote = (text: string) => text.replace(/^"(.*)"$/, "$1");

/** Rebuild the writer's input from a ChemEx result file. */
function parseParameterFile(text: string): ParameterLine[] {
  const lines: ParameterLine[] = [];
  let section = "";
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("[")) {
      section = unquote(line.slice(1, -1));
      continue;
    }
    const eq = line.indexOf(" = ");
    if (eq > 0 && line.endsWith(" = ")) {
      lines.push({ section, key: unquote(line.slice(0, eq).trimEnd()), value: null, comment: "" });
      continue;
    }
    const hash = line.indexOf(" # ", eq);
    assert.ok(eq > 0 && hash > eq, `unexpected line: ${line}`);
    lines.push({
      section,
      key: unquote(line.slice(0, eq).trimEnd()),
      value: Number(line.slice(eq + 3, hash)),
      comment: line.slice(hash + 3),
    });
  }
  return lines;
}

refdataTest("formatParametersToml reproduces every ChemEx parameter result file", () => {
  let compared = 0;
  for (const path of walk(REFDATA_DIR)) {
    if (!/\/Output[^/]*\/.*Parameters\/(fitted|fixed|constrained)\.toml$/.test(path)) continue;
    const text = Deno.readTextFileSync(path);
    assert.equal(formatParametersToml(parseParameterFile(text)), text, path);
    compared++;
  }
  console.log(`compared ${compared} parameter files`);
  assert.ok(compared >= 6, "expected the CPMG_15N_IP STEP1/STEP2 files at least");
});

Deno.test("formatParametersToml: spec example, GLOBAL first, padding, quoting", () => {
  const lines: ParameterLine[] = [
    { section: "DW_AB", key: "15N", value: 2.00075, comment: "±3.45678e-02" },
    { section: "GLOBAL", key: "KEX_AB", value: 381.511, comment: "±1.23456e+01" },
    { section: "GLOBAL", key: "PB", value: 0.0702971, comment: "±2.10432e-03" },
  ];
  assert.equal(
    formatParametersToml(lines),
    "[GLOBAL]\n" +
      "KEX_AB =  3.81511e+02 # ±1.23456e+01\n" +
      "PB     =  7.02971e-02 # ±2.10432e-03\n" +
      "\n" +
      "[DW_AB]\n" +
      "15N =  2.00075e+00 # ±3.45678e-02\n",
  );
  assert.equal(
    formatParametersToml([
      { section: "R2_A, B0->800.0MHZ", key: "G23N-H", value: -4.5, comment: "(fixed)" },
      { section: "R2_A, B0->800.0MHZ", key: "L7N", value: 12, comment: "(fixed)" },
      { section: "GLOBAL", key: "KEX_AB, T->25.0C", value: 0, comment: "(fixed)" },
    ]),
    '[GLOBAL]\n"KEX_AB, T->25.0C" =  0.00000e+00 # (fixed)\n\n' +
      '["R2_A, B0->800.0MHZ"]\nG23N-H = -4.50000e+00 # (fixed)\nL7N    =  1.20000e+01 # (fixed)\n',
  );
});

Deno.test("formatParametersToml: empty input and repeated keys", () => {
  assert.equal(formatParametersToml([]), "");
  assert.equal(
    formatParametersToml([
      { section: "CS_A", key: "15N", value: 1, comment: "(fixed)" },
      { section: "CS_A", key: "16N", value: 2, comment: "(fixed)" },
      { section: "CS_A", key: "15N", value: 3, comment: "(fixed)" },
    ]),
    "[CS_A]\n15N =  3.00000e+00 # (fixed)\n16N =  2.00000e+00 # (fixed)\n",
  );
  // A constrained parameter without a value keeps only "KEY = " (trailing space), like ChemEx.
  assert.equal(
    formatParametersToml([
      { section: "GLOBAL", key: "KAB", value: null, comment: "" },
      { section: "GLOBAL", key: "PA", value: 0.9, comment: "(1.0 - [PB])" },
    ]),
    "[GLOBAL]\nKAB = \nPA  =  9.00000e-01 # (1.0 - [PB])\n",
  );
});

Deno.test("formatErrorComment covers the three fitted-comment forms", () => {
  assert.equal(formatErrorComment(6.23431), "±6.23431e+00");
  assert.equal(formatErrorComment(0.0123456789), "±1.23457e-02");
  assert.equal(formatErrorComment(null), "(error not calculated)");
  assert.equal(formatErrorComment(null, "rank deficient"), "(error unavailable: rank deficient)");
  assert.equal(
    formatErrorComment(0.5, undefined, "boundary may make uncertainty asymmetric"),
    "±5.00000e-01 (boundary may make uncertainty asymmetric)",
  );
});
