import { strict as assert } from "node:assert";
import { join } from "node:path";
import { type ExperimentSchema, readExperimentFile } from "../src/config/experiment.ts";
import { type ProfileData, readProfileFile } from "../src/config/data.ts";
import {
  estimateErrors,
  numpySum,
  SCATTER_Z,
  scatterPercents,
  varianceFromDuplicates,
  varianceFromScatter,
} from "../src/config/noise.ts";
import { normalPpf } from "../src/math/normal.ts";
import { REFDATA_DIR as REFDATA, refdataTest } from "./_fixtures.ts";

const SCHEMAS: ExperimentSchema[] = [
  {
    name: "cpmg_15n_ip",
    family: "cpmg",
    keys: {
      time_t2: { type: "number", required: true },
      carrier: { type: "number", required: true },
      pw90: { type: "number", required: true },
      time_equil: { type: "number", default: 0 },
    },
  },
  {
    name: "cest_15n",
    family: "cest",
    keys: {
      time_t1: { type: "number", required: true },
      carrier: { type: "number", required: true },
      b1_frq: { type: "number" },
      b1_distribution: { type: "table" },
    },
  },
];

function profile(x: number[], intensity: number[], error: number[]): ProfileData {
  return {
    file: "mem",
    x: Float64Array.from(x),
    intensity: Float64Array.from(intensity),
    error: Float64Array.from(error),
  };
}

/** Load an experiment's profiles (all of them, as ChemEx without --include) and estimate σ. */
function estimateFor(rel: string) {
  const exp = readExperimentFile(
    join(REFDATA, rel),
    (n) => SCHEMAS.find((s) => s.name === n),
    SCHEMAS.map((s) => s.name),
  );
  const family = exp.schema.family as "cpmg" | "cest";
  const profiles = exp.data.profiles.flatMap((p) => p.files.map((f) => readProfileFile(f, family)));
  return { exp, profiles, ...estimateErrors(exp.data.error, profiles, exp.data.globalError) };
}

/** Distinct σ values (column 3) of a ChemEx `Data/<stem>.dat` output. */
function outputSigmas(rel: string): Set<string> {
  const out = new Set<string>();
  for (const line of Deno.readTextFileSync(join(REFDATA, rel)).split("\n")) {
    const t = line.trim().split(/\s+/);
    if (line.startsWith(" ") && t.length >= 4) out.add(t[2]);
  }
  return out;
}

