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
import { compareSpinSystems, parseSpinSystem } from "../params/spin_system.ts";
import type { Param, ParamStore } from "../params/store.ts";
import type { StudySpec } from "./study.ts";
import { type Chunk, createChunkEvaluator, makeChunk } from "./chunk.ts";
import { subStore } from "./problem.ts";
import { fitGroup, independentGroups } from "./step.ts";
import { MAX_NFEV } from "./group_solve.ts";
import { budgetCountNotice } from "./budget.ts";
import type { StepOrigin } from "./constraints.ts";
import { type ProgressReporter, silentProgress } from "./progress.ts";
import { type GridAxis, resolveGrid, type ResolveOptions } from "./grid_spec.ts";
import { gridTableText } from "./grid_output.ts";
import {
  type GridBlock,
  type GridOutcome,
  gridPointAt,
  gridSize,
  type GridTable,
  profileOver,
} from "./grid_table.ts";

export { type GridAxis, type GridValues, gridValues, resolveGrid } from "./grid_spec.ts";
export { gridFigures } from "./grid_output.ts";
export {
  type GridBlock,
  type GridOutcome,
  gridPointAt,
  gridProfile,
  gridSize,
  type GridTable,
  profileOver,
} from "./grid_table.ts";

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
  /** Solver evaluations of each point's refit (`--max-evaluations`; default the solver's). */
  maxNfev?: number;
}

function cloneParams(params: readonly Param[]): ParamStore {
  return new Map(params.map((p) => [p.id, { ...p }]));
}

/** What one grid point's refit gives: χ² (+∞ when it failed) and its objective evaluations. */
export interface GridPointResult {
  chisqr: number;
  /** Profile evaluations of the point's refit (`objective_evaluations` of `Grid/Factors`). */
  evaluations: number;
  /** The refit stopped at its evaluation budget: χ² is the last iterate's, not a minimum. */
  budgetHit: boolean;
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
  const fit = createGridPointFitter(task);
  return (point) => fit(point).chisqr;
}

/**
 * Like {@link createGridPointEvaluator}, with the number of objective (profile) evaluations the
 * point's refit took.
 *
 * @example
 * ```ts
 * createGridPointFitter(task)([330.19, 0.0734]); // { chisqr: 434.6, evaluations: 42 }
 * ```
 */
export function createGridPointFitter(
  task: GridTask,
): (point: readonly number[]) => GridPointResult {
  const evaluator = createChunkEvaluator(task.chunk);
  return (point) => {
    const r = fitGridPoint(task, evaluator, point);
    return { chisqr: r.chisqr, evaluations: r.evaluations, budgetHit: r.budgetHit };
  };
}

function fitGridPoint(
  task: GridTask,
  evaluator: ReturnType<typeof createChunkEvaluator>,
  point: readonly number[],
): { chisqr: number; store: ParamStore; evaluations: number; budgetHit: boolean } {
  const store = cloneParams(task.params);
  task.axes.forEach((id, a) => store.get(id)!.value = point[a]);
  const { residuals, problem, diagnostics } = fitGroup(store, evaluator, {
    ...(task.maxNfev !== undefined ? { maxNfev: task.maxNfev } : {}),
  });
  let chisqr = 0;
  for (const r of residuals) chisqr += r * r;
  return {
    chisqr: Number.isFinite(chisqr) ? chisqr : Infinity,
    store,
    evaluations: problem.evaluations(),
    budgetHit: diagnostics.triggers.includes("budget"),
  };
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
  return evaluateGridTaskCounts(task, indices, onPoint).chisqr;
}

/**
 * {@link evaluateGridTask} with each point's objective evaluations and whether its refit stopped
 * at the evaluation budget (1) or converged (0).
 *
 * @example
 * ```ts
 * const { chisqr, evaluations, budgetHits } = evaluateGridTaskCounts(task);
 * ```
 */
export function evaluateGridTaskCounts(
  task: GridTask,
  indices?: readonly number[],
  onPoint: () => void = () => {},
): { chisqr: Float64Array; evaluations: Float64Array; budgetHits: Uint8Array } {
  const fit = createGridPointFitter(task);
  const idx = indices ?? Array.from({ length: gridSize(task) }, (_, k) => k);
  const chisqr = new Float64Array(idx.length);
  const evaluations = new Float64Array(idx.length);
  const budgetHits = new Uint8Array(idx.length);
  idx.forEach((k, i) => {
    const r = fit(gridPointAt(task, k));
    chisqr[i] = r.chisqr;
    evaluations[i] = r.evaluations;
    budgetHits[i] = r.budgetHit ? 1 : 0;
    onPoint();
  });
  return { chisqr, evaluations, budgetHits };
}

