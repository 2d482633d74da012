/**
 * Parameter-file values against the model's physical domains (PB within [0, 1], KEX_AB >= 0,
 * ...): a value outside the domain that the model declares is an error naming the file, line and
 * key, instead of a fit that starts from nonsense and ends in `reduced chi2 = NaN`.
 *
 * @module
 */
import { ConfigError } from "../config/errors.ts";
import { describeValue } from "../config/toml.ts";
import type { ParameterEntry } from "../config/parameters.ts";
import { parseParamName, selectorMatches } from "../params/name.ts";
import type { ParamStore } from "../params/store.ts";
import { selectorCandidates } from "../params/selector_index.ts";

/**
 * Check every parameter-file entry against the bounds the model gave the parameters it selects
 * (call before the entries are applied, while the store holds the model's own bounds). Also
 * rejects user bounds that leave no room inside the physical domain.
 *
 * @example
 * ```ts
 * checkParameterDomains(store, [{ selector: "PB", value: 1.5, file: "p.toml", line: 2 }]);
 * // throws "p.toml:2: PB = 1.5 is outside its physical range [0, 1] ..."
 * ```
 */
export function checkParameterDomains(store: ParamStore, entries: readonly ParameterEntry[]): void {
  const candidates = selectorCandidates(store);
  for (const e of entries) {
    const sel = parseParamName(e.selector);
    for (const p of candidates(sel)) {
      if (!selectorMatches(sel, p.pname, "attributes")) continue;
      const { min, max } = p;
      if (min === -Infinity && max === Infinity) continue;
      const where = { line: e.line, key: e.selector };
      const range = `[${describeValue(min)}, ${describeValue(max)}]`;
      const file = e.file;
      if (e.value < min || e.value > max) {
        throw new ConfigError(
          file,
          `${e.selector} = ${describeValue(e.value)} is outside its physical range ${range} ` +
            `(parameter ${p.id})`,
          where,
        );
      }
      const lo = e.min ?? -Infinity;
      const hi = e.max ?? Infinity;
      if (hi < min || lo > max) {
        throw new ConfigError(
          file,
          `${e.selector}: bounds [${describeValue(lo)}, ${describeValue(hi)}] lie outside its ` +
            `physical range ${range} (parameter ${p.id})`,
          where,
        );
      }
      break; // one parameter per entry is enough: they share the model's domain
    }
  }
}
