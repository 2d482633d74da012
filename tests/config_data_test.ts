import { strict as assert } from "node:assert";
import { join } from "node:path";
import { readProfileFile, readShiftFile } from "../src/config/data.ts";
import { expectError, REFDATA_DIR as REFDATA, refdataTest, tempWriter } from "./_fixtures.ts";

const write = tempWriter("exfit_data_");

Deno.test("three-column files: comments, blank lines, extra columns, CRLF, float syntax", () => {
  const file = write(
    "p.out",
    "#  ncyc  intensity  error\r\n\r\n  0  1.0e4  1e2\r\n" +
      "2 -8.5E+03 100 extra 7 # trailing comment\r\n" +
      "   \r\n-1 .5 +3\r\n1.5 2e3 1E1\r\n",
  );
  const p = readProfileFile(file, "cest");
  assert.equal(p.file, file);
  assert.deepEqual(Array.from(p.x), [0, 2, -1, 1.5]);
  assert.deepEqual(Array.from(p.intensity), [1e4, -8500, 0.5, 2000]);
  assert.deepEqual(Array.from(p.error), [100, 100, 3, 10]);
  assert.equal(p.states, undefined);
});

Deno.test("rows keep file order and duplicates", () => {
  const file = write("c.out", "-1e5 10 1\n500 5 1\n-500 4 1\n500 6 1\n");
  const p = readProfileFile(file, "cest");
  assert.deepEqual(Array.from(p.x), [-1e5, 500, -500, 500]);
  assert.deepEqual(Array.from(p.intensity), [10, 5, 4, 6]);
});

Deno.test("non-numeric value names file, line, column and the bad text", () => {
  const file = write("bad.out", "# header\n0 100 1\n1 abc 1\n");
  const e = expectError(() => readProfileFile(file, "cpmg"));
  assert.equal(e.file, file);
  assert.equal(e.line, 3);
  assert.equal(e.column, 3);
  assert.ok(e.message.startsWith(`${file}:3:3:`), e.message);
  assert.match(e.message, /intensity \(column 2\) is not a number: "abc"/);
});

Deno.test("too-short row names the line and the row text", () => {
  const file = write("short.out", "0 100 1\n\n1 90\n");
  const e = expectError(() => readProfileFile(file, "relaxation"));
  assert.equal(e.line, 3);
  assert.match(
    e.message,
    /expected 3 columns \(delay, intensity, error\), found 2 column\(s\): "1 90"/,
  );
});

Deno.test("empty and missing files are errors", () => {
  const empty = write("empty.out", "# only comments\n\n");
  assert.match(expectError(() => readProfileFile(empty, "cpmg")).message, /no data rows/);
  const missing = join(Deno.makeTempDirSync(), "nope.out");
  const e = expectError(() => readProfileFile(missing, "cpmg"));
  assert.equal(e.message, `${missing}: file not found`);
});

Deno.test("EXSY files have five columns with states", () => {
  const file = write(
    "exsy.out",
    "# time s1 s2 intensity error\n0.0 a a 100 1\n0.1 A b 20 1.5 extra\n0.1 b a 18 1.5\n",
  );
  const p = readProfileFile(file, "exsy");
  assert.deepEqual(Array.from(p.x), [0, 0.1, 0.1]);
  assert.deepEqual(Array.from(p.intensity), [100, 20, 18]);
  assert.deepEqual(Array.from(p.error), [1, 1.5, 1.5]);
  assert.deepEqual(p.states, { start: ["a", "a", "b"], detect: ["a", "b", "a"] });
  const bad = write("exsy_bad.out", "0.0 a 100 1\n");
  assert.equal(expectError(() => readProfileFile(bad, "exsy")).line, 1);
  const badState = write("exsy_state.out", "0.0 a 7 100 1\n");
  const e = expectError(() => readProfileFile(badState, "exsy"));
  assert.match(e.message, /detected state \(column 3\) must be a state letter/);
  assert.equal(e.column, 7);
});

Deno.test("shift files: name, value, error and line", () => {
  const file = write(
    "shift.txt",
    "#  Name  Shift  Error\n  11n-hn  1.000  3.35\n\n29N-HN -32.0 5.1 # c\n",
  );
  assert.deepEqual(readShiftFile(file), [
    { spinSystem: "11N-HN", value: 1, error: 3.35, line: 2 },
    { spinSystem: "29N-HN", value: -32, error: 5.1, line: 4 },
  ]);
  const bad = write("shift_bad.txt", "11N-HN 1.0 x\n");
  const e = expectError(() => readShiftFile(bad));
  assert.equal(e.line, 1);
  assert.match(e.message, /error \(column 3\) is not a number: "x"/);
});

refdataTest("refdata profile and shift files", () => {
  const cest = readProfileFile(join(REFDATA, "fit/CEST_15N/Data/13Hz/13N-HN.out"), "cest");
  assert.equal(cest.x[0], -1e5);
  assert.equal(cest.intensity[0], -6.0775687e4);
  assert.equal(cest.error[0], 4.7245629e2);
  const shifts = readShiftFile(join(REFDATA, "simulate/Combination_Shifts/Data/sqmq_500.txt"));
  assert.deepEqual(shifts[0], { spinSystem: "11N-HN", value: 1, error: 3.347767, line: 2 });
});
