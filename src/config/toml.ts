/**
 * TOML reading for the configuration layer: parsing through `smol-toml`, parse errors turned into
 * {@link ConfigError}s with line/column, case-insensitive key handling, and a key-position index
 * so that validation errors about a key can point at its line (smol-toml keeps no positions).
 *
 * @module
 */

import { parse, TomlError } from "smol-toml";
import { ConfigError } from "./errors.ts";
import { limit } from "./limits.ts";

/** A parsed TOML table (plain object with string keys). */
export type TomlTable = Record<string, unknown>;

/** 1-based position of a key in a TOML source. */
export interface KeyPosition {
  line: number;
  column: number;
}

/** A parsed TOML document together with its text and key positions. */
export interface TomlDocument {
  /** File path as given to the reader. */
  file: string;
  /** Raw text of the file. */
  source: string;
  /** Parsed content (keys exactly as written). */
  data: TomlTable;
  /** Positions of every key and table header. */
  keys: TomlKeyIndex;
}

/** Options for {@link parseToml} and {@link readTomlFile}. */
export interface TomlReadOptions {
  /**
   * Return integers that do not fit a double exactly as `bigint` (needed for 64-bit seeds);
   * all other integers stay `number`.
   */
  bigIntegers?: boolean;
}

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
 * Parse TOML text; syntax errors become a {@link ConfigError} carrying the file, line and column.
 *
 * @example
 * ```ts
 * parseToml("a = 1\n", "x.toml"); // { a: 1 }
 * // parseToml("a = [1,\n", "x.toml") throws "x.toml:2:1: invalid TOML: ..."
 * ```
 */
export function parseToml(source: string, file: string, options: TomlReadOptions = {}): TomlTable {
  try {
    const parsed = options.bigIntegers
      ? parse(source, { integersAsBigInt: "asNeeded" })
      : parse(source);
    return parsed as TomlTable;
  } catch (error) {
    if (error instanceof TomlError) {
      const firstLine = error.message.split("\n")[0].replace(/^Invalid TOML document:\s*/, "");
      return throwTomlError(file, firstLine, error.line, error.column);
    }
    throw error;
  }
}

function throwTomlError(file: string, what: string, line: number, column: number): never {
  throw new ConfigError(file, `invalid TOML: ${what}`, { line, column });
}

/**
 * Read and parse a TOML file. A missing file, a directory, or invalid TOML give a
 * {@link ConfigError}.
 *
 * @example
 * ```ts
 * const doc = readTomlFile("Experiments/800mhz.toml");
 * doc.keys.find(["experiment", "name"])?.line; // 2
 * ```
 */
export function readTomlFile(file: string, options: TomlReadOptions = {}): TomlDocument {
  const source = readTextFile(file, "TOML_BYTES");
  const data = parseToml(source, file, options);
  return { file, source, data, keys: indexTomlKeys(source) };
}

/**
 * Read a text file, turning I/O failures into a {@link ConfigError} naming the file.
 *
 * @example
 * ```ts
 * const text = readTextFile("Data/800MHz/15N-HN.out");
 * ```
 */
export function readTextFile(
  file: string,
  sizeLimit: "FILE_BYTES" | "TOML_BYTES" = "FILE_BYTES",
): string {
  try {
    const info = Deno.statSync(file);
    if (info.isDirectory) throw new ConfigError(file, "expected a file but found a directory");
    if (!info.isFile) {
      throw new ConfigError(file, "expected a regular file (not a device, pipe or socket)");
    }
    const max = limit(sizeLimit);
    if (info.size > max) {
      throw new ConfigError(
        file,
        `the file is ${info.size} bytes long; at most ${max} are read ` +
          `(raise with EXFIT_LIMIT_${sizeLimit})`,
      );
    }
    const text = Deno.readTextFileSync(file);
    // /proc and /sys report size 0 and then produce text: keep the limit on what was read.
    if (text.length > max) {
      throw new ConfigError(file, `the file is longer than ${max} characters`);
    }
    return text;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError(file, "file not found");
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw new ConfigError(file, "expected a file but found a directory");
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new ConfigError(file, "permission denied while reading the file");
    }
    if (error instanceof Deno.errors.NotCapable) {
      throw new ConfigError(file, "this path may not be read (system paths are not input files)");
    }
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ConfigError(file, `cannot read the file: ${message}`);
  }
}

