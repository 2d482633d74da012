/**
 * CONSTRAINTS of a method step (compatibility spec §7): `"[LHS] = EXPR"`. Every parameter the
 * LHS selector selects gets a definition; in EXPR each `[SELECTOR]` is replaced, separately for
 * every LHS parameter, by the selected parameter whose identity is most similar to that LHS
 * parameter (itself excluded). Definitions are stored in the store's form (`[id]` references),
 * so they are evaluated, propagated and printed like the models' built-in ties.
 *
 * Precedence within a step: CONSTRAINTS, then FIX, then FIT (`applyStatus`), so FIX and FIT
 * override a constraint. When several constraints select the same parameter, the last wins.
 *
 * @module
 */
import { ConfigError } from "../config/errors.ts";
import { expressionLimits, raiseHint } from "../config/limits.ts";
import { bracketReferences, compileExpression, ExpressionError } from "../params/expr.ts";
import { formatConditions, type ParamName, parseParamName } from "../params/name.ts";
import { formatSpinSystem } from "../params/spin_system.ts";
import { resolveReference } from "./constraint_ranking.ts";
import {
  compileStore,
  evaluateDefinitions,
  exprRefs,
  type ParamStore,
  selectIds,
  topologicalOrder,
} from "../params/store.ts";

/**
 * How a constraint reference is resolved: ChemEx 2026.09's ranking (`constraint_ranking.ts`) or
 * 2026.06.1's "most similar identity" (`--compat 2026.06`).
 */
export type ReferenceRule = "2026.09" | "2026.06";

/** Where a step comes from, for messages. */
export interface StepOrigin {
  /** Method file. */
  file: string;
  /** Step (table) name as written. */
  step: string;
}

/** Same pattern as the store's references (a selector may contain `[P]->`/`[L]->`). */
const REFERENCE = bracketReferences();

/**
 * ChemEx's internal identity text of a parameter (`__R2_A_G23N_H_800_0MHZ`): the string its
 * "most similar" rule compares, so ties and preferences follow the same characters.
 *
 * @example
 * ```ts
 * chemexIdentity(parseParamName("R2_A, NUC->15N, B0->500MHz")); // "__R2_A_15N_500_0MHZ"
 * ```
 */
export function chemexIdentity(p: ParamName): string {
  const conditions = formatConditions(p.conditions).split(", ").filter((s) => s !== "")
    .map((s) => s.slice(s.indexOf("->") + 2));
  const parts = [p.name, formatSpinSystem(p.spin), ...conditions].filter((s) => s !== "");
  return `__${parts.join("_").toUpperCase().replace(/[-+.]/g, "_")}`;
}

function lcsLength(a: string, b: string): number {
  const row = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(row[j], row[j - 1]);
      diag = up;
    }
  }
  return row[b.length];
}

/** Indel similarity in percent (rapidfuzz's `ratio`). */
function ratio(a: string, b: string): number {
  const total = a.length + b.length;
  return total === 0 ? 100 : (200 * lcsLength(a, b)) / total;
}

/** Best `ratio` of the shorter string against windows of the longer (incl. ragged ends). */
function partialRatio(a: string, b: string): number {
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  if (s.length === 0) return 0;
  let best = 0;
  for (let start = 1 - s.length; start < l.length; start++) {
    const w = l.slice(Math.max(0, start), Math.min(l.length, start + s.length));
    best = Math.max(best, ratio(s, w));
  }
  return best;
}

/**
 * Similarity of two identity strings in [0, 100], after rapidfuzz's `WRatio` (the scorer ChemEx
 * uses to pick "the most similar" parameter): the indel ratio, and for strings of quite different
 * lengths the scaled best partial match. Identity strings have no spaces, so the token variants
 * of `WRatio` never exceed the plain ratio and are left out.
 *
 * @example
 * ```ts
 * similarity("__R2_B_15N_500_0MHZ", "__R2_A_15N_500_0MHZ") >
 *   similarity("__R2_B_15N_500_0MHZ", "__R2_A_15N_800_0MHZ"); // true
 * ```
 */
export function similarity(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  const lenRatio = Math.max(a.length, b.length) / Math.min(a.length, b.length);
  const plain = ratio(a, b);
  if (lenRatio < 1.5) return plain;
  const scale = lenRatio < 8 ? 0.9 : 0.6;
  return Math.max(plain, partialRatio(a, b) * scale);
}

/**
 * The candidate most similar to `target` (ties: first in the given order, which is the store's
 * registration order — ChemEx's own tie order is that of a Python set, i.e. arbitrary).
 */
