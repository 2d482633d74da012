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
import type { TimeBudget } from "./budget.ts";

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
  budget?: TimeBudget,
): string[] {
  const s = step.search;
  if (s?.kind === "prepare") return runPrepare(study, store, s, selected, budget);
  if (s?.kind === "de") return runDe(study, store, s, selected, budget);
  return [];
}

/** ChemEx 2026.09's reason for the errors of a GRID step (spec §1.7). */
export const GRID_WITHHELD =
  "withheld: GRID coordinates were selected on a discrete profiled surface, not by a full " +
  "continuous Direct TRF";

/**
 * After a v2 GRID step: no deterministic errors for the parameters of the chosen profiles;
 * fitted ones say why (`(error unavailable: withheld: …)` in fitted.toml).
 *
 * @example
 * ```ts
 * withholdErrors(store, study, chosen);
 * ```
 */
export function withholdErrors(
  store: ParamStore,
  study: StudySpec,
  profiles: readonly number[],
): void {
  for (const k of profiles) {
    for (const id of study.profiles[k].paramIds) {
      const p = store.get(id);
      if (!p) continue;
      p.stderr = null;
      if (p.vary && !p.expr) p.errorNote = GRID_WITHHELD;
    }
  }
}
