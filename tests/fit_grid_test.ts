import { strict as assert } from "node:assert";
import { ConfigError } from "../src/config/errors.ts";
import { readMethodFiles } from "../src/config/method.ts";
import {
  createGridPointEvaluator,
  finishGrid,
  type GridPlan,
  gridPointAt,
  gridProfile,
  gridSize,
  type GridTask,
  gridValues,
  planGrid,
  resolveGrid,
} from "../src/fit/grid.ts";
import { runFit } from "../src/run/run.ts";
import { selectProfiles } from "../src/fit/step.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { parseParamName } from "../src/params/name.ts";
import { addParam, type ParamStore } from "../src/params/store.ts";
import { readFitted, refdataTest, referenceCommand, runExfit } from "./_refdata.ts";

Deno.test("grid specifications: lin, log, explicit values, and errors", () => {
  assert.deepEqual(gridValues("lin(0.0, 10.0, 5)").values, [0, 2.5, 5, 7.5, 10]);
  const log = gridValues("log(100.0, 600.0, 10)").values;
  assert.equal(log.length, 10);
  assert.equal(log[0], 100);
  assert.equal(log[9], 600);
  assert.ok(Math.abs(log[6] - 330.193) < 1e-3); // the cell ChemEx 2025.10 finds
  assert.deepEqual(gridValues("( 1, 2.5 ,4e1 )").values, [1, 2.5, 40]);
  assert.equal(gridValues("log(0.03,0.15,10)").spacing, "log");
  assert.throws(() => gridValues("log(0, 1, 3)"), /start and stop > 0/);
  assert.throws(() => gridValues("range(0, 1, 3)"), /expected lin\(start, stop, n\)/);
  const store: ParamStore = new Map();
  addParam(store, parseParamName("KEX_AB"), { value: 1, min: 0, max: 1e4, vary: true, expr: "" });
  const origin = { file: "m.toml", step: "STEP1" };
  assert.throws(
    () => resolveGrid(store, ["[PB] = lin(0, 1, 3)"], origin),
    (e) =>
      e instanceof ConfigError &&
      /m\.toml: step \[STEP1\]: GRID entry.*No parameter matches selector \[PB\]/.test(e.message),
  );
  assert.throws(() => resolveGrid(store, ["[KEX_AB] = lin(0, 1, 3) = 2"], origin), /one '='/);
  // A later entry overrides an earlier one for the same parameter.
  const axes = resolveGrid(store, ["[KEX_AB] = (1, 2)", "[KEX_AB] = (3, 4, 5)"], origin);
  assert.deepEqual(axes.map((a) => a.values), [[3, 4, 5]]);
});

Deno.test("grid points are enumerated like itertools.product", () => {
  const t = { values: [[1, 2], [10, 20, 30]] };
  assert.equal(gridSize(t), 6);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => gridPointAt(t, i)), [
    [1, 10],
    [1, 20],
    [1, 30],
    [2, 10],
    [2, 20],
    [2, 30],
  ]);
});

