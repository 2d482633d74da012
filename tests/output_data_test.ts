import { strict as assert } from "node:assert";
import {
  type DataBlock,
  formatDataDat,
  formatShiftDat,
  type XKind,
} from "../src/output/data_dat.ts";
import { REFDATA_DIR, refdataTest, walk } from "./_fixtures.ts";

function num(text: string): number {
  if (text === "inf") return Infinity;
  if (text === "-inf") return -Infinity;
  return Number(text);
}

const X_HEADERS: Record<string, XKind> = {
  "NCYC": "ncyc",
  "OFFSET (HZ)": "offset",
  "TIME (S)": "time",
};

/** Rebuild the writer's input from a ChemEx profile `.dat` file; null for other layouts. */
function parseProfileFile(text: string) {
  const blocks: DataBlock[] = [];
  let xKind: XKind | undefined;
  let simulate = false;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("[")) {
      blocks.push({ name: line.slice(1, -1), rows: [] });
    } else if (line.startsWith("# ") && /[A-Z]/.test(line.slice(2, 14))) {
      const kind = X_HEADERS[line.slice(2, 14).trim()];
      if (kind === undefined || line.includes("STATE1")) return null;
      xKind = kind;
      simulate = !line.includes("INTENSITY (EXP)");
    } else {
      const used = line[0] === " ";
      const cells = line.slice(1).replace("# NOT USED IN THE FIT", "").trim().split(/\s+/);
      const values = cells.map(num);
      const row = simulate
        ? { x: values[0], calc: values[1], used }
        : { x: values[0], exp: values[1], err: values[2], calc: values[3], used };
      blocks.at(-1)!.rows.push(row);
    }
  }
  return xKind === undefined ? null : { blocks, xKind, simulate };
}

function parseShiftFile(text: string) {
  return text.split("\n").filter((line) => line !== "" && !line.startsWith("#")).map((line) => {
    const [name, exp, err, calc] = line.trim().split(/\s+/);
    return { name, exp: num(exp), err: num(err), calc: num(calc) };
  });
}

refdataTest("formatDataDat / formatShiftDat reproduce every ChemEx Data/*.dat file", () => {
  const counts = { profile: 0, shift: 0, unused: 0, skipped: 0 };
  for (const path of walk(REFDATA_DIR)) {
    if (!/\/Output[^/]*\/(.*\/)?Data\/[^/]+\.dat$/.test(path)) continue;
    const text = Deno.readTextFileSync(path);
    if (text.startsWith("#\n# Unit: PPB")) {
      assert.equal(formatShiftDat(parseShiftFile(text), false), text, path);
      counts.shift++;
      continue;
    }
    const parsed = parseProfileFile(text);
    if (parsed === null) {
      counts.skipped++;
      continue;
    }
    assert.equal(formatDataDat(parsed.blocks, parsed.xKind, parsed.simulate), text, path);
    counts.profile++;
    if (text.includes("NOT USED")) counts.unused++;
  }
  console.log(`compared ${JSON.stringify(counts)}`);
  assert.ok(counts.profile >= 4 && counts.shift >= 1);
});

Deno.test("formatDataDat: fit rows, unused rows and trailing spaces (inline)", () => {
  const text = formatDataDat(
    [{
      name: "G23N-H",
      rows: [
        { x: 0, exp: 34705.98, err: 177.491406, calc: 34705.5362, used: true },
        { x: 1, exp: -12.5, err: 177.491406, calc: 3.25e-3, used: false },
      ],
    }, { name: "L7N", rows: [] }],
    "ncyc",
    false,
  );
  assert.equal(
    text,
    "[G23N-H]\n" +
      "#         NCYC   INTENSITY (EXP)       ERROR (EXP)  INTENSITY (CALC)\n" +
      "             0    3.47059800e+04    1.77491406e+02    3.47055362e+04 \n" +
      "#            1   -1.25000000e+01    1.77491406e+02    3.25000000e-03  # NOT USED IN THE FIT\n" +
      "\n" +
      "[L7N]\n" +
      "#         NCYC   INTENSITY (EXP)       ERROR (EXP)  INTENSITY (CALC)\n" +
      "\n",
  );
});

Deno.test("formatDataDat: simulation columns and CEST / relaxation x formats (inline)", () => {
  assert.equal(
    formatDataDat(
      [{ name: "13N", rows: [{ x: -100000, calc: -62126.6872, used: true }] }],
      "offset",
      true,
    ),
    "[13N]\n#  OFFSET (HZ)  INTENSITY (CALC)\n    -100000.00   -6.21266872e+04 \n\n",
  );
  assert.equal(
    formatDataDat(
      [{ name: "G2N", rows: [{ x: 0.125, calc: 968064.465, used: true }] }],
      "time",
      true,
    ),
    // 0.125 -> "0.12": Python rounds the exact binary value half to even.
    "[G2N]\n#     TIME (S)  INTENSITY (CALC)\n          0.12    9.68064465e+05 \n\n",
  );
  assert.ok(
    formatDataDat([{ name: "x", rows: [{ x: 1, calc: 1, used: true }] }], "ncyc", false)
      .includes("nan"),
    "missing exp/err print as nan",
  );
});

Deno.test("formatShiftDat: header and 3-decimal columns (inline)", () => {
  assert.equal(
    formatShiftDat([
      { name: "11N-H", exp: 2.164, err: 3.348, calc: 2.1641 },
      { name: "29N-H", calc: -37.744, err: 5.099 },
    ], true),
    "#\n# Unit: PPB\n#\n" +
      "#             NAME       SHIFT (EXP)       ERROR (EXP)      SHIFT (CALC)\n" +
      "             11N-H             2.164             3.348             2.164\n" +
      "             29N-H           -37.744             5.099           -37.744\n",
  );
});
