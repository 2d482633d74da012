/**
 * GRID of a method step (compatibility spec §7, output §8.6): brute-force scan of some
 * parameters, refining every other free parameter at each point.
 *
 * The grid parameters are fixed, which splits the selected profiles into independent groups;
 * each group scans the cartesian product of the grid parameters it depends on (as ChemEx
 * 2025.10 does), always starting from the step's starting values. Tables of groups scanning the
 * same parameters are summed; sums linked through shared grid parameters form a block, whose
 * table over those shared parameters is the sum of its tables, each minimized over the
 * parameters only it scans. Blocks are independent, so the best point is found block by block;
 * it is written into the store and seeds the step's final fit (grid parameters stay fixed).
 *
 * Files: `Grid/grid.out` (the single block's table; with several independent blocks, one
 * `Grid/Blocks/<k>_<NAME>.out` each instead) and, when several groups scan, ChemEx 2025.10's
 * per-group tables `Grid/Groups/<k>_<NAME>.out`.
 *
 * The work is split so that it can be distributed: {@link planGrid} makes one serializable
 * {@link GridTask} per group, a grid point is evaluated by the pure function
 * {@link createGridPointEvaluator} (point → chi-square), and {@link finishGrid} combines the
 * tables. {@link runGridStep} does all three in-process.
 *
 * @module
 */
import { ConfigError } from "../config/errors.ts";
import { pyExp } from "../math/pyformat.ts";
import { type ParamName, parseParamName } from "../params/name.ts";
import { compareSpinSystems, parseSpinSystem } from "../params/spin_system.ts";
import { type Param, type ParamStore, selectIds } from "../params/store.ts";
import type { StudySpec } from "./study.ts";
import { type Chunk, createChunkEvaluator, makeChunk } from "./chunk.ts";
import { subStore } from "./problem.ts";
import { fitGroup, independentGroups } from "./step.ts";
import type { StepOrigin } from "./constraints.ts";
import { type ProgressReporter, silentProgress } from "./progress.ts";

/** Values of one grid entry and how they were spaced (for plot scales). */
export interface GridValues {
  values: number[];
  spacing: "lin" | "log" | "list";
}

/** One scanned parameter. */
export interface GridAxis extends GridValues {
  id: string;
}

const FLOAT = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const LIN = new RegExp(`^lin\\((${FLOAT}),(${FLOAT}),(\\d+)\\)$`, "i");
const LOG = new RegExp(`^log\\((${FLOAT}),(${FLOAT}),(\\d+)\\)$`, "i");
const LIST = new RegExp(`^\\((?:${FLOAT})(?:,(?:${FLOAT}))*,?\\)$`);

/** n evenly spaced values from a to b inclusive (numpy's linspace: exact end point). */
function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  const step = (b - a) / (n - 1);
  const out = Array.from({ length: n }, (_, i) => a + i * step);
  out[n - 1] = b;
  return out;
}

/**
 * Values of a grid specification (spaces already removed or not): `lin(a, b, n)`,
 * `log(a, b, n)` (a, b > 0) or `(v1, v2, ...)`. Throws an Error describing what was expected.
 *
 * @example
 * ```ts
 * gridValues("log(100, 600, 10)").values[9]; // 600
 * gridValues("(0, 1.5, 3)").values; // [0, 1.5, 3]
 * ```
 */
export function gridValues(spec: string): GridValues {
  const text = spec.replace(/\s+/g, "");
  const expected = "expected lin(start, stop, n), log(start, stop, n) or (v1, v2, ...)";
  let m = LIN.exec(text);
  if (m) {
    const n = Number(m[3]);
    if (n < 1) throw new Error(`"${spec}": the number of values must be at least 1`);
    return { values: linspace(Number(m[1]), Number(m[2]), n), spacing: "lin" };
  }
  m = LOG.exec(text);
  if (m) {
    const [a, b, n] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!(a > 0 && b > 0)) throw new Error(`"${spec}": log() needs start and stop > 0`);
    if (n < 1) throw new Error(`"${spec}": the number of values must be at least 1`);
    const values = linspace(Math.log10(a), Math.log10(b), n).map((e) => 10 ** e);
    values[0] = a;
    if (n > 1) values[n - 1] = b;
    return { values, spacing: "log" };
  }
  if (LIST.test(text)) {
    const values = text.slice(1, -1).split(",").filter((s) => s !== "").map(Number);
    return { values, spacing: "list" };
  }
  throw new Error(`"${spec}": ${expected}`);
}