/** Synthetic per-group tables whose global optimum is checked by brute force. */
Deno.test("combination of group tables equals the brute-force global grid", () => {
  const K = [1, 2, 3];
  const P = [0.1, 0.2];
  const D1 = [0, 1, 2, 3];
  const D2 = [5, 6];
  const E = [7, 8, 9];
  const f = {
    g1: (k: number, p: number, d: number) => (k - 2.2) ** 2 + 10 * (p - 0.2) ** 2 + (d - 1) ** 2,
    g2: (k: number, p: number, d: number) => (k - 1.8) ** 2 + (d - 2.1) ** 2 + p,
    g3: (k: number, p: number, d: number) => 3 * (k - 2.9) ** 2 + 5 * p + (d - 6) ** 2,
    g4: (e: number) => (e - 8.2) ** 2 + 1,
  };
  const task = (axes: string[], values: number[][]) =>
    ({ axes, values, chunk: null, params: [] }) as unknown as GridTask;
  const tasks = [
    task(["K", "P", "D1"], [K, P, D1]),
    task(["K", "P", "D1"], [K, P, D1]), // e.g. the same residue at another field
    task(["K", "P", "D2"], [K, P, D2]),
    task(["E"], [E]),
    task([], []),
  ];
  const fns = [
    (x: number[]) => f.g1(x[0], x[1], x[2]),
    (x: number[]) => f.g2(x[0], x[1], x[2]),
    (x: number[]) => f.g3(x[0], x[1], x[2]),
    (x: number[]) => f.g4(x[0]),
    () => 42,
  ];
  const chisqr = tasks.map((t, k) =>
    Float64Array.from({ length: gridSize(t) }, (_, i) => fns[k](gridPointAt(t, i)))
  );
  const plan: GridPlan = {
    axes: [
      { id: "K", values: K, spacing: "list" },
      { id: "P", values: P, spacing: "list" },
      { id: "D1", values: D1, spacing: "list" },
      { id: "D2", values: D2, spacing: "list" },
      { id: "E", values: E, spacing: "list" },
    ],
    tasks,
    names: ["1N", "1N", "2N", "3N", "4N"],
    notices: [],
  };
  const store: ParamStore = new Map();
  for (const id of ["K", "P", "D1", "D2", "E"]) {
    addParam(store, parseParamName(id), { value: NaN, min: -1e9, max: 1e9, vary: false, expr: "" });
  }
  const out = finishGrid(plan, chisqr, store);
  // Brute force over the full product.
  const total = (k: number, p: number, d1: number, d2: number, e: number) =>
    f.g1(k, p, d1) + f.g2(k, p, d1) + f.g3(k, p, d2) + f.g4(e) + 42;
  let best = { v: Infinity, x: [] as number[] };
  for (const k of K) {
    for (const p of P) {
      for (const d1 of D1) {
        for (const d2 of D2) {
          for (const e of E) {
            const v = total(k, p, d1, d2, e);
            if (v < best.v) best = { v, x: [k, p, d1, d2, e] };
          }
        }
      }
    }
  }
  assert.deepEqual(["K", "P", "D1", "D2", "E"].map((id) => out.best.get(id)), best.x);
  assert.deepEqual(["K", "P", "D1", "D2", "E"].map((id) => store.get(id)!.value), best.x);
  // Two independent blocks: {K, P, D1, D2} and {E}; the first is tabulated over K and P.
  assert.equal(out.blocks.length, 2);
  assert.deepEqual(out.blocks[0].table.axes, ["K", "P"]);
  assert.ok(out.files.has("Grid/Blocks/1_1N.out") && out.files.has("Grid/Groups/4_3N.out"));
  // Profiles: minimum of the total over every other parameter.
  const profD1 = gridProfile(out, ["D1"]);
  D1.forEach((d1, i) => {
    let m = Infinity;
    for (const k of K) {
      for (const p of P) {
        for (const d2 of D2) for (const e of E) m = Math.min(m, total(k, p, d1, d2, e));
      }
    }
    assert.ok(Math.abs(profD1.chisqr[i] - m) < 1e-9, `D1=${d1}: ${profD1.chisqr[i]} vs ${m}`);
  });
  const profKE = gridProfile(out, ["K", "E"]);
  assert.equal(profKE.chisqr.length, K.length * E.length);
});

function readGrid(path: string): { axes: string[]; rows: number[][] } {
  const lines = Deno.readTextFileSync(path).trim().split("\n");
  const axes = [...lines[0].matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]);
  return { axes, rows: lines.slice(1).map((l) => l.trim().split(/\s+/).map(Number)) };
}

function fitted(path: string, key: string): { value: number; err: number } {
  const p = readFitted(path).get(`GLOBAL/${key}`);
  assert.ok(p && p.err !== null, `${key} not in ${path}`);
  return { value: p.value, err: p.err };
}

