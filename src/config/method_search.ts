/**
 * The one parser of search entries `"[SELECTOR] = SPEC"`: v1 `GRID` strings (compatibility spec
 * §7: `lin(a, b, n)`, `log(a, b, n)`, `(v1, v2, …)`), v2 `[STEP.SEARCH.GRID] AXES` and
 * `[STEP.SEARCH.DE] COORDINATES` (2026.09 spec §1.3: `lin|log(low, high, count)`,
 * `values(v1, …)`, DE `lin|log(low, high)`). Resolution against parameters is
 * `src/fit/grid_spec.ts`.
 *
 * @module
 */
import { DECIMAL, parseStrictSelector } from "./method_selector.ts";
import { type ParamName, parseParamName } from "../params/name.ts";

/** Values of one grid entry and how they were spaced (for plot scales). */
export interface GridValues {
  values: number[];
  spacing: "lin" | "log" | "list";
}

/** One scanned parameter. */
export interface GridAxis extends GridValues {
  id: string;
}

/** Which grammar an entry follows. */
export type SearchGrammar = "v1" | "v2" | "de";

/** A parsed entry: selector text and its values (DE: the two ends of the box). */
export interface SearchEntry {
  text: string;
  selector: string;
  pname: ParamName;
  values: GridValues;
}

const LIN = new RegExp(`^lin\\((${DECIMAL}),(${DECIMAL}),(\\d+)\\)$`, "i");
const LOG = new RegExp(`^log\\((${DECIMAL}),(${DECIMAL}),(\\d+)\\)$`, "i");
const LIST = new RegExp(`^\\((?:${DECIMAL})(?:,(?:${DECIMAL}))*,?\\)$`);
const FN = /^([A-Za-z]+)\((.*)\)$/;

/** n evenly spaced values from a to b inclusive (numpy's linspace: exact end point). */
function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  const step = (b - a) / (n - 1);
  const out = Array.from({ length: n }, (_, i) => a + i * step);
  out[n - 1] = b;
  return out;
}

/** n values from a to b (> 0) evenly spaced in log (numpy's geomspace, exact ends). */
function geomspace(a: number, b: number, n: number): number[] {
  const values = linspace(Math.log10(a), Math.log10(b), n).map((e) => 10 ** e);
  values[0] = a;
  if (n > 1) values[n - 1] = b;
  return values;
}

/**
 * Values of a v1 grid specification: `lin(a, b, n)`, `log(a, b, n)` (a, b > 0) or
 * `(v1, v2, ...)`. Throws an Error describing what was expected.
 *
 * @example
 * ```ts
 * gridValues("log(100, 600, 10)").values[9]; // 600
 * gridValues("(0, 1.5, 3)").values; // [0, 1.5, 3]
 * ```
 */
export function gridValues(spec: string): GridValues {
  const text = spec.replace(/\s+/g, "");
  const expected = "expected lin(start, stop, n), log(start, stop, n) or (v1, v2, ...)";
  let m = LIN.exec(text);
  if (m) {
    const n = Number(m[3]);
    if (n < 1) throw new Error(`"${spec}": the number of values must be at least 1`);
    return { values: linspace(Number(m[1]), Number(m[2]), n), spacing: "lin" };
  }
  m = LOG.exec(text);
  if (m) {
    const [a, b, n] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!(a > 0 && b > 0)) throw new Error(`"${spec}": log() needs start and stop > 0`);
    if (n < 1) throw new Error(`"${spec}": the number of values must be at least 1`);
    return { values: geomspace(a, b, n), spacing: "log" };
  }
  if (LIST.test(text)) {
    const values = text.slice(1, -1).split(",").filter((s) => s !== "").map(Number);
    return { values, spacing: "list" };
  }
  // v1 files may already use the v2 spelling `values(...)`.
  if (/^values\(/i.test(text)) return strictValues(spec, "v2");
  throw new Error(`"${spec}": ${expected}`);
}