/**
 * Resolve a step's GRID entries against the store: the scanned parameter ids with their values,
 * in entry order (a later entry overrides an earlier one for the same parameter). Errors name
 * the method file and step.
 *
 * @example
 * ```ts
 * const axes = resolveGrid(store, ["[KEX_AB] = log(100, 600, 10)"], { file: "m.toml", step: "S1" });
 * axes[0].id; // "KEX_AB"
 * ```
 */
export function resolveGrid(
  store: ParamStore,
  entries: readonly string[],
  origin: StepOrigin = { file: "method file", step: "" },
): GridAxis[] {
  const where = origin.step ? `step [${origin.step}]` : "the step";
  const byId = new Map<string, GridAxis>();
  for (const entry of entries) {
    const fail: (detail: string) => never = (detail) => {
      throw new ConfigError(origin.file, `${where}: GRID entry "${entry}": ${detail}`);
    };
    const compact = entry.replace(/\s+/g, "");
    const eq = [...compact.matchAll(/=/g)].length;
    if (eq !== 1) fail(`expected exactly one '=' ("[SELECTOR] = lin(a, b, n)"), found ${eq}`);
    const [name, spec] = compact.split("=");
    let selector: ParamName;
    try {
      selector = parseParamName(entry.slice(0, entry.indexOf("=")));
    } catch (e) {
      fail(`bad selector "${name}": ${(e as Error).message}`);
    }
    if (selector.name === "" && selector.spin.spins.length === 0) {
      fail("the selector is empty (expected e.g. [KEX_AB])");
    }
    let values: GridValues;
    try {
      values = gridValues(spec);
    } catch (e) {
      fail((e as Error).message);
    }
    const ids = selectIds(store, selector);
    if (ids.length === 0) fail(`[${name.replace(/^\[|\]$/g, "")}] selects no parameter`);
    for (const id of ids) {
      byId.delete(id);
      byId.set(id, { id, ...values });
    }
  }
  return [...byId.values()];
}

/** A group's scan: serializable (plain data) so it can be sent to a worker. */
export interface GridTask {
  /** The group's profiles. */
  chunk: Chunk;
  /** The parameters those profiles need, with the step's status and starting values. */
  params: Param[];
  /** Scanned parameter ids of this group (possibly none: a single point). */
  axes: string[];
  /** Values of each axis. */
  values: number[][];
}

/**
 * Number of points of a task (product of axis lengths; 1 without axes).
 *
 * @example
 * ```ts
 * gridSize(task); // 100 for two axes of 10 values
 * ```
 */
export function gridSize(task: Pick<GridTask, "values">): number {
  return task.values.reduce((n, v) => n * v.length, 1);
}

/**
 * Values of the point with a flat index (row-major: the last axis varies fastest, as
 * `itertools.product`).
 *
 * @example
 * ```ts
 * gridPointAt({ values: [[1, 2], [10, 20, 30]] }, 4); // [2, 20]
 * ```
 */
export function gridPointAt(task: Pick<GridTask, "values">, index: number): number[] {
  const out = new Array<number>(task.values.length);
  let rest = index;
  for (let a = task.values.length - 1; a >= 0; a--) {
    const n = task.values[a].length;
    out[a] = task.values[a][rest % n];
    rest = Math.floor(rest / n);
  }
  return out;
}

function cloneParams(params: readonly Param[]): ParamStore {
  return new Map(params.map((p) => [p.id, { ...p }]));
}

/**
 * The pure function of a task: chi-square after refining the group's free parameters with the
 * grid parameters at `point` (values in `task.axes` order), always starting from the task's
 * starting values, so the result depends on the point only.
 *
 * @example
 * ```ts
 * const chi2 = createGridPointEvaluator(task);
 * chi2([330.19, 0.0734]);
 * ```
 */
export function createGridPointEvaluator(task: GridTask): (point: readonly number[]) => number {
  const evaluator = createChunkEvaluator(task.chunk);
  return (point) => fitGridPoint(task, evaluator, point).chisqr;
}