refdataTest(
  "grid2: best cell of ChemEx 2025.10 and refit within 0.1 σ of 2026.06",
  async (refdata) => {
    const folder = `${refdata}/fit/CPMG_15N_IP_grid2`;
    const v2025 = `${refdata}/fit/CPMG_15N_IP_grid2_v2025/Output/STEP1/Grid/Groups`;
    const out = await runExfit(folder, referenceCommand(folder));
    try {
      // ChemEx 2025.10's global grid: the sum of its per-group tables (PB, KEX_AB order).
      const sum = new Map<string, number>();
      const key = (kex: number, pb: number) => `${kex.toPrecision(5)} ${pb.toPrecision(5)}`;
      for (const e of Deno.readDirSync(v2025)) {
        for (const [pb, kex, c] of readGrid(`${v2025}/${e.name}`).rows) {
          sum.set(key(kex, pb), (sum.get(key(kex, pb)) ?? 0) + c);
        }
      }
      const refBest = [...sum].reduce((a, b) => b[1] < a[1] ? b : a)[0];
      const ours = readGrid(`${out}/STEP1/Grid/grid.out`);
      assert.deepEqual(ours.axes, ["KEX_AB", "PB", "χ²"]);
      assert.equal(ours.rows.length, 100);
      const best = ours.rows.reduce((a, b) => b[2] < a[2] ? b : a);
      assert.equal(key(best[0], best[1]), refBest);
      // Our global table is the same sum: close to ChemEx's everywhere near the minimum.
      for (const [kex, pb, c] of ours.rows) {
        const r = sum.get(key(kex, pb))!;
        if (r < 2 * sum.get(refBest)!) assert.ok(Math.abs(c - r) <= 1e-3 * r, `${kex} ${pb}`);
      }
      const ref = `${folder}/Output/STEP2/Parameters/fitted.toml`;
      for (const name of ["KEX_AB", "PB"]) {
        const a = fitted(`${out}/STEP2/Parameters/fitted.toml`, name);
        const b = fitted(ref, name);
        assert.ok(Math.abs(a.value - b.value) <= 0.1 * b.err, `${name}: ${a.value} vs ${b.value}`);
      }
      // The step's own fit starts at the best cell with the grid parameters fixed.
      const fixed = Deno.readTextFileSync(`${out}/STEP1/Parameters/fixed.toml`);
      assert.match(fixed, /KEX_AB = {2}3\.30193e\+02 # \(fixed\)/);
    } finally {
      Deno.removeSync(out, { recursive: true });
    }
  },
);

refdataTest("method_grid.toml: the DW_AB axis applies to the included profiles", (refdata) => {
  const dir = `${refdata}/fit/CPMG_15N_IP_grid`;
  const loaded = loadStudy({
    experiments: [`${dir}/Experiments/500mhz.toml`, `${dir}/Experiments/800mhz.toml`],
    parameters: [`${dir}/Parameters/parameters.toml`],
    model: parseModel("2st"),
  });
  const [step1] = readMethodFiles([`${dir}/Methods/method_grid.toml`]);
  const all = loaded.study.profiles.map(() => true);
  const selected = selectProfiles(loaded.study, step1, all);
  // Plan only (the full scan is the CLI's job): 10 groups, DW_AB of the 5 residues scanned.
  const store = new Map([...loaded.store].map(([k, p]) => [k, { ...p }]));
  const plan = planGrid(loaded.study, store, step1.grid, selected, {
    file: step1.file,
    step: step1.name,
  });
  assert.equal(plan.tasks.length, 10);
  for (const t of plan.tasks) {
    assert.equal(t.axes.length, 3);
    assert.match(t.axes[2], /^DW_AB, NUC->(15|31|33|34|37)N$/);
    assert.equal(gridSize(t), 500);
  }
  assert.match(plan.notices[0], /49 of 56 scanned parameters belong to no selected profile/);
  // One point of one group through the pure evaluator.
  const chi2 = createGridPointEvaluator(plan.tasks[0]);
  const a = chi2([330.193, 0.0733564, 2.5]);
  assert.ok(a > 0 && Number.isFinite(a));
  assert.equal(chi2([330.193, 0.0733564, 2.5]), a);
  // A short version of the step: two DW_AB values, KEX_AB and PB at two values each.
  const short = {
    ...step1,
    name: "",
    grid: ["[KEX_AB] = (330.193, 381.7)", "[PB] = (0.0733564, 0.07)", "[DW_AB] = (0, 2)"],
    origin: { file: step1.file, step: step1.name },
  };
  const [out] = [...runFit(loaded.study, loaded.store, [short], { plot: false, seed: 0 })];
  const grid = readGridText(out.files.get("Grid/grid.out")!);
  assert.deepEqual(grid.axes, ["KEX_AB", "PB", "χ²"]);
  assert.equal(grid.rows.length, 4);
  for (const res of ["15N", "31N", "33N", "34N", "37N"]) {
    assert.equal(loaded.store.get(`DW_AB, NUC->${res}`)!.value, 2);
  }
  assert.equal(loaded.store.get("DW_AB, NUC->10N")!.value, 2); // not selected: untouched (2.0)
  assert.equal(out.result!.freeIds.length, 10); // R2_A at two fields for five residues
});

function readGridText(text: string): { axes: string[]; rows: number[][] } {
  const lines = text.trim().split("\n");
  const axes = [...lines[0].matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]);
  return { axes, rows: lines.slice(1).map((l) => l.trim().split(/\s+/).map(Number)) };
}
