/**
 * `--compat`: which ChemEx release's figures to reproduce where ChemEx 2026.09 changed them
 * (docs/chemex-2026.09.md). Default: the 2026.09 behaviour.
 *
 * @module
 */

/** Releases `--compat` accepts. */
export const COMPAT_VERSIONS = ["2026.06", "2026.09"] as const;

/** A `--compat` value. */
export type CompatVersion = typeof COMPAT_VERSIONS[number];

/**
 * Parse a `--compat` value (also `2026.06.1`, `2026.09.0` …: the patch level does not matter).
 *
 * @example
 * ```ts
 * parseCompat("2026.06.1"); // "2026.06"
 * ```
 */
export function parseCompat(text: string | undefined): CompatVersion {
  if (text === undefined) return "2026.09";
  const m = /^(\d{4}\.\d{2})(?:\.\d+)?$/.exec(text.trim());
  const v = m?.[1];
  if (v === undefined || !(COMPAT_VERSIONS as readonly string[]).includes(v)) {
    throw new Error(
      `--compat: expected ${COMPAT_VERSIONS.join(" or ")} (ChemEx release whose figures to ` +
        `reproduce), got "${text}"`,
    );
  }
  return v as CompatVersion;
}
