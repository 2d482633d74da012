/**
 * Candidates of a selector in a parameter store, found through the parameter name and one spin
 * attribute. A selector with a NAME can only select parameters of that name, and one with
 * `NUC->G23N` only parameters of residue G23 (ChemEx's attribute rule), so a parameter file of E
 * entries checked against a store of P parameters costs about E × (the few parameters sharing the
 * entry's name and residue) matches instead of E × P. The candidates keep the store's order, so "first match" and "last entry
 * wins" mean what they meant over the whole store.
 *
 * @module
 */
import type { ParamName } from "./name.ts";
import { isEmptySpinSystem, spinSystemAttributes } from "./spin_system.ts";
import type { Param, ParamStore } from "./store.ts";

/** The parameters a selector may select: every one for a selector without NAME. */
export type SelectorCandidates = (selector: ParamName) => readonly Param[];

/**
 * Index the store's parameters by name and, for selectors with a spin part, by one attribute of
 * it (built lazily; the store's membership must not change while it is used — values and bounds
 * may). For ChemEx's "attributes" rule only (parameter files, FIT/FIX): there every attribute
 * of the selector's spin system must be one of the target's, so the parameters carrying any one
 * of them are a superset of the matches. The caller still runs `selectorMatches` on each.
 *
 * @example
 * ```ts
 * const candidates = selectorCandidates(store);
 * const sel = parseParamName("CS_A, NUC->G23N");
 * for (const p of candidates(sel)) if (selectorMatches(sel, p.pname, "attributes")) p.value = 1;
 * ```
 */
export function selectorCandidates(store: ParamStore): SelectorCandidates {
  const all = [...store.values()];
  const byName = new Map<string, Param[]>();
  for (const p of all) {
    const list = byName.get(p.pname.name);
    if (list) list.push(p);
    else byName.set(p.pname.name, [p]);
  }
  // name -> spin attribute -> parameters of that name carrying it, in store order.
  const byAttribute = new Map<string, Map<string, Param[]>>();
  const attributeIndex = (name: string, params: readonly Param[]) => {
    let index = byAttribute.get(name);
    if (!index) {
      index = new Map();
      for (const p of params) {
        for (const key of spinSystemAttributes(p.pname.spin)) {
          const list = index.get(key);
          if (list) list.push(p);
          else index.set(key, [p]);
        }
      }
      byAttribute.set(name, index);
    }
    return index;
  };
  return (selector) => {
    const params = selector.name === "" ? all : byName.get(selector.name) ?? [];
    if (isEmptySpinSystem(selector.spin)) return params;
    const wanted = [...spinSystemAttributes(selector.spin)];
    // The rarest kind first: a residue narrows more than an atom or a nucleus.
    const key = wanted.find((k) => k.startsWith("group:")) ?? wanted[0];
    return attributeIndex(selector.name, params).get(key) ?? [];
  };
}

/**
 * Entries (in their order) that may select a parameter named `name`: those with that NAME and
 * those without one; built per name on first use.
 *
 * @example
 * ```ts
 * const forName = entriesByName(parsed, (e) => e.sel);
 * for (const e of forName("TAUC_A")) if (selectorMatches(e.sel, target, "attributes")) v = e.value;
 * ```
 */
export function entriesByName<T>(
  entries: readonly T[],
  selectorOf: (entry: T) => ParamName,
): (name: string) => readonly T[] {
  const cache = new Map<string, T[]>();
  return (name) => {
    let list = cache.get(name);
    if (!list) {
      list = entries.filter((e) => {
        const n = selectorOf(e).name;
        return n === "" || n === name;
      });
      cache.set(name, list);
    }
    return list;
  };
}