function fitGridPoint(
  task: GridTask,
  evaluator: ReturnType<typeof createChunkEvaluator>,
  point: readonly number[],
): { chisqr: number; store: ParamStore } {
  const store = cloneParams(task.params);
  task.axes.forEach((id, a) => store.get(id)!.value = point[a]);
  const { residuals } = fitGroup(store, evaluator);
  let chisqr = 0;
  for (const r of residuals) chisqr += r * r;
  return { chisqr: Number.isFinite(chisqr) ? chisqr : Infinity, store };
}

/**
 * Evaluate the points of a task with the given flat indices (default all), in-process.
 *
 * @example
 * ```ts
 * const table = evaluateGridTask(task); // chi-square per point, row-major
 * ```
 */
export function evaluateGridTask(
  task: GridTask,
  indices?: readonly number[],
  onPoint: () => void = () => {},
): Float64Array {
  const chi2 = createGridPointEvaluator(task);
  const idx = indices ?? Array.from({ length: gridSize(task) }, (_, k) => k);
  return Float64Array.from(idx, (k) => {
    const v = chi2(gridPointAt(task, k));
    onPoint();
    return v;
  });
}

/** The tasks of a step's grid, with what is needed to combine their tables. */
export interface GridPlan {
  /** All resolved axes (including parameters of profiles outside the selection). */
  axes: GridAxis[];
  tasks: GridTask[];
  /** Group display names ("15N"), aligned with tasks. */
  names: string[];
  /** Notices for the user (e.g. axes that no selected profile uses). */
  notices: string[];
}

/**
 * Fix the grid parameters in the store and cut the selected profiles into per-group tasks.
 *
 * @example
 * ```ts
 * const plan = planGrid(study, store, step.grid, selected, origin);
 * ```
 */
export function planGrid(
  study: StudySpec,
  store: ParamStore,
  entries: readonly string[],
  selected: readonly boolean[],
  origin?: StepOrigin,
): GridPlan {
  const axes = resolveGrid(store, entries, origin);
  for (const a of axes) {
    const p = store.get(a.id)!;
    p.vary = false;
    p.expr = "";
  }
  const chosen = selected.map((s, k) => s ? k : -1).filter((k) => k >= 0);
  const groups = independentGroups(store, study, chosen);
  const named = groups.map((g) => ({ g, name: study.profiles[g[0]].name }));
  named.sort((a, b) =>
    compareSpinSystems(parseSpinSystem(a.name), parseSpinSystem(b.name)) || a.g[0] - b.g[0]
  );
  const used = new Set<string>();
  const tasks = named.map(({ g }) => {
    const sub = subStore(store, g.flatMap((k) => study.profiles[k].paramIds));
    const mine = axes.filter((a) => sub.has(a.id));
    mine.forEach((a) => used.add(a.id));
    return {
      chunk: makeChunk(study, g),
      params: [...sub.values()].map((p) => ({ ...p, stderr: null })),
      axes: mine.map((a) => a.id),
      values: mine.map((a) => a.values.slice()),
    };
  });
  const unused = axes.filter((a) => !used.has(a.id)).length;
  const notices = unused > 0
    ? [
      `GRID: ${unused} of ${axes.length} scanned parameters belong to no selected profile; ` +
      `they are fixed at their current values`,
    ]
    : [];
  return { axes, tasks, names: named.map((n) => n.name), notices };
}

/** A chi-square table over some axes (row-major, last axis fastest). */
export interface GridTable {
  axes: string[];
  shape: number[];
  chisqr: Float64Array;
}

/**
 * Minimum total chi-square over every axis not in `keep`: the sum over groups of each group's
 * table minimized over its other axes (groups without an axis of `keep` are constant along it).
 *
 * @example
 * ```ts
 * const kexProfile = profileOver(tables, ["KEX_AB"], sizes);
 * ```
 */
export function profileOver(
  tables: readonly GridTable[],
  keep: readonly string[],
  sizes: ReadonlyMap<string, number>,
): GridTable {
  const shape = keep.map((id) => sizes.get(id)!);
  const total = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(total);
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  for (const t of tables) {
    // Reduce this table onto the keep axes it has.
    const pos = keep.map((id) => t.axes.indexOf(id));
    const reduced = new Float64Array(total).fill(Infinity);
    const tStrides = t.shape.map((_, a) => t.shape.slice(a + 1).reduce((x, y) => x * y, 1));
    for (let i = 0; i < t.chisqr.length; i++) {
      let target = 0;
      for (let a = 0; a < keep.length; a++) {
        if (pos[a] >= 0) {
          target += (Math.floor(i / tStrides[pos[a]]) % t.shape[pos[a]]) * strides[a];
        }
      }
      if (t.chisqr[i] < reduced[target]) reduced[target] = t.chisqr[i];
    }
    // Broadcast along keep axes the table lacks.
    for (let j = 0; j < total; j++) {
      let source = 0;
      for (let a = 0; a < keep.length; a++) {
        if (pos[a] >= 0) source += (Math.floor(j / strides[a]) % shape[a]) * strides[a];
      }
      out[j] += reduced[source];
    }
  }
  return { axes: keep.slice(), shape, chisqr: out };
}