/** Values of a v2 (`grammar` "v2") or DE ("de") specification, with ChemEx's checks. */
function strictValues(spec: string, grammar: "v2" | "de"): GridValues {
  const text = spec.trim();
  const m = FN.exec(text);
  const expected = grammar === "de"
    ? "expected lin(low, high) or log(low, high)"
    : "expected lin(low, high, count), log(low, high, count) or values(v1, ...)";
  if (!m) throw new Error(`"${spec}": ${expected}`);
  const fn = m[1].toLowerCase();
  const args = m[2].split(",").map((a) => a.trim());
  if (fn === "values" && args.length === 1 && args[0] === "") {
    throw new Error(`"${spec}": values() needs ≥ 1 value`);
  }
  const numbers = args.map((a) => {
    if (!new RegExp(`^${DECIMAL}$`).test(a)) {
      throw new Error(`"${spec}": argument "${a}" is not a finite decimal literal`);
    }
    const v = Number(a);
    if (!Number.isFinite(v)) throw new Error(`"${spec}": argument "${a}" is not finite`);
    return v;
  });
  if (fn === "values" && grammar === "v2") {
    if (new Set(numbers).size !== numbers.length) {
      throw new Error(`"${spec}": values() lists a value twice`);
    }
    return { values: numbers, spacing: "list" };
  }
  if (fn !== "lin" && fn !== "log") {
    throw new Error(`"${spec}": unknown function "${m[1]}"; ${expected}`);
  }
  const want = grammar === "de" ? 2 : 3;
  if (numbers.length !== want) {
    throw new Error(`"${spec}": ${fn}() takes ${want} arguments; ${expected}`);
  }
  const [low, high] = numbers;
  if (!(low < high)) throw new Error(`"${spec}": needs low < high`);
  if (fn === "log" && !(low > 0)) throw new Error(`"${spec}": log() needs low > 0`);
  if (grammar === "de") return { values: [low, high], spacing: fn };
  const count = numbers[2];
  if (!Number.isInteger(count) || !/^\+?\d+$/.test(args[2]) || count < 2) {
    throw new Error(`"${spec}": count must be an integer ≥ 2`);
  }
  return {
    values: fn === "lin" ? linspace(low, high, count) : geomspace(low, high, count),
    spacing: fn,
  };
}

/**
 * Parse one entry `"[SELECTOR] = SPEC"` in the given grammar. v1 selectors stay permissive;
 * v2/DE selectors follow the strict grammar (see `method_selector.ts`) and are rendered
 * canonically. Throws an Error (or {@link SelectorError}) with the detail.
 *
 * @example
 * ```ts
 * parseSearchEntry("[KEX_AB] = log(100.0, 5000.0, 12)", "v2").values.values.length; // 12
 * parseSearchEntry("[PB] = (0.1, 0.2)", "v1").values.spacing; // "list"
 * ```
 */
export function parseSearchEntry(text: string, grammar: SearchGrammar): SearchEntry {
  const eq = [...text.matchAll(/=/g)].length;
  if (eq !== 1) {
    throw new Error(`expected exactly one '=' ("[SELECTOR] = lin(a, b, n)"), found ${eq}`);
  }
  const [left, spec] = text.split("=");
  const lhs = /^\s*\[(.*)\]\s*$/.exec(left);
  let selector: string;
  if (grammar === "v1") {
    selector = (lhs ? lhs[1] : left).trim();
  } else {
    if (!lhs) throw new Error(`the left side must be one bracketed selector such as [KEX_AB]`);
    selector = parseStrictSelector(lhs[1]).canonical;
  }
  let pname: ParamName;
  try {
    pname = parseParamName(selector);
  } catch (e) {
    throw new Error(`bad selector "${selector}": ${(e as Error).message}`);
  }
  if (pname.name === "" && pname.spin.spins.length === 0) {
    throw new Error("the selector is empty (expected e.g. [KEX_AB])");
  }
  const values = grammar === "v1" ? gridValues(spec) : strictValues(spec, grammar);
  return { text, selector, pname, values };
}

/**
 * Points of an entry (1 when it cannot be read), e.g. to size work before validation.
 *
 * @example
 * ```ts
 * searchEntryPoints("[KEX_AB] = lin(100, 600, 10)"); // 10
 * ```
 */
export function searchEntryPoints(entry: string): number {
  for (const grammar of ["v1", "v2"] as const) {
    try {
      return Math.max(1, parseSearchEntry(entry, grammar).values.values.length);
    } catch {
      // try the other grammar
    }
  }
  return 1;
}
