/**
 * The TOML writer of exfit's own result files (`diagnostics.toml`, statistics summaries):
 * strings quoted as TOML basic strings, numbers as ChemEx prints them (`%.5e`, integers as
 * integers, `nan`/`inf`), keys in the order given. smol-toml's `stringify` writes numbers in
 * JavaScript's shortest form and sorts nothing the way ChemEx does, so the files would change;
 * reading TOML stays with smol-toml (`src/config/toml.ts`).
 *
 * @module
 */
import { pyExp } from "../math/pyformat.ts";

/**
 * A TOML basic string (backslashes and quotes escaped).
 *
 * @example
 * ```ts
 * tomlString('say "hi"'); // '"say \\"hi\\""'
 * ```
 */
export function tomlString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** A TOML value: strings quoted, numbers `%.5e` unless integers, arrays of either. */
export type TomlValue = string | number | boolean | readonly (string | number)[];

/**
 * Flat `key = value` TOML lines in the given order (`diagnostics.toml`).
 *
 * @example
 * ```ts
 * formatFlatToml([["method", "Monte Carlo"], ["requested_samples", 10]]);
 * ```
 */
export function formatFlatToml(entries: readonly (readonly [string, TomlValue])[]): string {
  const value = (v: string | number | boolean): string =>
    typeof v === "string"
      ? tomlString(v)
      : typeof v === "boolean"
      ? String(v)
      : Number.isInteger(v)
      ? String(v)
      : Number.isFinite(v)
      ? pyExp(v, 5)
      : Number.isNaN(v)
      ? "nan"
      : v > 0
      ? "inf"
      : "-inf";
  return entries.map(([k, v]) =>
    `${k} = ${Array.isArray(v) ? `[${v.map(value).join(", ")}]` : value(v as string)}`
  ).join("\n") + "\n";
}