function argmin(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return best;
}

/** Groups linked through shared grid parameters, and their combined table over those. */
export interface GridBlock {
  /** Display name (first group's). */
  name: string;
  /** Indices of the member tasks. */
  members: number[];
  /** Tables of the block (groups scanning the same parameters summed). */
  parts: GridTable[];
  /** Combined table over the grid parameters shared within the block. */
  table: GridTable;
}

/**
 * Lowest total chi-square for each combination of the `keep` grid parameters, minimized over
 * every other grid parameter (what the 1D/2D plots show).
 *
 * @example
 * ```ts
 * gridProfile(outcome, ["KEX_AB"]).chisqr; // one value per KEX_AB grid value
 * ```
 */
export function gridProfile(outcome: GridOutcome, keep: readonly string[]): GridTable {
  const sizes = new Map(outcome.axes.map((a) => [a.id, a.values.length]));
  const perBlock = outcome.blocks.map((b) => {
    const own = new Set(b.parts.flatMap((t) => t.axes));
    const kept = keep.filter((id) => own.has(id));
    const joint = [...b.table.axes, ...kept.filter((id) => !b.table.axes.includes(id))];
    // Parameters private to one table are minimized there; shared ones only after summing.
    return profileOver([profileOver(b.parts, joint, sizes)], kept, sizes);
  });
  const constants = outcome.tables.filter((t) => t.axes.length === 0);
  return profileOver([...perBlock, ...constants], keep, sizes);
}

/** Largest combined table over shared grid parameters. */
const MAX_TABLE = 10_000_000;

/** What a finished grid gives the step. */
export interface GridOutcome {
  /** All resolved axes. */
  axes: GridAxis[];
  /** Best value of every scanned parameter of the selected profiles. */
  best: Map<string, number>;
  /** The global table written to `Grid/grid.out` (one block), else null. */
  global: GridTable | null;
  /** Independent blocks of groups linked by shared grid parameters, with their tables. */
  blocks: GridBlock[];
  tables: GridTable[];
  /** Files under the step folder (`Grid/grid.out`, `Grid/Groups/*.out`). */
  files: Map<string, string>;
  notices: string[];
}