/**
 * Copy of a table with its keys lower-cased (recursively into sub-tables when `deep`), for the
 * parts of ChemEx files whose keys are case-insensitive. Two keys that differ only in case are a
 * {@link ConfigError} when `file` is given (ChemEx would silently keep the last one).
 *
 * @example
 * ```ts
 * lowerCaseKeys({ Time_T2: 0.04, B1: { Scale: 0.1 } }, { deep: true });
 * // { time_t2: 0.04, b1: { scale: 0.1 } }
 * ```
 */
export function lowerCaseKeys(
  table: TomlTable,
  options: { deep?: boolean; file?: string; keys?: TomlKeyIndex; path?: string[] } = {},
): TomlTable {
  const out: TomlTable = {};
  // A Map, and own properties below: a key such as "__proto__" must stay a key (an unknown one).
  const original = new Map<string, string>();
  for (const [key, value] of Object.entries(table)) {
    const lower = key.toLowerCase();
    if (original.has(lower) && options.file !== undefined) {
      const path = [...(options.path ?? []), key];
      const pos = options.keys?.locate(path);
      throw new ConfigError(
        options.file,
        `keys '${original.get(lower)}' and '${key}' are the same key (keys are case-insensitive)`,
        { line: pos?.line, column: pos?.column, key },
      );
    }
    original.set(lower, key);
    const copy = options.deep && isTable(value)
      ? lowerCaseKeys(value, { ...options, path: [...(options.path ?? []), key] })
      : value;
    Object.defineProperty(out, lower, {
      value: copy,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
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

/**
 * Positions of the keys and table headers of a TOML document (case-insensitive lookup).
 *
 * @example
 * ```ts
 * const keys = indexTomlKeys("[GLOBAL]\nPB = 0.1\n");
 * keys.find(["global", "pb"]); // { line: 2, column: 1 }
 * ```
 */
export class TomlKeyIndex {
  readonly #positions: Map<string, KeyPosition>;
  readonly #order: { path: string[]; pos: KeyPosition }[];

  /** Build from recorded `(path, position)` pairs; the first occurrence of a path wins. */
  constructor(entries: { path: string[]; pos: KeyPosition }[]) {
    this.#positions = new Map();
    this.#order = [];
    for (const entry of entries) {
      const id = pathId(entry.path);
      if (!this.#positions.has(id)) {
        this.#positions.set(id, entry.pos);
        this.#order.push({ path: entry.path.map((p) => p.toLowerCase()), pos: entry.pos });
      }
    }
  }

  /**
   * Position of exactly this key path (e.g. `["data", "profiles", "G23N"]`), or `undefined`.
   *
   * @example
   * ```ts
   * indexTomlKeys("[a]\nb = 1\n").find(["a", "b"]); // { line: 2, column: 1 }
   * ```
   */
  find(path: string[]): KeyPosition | undefined {
    return this.#positions.get(pathId(path));
  }

  /**
   * Best available position for a key path: the key itself, else its nearest recorded ancestor,
   * else the first recorded key below it (e.g. `[data.profiles]` when asking for `data`).
   *
   * @example
   * ```ts
   * indexTomlKeys("[a]\nb = 1\n").locate(["a", "zz"]); // { line: 1, column: 1 }
   * ```
   */
  locate(path: string[]): KeyPosition | undefined {
    const exact = this.find(path);
    if (exact) return exact;
    const lower = path.map((p) => p.toLowerCase());
    const below = this.#order.find((e) =>
      e.path.length > lower.length && lower.every((p, i) => e.path[i] === p)
    );
    if (below) return below.pos;
    for (let n = path.length - 1; n > 0; n--) {
      const pos = this.find(path.slice(0, n));
      if (pos) return pos;
    }
    return undefined;
  }
}

function pathId(path: string[]): string {
  return path.map((p) => p.toLowerCase()).join("\u0000");
}

/**
 * Index the positions of all keys and table headers in TOML text. Keys inside inline tables are
 * recorded under their full path; array elements are not indexed. Meant for text that already
 * parsed successfully; on malformed text it records what it can and never throws.
 *
 * @example
 * ```ts
 * const keys = indexTomlKeys('[data.profiles]\n"G23N" = "g23.out"\n');
 * keys.find(["data", "profiles", "g23n"]); // { line: 2, column: 1 }
 * ```
 */
export function indexTomlKeys(source: string): TomlKeyIndex {
  return new TomlKeyIndex(new KeyScanner(source).scan());
}

/**
 * Find the line of a key path in TOML text (see {@link TomlKeyIndex.locate}).
 *
 * @example
 * ```ts
 * findKeyLine("[experiment]\nname = 'cpmg_15n_ip'\n", ["experiment", "name"]); // 2
 * ```
 */
export function findKeyLine(source: string, path: string[]): number | undefined {
  return indexTomlKeys(source).locate(path)?.line;
}

const BARE_KEY = /[A-Za-z0-9_-]/;

/** Minimal TOML lexer that only tracks where keys are; values are skipped. */
class KeyScanner {
  readonly #src: string;
  readonly #lineStarts: number[];
  #i = 0;
  readonly #out: { path: string[]; pos: KeyPosition }[] = [];

  constructor(source: string) {
    this.#src = source;
    this.#lineStarts = [0];
    for (let k = 0; k < source.length; k++) {
      if (source[k] === "\n") this.#lineStarts.push(k + 1);
    }
  }

  scan(): { path: string[]; pos: KeyPosition }[] {
    let table: string[] = [];
    const src = this.#src;
    while (this.#i < src.length) {
      this.#skipBlank(true);
      if (this.#i >= src.length) break;
      const start = this.#i;
      const c = src[this.#i];
      if (c === "[") {
        const isArray = src[this.#i + 1] === "[";
        this.#i += isArray ? 2 : 1;
        const path = this.#readKeyPath();
        if (path === undefined) {
          this.#skipLine();
          continue;
        }
        this.#record(path, start);
        table = path;
        this.#skipLine();
      } else {
        const path = this.#readKeyPath();
        if (path === undefined || src[this.#i] !== "=") {
          this.#skipLine();
          continue;
        }
        this.#i++;
        const full = [...table, ...path];
        this.#record(full, start);
        this.#skipValue(full);
      }
      if (this.#i === start) this.#i++;
    }
    return this.#out;
  }

  #record(path: string[], offset: number): void {
    this.#out.push({ path, pos: this.#position(offset) });
  }

  #position(offset: number): KeyPosition {
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.#lineStarts[lo] + 1 };
  }

  /** Skip spaces/tabs (and newlines and comments when `lines`). */
  #skipBlank(lines: boolean): void {
    const src = this.#src;
    while (this.#i < src.length) {
      const c = src[this.#i];
      if (c === " " || c === "\t" || c === "\r") this.#i++;
      else if (lines && c === "\n") this.#i++;
      else if (lines && c === "#") this.#skipLine();
      else break;
    }
  }

  #skipLine(): void {
    const next = this.#src.indexOf("\n", this.#i);
    this.#i = next < 0 ? this.#src.length : next + 1;
  }

  /** Read `a . "b" . 'c'` and stop after trailing blanks; `]`/`]]` are consumed for headers. */
  #readKeyPath(): string[] | undefined {
    const src = this.#src;
    const path: string[] = [];
    for (;;) {
      this.#skipBlank(false);
      const key = this.#readKey();
      if (key === undefined) return undefined;
      path.push(key);
      this.#skipBlank(false);
      if (src[this.#i] === ".") {
        this.#i++;
        continue;
      }
      if (src[this.#i] === "]") {
        this.#i++;
        if (src[this.#i] === "]") this.#i++;
      }
      return path;
    }
  }

  #readKey(): string | undefined {
    const src = this.#src;
    const c = src[this.#i];
    if (c === '"') return this.#readBasicString();
    if (c === "'") {
      const end = src.indexOf("'", this.#i + 1);
      if (end < 0) return undefined;
      const key = src.slice(this.#i + 1, end);
      this.#i = end + 1;
      return key;
    }
    const start = this.#i;
    while (this.#i < src.length && BARE_KEY.test(src[this.#i])) this.#i++;
    return this.#i > start ? src.slice(start, this.#i) : undefined;
  }

  /** Read a single-line basic string starting at the opening quote, decoding escapes. */
  #readBasicString(): string | undefined {
    const src = this.#src;
    let out = "";
    let k = this.#i + 1;
    // Plain runs are sliced, not appended char by char: a 10^7-character string stays linear.
    let run = k;
    while (k < src.length) {
      const c = src.charCodeAt(k);
      if (c === 34 || c === 10) break; // closing quote or end of line
      if (c !== 92) {
        k++;
        continue;
      }
      out += src.slice(run, k);
      const e = src[k + 1];
      const simple: Record<string, string> = {
        b: "\b",
        t: "\t",
        n: "\n",
        f: "\f",
        r: "\r",
        '"': '"',
        "\\": "\\",
      };
      if (e in simple) {
        out += simple[e];
        k += 2;
      } else if (e === "u" || e === "U") {
        const len = e === "u" ? 4 : 8;
        out += String.fromCodePoint(parseInt(src.slice(k + 2, k + 2 + len), 16) || 0xfffd);
        k += 2 + len;
      } else {
        out += e ?? "";
        k += 2;
      }
      run = k;
    }
    out += src.slice(run, Math.min(k, src.length));
    if (src[k] !== '"') return undefined;
    this.#i = k + 1;
    return out;
  }

  /** Skip one value; keys of inline tables are recorded under `path`. */
  #skipValue(path: string[] | undefined): void {
    const src = this.#src;
    this.#skipBlank(false);
    const c = src[this.#i];
    if (src.startsWith('"""', this.#i) || src.startsWith("'''", this.#i)) {
      const quote = src.slice(this.#i, this.#i + 3);
      let k = this.#i + 3;
      for (;;) {
        const end = src.indexOf(quote, k);
        if (end < 0) {
          this.#i = src.length;
          return;
        }
        if (quote === '"""' && isEscaped(src, end)) {
          k = end + 1;
          continue;
        }
        // Up to two extra quotes may belong to the content (`""""` ends with a quote char).
        let stop = end + 3;
        while (src[stop] === quote[0] && stop - end < 5) stop++;
        this.#i = stop;
        return;
      }
    }
    if (c === '"') {
      if (this.#readBasicString() === undefined) this.#skipLine();
      return;
    }
    if (c === "'") {
      const end = src.indexOf("'", this.#i + 1);
      this.#i = end < 0 ? src.length : end + 1;
      return;
    }
    if (c === "[") {
      this.#i++;
      for (;;) {
        this.#skipBlank(true);
        if (this.#i >= src.length) return;
        if (src[this.#i] === "]") {
          this.#i++;
          return;
        }
        if (src[this.#i] === ",") {
          this.#i++;
          continue;
        }
        const before = this.#i;
        this.#skipValue(undefined);
        if (this.#i === before) this.#i++;
      }
    }
    if (c === "{") {
      this.#i++;
      for (;;) {
        this.#skipBlank(true);
        if (this.#i >= src.length) return;
        if (src[this.#i] === "}") {
          this.#i++;
          return;
        }
        if (src[this.#i] === ",") {
          this.#i++;
          continue;
        }
        const start = this.#i;
        const key = this.#readKeyPath();
        if (key === undefined || src[this.#i] !== "=") {
          if (this.#i === start) this.#i++;
          continue;
        }
        this.#i++;
        const full = path ? [...path, ...key] : undefined;
        if (full) this.#record(full, start);
        this.#skipValue(full);
      }
    }
    while (this.#i < src.length && !/[,\]}\n#\s]/.test(src[this.#i])) this.#i++;
  }
}

function isEscaped(src: string, at: number): boolean {
  let n = 0;
  for (let k = at - 1; k >= 0 && src[k] === "\\"; k--) n++;
  return n % 2 === 1;
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
    if (!inRange(v, range)) {
      this.fail(
        path,
        `${this.label(path)} must be ${describeRange(range)}, got ${describeValue(value)}`,
      );
    }
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
    if (!inRange(v, range)) {
      this.fail(
        path,
        `${this.label(path)} must be ${describeRange(range)}, got ${describeValue(value)}`,
      );
    }
    return v;
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