function closest(target: ParamName, candidates: readonly { id: string; pname: ParamName }[]) {
  const key = chemexIdentity(target);
  let best = candidates[0];
  let bestScore = -1;
  for (const c of candidates) {
    const score = similarity(key, chemexIdentity(c.pname));
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best.id;
}

/** One parsed constraint: the LHS selector and the right-hand side with its references. */
interface ParsedConstraint {
  text: string;
  lhs: ParamName;
  rhs: string;
  refs: { selector: string; pname: ParamName }[];
}

function parseConstraint(text: string, fail: (detail: string) => never): ParsedConstraint {
  const eq = [...text.matchAll(/=/g)].length;
  if (eq !== 1) {
    fail(`expected exactly one '=' ("[SELECTOR] = EXPRESSION"), found ${eq}`);
  }
  const [left, right] = text.split("=");
  const lhsText = left.trim();
  let lhs: ParamName;
  try {
    lhs = parseParamName(lhsText);
  } catch (e) {
    fail(
      `the left-hand side "${lhsText}" must be one parameter selector, e.g. [PB]: ` +
        (e as Error).message,
    );
  }
  if (lhs.name === "" && lhs.spin.spins.length === 0 && Object.keys(lhs.conditions).length === 0) {
    fail("the left-hand side is empty (expected a selector such as [PB])");
  }
  const rhs = right.trim();
  if (rhs === "") fail("the right-hand side is empty");
  const limits = expressionLimits();
  try {
    // Validates the whole language (numbers, references, operators, whitelisted functions).
    compileExpression(rhs, "brackets", limits);
  } catch (e) {
    if (e instanceof ExpressionError) fail(e.message + raiseHint(e));
    throw e;
  }
  const refs: ParsedConstraint["refs"] = [];
  for (const m of rhs.matchAll(REFERENCE)) {
    const selector = m[1].trim();
    if (refs.some((r) => r.selector === selector)) continue;
    try {
      refs.push({ selector, pname: parseParamName(selector) });
    } catch (e) {
      fail(`bad reference [${selector}]: ${(e as Error).message}`);
    }
  }
  return { text, lhs, rhs, refs };
}

/**
 * Apply a step's CONSTRAINTS to the store (before FIX/FIT). Returns the ids that received a
 * definition. Errors (syntax outside the expression language, a reference selecting nothing or
 * only the constrained parameter itself, circular definitions) are {@link ConfigError}s naming the
 * method file, the step and the constraint.
 *
 * @example
 * ```ts
 * applyConstraints(store, ["[R2_B, NUC->N] = [R2_A, NUC->N]"], { file: "method.toml", step: "STEP1" });
 * store.get("R2_B, NUC->15N, B0->800.0MHZ")!.expr; // "[R2_A, NUC->15N, B0->800.0MHZ]"
 * ```
 */
export function applyConstraints(
  store: ParamStore,
  constraints: readonly string[],
  origin: StepOrigin = { file: "method file", step: "" },
  rule: ReferenceRule = "2026.09",
): string[] {
  const where = origin.step ? `step [${origin.step}]` : "the step";
  const parsed = constraints.map((text) =>
    parseConstraint(text, (detail) => {
      throw new ConfigError(origin.file, `${where}: CONSTRAINTS entry "${clip(text)}": ${detail}`);
    })
  );
  const previous = new Map<string, string>();
  const done = new Set<string>();
  const source = new Map<string, string>();
  // Last constraint wins: walk backwards and skip parameters already defined.
  for (let c = parsed.length - 1; c >= 0; c--) {
    const con = parsed[c];
    const fail: (detail: string) => never = (detail) => {
      throw new ConfigError(
        origin.file,
        `${where}: CONSTRAINTS entry "${clip(con.text)}": ${detail}`,
      );
    };
    const targets = selectIds(store, con.lhs).filter((id) => !done.has(id));
    const pools = con.refs.map((r) => ({
      ...r,
      candidates: selectIds(store, r.pname).map((id) => ({ id, pname: store.get(id)!.pname })),
    }));
    for (const r of pools) {
      if (r.candidates.length === 0) fail(`[${r.selector}] selects no parameter`);
    }
    for (const id of targets) {
      const param = store.get(id)!;
      const resolved = new Map<string, string>();
      for (const r of pools) {
        const others = r.candidates.filter((x) => x.id !== id);
        if (others.length === 0) {
          fail(`[${r.selector}] selects only the constrained parameter ${id} itself`);
        }
        if (rule === "2026.06") {
          resolved.set(r.selector, closest(param.pname, others));
          continue;
        }
        const got = resolveReference(param.pname, r.pname, others);
        if ("id" in got) resolved.set(r.selector, got.id);
        else if (got.error === "incompatible") {
          fail(
            `[${r.selector}] matches no parameter whose conditions agree with ${id} ` +
              `(name the condition in the reference to cross it)`,
          );
        } else {
          fail(
            `[${r.selector}] is ambiguous for ${id}: ${got.ids.slice(0, 4).join("; ")}` +
              `${got.ids.length > 4 ? "; …" : ""} rank equally (same spin, qualifiers and ` +
              `conditions); add qualifiers to the reference`,
          );
        }
      }
      const expr = con.rhs.replace(REFERENCE, (_m, inner: string) => {
        return `[${resolved.get(inner.trim())}]`;
      });
      previous.set(id, param.expr);
      param.expr = expr;
      done.add(id);
      source.set(id, con.text);
    }
  }
  try {
    topologicalOrder(store);
  } catch (e) {
    for (const [id, expr] of previous) store.get(id)!.expr = expr;
    throw new ConfigError(origin.file, `${where}: CONSTRAINTS: ${(e as Error).message}`);
  }
  checkFiniteDefinitions(store, source, (detail) => {
    for (const [id, expr] of previous) store.get(id)!.expr = expr;
    throw new ConfigError(origin.file, `${where}: ${detail}`);
  });
  return [...done];
}

/**
 * Evaluate the definitions at the current values and fail when a constrained parameter comes
 * out non-finite (`1/0`, `log(0)`, `sqrt(-1)`, `max()`): such a value would turn every residual
 * into NaN and the fit into garbage.
 */
function checkFiniteDefinitions(
  store: ParamStore,
  source: ReadonlyMap<string, string>,
  fail: (detail: string) => never,
): void {
  if (source.size === 0) return;
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  for (const [id, text] of source) {
    const value = pv.values[pv.index.get(id)!];
    if (Number.isFinite(value)) continue;
    const refs = exprRefs(store.get(id)!.expr)
      .map((r) => `${r} = ${pv.values[pv.index.get(r)!]}`);
    fail(
      `CONSTRAINTS entry "${clip(text)}" gives ${id} = ${value}` +
        (refs.length ? ` with ${refs.join(", ")}` : "") +
        "; a constraint must give a finite value",
    );
  }
}

/** A constraint as quoted in messages: long texts are cut (the limit message gives the length). */
function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
