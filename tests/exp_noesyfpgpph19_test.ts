import { strict as assert } from "node:assert";
import { noesyfpgpph19 } from "../src/experiments/catalog/noesyfpgpph19.ts";
import { formatExsyDat } from "../src/output/data_dat.ts";
import { sequenceFor } from "./_exp_helpers.ts";
import { runExfit } from "./_refdata.ts";
import { fileURLToPath as fromFileUrl } from "node:url";

const T = Float64Array.of(0, 0.05, 0.2, 0.2, 0.5, 0.5);
const LABELS = ["aa", "aa", "aa", "ab", "ba", "bb"];

Deno.test("noesyfpgpph19 without exchange: diagonal peaks decay with R1, no cross peaks", () => {
  const values = { pa: 0.7, pb: 0.3, kab: 0, kba: 0, r1_i_a: 1.2, r1_i_b: 3.0 };
  const { sequence } = sequenceFor(noesyfpgpph19, { settings: {}, values });
  const got = sequence(T, LABELS);
  const want = [
    0.7,
    0.7 * Math.exp(-1.2 * 0.05),
    0.7 * Math.exp(-1.2 * 0.2),
    0,
    0,
    0.3 * Math.exp(-3.0 * 0.5),
  ];
  want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) < 1e-14, `${LABELS[i]}: ${got[i]}`));
});

Deno.test("noesyfpgpph19 two-site exchange with equal R1: closed-form EXSY build-up", () => {
  // I_aa = p_a·e^{−R1 t}(p_a + p_b e^{−kex t}), I_ab = p_a·p_b·e^{−R1 t}(1 − e^{−kex t}).
  const [pa, pb, kex, r1] = [0.8, 0.2, 25, 1.5];
  const values = { pa, pb, kab: kex * pb, kba: kex * pa, r1_i_a: r1, r1_i_b: r1 };
  const { sequence } = sequenceFor(noesyfpgpph19, { settings: {}, values });
  const got = sequence(T, LABELS);
  const decay = (t: number) => Math.exp(-r1 * t);
  const ex = (t: number) => Math.exp(-kex * t);
  const want = Array.from(T, (t, i) => {
    const [s1, s2] = LABELS[i];
    const p1 = s1 === "a" ? pa : pb;
    const p2 = s2 === "a" ? pa : pb;
    if (s1 === s2) return p1 * decay(t) * (p1 + (1 - p1) * ex(t));
    return p1 * p2 * decay(t) * (1 - ex(t));
  });
  want.forEach((w, i) =>
    assert.ok(Math.abs(got[i] - w) < 1e-13, `${LABELS[i]}: ${got[i]} vs ${w}`)
  );
  // Detailed balance: the two cross peaks are equal at every mixing time.
  const [ab, ba] = sequence(Float64Array.of(0.3, 0.3), ["ab", "ba"]);
  assert.ok(Math.abs(ab - ba) < 1e-15);
});

Deno.test("noesyfpgpph19 refuses points without states", () => {
  const values = { pa: 1, pb: 0, kab: 0, kba: 0, r1_i_a: 1, r1_i_b: 1 };
  const { sequence } = sequenceFor(noesyfpgpph19, { settings: {}, values });
  assert.throws(() => sequence(Float64Array.of(0.1)), /start and detected state/);
  assert.throws(() => sequence(Float64Array.of(0.1), ["ac"]), /state "c"/);
});

Deno.test("EXSY .dat: time with 6 decimals, start and detected states", () => {
  const text = formatExsyDat([{
    name: "G2H",
    rows: [
      { x: 0.1, states: "ab", exp: 1.5, err: 0.1, calc: 1.25, used: true },
      { x: 0.25, states: "bb", exp: 2, err: 0.1, calc: 2.5, used: false },
    ],
  }], false);
  const lines = text.split("\n");
  assert.equal(lines[0], "[G2H]");
  assert.equal(
    lines[1],
    "#     TIME (S)       STATE1       STATE2   INTENSITY (EXP)       ERROR (EXP)  INTENSITY (CALC)",
  );
  assert.equal(
    lines[2],
    "      0.100000            a            b    1.50000000e+00    1.00000000e-01    1.25000000e+00 ",
  );
  assert.ok(lines[3].startsWith("#     0.250000            b            b"));
  assert.ok(lines[3].endsWith("  # NOT USED IN THE FIT"));
});

Deno.test("noesyfpgpph19 end to end: 5-column data, states in the .dat", async () => {
  const dir = fromFileUrl(new URL("./fixtures/exsy", import.meta.url));
  const out = await runExfit(dir, [
    "simulate",
    "-e",
    "Experiments/noesy.toml",
    "-p",
    "Parameters/parameters.toml",
  ]);
  try {
    const text = Deno.readTextFileSync(`${out}/Data/noesy.dat`);
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    assert.equal(lines[0], "[G2H]");
    assert.ok(lines[1].includes("STATE1") && lines[1].includes("STATE2"));
    // The data were made with the closed-form EXSY curves × 1000: the scaled calculation
    // reproduces them, row by row, with the states as in the file.
    const data = Deno.readTextFileSync(`${dir}/Data/G2H.out`).split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("#")).map((l) => l.trim().split(/\s+/));
    assert.equal(lines.length - 2, data.length);
    data.forEach((d, i) => {
      const cols = lines[i + 2].trim().split(/\s+/);
      assert.equal(Number(cols[0]), Number(d[0]));
      assert.deepEqual([cols[1], cols[2]], [d[1], d[2]]);
      const want = Number(d[3]);
      assert.ok(Math.abs(Number(cols[3]) - want) <= 1e-7 * 1000, `row ${i}: ${cols[3]} vs ${want}`);
    });
  } finally {
    Deno.removeSync(out, { recursive: true });
  }
});
