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
 * charge a type for its predecessors. The matmul rate is measured in that process first.
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

const SIMULATE = fromFileUrl(new URL("../../shared/refdata/simulate", import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/** Median wall time (s) of fn over batches, running for about `budgetS` in total. */
function timeMedian(fn: () => void, budgetS: number): number {
  fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    if (performance.now() - t0 > 5 || reps > 1e6) break;
    reps *= 2;
  }
  const samples: number[] = [];
  const end = performance.now() + budgetS * 1000;
  while (samples.length < 5 || (performance.now() < end && samples.length < 200)) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    samples.push((performance.now() - t0) / 1000 / reps);
  }
  return median(samples);
}

const RATES = new Map<number, number>();

/** Flop/s of `matmul` on n×n matrices (2n³ flop per product), measured once per n. */
function matmulRate(n: number): number {
  const known = RATES.get(n);
  if (known !== undefined) return known;
  const a = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i + 1));
  const b = Float64Array.from({ length: n * n }, (_, i) => Math.cos(i + 1));
  const c = new Float64Array(n * n);
  const rate = (2 * n ** 3) / timeMedian(() => matmul(c, a, b, n), 0.5);
  RATES.set(n, rate);
  return rate;
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
  /** Median time of one evaluation (s). */
  timeS: number;
  /** Measured N×N matmul rate (flop/s). */
  rate: number;
  /** Cost of one 20·N³-flop exponential at that rate (s). */
  expmS: number;
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
  const rate = matmulRate(size);
  sp.resetCounters();
  intensitiesAt(calc, values, calc.x);
  const propagators = sp.propagatorCount;
  const timeS = timeMedian(() => intensitiesAt(calc, values, calc.x), 0.5);
  const expmS = (20 * size ** 3) / rate;
  return { type, folder: folderName, size, points: calc.x.length, propagators, timeS, rate, expmS };
}

/** {@link benchType} in a fresh process (`--child TYPE FOLDER`). */
async function benchInChild(type: string, folder: string): Promise<Row> {
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", fromFileUrl(import.meta.url), "--child", type, folder],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!res.success) throw new Error(`benchmark of ${type} failed (exit code ${res.code})`);
  return JSON.parse(new TextDecoder().decode(res.stdout));
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
      console.log(JSON.stringify({ ...r, ratio: r.timeS / r.propagators / r.expmS }));
    }
  } else {
    const us = (s: number, w = 9) => (s * 1e6).toFixed(2).padStart(w);
    console.log(
      `${"type".padEnd(26)} ${"N".padStart(3)} ${"pts".padStart(4)} ${"props".padStart(5)} ` +
        `${"eval µs".padStart(9)} ${"µs/prop".padStart(8)} ${"GF/s".padStart(5)} ` +
        `${"20N³ µs".padStart(8)} ${"ratio".padStart(6)}`,
    );
    for (const r of rows) {
      const perProp = r.timeS / r.propagators;
      const ratio = perProp / r.expmS;
      console.log(
        `${r.type.padEnd(26)} ${String(r.size).padStart(3)} ${String(r.points).padStart(4)} ` +
          `${String(r.propagators).padStart(5)} ${us(r.timeS)} ${us(perProp, 8)} ` +
          `${(r.rate / 1e9).toFixed(2).padStart(5)} ${us(r.expmS, 8)} ${
            ratio.toFixed(2).padStart(6)
          }${ratio > BUDGET ? `  ABOVE BUDGET (> ${BUDGET})` : ""}`,
      );
    }
  }
}
