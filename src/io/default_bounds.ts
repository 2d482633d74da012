/**
 * Finite default bounds at load time (ChemEx 2026.09, #751, spec §6.1): after the parameter-file
 * values have been checked against the models' physical domains, every parameter's box is
 * narrowed to the finite default of its NAME (`src/models/bounds.ts`); then the files' entries
 * are applied, explicit bounds replacing the box. A bare value outside the box it inherits is an
 * error naming the file, line and key, with the bounds that would allow it.
 *
 * @module
 */
import { ConfigError } from "../config/errors.ts";
import { describeValue } from "../config/toml.ts";
import type { ParameterEntry } from "../config/parameters.ts";
import { defaultBoundsKind, narrowToDefault } from "../models/bounds.ts";
import { parseParamName, selectorMatches } from "../params/name.ts";
import type { ParamStore } from "../params/store.ts";
import { selectorCandidates } from "../params/selector_index.ts";

/**
 * Narrow every parameter's bounds to its finite default box (call after the domain check and
 * before the entries are applied). A start value the narrowing leaves outside (a model-free
 * rate seeded above 1000 s⁻¹, say) is left for {@link checkBareValues} and the feasibility
 * check to report.
 *
 * @example
 * ```ts
 * applyFiniteDefaultBounds(store); // KEX_AB [0, inf] -> [0, 1e6]
 * ```
 */
export function applyFiniteDefaultBounds(store: ParamStore): void {
  for (const p of store.values()) {
    [p.min, p.max] = narrowToDefault(p.pname.name, p.min, p.max);
  }
}

/**
 * After the entries are applied: an entry given as a bare value (no `[value, min, max]`) that
 * lies outside the default box its parameter inherits is an error naming the file, line and
 * key and the bounds to give instead.
 *
 * @example
 * ```ts
 * checkBareValues(store, [{ selector: "KEX_AB", value: 2e6, file: "p.toml", line: 3 }]);
 * // throws "p.toml:3: KEX_AB = 2000000 lies outside its default bounds [0, 1000000] ..."
 * ```
 */
export function checkBareValues(store: ParamStore, entries: readonly ParameterEntry[]): void {
  const candidates = selectorCandidates(store);
  for (const e of entries) {
    if (e.min !== undefined || e.max !== undefined) continue;
    const sel = parseParamName(e.selector);
    for (const p of candidates(sel)) {
      if (!selectorMatches(sel, p.pname, "attributes")) continue;
      if (p.value >= p.min && p.value <= p.max) continue;
      const kind = defaultBoundsKind(p.pname.name);
      const lo = Math.min(p.min, e.value);
      const hi = Math.max(p.max, e.value);
      throw new ConfigError(
        e.file,
        `${e.selector} = ${describeValue(e.value)} lies outside its default bounds ` +
          `[${describeValue(p.min)}, ${describeValue(p.max)}] (ChemEx 2026.09 finite defaults` +
          `${
            kind ? ` for the ${kind} class` : ""
          }, parameter ${p.id}); give the bounds explicitly, e.g. ${e.selector} = ` +
          `[${describeValue(e.value)}, ${describeValue(lo)}, ${describeValue(hi)}], or run ` +
          `with --compat 2026.06`,
        { line: e.line, key: e.selector },
      );
    }
  }
}
