/**
 * Relaxation feasibility before fitting (ChemEx 2026.09, #713–#717, spec §6.7): each state's
 * relaxation blocks must be positive semidefinite, e.g. ETAXY² ≤ R2·R2A for the in-phase /
 * anti-phase pair, ETAZ² ≤ R1·R1A and SIGMA² ≤ R1_I·R1_S for the longitudinal block. A start
 * that breaks this would make magnetisation grow (ChemEx 2026.06 ended in "overflow in exp");
 * it is now an error naming the parameter file, line and key that set the offending value, the
 * profile and state, and the inequality expected.
 *
 * The conditions themselves live in `src/fit/relaxation_psd.ts`; the group fit keeps every
 * trial point inside them (docs/chemex-2026.09.md).
 *
 * @module
 */
import { ConfigError } from "../config/errors.ts";
import type { ParameterEntry } from "../config/parameters.ts";
import { pyRepr } from "../math/pyformat.ts";
import {
  nonNegativeNames,
  type PsdLookup,
  psdViolation,
  relaxationBlocks,
} from "../fit/relaxation_psd.ts";
import { parseParamName, selectorMatches } from "../params/name.ts";
import { compileStore, evaluateDefinitions, type ParamStore } from "../params/store.ts";
import type { StudySpec } from "../fit/study.ts";

/** Local value lookup of one profile. */
type Lookup = PsdLookup<string>;

/** The parameter-file entry that last set one of `ids`, if any. */
function blame(store: ParamStore, ids: string[], entries: readonly ParameterEntry[]) {
  for (let k = entries.length - 1; k >= 0; k--) {
    const sel = parseParamName(entries[k].selector);
    if (ids.some((id) => selectorMatches(sel, store.get(id)!.pname, "attributes"))) {
      return entries[k];
    }
  }
  return undefined;
}

function fail(
  study: StudySpec,
  store: ParamStore,
  entries: readonly ParameterEntry[],
  prof: StudySpec["profiles"][number],
  state: string,
  bad: { what: string; keys: string[]; why?: string },
): never {
  const entry = blame(store, bad.keys, entries);
  const exp = study.experiments[prof.experiment];
  throw new ConfigError(
    entry?.file ?? exp.file,
    `relaxation rates of state ${state.toUpperCase()} in profile ${prof.name} (${exp.stem}) ` +
      `are not physical: ${bad.what}; ${
        bad.why ??
          "each state's relaxation matrix must be positive semidefinite (ChemEx 2026.09), so " +
            "the magnetisation cannot grow"
      }`,
    entry ? { line: entry.line, key: entry.selector } : {},
  );
}

/**
 * Check every profile's relaxation blocks at the starting values; throw a {@link ConfigError}
 * on the first one that is not positive semidefinite.
 *
 * @example
 * ```ts
 * checkRelaxationFeasibility(study, store, entries); // after the parameter files are applied
 * ```
 */
export function checkRelaxationFeasibility(
  study: StudySpec,
  store: ParamStore,
  entries: readonly ParameterEntry[],
): void {
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const seen = new Set<string>();
  for (const prof of study.profiles) {
    const local = new Map(prof.localNames.map((n, k) => [n, prof.paramIds[k]]));
    const at: Lookup = (name) => {
      const id = local.get(name);
      return id === undefined ? undefined : { key: id, value: pv.values[pv.index.get(id)!] };
    };
    for (const s of study.model.states) {
      // KHH and D enter as rates and a diffusion coefficient: never negative (spec §6.7).
      for (const name of nonNegativeNames(s)) {
        const x = at(name);
        if (x && x.value < 0) {
          fail(study, store, entries, prof, s, {
            what: `${x.key} = ${pyRepr(x.value)} must be >= 0`,
            keys: [x.key],
            why: "a 1H-1H exchange rate or a diffusion coefficient cannot be negative " +
              "(ChemEx 2026.09)",
          });
        }
      }
      for (const block of relaxationBlocks(s)) {
        const key = block.diag.map((n) => local.get(n) ?? "").join("|") +
          block.off.map(([, , n]) => local.get(n) ?? "").join("|");
        if (seen.has(key)) continue;
        seen.add(key);
        const bad = psdViolation(block, at);
        if (bad) fail(study, store, entries, prof, s, bad);
      }
    }
  }
}
