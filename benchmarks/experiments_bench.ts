/**
 * One profile evaluation per experiment type, against a budget per matrix exponential.
 *
 * For every type of the catalog that has a ChemEx simulate fixture (folder looked up in
 * `../shared/refdata/simulate/INDEX.md`, first folder listing the type), loads that folder's
 * study as its command.txt does, takes the first profile of the type and times one evaluation
 * (`intensitiesAt` at the profile's own x; median of many). The spectrometer counts the
 * exponentials (propagators) the evaluation needs (`Spectrometer.propagatorCount`); the time per
 * propagator is compared with the cost of one Padé exponential, 20·N³ flop at this machine's
 * measured N×N `matmul` rate (N = basis size, states × components). A type whose time per
 * propagator is more than {@link BUDGET} times that cost is flagged: everything an evaluation does
 * besides its exponentials (products, vector propagation, bookkeeping) must fit in the margin.
 *
 * Each type runs in a process of its own: shared functions (`matmul`, the CPMG engine) are
 * compiled for what they saw first, so timing types one after another in one process would
 * charge a type for its predecessors. In that process matmul and the evaluation are timed in
 * alternating batches, so that load from other processes on a shared machine falls on both;
 * the ratio printed is the median over batch pairs.
 *
 * Run with `deno run -A benchmarks/experiments_bench.ts [--json] [type…]` (`--json`: one JSON
 * object per type instead of the table, for scripts comparing runs).
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { EXPERIMENTS } from "../src/experiments/registry.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { createCalculator, intensitiesAt, type ProfileCalculator } from "../src/fit/evaluate.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import { matmul } from "../src/nmr/expm.ts";
import { childJson, median } from "./_timing.ts";

const SIMULATE = fromFileUrl(new URL("../../shared/refdata/simulate", import.meta.url));

/** Seconds each timed function runs before it is timed. */
const WARM_UP_S = 0.3;

/** Seconds of interleaved timing per type. */
const BUDGET_S = 1.0;

/** Repetitions of `fn` that take about 5 ms. */
function batchSize(fn: () => void): number {
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    if (performance.now() - t0 > 5 || reps > 1e6) return reps;
    reps *= 2;
  }
}

/**
 * Times `a` and `b` in alternating batches (each warmed up first: the optimizing compiler works
 * in the background and may need a while on a busy machine), so that load from other processes
 * falls on both alike. Returns the mean time (s) of one call of each, per batch pair.
 */
function timePaired(a: () => void, b: () => void): { a: number[]; b: number[] } {
  const warm = performance.now() + WARM_UP_S * 1000;
  do {
    a();
    b();
  } while (performance.now() < warm);
  const [ra, rb] = [batchSize(a), batchSize(b)];
  const out = { a: [] as number[], b: [] as number[] };
  const end = performance.now() + BUDGET_S * 1000;
  while (out.a.length < 5 || (performance.now() < end && out.a.length < 200)) {
    let t0 = performance.now();
    for (let i = 0; i < ra; i++) a();
    out.a.push((performance.now() - t0) / 1000 / ra);
    t0 = performance.now();
    for (let i = 0; i < rb; i++) b();
    out.b.push((performance.now() - t0) / 1000 / rb);
  }
  return out;
}

/** Experiment type → first simulate folder listing it, from INDEX.md's table. */
export function fixtureFolders(): Map<string, string> {
  const out = new Map<string, string>();
  const text = Deno.readTextFileSync(`${SIMULATE}/INDEX.md`);
  for (const line of text.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 4 || !/^[A-Za-z0-9_]+$/.test(cells[1]) || cells[1] === "folder") continue;
    for (const name of cells[2].match(/[a-z0-9_]+/g) ?? []) {
      if (name in EXPERIMENTS && !out.has(name)) out.set(name, cells[1]);
    }
  }
  return out;
}

/** `-e`, `-p`, `-d` of the folder's chemex-ref command (globs expanded). */
function commandArgs(folder: string): { e: string[]; p: string[]; d: string } {
  const text = Deno.readTextFileSync(`${folder}/command.txt`);
  const line = text.split("\n").find((l) => l.trim().startsWith("chemex-ref"));
  if (!line) throw new Error(`${folder}/command.txt has no chemex-ref line`);
  const out = { e: [] as string[], p: [] as string[], d: "2st" };
  let key: "e" | "p" | "d" | null = null;
  for (const a of line.trim().split(/\s+/).slice(2)) {
    if (a.startsWith("-")) {
      key = a === "-e" ? "e" : a === "-p" ? "p" : a === "-d" ? "d" : null;
      continue;
    }
    if (key === "d") out.d = a;
    else if (key) out[key].push(...expand(folder, a));
  }
  return out;
}

function expand(folder: string, arg: string): string[] {
  if (!arg.includes("*")) return [arg];
  const dir = arg.slice(0, arg.lastIndexOf("/"));
  const re = new RegExp(
    `^${arg.slice(dir.length + 1).replace(/\./g, "\\.").replace(/\*/g, ".*")}$`,
  );
  return [...Deno.readDirSync(`${folder}/${dir}`)].map((e) => e.name).filter((n) => re.test(n))
    .sort().map((n) => `${dir}/${n}`);
}

/** Allowed time per propagator, in units of one 20·N³-flop exponential. */
export const BUDGET = 3;

