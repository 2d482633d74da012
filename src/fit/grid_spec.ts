/**
 * GRID/search specifications of a step resolved against the parameter store: which parameters
 * each entry scans, with its values (the entries are parsed by `src/config/method_search.ts`,
 * the one parser of them, re-exported here).
 *
 * @module
 */
import { ConfigError } from "../config/errors.ts";
import { SelectorError } from "../config/method_selector.ts";
import {
  type GridAxis,
  parseSearchEntry,
  type SearchEntry,
  type SearchGrammar,
} from "../config/method_search.ts";
import { type ParamStore, selectIds } from "../params/store.ts";

export {
  type GridAxis,
  type GridValues,
  gridValues,
  parseSearchEntry,
  type SearchEntry,
  searchEntryPoints,
  type SearchGrammar,
} from "../config/method_search.ts";
import type { StepOrigin } from "./constraints.ts";

/** Options of {@link resolveGrid}. */
export interface ResolveOptions {
  /** Entry grammar (default v1). */
  grammar?: SearchGrammar;
  /** v2: only these ids (the FIT coordinates of the step's active scope) may become axes. */
  active?: ReadonlySet<string>;
  /** Word used in messages ("GRID entry", "AXES entry", …). */
  label?: string;
}

/**
 * Resolve a step's GRID entries against the store: the scanned parameter ids with their values,
 * in entry order (a later entry overrides an earlier one for the same parameter). With `active`
 * (v2), a broad selector expands to the active FIT coordinates only, an entry with none is an
 * error, and values must lie inside the parameter's bounds. Errors name the file and step.
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
  opts: ResolveOptions = {},
): GridAxis[] {
  const where = origin.step ? `step [${origin.step}]` : "the step";
  const label = opts.label ?? "GRID entry";
  const byId = new Map<string, GridAxis>();
  for (const text of entries) {
    const fail: (detail: string) => never = (detail) => {
      throw new ConfigError(origin.file, `${where}: ${label} "${text}": ${detail}`);
    };
    let entry: SearchEntry;
    try {
      entry = parseSearchEntry(text, opts.grammar ?? "v1");
    } catch (e) {
      if (e instanceof Error || e instanceof SelectorError) fail(e.message);
      throw e;
    }
    let ids = selectIds(store, entry.pname);
    if (ids.length === 0) fail(`No parameter matches selector [${entry.selector}]`);
    if (opts.active) {
      ids = ids.filter((id) => opts.active!.has(id));
      if (ids.length === 0) {
        fail(
          `[${entry.selector}] matches no FIT parameter of the step's selected profiles ` +
            `(search coordinates must be fitted, unconstrained and used by a selected profile)`,
        );
      }
      const vs = entry.values.values;
      for (const id of ids) {
        const p = store.get(id)!;
        if (vs.some((v) => v < p.min || v > p.max)) {
          fail(
            `Search range [${Math.min(...vs)}, ${Math.max(...vs)}] lies outside physical bounds ` +
              `[${p.min}, ${p.max}] of ${id}`,
          );
        }
      }
    }
    for (const id of ids) {
      byId.delete(id);
      byId.set(id, { id, ...entry.values, values: entry.values.values.slice() });
    }
  }
  return [...byId.values()];
}
