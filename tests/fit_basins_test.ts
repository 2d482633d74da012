import { strict as assert } from "node:assert";
import { chooseBasin, planBasinStarts, SAME_BASIN_SIGMAS } from "../src/fit/basins.ts";
import {
  AUTO_SEARCH_MAX_PROFILES,
  basinStartCount,
  MAX_AUTO_STARTS,
  unsearchedReport,
} from "../src/fit/basin_search.ts";
import { globalFitTriggers } from "../src/fit/diagnostics.ts";
import { formatBasinsToml } from "../src/output/basins_toml.ts";
import { parse } from "smol-toml";

const PARAMS = [
  { id: "KEX_AB", value: 800, start: 500, min: 0, max: Infinity },
  { id: "PB", value: 0.04, start: 0.1, min: 0, max: 1 },
  { id: "DW_AB, NUC->2N", value: 2.5, start: 1, min: -100, max: 100 },
  { id: "R2_A, NUC->2N, B0->600.0MHZ", value: 12, start: 10, min: 0, max: Infinity },
];

Deno.test("basin starts: Δω flip first, then seeded space-filling samples within bounds", () => {
  const a = planBasinStarts(PARAMS, 6, 0n, 1, 3);
  assert.equal(a.length, 6);
  assert.deepEqual(Array.from(a[0]), [800, 0.04, -2.5, 12]);
  for (const x of a.slice(1)) {
    assert.ok(x[0] >= 20 && x[0] <= 2e4, `kex ${x[0]}`);
    assert.ok(x[1] >= 0.003 && x[1] <= 0.3, `pb ${x[1]}`);
    assert.ok(Math.abs(x[2]) >= 0.02 && Math.abs(x[2]) <= 5, `dw ${x[2]}`);
    assert.equal(x[3], 10, "other parameters start at the user's guess");
  }
  // Latin hypercube: one kex sample per log-stratum.
  const strata = a.slice(1).map((x) => Math.floor(5 * Math.log(x[0] / 20) / Math.log(1000)));
  assert.deepEqual(strata.sort(), [0, 1, 2, 3, 4]);
  // Pure functions of (seed, step, group).
  assert.deepEqual(planBasinStarts(PARAMS, 6, 0n, 1, 3), a);
  assert.notDeepEqual(planBasinStarts(PARAMS, 6, 1n, 1, 3), a);
  assert.notDeepEqual(planBasinStarts(PARAMS, 6, 0n, 1, 4), a);
});