/** The tasks of a step's grid, with what is needed to combine their tables. */
export interface GridPlan {
  /** All resolved axes (including parameters of profiles outside the selection). */
  axes: GridAxis[];
  tasks: GridTask[];
  /** Group display names ("15N"), aligned with tasks. */
  names: string[];
  /** Study profile indices of each task, aligned with tasks. */
  groups?: number[][];
  /** Notices for the user (e.g. axes that no selected profile uses). */
  notices: string[];
}

/** How a step's grid is planned: how its entries resolve, and each point refit's budget. */
export interface GridPlanOptions extends ResolveOptions {
  /** Solver evaluations of each point's refit (the step's `--max-evaluations`). */
  maxNfev?: number;
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
  resolve: GridPlanOptions = {},
): GridPlan {
  const axes = resolveGrid(store, entries, origin, resolve);
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
      ...(resolve.maxNfev !== undefined ? { maxNfev: resolve.maxNfev } : {}),
    };
  });
  const unused = axes.filter((a) => !used.has(a.id)).length;
  const notices = unused > 0
    ? [
      `GRID: ${unused} of ${axes.length} scanned parameters belong to no selected profile; ` +
      `they are fixed at their current values`,
    ]
    : [];
  return {
    axes,
    tasks,
    names: named.map((n) => n.name),
    groups: named.map((n) => n.g.slice()),
    notices,
  };
}

function argmin(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return best;
}

/** Largest combined table over shared grid parameters. */
const MAX_TABLE = 10_000_000;

/**
 * The grid points whose refit stopped at the evaluation budget (`hits`: per task, 1 per such
 * point), said in a notice: their χ² is a last iterate, not the minimum over the free parameters,
 * so the table may be too high there. Undefined when none did.
 */
function gridBudgetHits(
  plan: GridPlan,
  hits: readonly ArrayLike<number>[] | undefined,
): GridOutcome["budgetHits"] {
  const count = (hits ?? []).reduce((n, h) => n + Array.from(h).filter((x) => x > 0).length, 0);
  if (count === 0) return undefined;
  const budgets = [...new Set(plan.tasks.map((t) => t.maxNfev ?? MAX_NFEV))];
  return {
    count,
    of: plan.tasks.reduce((n, t) => n + gridSize(t), 0),
    budget: `${budgets.join("/")} solver evaluations`,
  };
}

/**
 * Combine the per-task chi-square tables (aligned with `plan.tasks`), choose the best point,
 * write it into the store (the step's fit then starts there) and format the grid files. With
 * `budgetHits` (per task, nonzero where a point's refit stopped at its evaluation budget), such
 * points are counted in the outcome and said in a notice.
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
  evaluations?: readonly Float64Array[],
  budgetHits?: readonly ArrayLike<number>[],
): GridOutcome {
  const values = new Map(plan.axes.map((a) => [a.id, a.values]));
  const sizes = new Map(plan.axes.map((a) => [a.id, a.values.length]));
  const tables: GridTable[] = plan.tasks.map((t, k) => ({
    axes: t.axes,
    shape: t.values.map((v) => v.length),
    chisqr: chisqr[k],
    ...(evaluations?.[k] ? { evaluations: evaluations[k] } : {}),
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
      supers.push({
        members: [k],
        table: { axes: t.axes, shape: t.shape, chisqr: t.chisqr.slice() },
      });
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
  if (global) files.set("Grid/grid.out", gridTableText(global, values));
  else {
    blocks.forEach((b, k) => {
      files.set(`Grid/Blocks/${k + 1}_${b.name}.out`, gridTableText(b.table, values));
    });
  }
  if (tables.filter((t) => t.axes.length > 0).length > 1) {
    tables.forEach((t, k) => {
      if (t.axes.length === 0) return;
      files.set(`Grid/Groups/${k + 1}_${plan.names[k]}.out`, gridTableText(t, values));
    });
  }
  const hit = gridBudgetHits(plan, budgetHits);
  return {
    axes: plan.axes,
    best,
    global,
    blocks,
    tables,
    groups: plan.groups ?? plan.tasks.map(() => []),
    files,
    notices: hit
      ? [...plan.notices, budgetCountNotice("GRID", "grid points", hit)]
      : plan.notices.slice(),
    ...(hit ? { budgetHits: hit } : {}),
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
  resolve: GridPlanOptions = {},
): GridOutcome {
  const plan = planGrid(study, store, entries, selected, origin, resolve);
  const total = plan.tasks.reduce((n, t) => n + gridSize(t), 0);
  const bar = progress("grid", total);
  try {
    const tables = plan.tasks.map((t) => evaluateGridTaskCounts(t, undefined, () => bar.tick()));
    return finishGrid(
      plan,
      tables.map((t) => t.chisqr),
      store,
      tables.map((t) => t.evaluations),
      tables.map((t) => t.budgetHits),
    );
  } finally {
    bar.done();
  }
}
