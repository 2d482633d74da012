/**
 * A step's search (ChemEx 2026.09 spec §1.7–§1.9) dispatched: the GRID entries and how to
 * resolve them (v1 permissive, v2 strict over the active FIT coordinates), and the in-process
 * PREPARE and DE searches that choose where the step's fit starts.
 *
 * @module
 */
import type { ParamStore } from "../params/store.ts";
import type { ResolveOptions } from "./grid_spec.ts";
import { activeFitIds } from "./roles.ts";
import type { StepSpec } from "./step.ts";
import type { StudySpec } from "./study.ts";
import { runPrepare } from "./prepare.ts";
import { runDe } from "./de_search.ts";

/**
 * The GRID of a step, if it has one: entries and resolve options.
 *
 * @example
 * ```ts
 * const g = gridSearchOf(study, store, step, selected);
 * if (g) planGrid(study, store, g.entries, selected, step.origin, g.resolve);
 * ```
 */
export function gridSearchOf(
  study: StudySpec,
  store: ParamStore,
  step: StepSpec,
  selected: readonly boolean[],
): { entries: string[]; resolve: ResolveOptions } | undefined {
  const s = step.search;
  if (s?.kind === "grid") {
    if (s.grammar === "v1") return { entries: s.axes, resolve: {} };
    return {
      entries: s.axes,
      resolve: { grammar: "v2", active: activeFitIds(store, study, selected), label: "GRID axis" },
    };
  }
  if (!s && step.grid?.length) return { entries: step.grid, resolve: {} };
  return undefined;
}

/**
 * Run a step's PREPARE or DE search on the store's values; returns notices (none without).
 *
 * @example
 * ```ts
 * const notices = runStepSearch(study, store, step, selected);
 * ```
 */
export function runStepSearch(
  study: StudySpec,
  store: ParamStore,
  step: StepSpec,
  selected: readonly boolean[],
): string[] {
  const s = step.search;
  if (s?.kind === "prepare") return runPrepare(study, store, s, selected);
  if (s?.kind === "de") return runDe(study, store, s, selected);
  return [];
}
