/**
 * The parameter store of a study: every parameter identity any profile needs, its value,
 * bounds, status (free/fixed) and definition (an expression over other parameters).
 *
 * Definitions are kept as text whose bracketed references are parameter ids, e.g.
 * `"[KEX_AB] * [PB]"`: the same form for the models' built-in ties and users' CONSTRAINTS,
 * and already the form ChemEx prints in `constrained.toml`.
 *
 * @module
 */
import {
  bracketReferences,
  type CompiledExpression,
  compileExpression,
  STORED_EXPRESSION_LIMITS,
} from "./expr.ts";
import { paramId, type ParamName, parseParamName, selectorMatches } from "./name.ts";

/** One parameter. */
export interface Param {
  readonly id: string;
  readonly pname: ParamName;
  value: number;
  min: number;
  max: number;
  vary: boolean;
  /** Definition with `[id]` references, or "" for an independent parameter. */
  expr: string;
  /** Standard error after a fit (null when not computed). */
  stderr: number | null;
  /**
   * Why the standard error means nothing (with `stderr` null) or what it needs to be read with,
   * e.g. a symmetric point or a bound (`src/fit/diagnostics.ts`); absent when it is plain.
   */
  errorNote?: string;
}

/** Parameters in first-registration order. */
export type ParamStore = Map<string, Param>;

/**
 * Register a parameter unless already present (first registration keeps its defaults); `id` is
 * `paramId(pname)`, given when the caller has it already.
 *
 * @example
 * ```ts
 * const store: ParamStore = new Map();
 * addParam(store, parseParamName("PB"), { value: 0.05, min: 0, max: 1, vary: true, expr: "" });
 * ```
 */
export function addParam(
  store: ParamStore,
  pname: ParamName,
  init: { value: number; min: number; max: number; vary: boolean; expr: string },
  id: string = paramId(pname),
): string {
  if (!store.has(id)) store.set(id, { id, pname, ...init, stderr: null });
  return id;
}

/** Ids referenced by a definition. */
export function exprRefs(expr: string): string[] {
  if (!expr) return [];
  // Parsed once per distinct text: group splitting and output walk the same definitions often.
  let refs = REFS_CACHE.get(expr);
  if (!refs) {
    refs = [...new Set([...expr.matchAll(bracketReferences())].map((m) => m[1].trim()))];
    if (REFS_CACHE.size > 100_000) REFS_CACHE.clear();
    REFS_CACHE.set(expr, refs);
  }
  return refs.slice();
}

/** Memo of {@link exprRefs}: a pure function of the text, so sharing it is safe. */
const REFS_CACHE = new Map<string, string[]>();

/**
 * Ids of the parameters whose selector matches (ChemEx's attribute rule).
 *
 * @example
 * ```ts
 * selectIds(store, "DW_AB, NUC->N");
 * ```
 */
export function selectIds(store: ParamStore, selector: string | ParamName): string[] {
  const sel = typeof selector === "string" ? parseParamName(selector) : selector;
  const out: string[] = [];
  for (const p of store.values()) if (selectorMatches(sel, p.pname, "attributes")) out.push(p.id);
  return out;
}

/**
 * Parameters in evaluation order (every definition after what it references); throws on a
 * cycle, naming the parameters involved.
 */
export function topologicalOrder(store: ParamStore): string[] {
  const order: string[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (id: string, path: string[]) => {
    const s = state.get(id);
    if (s === 2) return;
    if (s === 1) throw new Error(`circular parameter definitions: ${[...path, id].join(" -> ")}`);
    state.set(id, 1);
    const p = store.get(id);
    if (p) { for (const r of exprRefs(p.expr)) visit(r, [...path, id]); }
    state.set(id, 2);
    order.push(id);
  };
  for (const id of store.keys()) visit(id, []);
  return order;
}

/** A compiled, index-based view of the store for fast repeated evaluation. */
export interface ParamVector {
  readonly ids: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  readonly values: Float64Array;
  /** Definitions in evaluation order. */
  readonly defs: readonly { target: number; refs: Int32Array; fn: CompiledExpression }[];
}

/**
 * Compile the store's current definitions. Values start at the stored values.
 *
 * @example
 * ```ts
 * const pv = compileStore(store);
 * evaluateDefinitions(pv);
 * ```
 */
export function compileStore(store: ParamStore): ParamVector {
  const ids = [...store.keys()];
  const index = new Map(ids.map((id, k) => [id, k]));
  const values = Float64Array.from(ids.map((id) => store.get(id)!.value));
  const defs = [];
  for (const id of topologicalOrder(store)) {
    const p = store.get(id)!;
    if (!p.expr) continue;
    const fn = storedDefinition(p.expr);
    const refs = Int32Array.from(fn.refs.map((r) => {
      const k = index.get(r);
      if (k === undefined) throw new Error(`definition of ${id} refers to unknown parameter ${r}`);
      return k;
    }));
    defs.push({ target: index.get(id)!, refs, fn });
  }
  return { ids, index, values, defs };
}

/**
 * A stored definition compiled, once per distinct text: a run compiles the same definitions for
 * every step's start and final values and for every group fit's sub-store (CPMG_15N_IP: its 273
 * definitions four times a run and again in its 55 group fits, about 3 % of a warm run spent
 * parsing them). The compiled expression is a pure function of the text and is only read.
 */
function storedDefinition(text: string): CompiledExpression {
  let fn = DEFINITION_CACHE.get(text);
  if (!fn) {
    fn = compileExpression(text, "brackets", STORED_EXPRESSION_LIMITS);
    if (DEFINITION_CACHE.size > 100_000) DEFINITION_CACHE.clear();
    DEFINITION_CACHE.set(text, fn);
  }
  return fn;
}

/** Memo of {@link storedDefinition}, like `REFS_CACHE`: a pure function of the text. */
const DEFINITION_CACHE = new Map<string, CompiledExpression>();

/** Recompute every defined parameter from the independent values, in place. */
export function evaluateDefinitions(pv: ParamVector): void {
  const v = pv.values;
  const scratch: number[] = [];
  for (const d of pv.defs) {
    scratch.length = d.refs.length;
    for (let k = 0; k < d.refs.length; k++) scratch[k] = v[d.refs[k]];
    v[d.target] = d.fn.evaluate(scratch);
  }
}

/** Copy values from a vector back into the store. */
export function storeValues(store: ParamStore, pv: ParamVector): void {
  pv.ids.forEach((id, k) => {
    store.get(id)!.value = pv.values[k];
  });
}

/**
 * For each parameter index, the set of parameter indices whose value depends on it
 * (itself included), following definitions transitively.
 */
export function dependents(pv: ParamVector): Int32Array[] {
  const n = pv.ids.length;
  const direct: number[][] = Array.from({ length: n }, () => []);
  for (const d of pv.defs) for (const r of d.refs) direct[r].push(d.target);
  const out: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    const seen = new Set<number>([i]);
    const stack = [i];
    while (stack.length > 0) {
      const k = stack.pop()!;
      for (const t of direct[k]) {
        if (!seen.has(t)) {
          seen.add(t);
          stack.push(t);
        }
      }
    }
    out.push(Int32Array.from(seen));
  }
  return out;
}
