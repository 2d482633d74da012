/**
 * ChemEx 2026.09's rule for resolving a constraint reference (spec §1.3): for each concrete
 * target, the candidates are the parameters the reference selector matches, the target itself
 * excluded; those whose context (sample conditions the selector does not name) contradicts the
 * target's are dropped; the rest are ranked by spin specificity (the target's own spin system,
 * then a companion spin system of the same group and atom site — CD1 for HD1, N for H —, then a
 * global parameter,
 * then any other spin system the selector named), then by the fewest qualifiers the target does
 * not have, then by the most conditions shared with the target. A tie at the top is an error
 * (ambiguous reference). ChemEx 2026.06.1 picked the "most similar" identity string instead
 * (`--compat 2026.06`, `constraints.ts`).
 *
 * @module
 */
import type { Conditions, ParamName } from "../params/name.ts";
import { formatSpinSystem, type SpinSystem } from "../params/spin_system.ts";

/** A candidate parameter: its id and parsed identity. */
export interface RankCandidate {
  id: string;
  pname: ParamName;
}

/** Result of a resolution: the chosen id, or why there is none. */
export type Resolution =
  | { id: string }
  | { error: "incompatible" }
  | { error: "ambiguous"; ids: string[] };

/**
 * The atom site of an atom name: the name without its nucleus letter (CD1 and HD1 are the δ1
 * methyl site; N, H and HN the amide site).
 */
function site(atom: string): string {
  const rest = atom.slice(1);
  return atom[0] === "H" && rest === "N" ? "" : rest;
}

/** Whether two spin systems share a group and an atom site (a companion spin system). */
function companions(a: SpinSystem, b: SpinSystem): boolean {
  const key = (s: SpinSystem["spins"][number]) =>
    `${s.group.symbol}|${s.group.number}|${s.group.suffix}|${site(s.atom)}`;
  const sites = new Set(a.spins.map(key));
  return b.spins.some((s) => sites.has(key(s)));
}

/** 0 the target's spin system, 1 a companion, 2 global, 3 another spin system. */
function spinRank(target: SpinSystem, candidate: SpinSystem): number {
  const c = formatSpinSystem(candidate);
  if (c === "") return 2;
  if (c === formatSpinSystem(target)) return 0;
  return companions(target, candidate) ? 1 : 3;
}

function conditionKeys(c: Conditions): string[] {
  return Object.keys(c).filter((k) => (c as Record<string, unknown>)[k] !== undefined);
}

/**
 * Resolve one reference for one target.
 *
 * @example
 * ```ts
 * resolveReference(target, parseParamName("R2_A"), candidates); // { id: "R2_A, NUC->15N, B0->500.0MHZ" }
 * ```
 */
export function resolveReference(
  target: ParamName,
  selector: ParamName,
  candidates: readonly RankCandidate[],
): Resolution {
  const named = new Set(conditionKeys(selector.conditions));
  const tc = target.conditions as Record<string, number | undefined>;
  const compatible = candidates.filter((c) => {
    const cc = c.pname.conditions as Record<string, number | undefined>;
    return conditionKeys(c.pname.conditions).every((k) =>
      named.has(k) || tc[k] === undefined || tc[k] === cc[k]
    );
  });
  if (compatible.length === 0) return { error: "incompatible" };
  const targetKeys = new Set(conditionKeys(target.conditions));
  const targetHasSpin = target.spin.spins.length > 0;
  const scored = compatible.map((c) => {
    const keys = conditionKeys(c.pname.conditions);
    const extra = keys.filter((k) => !targetKeys.has(k)).length +
      (c.pname.spin.spins.length > 0 && !targetHasSpin ? 1 : 0);
    const shared = keys.filter((k) => targetKeys.has(k)).length;
    return { c, key: [spinRank(target.spin, c.pname.spin), extra, -shared] };
  });
  const cmp = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  scored.sort((a, b) => cmp(a.key, b.key));
  const top = scored.filter((s) => cmp(s.key, scored[0].key) === 0);
  if (top.length > 1) return { error: "ambiguous", ids: top.map((s) => s.c.id) };
  return { id: top[0].c.id };
}
