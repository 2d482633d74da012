/**
 * χ² tables of a GRID search and their reductions (pure functions over plain data): point
 * enumeration, minimisation over axes, the profiled surface over chosen axes.
 *
 * @module
 */
import type { BudgetCount } from "./budget.ts";
import type { GridAxis } from "./grid_spec.ts";

/**
 * Number of points of a task (product of axis lengths; 1 without axes).
 *
 * @example
 * ```ts
 * gridSize(task); // 100 for two axes of 10 values
 * ```
 */
export function gridSize(task: { readonly values: readonly (readonly number[])[] }): number {
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
export function gridPointAt(
  task: { readonly values: readonly (readonly number[])[] },
  index: number,
): number[] {
  const out = new Array<number>(task.values.length);
  let rest = index;
  for (let a = task.values.length - 1; a >= 0; a--) {
    const n = task.values[a].length;
    out[a] = task.values[a][rest % n];
    rest = Math.floor(rest / n);
  }
  return out;
}

/** A chi-square table over some axes (row-major, last axis fastest). */
export interface GridTable {
  axes: string[];
  shape: number[];
  chisqr: Float64Array;
  /** Objective (profile) evaluations of each point's refit, when known. */
  evaluations?: Float64Array;
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
  /** Study profile indices of each table's group (aligned with `tables`). */
  groups: number[][];
  /** Files under the step folder (`Grid/grid.out`, `Grid/Groups/*.out`). */
  files: Map<string, string>;
  notices: string[];
  /**
   * Grid points whose refit stopped at its evaluation budget (`src/fit/budget.ts`), out of all
   * points, and that budget in words; absent when every refit converged.
   */
  budgetHits?: BudgetCount;
}