Deno.test("basin starts: model-free τc (log space) and S² (linear) are sampled too", () => {
  const params = [
    { id: "TAUC_A, NUC->D35", value: 2.9, start: 3.5, min: 0, max: 1000 },
    { id: "S2_A, NUC->D35", value: 0.71, start: 0.9, min: 0, max: 1 },
    { id: "KHH_A, NUC->D35", value: 35, start: 40, min: 0, max: Infinity },
  ];
  const starts = planBasinStarts(params, 6, 0n, 0, 7);
  assert.equal(starts.length, 6);
  for (const x of starts) {
    assert.ok(x[0] >= 0.3 && x[0] <= 100, `tauc ${x[0]}`);
    assert.ok(x[1] >= 0.2 && x[1] <= 1, `s2 ${x[1]}`);
    assert.equal(x[2], 40, "other parameters start at the user's guess");
  }
  // One sample per stratum: τc per decade-wide log stratum, S² per linear one.
  const tauc = starts.map((x) => Math.floor(6 * Math.log(x[0] / 0.3) / Math.log(100 / 0.3)));
  const s2 = starts.map((x) => Math.floor(6 * (x[1] - 0.2) / 0.8));
  assert.deepEqual(tauc.sort(), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(s2.sort(), [0, 1, 2, 3, 4, 5]);
});

Deno.test("basin choice: end points within a tenth of an error along a flat direction are one basin", () => {
  const v = (a: number[]) => Float64Array.from(a);
  // CEST_15N_TR's D35 with --multistart 6: τc 2.4117–2.4184 ns (0.3 % apart), χ² within 3e-5.
  const err = v([0.4, 0.02, 3]);
  const flat = [
    { chisqr: 376.2375177, values: v([2.41174, 0.706091, 24.4838]), stderr: err },
    { chisqr: 376.2375281, values: v([2.41477, 0.706046, 24.4988]), stderr: err },
    { chisqr: 376.2375360, values: v([2.41707, 0.706024, 24.4613]), stderr: err },
    { chisqr: 372.6566236, values: v([0.924805, 1, 21.6756]), stderr: err },
  ];
  const choice = chooseBasin(flat);
  assert.equal(choice.best, 3);
  assert.deepEqual(choice.basins.map((b) => b.starts), [[3], [0, 1, 2]]);
  // The basin shows its best end point.
  assert.deepEqual(choice.basins[1].values, [2.41174, 0.706091, 24.4838]);
  // Without errors (or with every error missing), 0.3 % apart is more than one end point.
  const bare = chooseBasin(flat.map(({ chisqr, values }) => ({ chisqr, values })));
  assert.equal(bare.basins.length, 4);
  const missing = chooseBasin(flat.map((c) => ({ ...c, stderr: v([NaN, NaN, NaN]) })));
  assert.equal(missing.basins.length, 4);
  // Beyond a tenth of an error they stay apart: a Δω sign flip is many errors away.
  const far = chooseBasin([
    { chisqr: 10, values: v([1.5]), stderr: v([0.1]) },
    { chisqr: 10, values: v([1.5 + 1.01 * SAME_BASIN_SIGMAS * 0.1]), stderr: v([0.1]) },
    { chisqr: 10, values: v([-1.5]), stderr: v([0.1]) },
  ]);
  assert.equal(far.basins.length, 3);
});

Deno.test("basin choice: lowest χ², ties to the earlier start, distinct basins, moved", () => {
  const v = (a: number[]) => Float64Array.from(a);
  const choice = chooseBasin([
    { chisqr: 50, values: v([1, 2]) },
    { chisqr: 40, values: v([1, -2]) },
    { chisqr: 40, values: v([1, -2.0000001]) },
    { chisqr: NaN, values: v([0, 0]) },
    { chisqr: 50 + 1e-9, values: v([1, 2]) },
  ]);
  assert.equal(choice.best, 1);
  assert.equal(choice.moved, true);
  assert.deepEqual(choice.basins.map((b) => b.starts), [[1, 2], [0, 4]]);
  const same = chooseBasin([{ chisqr: 3, values: v([1]) }, { chisqr: 3, values: v([1]) }]);
  assert.equal(same.best, 0);
  assert.equal(same.moved, false);
  const text = formatBasinsToml([{
    profiles: ["2N"],
    triggers: ["asked", "symmetric"],
    ids: ["KEX_AB", "DW_AB, NUC->2N"],
    starts: 4,
    choice,
  }]);
  const doc = parse(text) as { group: { moved: boolean; basin: { chi_square: number }[] }[] };
  assert.equal(doc.group[0].moved, true);
  assert.deepEqual(doc.group[0].basin.map((b) => b.chi_square), [40, 50]);
});

Deno.test("method files: MULTISTART per step (a whole number ≥ 0)", async () => {
  const { readMethodFiles } = await import("../src/config/method.ts");
  const dir = Deno.makeTempDirSync({ prefix: "exfit_multistart_" });
  try {
    Deno.writeTextFileSync(`${dir}/m.toml`, '[STEP1]\nMULTISTART = 4\n\n[STEP2]\nFIT = ["PB"]\n');
    const steps = readMethodFiles([`${dir}/m.toml`]);
    assert.equal(steps[0].multistart, 4);
    assert.equal(steps[1].multistart, undefined);
    Deno.writeTextFileSync(`${dir}/bad.toml`, "[STEP1]\nmultistart = -2\n");
    assert.throws(() => readMethodFiles([`${dir}/bad.toml`]), /multistart/i);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--multistart must be a whole number ≥ 0", async () => {
  const { main } = await import("../src/cli/main.ts");
  const errors: string[] = [];
  const original = console.error;
  console.error = (m: string) => errors.push(m);
  try {
    const code = await main(["fit", "-e", "a.toml", "-p", "b.toml", "--multistart", "-1"]);
    assert.equal(code, 1);
  } finally {
    console.error = original;
  }
  assert.match(errors.join("\n"), /--multistart: expected a whole number ≥ 0, got "-1"/);
});

Deno.test("automatic searches: two starts per sampled parameter, 6 to 24", () => {
  const twoState = ["PB", "KEX_AB", "DW_AB, NUC->2N", "R2_A, NUC->2N", "R1_A, NUC->2N"];
  assert.equal(basinStartCount(undefined, ["symmetric"], 2, twoState), 6);
  // Three-state: two Δω, three exchange rates and two populations are sampled; R2s are not.
  const threeState = [
    "PB",
    "PC",
    "KEX_AB",
    "KEX_AC",
    "KEX_BC",
    "DW_AB, NUC->2N",
    "DW_AC, NUC->2N",
    "R2_A, NUC->2N, B0->600.0MHZ",
    "R2_B, NUC->2N, B0->600.0MHZ",
  ];
  assert.equal(basinStartCount(undefined, ["bound"], 2, threeState), 14);
  const manyResidues = [
    "PB",
    "KEX_AB",
    ...Array.from({ length: 20 }, (_, i) => `DW_AB, NUC->${i}N`),
  ];
  assert.equal(basinStartCount(undefined, ["poor-fit"], 20, manyResidues), MAX_AUTO_STARTS);
  assert.equal(MAX_AUTO_STARTS, 24);
  // Asked for: exactly that many, whatever the parameters.
  assert.equal(basinStartCount(3, ["bound"], 2, threeState), 3);
});

Deno.test("automatic searches: only groups of at most 32 profiles; larger ones are reported", () => {
  assert.equal(AUTO_SEARCH_MAX_PROFILES, 32);
  const ids = ["KEX_AB", "PB"];
  assert.equal(basinStartCount(undefined, ["poor-fit"], 32, ids), 6);
  assert.equal(basinStartCount(undefined, ["poor-fit"], 36, ids), 0);
  assert.equal(basinStartCount(undefined, [], 2, ids), 0);
  assert.equal(basinStartCount(4, [], 36, ids), 4, "asked for: any size");
  assert.equal(basinStartCount(0, ["symmetric"], 2, ids), 0, "0: never");
  const end = () => ({ chisqr: 10593.8, values: [97.3, 0.07] });
  const report = unsearchedReport(undefined, ["poor-fit"], ["Y10N-H"], ["KEX_AB", "PB"], end);
  assert.deepEqual(report, {
    profiles: ["Y10N-H"],
    triggers: ["poor-fit"],
    ids: ["KEX_AB", "PB"],
    starts: 0,
    choice: {
      best: 0,
      basins: [{ chisqr: 10593.8, values: [97.3, 0.07], starts: [0] }],
      moved: false,
    },
  });
  const unread = () => {
    throw new Error("the end point is read only for a report");
  };
  assert.equal(unsearchedReport(6, ["poor-fit"], [], ["PB"], unread), undefined);
  assert.equal(unsearchedReport(undefined, [], [], ["PB"], unread), undefined);
  const text = formatBasinsToml([report!]);
  assert.match(text, /# starts = 0: its diagnostics asked for a search/);
  assert.match(text, /starts = 0\nmoved = false/);
  assert.doesNotMatch(formatBasinsToml([{ ...report!, starts: 3 }]), /# starts = 0/);
});

Deno.test("global fits: poor fit above a reduced chi-square of 10, budget when not converged", () => {
  assert.deepEqual(globalFitTriggers(10593.8, 1044, 56, { converged: true }), ["poor-fit"]);
  assert.deepEqual(globalFitTriggers(900, 1044, 56, { converged: true }), []);
  assert.deepEqual(globalFitTriggers(900, 1044, 56, { converged: false }), ["budget"]);
  assert.deepEqual(globalFitTriggers(5, 3, 3, { converged: true }), []);
});