function tableText(table: GridTable, values: ReadonlyMap<string, number[]>): string {
  const lines = [`# ${[...table.axes.map((id) => `[${id}]`), "[χ²]"].join(" ")}`];
  const axisValues = table.axes.map((id) => values.get(id)!);
  for (let i = 0; i < table.chisqr.length; i++) {
    const point = gridPointAt({ values: axisValues }, i);
    lines.push(`  ${[...point, table.chisqr[i]].map((v) => pyExp(v, 5)).join(" ")}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * Combine the per-task chi-square tables (aligned with `plan.tasks`), choose the best point,
 * write it into the store (the step's fit then starts there) and format the grid files.
 *
 * @example
 * ```ts
 * const outcome = finishGrid(plan, plan.tasks.map((t) => evaluateGridTask(t)), store);
 * ```
 */
export function finishGrid(
  plan: GridPlan,
  chisqr: readonly Float64Array[],
  store: ParamStore,
): GridOutcome {
  const values = new Map(plan.axes.map((a) => [a.id, a.values]));
  const sizes = new Map(plan.axes.map((a) => [a.id, a.values.length]));
  const tables: GridTable[] = plan.tasks.map((t, k) => ({
    axes: t.axes,
    shape: t.values.map((v) => v.length),
    chisqr: chisqr[k],
  }));
  const order = plan.axes.map((a) => a.id);
  // Groups scanning the same grid parameters (e.g. one residue at two fields) add up first.
  const supers: { members: number[]; table: GridTable }[] = [];
  const byKey = new Map<string, number>();
  tables.forEach((t, k) => {
    if (t.axes.length === 0) return;
    const key = t.axes.join("\u0000");
    const at = byKey.get(key);
    if (at === undefined) {
      byKey.set(key, supers.length);
      supers.push({ members: [k], table: { ...t, chisqr: t.chisqr.slice() } });
    } else {
      supers[at].members.push(k);
      const sum = supers[at].table.chisqr;
      for (let i = 0; i < sum.length; i++) sum[i] += t.chisqr[i];
    }
  });
  // Blocks: sums linked through shared grid parameters; blocks are independent of each other.
  const parent = supers.map((_, k) => k);
  const find = (k: number): number => parent[k] === k ? k : (parent[k] = find(parent[k]));
  const ownerOf = new Map<string, number>();
  supers.forEach((sup, k) => {
    for (const id of sup.table.axes) {
      const o = ownerOf.get(id);
      if (o === undefined) ownerOf.set(id, k);
      else parent[find(k)] = find(o);
    }
  });
  const members = new Map<number, number[]>();
  supers.forEach((_, k) => {
    const r = find(k);
    if (!members.has(r)) members.set(r, []);
    members.get(r)!.push(k);
  });
  const constants = tables.filter((t) => t.axes.length === 0);
  const blocks: GridBlock[] = [...members.values()].map((ks) => {
    const count = new Map<string, number>();
    for (const k of ks) {
      for (const id of supers[k].table.axes) count.set(id, (count.get(id) ?? 0) + 1);
    }
    const shared = ks.length === 1
      ? supers[ks[0]].table.axes.slice()
      : order.filter((id) => (count.get(id) ?? 0) >= 2);
    const first = supers[ks[0]].members[0];
    const size = shared.reduce((n, id) => n * sizes.get(id)!, 1);
    if (size > MAX_TABLE) {
      throw new Error(
        `GRID: the grid parameters shared by the groups of "${plan.names[first]}" span ` +
          `${size.toExponential(2)} points; scan fewer shared parameters or values`,
      );
    }
    const parts = ks.map((k) => supers[k].table);
    // With a single block, groups without grid parameters add their constant chi-square.
    const withConstants = members.size === 1 ? [...parts, ...constants] : parts;
    return {
      name: plan.names[first],
      members: ks.flatMap((k) => supers[k].members).sort((a, b) => a - b),
      parts,
      table: profileOver(withConstants, shared, sizes),
    };
  });
  const best = new Map<string, number>();
  for (const b of blocks) {
    const axisValues = b.table.axes.map((id) => values.get(id)!);
    const point = gridPointAt({ values: axisValues }, argmin(b.table.chisqr));
    b.table.axes.forEach((id, a) => best.set(id, point[a]));
  }
  // Grid parameters of one sum only: its best given the block's values.
  for (const { table: t } of supers) {
    if (t.axes.every((id) => best.has(id))) continue;
    const axisValues = t.axes.map((id) => values.get(id)!);
    let bestIndex = -1;
    for (let i = 0; i < t.chisqr.length; i++) {
      const point = gridPointAt({ values: axisValues }, i);
      const fits = t.axes.every((id, a) => !best.has(id) || best.get(id) === point[a]);
      if (fits && (bestIndex < 0 || t.chisqr[i] < t.chisqr[bestIndex])) bestIndex = i;
    }
    const point = gridPointAt({ values: axisValues }, bestIndex);
    t.axes.forEach((id, a) => {
      if (!best.has(id)) best.set(id, point[a]);
    });
  }
  for (const [id, v] of best) store.get(id)!.value = v;
  const files = new Map<string, string>();
  const global = blocks.length === 1 ? blocks[0].table : null;
  if (global) files.set("Grid/grid.out", tableText(global, values));
  else {
    blocks.forEach((b, k) => {
      files.set(`Grid/Blocks/${k + 1}_${b.name}.out`, tableText(b.table, values));
    });
  }
  if (tables.filter((t) => t.axes.length > 0).length > 1) {
    tables.forEach((t, k) => {
      if (t.axes.length === 0) return;
      files.set(`Grid/Groups/${k + 1}_${plan.names[k]}.out`, tableText(t, values));
    });
  }
  return {
    axes: plan.axes,
    best,
    global,
    blocks,
    tables,
    files,
    notices: plan.notices.slice(),
  };
}

/**
 * Plan, evaluate and finish a step's grid in-process, reporting progress per point.
 *
 * @example
 * ```ts
 * const outcome = runGridStep(study, store, step.grid, selected, origin);
 * ```
 */
export function runGridStep(
  study: StudySpec,
  store: ParamStore,
  entries: readonly string[],
  selected: readonly boolean[],
  origin?: StepOrigin,
  progress: ProgressReporter = silentProgress,
): GridOutcome {
  const plan = planGrid(study, store, entries, selected, origin);
  const total = plan.tasks.reduce((n, t) => n + gridSize(t), 0);
  const bar = progress("grid", total);
  try {
    const tables = plan.tasks.map((t) => evaluateGridTask(t, undefined, () => bar.tick()));
    return finishGrid(plan, tables, store);
  } finally {
    bar.done();
  }
}

/** Axis order of the plots: by parameter name, then spin system, then id. */
function plotOrder(store: ParamStore, ids: readonly string[]): string[] {
  return ids.slice().sort((a, b) => {
    const pa = store.get(a)!.pname;
    const pb = store.get(b)!.pname;
    if (pa.name !== pb.name) return pa.name < pb.name ? -1 : 1;
    return compareSpinSystems(pa.spin, pb.spin) || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/**
 * Vega-Lite specs of the grid plots (`Grid/grid_1d.svg`: chi-square versus each scanned
 * parameter, minimized over the others; `Grid/grid_2d.svg`: maps for each pair scanned together
 * by some group). Rendering is the caller's (async) job.
 *
 * @example
 * ```ts
 * const figures = gridFigures(outcome, store); // Map { "Grid/grid_1d.svg" => spec, ... }
 * ```
 */
export function gridFigures(outcome: GridOutcome, store: ParamStore): Map<string, object> {
  const out = new Map<string, object>();
  const axes = new Map(outcome.axes.map((a) => [a.id, a]));
  const scanned = plotOrder(store, [...outcome.best.keys()]);
  if (scanned.length === 0) return out;
  const scale = (id: string) => axes.get(id)!.spacing === "log" ? { type: "log" } : { zero: false };
  const panels1d = scanned.map((id) => {
    const t = gridProfile(outcome, [id]);
    const rows = axes.get(id)!.values.map((v, i) => ({ v, chi2: t.chisqr[i] }));
    const x = { field: "v", type: "quantitative", title: id, scale: scale(id) };
    const y = { field: "chi2", type: "quantitative", title: "χ²", scale: { zero: false } };
    return {
      width: 360,
      height: 220,
      layer: [
        { data: { values: rows }, mark: { type: "line", point: true }, encoding: { x, y } },
        {
          data: { values: [{ v: outcome.best.get(id) }] },
          mark: { type: "rule", strokeDash: [4, 4], color: "#808080" },
          encoding: { x },
        },
      ],
    };
  });
  out.set("Grid/grid_1d.svg", {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    background: "white",
    vconcat: panels1d,
    config: { aria: false },
  });
  const pairs = new Map<string, [string, string]>();
  for (const t of outcome.tables) {
    const ids = plotOrder(store, t.axes);
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        pairs.set(`${ids[i]}\u0000${ids[j]}`, [ids[i], ids[j]]);
      }
    }
  }
  if (pairs.size > 0) {
    const panels2d = [...pairs.values()].map(([a, b]) => {
      const t = gridProfile(outcome, [a, b]);
      const va = axes.get(a)!.values;
      const vb = axes.get(b)!.values;
      const rows = [];
      for (let i = 0; i < va.length; i++) {
        for (let j = 0; j < vb.length; j++) {
          rows.push({ x: va[i], y: vb[j], chi2: t.chisqr[i * vb.length + j] });
        }
      }
      return {
        width: 300,
        height: 300,
        data: { values: rows },
        mark: { type: "point", filled: true, size: 80 },
        encoding: {
          x: { field: "x", type: "quantitative", title: a, scale: scale(a) },
          y: { field: "y", type: "quantitative", title: b, scale: scale(b) },
          color: {
            field: "chi2",
            type: "quantitative",
            title: "χ²",
            scale: { type: "log", scheme: "viridis", reverse: true },
          },
        },
      };
    });
    out.set("Grid/grid_2d.svg", {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      background: "white",
      vconcat: panels2d,
      resolve: { scale: { color: "independent" } },
      config: { aria: false },
    });
  }
  return out;
}
