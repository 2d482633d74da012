/**
 * Local parameter settings: what one profile needs, named locally (`r2_i_a`, `kex_ab`, `pb`)
 * with the rule that turns each into a global parameter identity (NAME, spin part, carried
 * conditions). Two profiles share a parameter exactly when those identities coincide.
 *
 * @module
 */

/** Which part of the profile's spin system a parameter belongs to. */
export type SpinPart = "i" | "s" | "is" | "g" | "";

/** Sample conditions a parameter may carry. */
export type ConditionKey = "temperature" | "h_larmor_frq" | "p_total" | "l_total" | "d2o";

/** One local parameter of a profile. */
export interface LocalSetting {
  /** Upper-case parameter NAME (e.g. "R2_A", "KEX_AB"). */
  name: string;
  part: SpinPart;
  conds: readonly ConditionKey[];
  value: number;
  min: number;
  max: number;
  vary: boolean;
  /** Definition over other local names in braces, e.g. "{kex_ab} * {pb}"; "" when independent. */
  expr: string;
}

/** Local settings keyed by local name. */
export type LocalSettings = Record<string, LocalSetting>;

/**
 * Shorthand constructor with ChemEx's defaults (unbounded, fixed, independent).
 *
 * @example
 * ```ts
 * setting("PB", { value: 0.05, min: 0, max: 1, vary: true, conds: ["temperature"] });
 * ```
 */
export function setting(
  name: string,
  opts: Partial<Omit<LocalSetting, "name">> = {},
): LocalSetting {
  return {
    name,
    part: opts.part ?? "",
    conds: opts.conds ?? [],
    value: opts.value ?? 0,
    min: opts.min ?? -Infinity,
    max: opts.max ?? Infinity,
    vary: opts.vary ?? false,
    expr: opts.expr ?? "",
  };
}

/** Local names referenced by a braces expression. */
export function dependencies(expr: string): string[] {
  return [...expr.matchAll(/\{([a-zA-Z0-9_]+)\}/g)].map((m) => m[1]);
}
