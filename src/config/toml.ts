/**
 * TOML reading for the configuration layer: files read within their size limits, parsing through
 * `smol-toml`, parse errors turned into {@link ConfigError}s with line/column, and
 * case-insensitive key handling.
 *
 * The configuration readers import everything TOML from here: the key positions
 * (`toml_keys.ts`: smol-toml keeps none, so validation errors could not point at a line without
 * them) and the value checks (`key_checks.ts`: {@link KeyContext} and its helpers) live in their
 * own modules and are re-exported.
 *
 * @module
 */

import { parse, TomlError } from "smol-toml";
import { ConfigError } from "./errors.ts";
import { limit } from "./limits.ts";
import { isTable, type TomlTable } from "./key_checks.ts";
import { indexTomlKeys, type TomlKeyIndex } from "./toml_keys.ts";

export {
  describeRange,
  describeValue,
  isTable,
  KeyContext,
  type NumberRange,
  parseFloatText,
  type TomlTable,
} from "./key_checks.ts";
export { findKeyLine, indexTomlKeys, type KeyPosition, TomlKeyIndex } from "./toml_keys.ts";

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
