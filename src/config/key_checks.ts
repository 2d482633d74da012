/**
 * Checks of the values found in TOML documents: {@link KeyContext} converts the value at a key
 * path or throws a {@link ConfigError} naming the file, line and key; number ranges, Python
 * float text and compact value descriptions for the messages.
 *
 * @module
 */

import { ConfigError } from "./errors.ts";
import type { TomlKeyIndex } from "./toml_keys.ts";

/** A parsed TOML table (plain object with string keys). */
export type TomlTable = Record<string, unknown>;

/**
 * Whether a value is a TOML table (and not an array, date or primitive).
 *
 * @example
 * ```ts
 * isTable({ a: 1 }); // true
 * isTable([1, 2]); // false
 * ```
 */
export function isTable(value: unknown): value is TomlTable {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

/**
 * Render a TOML value compactly for error messages.
 *
 * @example
 * ```ts
 * describeValue("abc"); // '"abc"'
 * describeValue([1, 2]); // "[1, 2]"
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (value === Infinity) return "inf";
    if (value === -Infinity) return "-inf";
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(describeValue).join(", ")}]`;
  if (isTable(value)) {
    const inner = Object.entries(value).map(([k, v]) => `${k} = ${describeValue(v)}`);
    return `{ ${inner.join(", ")} }`;
  }
  return String(value);
}

/** Numeric range constraint used by {@link KeyContext.number} and {@link KeyContext.integer}. */
export interface NumberRange {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  /** Accept `inf`/`-inf` (when the range allows it); `nan` is never accepted. */
  allowInfinity?: boolean;
}

// Python float syntax (what ChemEx's pydantic models accept for numbers given as strings).
const FLOAT_TEXT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/**
 * Parse a decimal number written as text (Python float syntax: `1`, `-2.5e3`, `.5`, `inf`, `nan`);
 * `undefined` when the text is not a number.
 *
 * @example
 * ```ts
 * parseFloatText("1.5e3"); // 1500
 * parseFloatText("-inf"); // -Infinity
 * parseFloatText("abc"); // undefined
 * ```
 */
export function parseFloatText(text: string): number | undefined {
  const t = text.trim();
  if (!FLOAT_TEXT.test(t)) return undefined;
  // A digit or a point last: a decimal literal, which Number reads as Python does (data files
  // hold thousands of them; only inf and nan need the checks below).
  const last = t.charCodeAt(t.length - 1);
  if ((last >= 48 && last <= 57) || last === 46) return Number(t);
  const body = t.replace(/^[+-]/, "").toLowerCase();
  const sign = t.startsWith("-") ? -1 : 1;
  if (body === "nan") return NaN;
  if (body === "inf" || body === "infinity") return sign * Infinity;
  return Number(t);
}

/**
 * Describe a range such as `>= 0` or `> 0 and < 1` for messages.
 *
 * @example
 * ```ts
 * describeRange({ min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }); // "> 0 and < 1"
 * ```
 */
export function describeRange(range: NumberRange): string {
  const parts: string[] = [];
  if (range.min !== undefined) parts.push(`${range.exclusiveMin ? ">" : ">="} ${range.min}`);
  if (range.max !== undefined) parts.push(`${range.exclusiveMax ? "<" : "<="} ${range.max}`);
  return parts.join(" and ");
}

function inRange(v: number, range: NumberRange): boolean {
  if (range.min !== undefined && !(range.exclusiveMin ? v > range.min : v >= range.min)) {
    return false;
  }
  if (range.max !== undefined && !(range.exclusiveMax ? v < range.max : v <= range.max)) {
    return false;
  }
  return true;
}

/**
 * Validation helpers bound to one TOML document: each converts a value found at a key path or
 * throws a {@link ConfigError} naming the file, the key's line/column and the key. Coercions
 * follow ChemEx's (pydantic "lax") rules: numbers may be given as numeric strings, integers as
 * integral floats, booleans as `true`/`false` strings.
 *
 * @example
 * ```ts
 * const doc = readTomlFile("exp.toml");
 * const ctx = new KeyContext(doc.file, doc.keys);
 * const t2 = ctx.number(0.04, ["experiment", "time_t2"], { min: 0 }); // 0.04
 * ```
 */
export class KeyContext {
  /** File named in errors. */
  readonly file: string;
  /** Key positions of the file. */
  readonly keys: TomlKeyIndex;

  constructor(file: string, keys: TomlKeyIndex) {
    this.file = file;
    this.keys = keys;
  }

  /**
   * Throw a {@link ConfigError} located at `path` (its line, else the nearest known one).
   *
   * @example
   * ```ts
   * // ctx.fail(["data", "error"], "unknown error mode") -> "exp.toml:12:1: unknown error mode"
   * ```
   */
  fail(path: string[], detail: string): never {
    const pos = this.keys.locate(path);
    throw new ConfigError(this.file, detail, {
      line: pos?.line,
      column: pos?.column,
      key: path.length > 0 ? path[path.length - 1] : undefined,
    });
  }

  /**
   * Human-readable name of a key path, e.g. `'time_t2' in [experiment]`.
   *
   * @example
   * ```ts
   * ctx.label(["experiment", "time_t2"]); // "'time_t2' in [experiment]"
   * ```
   */
  label(path: string[]): string {
    if (path.length === 0) return "the document";
    const key = path[path.length - 1];
    if (path.length === 1) return `'${key}'`;
    return `'${key}' in [${path.slice(0, -1).join(".")}]`;
  }

  /**
   * A finite number (TOML float/integer, or numeric string). `nan` is always an error; `inf` only
   * passes when the range sets `allowInfinity` (the message names the allowed range).
   *
   * @example
   * ```ts
   * ctx.number("2.5", ["conditions", "temperature"]); // 2.5
   * ```
   */
  number(value: unknown, path: string[], range: NumberRange = {}): number {
    let v: number | undefined;
    if (typeof value === "number") v = value;
    else if (typeof value === "bigint") v = Number(value);
    else if (typeof value === "string") v = parseFloatText(value);
    if (v === undefined) {
      this.fail(path, `${this.label(path)} must be a number, got ${describeValue(value)}`);
    }
    if (Number.isNaN(v) || (!range.allowInfinity && !Number.isFinite(v))) {
      const allowed = describeRange(range);
      this.fail(
        path,
        `${this.label(path)} must be a finite number${allowed ? ` ${allowed}` : ""}, got ${
          describeValue(v)
        }`,
      );
    }
    this.checkRange(v, value, path, range);
    return v;
  }

  /**
   * An integer (TOML integer, integral float, or integer string).
   *
   * @example
   * ```ts
   * ctx.integer(3.0, ["data", "filter_planes"]); // 3
   * ```
   */
  integer(value: unknown, path: string[], range: NumberRange = {}): number {
    let v: number | undefined;
    if (typeof value === "number" && Number.isInteger(value)) v = value;
    else if (typeof value === "bigint") v = Number(value);
    else if (typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value)) v = Number(value);
    if (v === undefined) {
      this.fail(path, `${this.label(path)} must be an integer, got ${describeValue(value)}`);
    }
    if (!Number.isSafeInteger(v)) {
      this.fail(
        path,
        `${this.label(path)} must be an integer of at most 2^53 in size, got ${
          describeValue(value)
        }`,
      );
    }
    this.checkRange(v, value, path, range);
    return v;
  }

  /** Fail unless the number `v` (read from `value`) lies in `range`. */
  private checkRange(v: number, value: unknown, path: string[], range: NumberRange): void {
    if (!inRange(v, range)) {
      this.fail(
        path,
        `${this.label(path)} must be ${describeRange(range)}, got ${describeValue(value)}`,
      );
    }
  }

  /**
   * A boolean (`true`/`false`; strings `"true"`/`"false"`/`"yes"`/`"no"`, integers 0/1).
   *
   * @example
   * ```ts
   * ctx.boolean("yes", ["data", "scaled"]); // true
   * ```
   */
  boolean(value: unknown, path: string[]): boolean {
    if (typeof value === "boolean") return value;
    if (value === 0 || value === 1) return value === 1;
    if (typeof value === "string") {
      const t = value.trim().toLowerCase();
      if (["true", "yes", "on", "t", "y", "1"].includes(t)) return true;
      if (["false", "no", "off", "f", "n", "0"].includes(t)) return false;
    }
    this.fail(path, `${this.label(path)} must be true or false, got ${describeValue(value)}`);
  }

  /**
   * A string.
   *
   * @example
   * ```ts
   * ctx.string("duplicates", ["data", "error"]); // "duplicates"
   * ```
   */
  string(value: unknown, path: string[]): string {
    if (typeof value === "string") return value;
    this.fail(path, `${this.label(path)} must be a string, got ${describeValue(value)}`);
  }

  /**
   * A table.
   *
   * @example
   * ```ts
   * ctx.table({ a: 1 }, ["experiment"]); // { a: 1 }
   * ```
   */
  table(value: unknown, path: string[]): TomlTable {
    if (isTable(value)) return value;
    this.fail(path, `${this.label(path)} must be a table, got ${describeValue(value)}`);
  }
}