interface Row {
  type: string;
  folder: string;
  size: number;
  points: number;
  /** Exponentials one evaluation produces. */
  propagators: number;
  /** Median time of one evaluation (s), and the fastest batch's mean. */
  timeS: number;
  bestS: number;
  /** Measured N×N matmul rate (flop/s). */
  rate: number;
  /** Cost of one 20·N³-flop exponential at that rate (s). */
  expmS: number;
  /** Median over batch pairs of (time per propagator) / (exponential's cost); null: none. */
  ratio: number | null;
}

/**
 * The calculator and local values of the first profile of `type` in a simulate fixture folder,
 * loaded as the folder's command.txt does.
 */
export function loadFirstProfile(
  type: string,
  folderName: string,
): { calc: ProfileCalculator; values: Float64Array } {
  const folder = `${SIMULATE}/${folderName}`;
  const args = commandArgs(folder);
  const cwd = Deno.cwd();
  Deno.chdir(folder);
  let loaded;
  try {
    loaded = loadStudy({ experiments: args.e, parameters: args.p, model: parseModel(args.d) });
  } finally {
    Deno.chdir(cwd);
  }
  const { study, store } = loaded;
  const k = study.profiles.findIndex((p) => study.experiments[p.experiment].name === type);
  if (k < 0) throw new Error(`${folderName}: no profile of type ${type}`);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const values = Float64Array.from(
    study.profiles[k].paramIds.map((id) => pv.values[pv.index.get(id)!]),
  );
  return { calc: createCalculator(study, k), values };
}

function benchType(type: string, folderName: string): Row {
  const { calc, values } = loadFirstProfile(type, folderName);
  const sp = calc.spectrometer;
  const size = sp.size;
  sp.resetCounters();
  intensitiesAt(calc, values, calc.x);
  const propagators = sp.propagatorCount;
  const a = Float64Array.from({ length: size * size }, (_, i) => Math.sin(i + 1));
  const b = Float64Array.from({ length: size * size }, (_, i) => Math.cos(i + 1));
  const c = new Float64Array(size * size);
  const t = timePaired(() => matmul(c, a, b, size), () => intensitiesAt(calc, values, calc.x));
  const flop = 20 * size ** 3;
  // Per batch pair: time per propagator over the exponential's cost at that pair's rate (none
  // for a type without exponentials, e.g. a shift experiment).
  const ratios = t.b.map((e, i) => e / propagators / (flop * t.a[i] / (2 * size ** 3)));
  return {
    type,
    folder: folderName,
    size,
    points: calc.x.length,
    propagators,
    timeS: median(t.b),
    bestS: Math.min(...t.b),
    rate: 2 * size ** 3 / median(t.a),
    expmS: flop * median(t.a) / (2 * size ** 3),
    // The budget is the CPMG issue's; CEST-type sequences build most of their exponentials outside
    // the counted Spectrometer methods, so a ratio would be meaningless there (see cest_bench.ts).
    ratio: propagators > 0 && type.startsWith("cpmg") ? median(ratios) : null,
  };
}

/** {@link benchType} in a fresh process (`--child TYPE FOLDER`). */
function benchInChild(type: string, folder: string): Promise<Row> {
  return childJson<Row>(import.meta.url, [type, folder], `benchmark of ${type}`);
}

if (import.meta.main && Deno.args[0] === "--child") {
  console.log(JSON.stringify(benchType(Deno.args[1], Deno.args[2])));
} else if (import.meta.main) {
  const json = Deno.args.includes("--json");
  const args = Deno.args.filter((a) => a !== "--json");
  const folders = fixtureFolders();
  const wanted = args.length > 0 ? args : [...Object.keys(EXPERIMENTS)].sort();
  const rows: Row[] = [];
  for (const type of wanted) {
    const folder = folders.get(type);
    if (!folder) {
      if (!json) console.log(`${type.padEnd(26)} (no simulate fixture)`);
      continue;
    }
    rows.push(await benchInChild(type, folder));
  }
  if (json) {
    for (const r of rows) {
      console.log(JSON.stringify(r));
    }
  } else {
    const us = (s: number, w = 9) => (Number.isFinite(s) ? (s * 1e6).toFixed(2) : "-").padStart(w);
    console.log(
      `budget: time per propagator (exponential) ≤ ${BUDGET} × the time of 20·N³ flop at the ` +
        "N×N matmul rate (GF/s) measured alongside",
    );
    console.log(
      `${"type".padEnd(26)} ${"N".padStart(3)} ${"pts".padStart(4)} ${"props".padStart(5)} ` +
        `${"eval µs".padStart(9)} ${"µs/prop".padStart(8)} ${"GF/s".padStart(5)} ` +
        `${"20N³ µs".padStart(8)} ${"ratio".padStart(6)}`,
    );
    for (const r of rows) {
      const perProp = r.timeS / r.propagators;
      const ratio = r.ratio;
      console.log(
        `${r.type.padEnd(26)} ${String(r.size).padStart(3)} ${String(r.points).padStart(4)} ` +
          `${String(r.propagators).padStart(5)} ${us(r.timeS)} ${us(perProp, 8)} ` +
          `${(r.rate / 1e9).toFixed(2).padStart(5)} ${us(r.expmS, 8)} ${
            (ratio === null ? "-" : ratio.toFixed(2)).padStart(6)
          }${ratio !== null && ratio > BUDGET ? `  ABOVE BUDGET (> ${BUDGET})` : ""}`,
      );
    }
  }
}
