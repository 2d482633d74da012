/**
 * Relaxation feasibility before fitting (ChemEx 2026.09, #713–#717, spec §6.7): each state's
 * relaxation blocks must be positive semidefinite, e.g. ETAXY² ≤ R2·R2A for the in-phase /
 * anti-phase pair, ETAZ² ≤ R1·R1A and SIGMA² ≤ R1_I·R1_S for the longitudinal block. A start
 * that breaks this would make magnetisation grow (ChemEx 2026.06 ended in "overflow in exp");
 * it is now an error naming the parameter file, line and key that set the offending value, the
 * profile and state, and the inequality expected.
 *
 * Only the starting values are checked: exfit's TRF does not move to ChemEx's private feasible
 * coordinates, so a fit may still cross the boundary (docs/chemex-2026.09.md).
 *
 * @module
 */
import { ConfigError } from "../config/errors.ts";
import type { ParameterEntry } from "../config/parameters.ts";
import { pyRepr } from "../math/pyformat.ts";
import { parseParamName, selectorMatches } from "../params/name.ts";
import { compileStore, evaluateDefinitions, type ParamStore } from "../params/store.ts";
import type { StudySpec } from "../fit/study.ts";

/** A symmetric block: local names of its diagonal, then its off-diagonal couplings. */
interface Block {
  diag: string[];
  /** [row, column, local name] of each coupling. */
  off: [number, number, string][];
}

function blocks(s: string): Block[] {
  return [
    { diag: [`r2_i_${s}`, `r2a_i_${s}`], off: [[0, 1, `etaxy_i_${s}`]] },
    { diag: [`r2_s_${s}`, `r2a_s_${s}`], off: [[0, 1, `etaxy_s_${s}`]] },
    {
      diag: [`r1_i_${s}`, `r1_s_${s}`, `r1a_is_${s}`],
      off: [[0, 1, `sigma_is_${s}`], [0, 2, `etaz_i_${s}`], [1, 2, `etaz_s_${s}`]],
    },
  ];
}

/** Local value lookup of one profile. */
type Lookup = (local: string) => { id: string; value: number } | undefined;

/** The first violated condition of a block, as text; null when it is semidefinite. */
function violation(block: Block, at: Lookup): { what: string; ids: string[] } | null {
  const d = block.diag.map(at);
  for (const x of d) {
    if (x && x.value < 0) {
      return { what: `${x.id} = ${pyRepr(x.value)} must be >= 0`, ids: [x.id] };
    }
  }
  const present = block.off.filter(([i, j, name]) => d[i] && d[j] && at(name));
  for (const [i, j, name] of present) {
    const e = at(name)!;
    const [a, b] = [d[i]!, d[j]!];
    const lhs = e.value * e.value;
    const rhs = a.value * b.value;
    if (lhs > rhs * (1 + 1e-12) + 1e-300) {
      return {
        what: `[${e.id}]² <= [${a.id}]·[${b.id}] is broken: ${pyRepr(e.value)}² = ` +
          `${pyRepr(lhs)} > ${pyRepr(a.value)}·${pyRepr(b.value)} = ${pyRepr(rhs)}`,
        ids: [e.id, a.id, b.id],
      };
    }
  }
  if (d.length === 3 && d.every((x) => x) && present.length === 3) {
    const v = d.map((x) => x!.value);
    const m = [[v[0], 0, 0], [0, v[1], 0], [0, 0, v[2]]];
    for (const [i, j, name] of present) m[i][j] = m[j][i] = at(name)!.value;
    const det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] ** 2) -
      m[0][1] * (m[0][1] * m[2][2] - m[1][2] * m[0][2]) +
      m[0][2] * (m[0][1] * m[1][2] - m[1][1] * m[0][2]);
    const scale = Math.abs(v[0] * v[1] * v[2]) + 1e-300;
    if (det < -1e-12 * scale) {
      const ids = [...d.map((x) => x!.id), ...present.map(([, , n]) => at(n)!.id)];
      return {
        what: `the longitudinal block (${ids.join(", ")}) has a negative determinant ` +
          `(${pyRepr(det)})`,
        ids,
      };
    }
  }
  return null;
}

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
  bad: { what: string; ids: string[]; why?: string },
): never {
  const entry = blame(store, bad.ids, entries);
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
      return id === undefined ? undefined : { id, value: pv.values[pv.index.get(id)!] };
    };
    for (const s of study.model.states) {
      // KHH and D enter as rates and a diffusion coefficient: never negative (spec §6.7).
      for (const name of [`khh_${s}`, `d_${s}`]) {
        const x = at(name);
        if (x && x.value < 0) {
          fail(study, store, entries, prof, s, {
            what: `${x.id} = ${pyRepr(x.value)} must be >= 0`,
            ids: [x.id],
            why: "a 1H-1H exchange rate or a diffusion coefficient cannot be negative " +
              "(ChemEx 2026.09)",
          });
        }
      }
      for (const block of blocks(s)) {
        const key = block.diag.map((n) => local.get(n) ?? "").join("|") +
          block.off.map(([, , n]) => local.get(n) ?? "").join("|");
        if (seen.has(key)) continue;
        seen.add(key);
        const bad = violation(block, at);
        if (bad) fail(study, store, entries, prof, s, bad);
      }
    }
  }
}