/** Python's `%.8e` (two-digit exponent), as in ChemEx's data output. */
function pyExp(x: number): string {
  const [mantissa, exponent] = x.toExponential(8).split("e");
  const e = Number(exponent);
  return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

function assertClose(actual: number, expected: number, rel = 1e-14) {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${actual} vs ${expected}`,
  );
}

refdataTest("duplicates: refdata CPMG_15N_IP 800 MHz gives 2.94192298e+02 on every point", () => {
  const r = estimateFor("fit/CPMG_15N_IP/Experiments/800mhz.toml");
  assert.equal(r.profiles.length, 54);
  assert.equal(r.notice, undefined);
  const expected = outputSigmas("fit/CPMG_15N_IP/Output/STEP1/Data/800mhz.dat");
  assert.deepEqual([...expected], ["2.94192298e+02"]);
  for (const errors of r.errors) {
    for (const s of errors) assert.equal(pyExp(s), "2.94192298e+02");
  }
  // Full precision value of ChemEx's own algorithm run on the same files.
  assertClose(r.errors[0][0], 294.1922982314786);
});

refdataTest("duplicates: refdata CPMG_15N_IP 500 MHz gives 1.77491406e+02 on every point", () => {
  const r = estimateFor("fit/CPMG_15N_IP/Experiments/500mhz.toml");
  assert.equal(r.profiles.length, 54);
  assert.deepEqual([...outputSigmas("fit/CPMG_15N_IP/Output/STEP1/Data/500mhz.dat")], [
    "1.77491406e+02",
  ]);
  assert.deepEqual([...outputSigmas("fit/CPMG_15N_IP/Output/STEP2/Data/500mhz.dat")], [
    "1.77491406e+02",
  ]);
  for (const errors of r.errors) {
    for (const s of errors) assert.equal(pyExp(s), "1.77491406e+02");
  }
  assertClose(r.errors[53][0], 177.4914063245712);
});

refdataTest("scatter: refdata CEST_15N matches ChemEx's output σ", () => {
  const cases: [string, string, number][] = [
    ["13hz", "2.30436602e+02", 230.43660197316922],
    ["26hz", "2.29614450e+02", 229.61444995851005],
  ];
  for (const [stem, printed, full] of cases) {
    const r = estimateFor(`fit/CEST_15N/Experiments/${stem}.toml`);
    assert.equal(r.exp.data.error, "scatter");
    assert.deepEqual([...outputSigmas(`fit/CEST_15N/Output/Data/${stem}.dat`)], [printed]);
    for (const errors of r.errors) {
      for (const s of errors) assert.equal(pyExp(s), printed);
    }
    assertClose(r.errors[0][0], full);
  }
});

Deno.test("duplicates: pooled variance over groups of exactly equal x, ddof 1", () => {
  // Groups x=1: [2, 4] (s² = 2, weight 1); x=3: [1, 2, 6] (s² = 7, weight 2); x=0 single.
  const p = profile([0, 1, 3, 1, 3, 3], [9, 2, 1, 4, 2, 6], [1, 1, 1, 1, 1, 1]);
  assert.equal(varianceFromDuplicates(p), (1 * 2 + 2 * 7) / 3);
  // 0 and -0 are the same x; NaN never duplicates.
  const z = profile([0, -0, NaN, NaN], [1, 3, 5, 9], [1, 1, 1, 1]);
  assert.equal(varianceFromDuplicates(z), 2);
  // EXSY points are grouped by x and by both states.
  const exsy: ProfileData = {
    ...profile([0.1, 0.1, 0.1, 0.1], [1, 3, 10, 20], [1, 1, 1, 1]),
    states: { start: ["a", "a", "a", "b"], detect: ["a", "a", "b", "a"] },
  };
  assert.equal(varianceFromDuplicates(exsy), 2);
});

Deno.test("duplicates: a profile without duplicates contributes mean(σ²) (2026.09, #759)", () => {
  const withDup = profile([0, 1, 1], [10, 2, 4], [1, 1, 1]); // variance 2
  const noDup = profile([0, 1, 2], [10, 8, 6], [3, 5, 7]); // mean σ² = 83/3
  const global = estimateErrors("duplicates", [withDup, noDup], true);
  assert.equal(global.notice, undefined);
  for (const errors of global.errors) {
    assert.deepEqual(Array.from(errors), [1, 1, 1].map(() => Math.sqrt((2 + 83 / 3) / 2)));
  }
  const local = estimateErrors("duplicates", [withDup, noDup], false);
  assert.deepEqual(Array.from(local.errors[1]), [1, 1, 1].map(() => Math.sqrt(83 / 3)));
  // The spec's example: file errors 0.03 and 0.05 give the RMS 0.0412311.
  const rms = varianceFromDuplicates(profile([0, 1], [1, 2], [0.03, 0.05]));
  assert.equal(Math.sqrt(rms).toFixed(7), "0.0412311");
});

Deno.test("duplicates, --compat 2026.06: mean(σ) as a variance (ChemEx 2026.06.1)", () => {
  // ChemEx 2026.06.1: _variance_from_duplicates returns np.mean(err) (a σ) when a profile has
  // no repeated x; the global estimate then averages it with true variances.
  const withDup = profile([0, 1, 1], [10, 2, 4], [1, 1, 1]); // variance 2
  const noDup = profile([0, 1, 2], [10, 8, 6], [3, 5, 7]); // mean σ = 5, used as variance 5
  const global = estimateErrors("duplicates", [withDup, noDup], true, "2026.06");
  assert.equal(global.notice, undefined);
  for (const errors of global.errors) {
    assert.deepEqual(
      Array.from(errors),
      [1, 1, 1].map(() => Math.sqrt(3.5)),
    );
  }
  const local = estimateErrors("duplicates", [withDup, noDup], false, "2026.06");
  assert.deepEqual(Array.from(local.errors[0]), [Math.SQRT2, Math.SQRT2, Math.SQRT2]);
  assert.deepEqual(Array.from(local.errors[1]), [Math.sqrt(5), Math.sqrt(5), Math.sqrt(5)]);
});

Deno.test("duplicates without any repeated point keep the file σ with a notice", () => {
  const a = profile([0, 1, 2], [10, 8, 6], [3, 5, 7]);
  const r = estimateErrors("duplicates", [a], true);
  assert.deepEqual(Array.from(r.errors[0]), [3, 5, 7]);
  assert.match(r.notice ?? "", /no profile has repeated points/);
  assert.notEqual(r.errors[0], a.error);
  const f = estimateErrors("file", [a], true);
  assert.deepEqual(Array.from(f.errors[0]), [3, 5, 7]);
  assert.equal(f.notice, undefined);
  assert.deepEqual(estimateErrors("scatter", [], true).errors, []);
});

Deno.test("scatter: matches ChemEx's EstimateNoise port on synthetic sequences", () => {
  // Reference values: chemex.uncertainty._variance_from_scatter (ChemEx 2026.06.1) on the same
  // sequences.
  const seq = Array.from(
    { length: 40 },
    (_, i) => ((i * i * 37 + 11 * i) % 97) * 1.5 + 2000 - 10 * i,
  );
  assert.equal(varianceFromScatter(seq), 1927.5145980955224);
  const seq2 = Array.from({ length: 12 }, (_, i) => ((i * 13) % 7) * 0.25);
  assert.equal(varianceFromScatter(seq2), 0.059212491059361674);
  const seq3 = Array.from({ length: 64 }, (_, i) => i % 2);
  assert.equal(varianceFromScatter(seq3), 1.557117853893338);
  // Constant data: zero scatter is floored.
  assert.equal(varianceFromScatter(new Array(30).fill(5)), 1e-8);
  // Too short: no usable percent level, NaN as in ChemEx, reported in the notice.
  assert.ok(Number.isNaN(varianceFromScatter([1, 2, 4])));
  const r = estimateErrors("scatter", [profile([0, 1, 2], [1, 2, 4], [1, 1, 1])], true);
  assert.ok(Number.isNaN(r.errors[0][0]));
  assert.match(r.notice ?? "", /no finite noise estimate/);
});

Deno.test("scatter per profile and global pooling", () => {
  const a = Array.from({ length: 40 }, (_, i) => ((i * i * 37 + 11 * i) % 97) * 1.5);
  const b = Array.from({ length: 40 }, (_, i) => ((i * 13) % 7) * 0.25);
  const pa = profile(a.map((_, i) => i), a, a.map(() => 1));
  const pb = profile(b.map((_, i) => i), b, b.map(() => 1));
  const va = varianceFromScatter(a);
  const vb = varianceFromScatter(b);
  const local = estimateErrors("scatter", [pa, pb], false);
  assert.equal(local.errors[0][5], Math.sqrt(va));
  assert.equal(local.errors[1][5], Math.sqrt(vb));
  const global = estimateErrors("scatter", [pa, pb], true);
  assert.equal(global.errors[1][0], Math.sqrt((va + vb) / 2));
});

Deno.test("percent levels and normal quantiles", () => {
  const p = scatterPercents();
  assert.equal(p.length, 14);
  assert.equal(p[0], 0.05);
  assert.equal(p[5], 0.19999999999999998);
  assert.equal(p[13], 0.3999999999999999);
  for (let i = 0; i < p.length; i++) {
    assertClose(normalPpf(1 - p[i]), SCATTER_Z[i], 5e-16);
  }
  assertClose(normalPpf(0.975), 1.959963984540054, 1e-15);
  assertClose(normalPpf(1e-10), -6.361340902404056, 1e-14);
  assert.equal(normalPpf(0.5), 0);
});

Deno.test("numpySum follows NumPy's pairwise order", () => {
  const b = Array.from({ length: 300 }, (_, i) => (i % 2 ? -1 : 1) * 10 ** (i % 9) + 0.1);
  // np.sum(b) = 90909029.99999905, while sequential summation gives 90909029.99999897.
  assert.equal(numpySum(b), 90909029.99999905);
  assert.equal(numpySum([0.1, 0.2, 0.3]), 0.1 + 0.2 + 0.3);
  assert.equal(numpySum([]), 0);
});
