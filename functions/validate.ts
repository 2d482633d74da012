/**
 * Hand-written payload validation: small checkers that either return the typed value or throw a
 * {@link PayloadError} naming the field (a JSON path such as `chunk.profiles[3].x[2]`), what was
 * expected and what was received. Kept dependency-free so the bundle stays small and the same
 * checks run in every runtime.
 *
 * @module
 */

/** A malformed request: which field, what was expected, what came. */
export class PayloadError extends Error {
  readonly field: string;
  readonly expected: string;
  readonly received: string;
  constructor(field: string, expected: string, received: unknown) {
    const got = describe(received);
    super(`${field || "payload"}: expected ${expected}, got ${got}`);
    this.name = "PayloadError";
    this.field = field;
    this.expected = expected;
    this.received = got;
  }
}

/** Short description of a received value for error messages (never the whole value). */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "string") return v.length > 40 ? `a string "${v.slice(0, 37)}..."` : `"${v}"`;
  if (typeof v === "number") return Number.isFinite(v) ? `${v}` : `${v}`;
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}

/** A checker: value and its path in, typed value out (or a thrown PayloadError). */
export type Check<T> = (v: unknown, path: string) => T;

const at = (path: string, key: string | number): string =>
  typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/**
 * Field path helper for callers that check cross-field rules.
 *
 * @example
 * ```ts
 * fieldPath("chunk", "profiles"); // "chunk.profiles"
 * ```
 */
export const fieldPath = at;

/** A finite number. */
export const finite: Check<number> = (v, p) => {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new PayloadError(p, "a finite number", v);
  return v;
};

/** A non-negative integer. */
export const index: Check<number> = (v, p) => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new PayloadError(p, "a non-negative integer", v);
  }
  return v;
};

/** A finite number or null (JSON has no infinities: null stands for "no bound"). */
export const finiteOrNull: Check<number | null> = (v, p) => v === null ? null : finite(v, p);

/** A number or null, where null stands for a non-finite value (NaN) in results. */
export const numberOrNull: Check<number | null> = (v, p) => {
  if (v !== null && typeof v !== "number") throw new PayloadError(p, "a number or null", v);
  return v;
};

/** A string. */
export const string: Check<string> = (v, p) => {
  if (typeof v !== "string") throw new PayloadError(p, "a string", v);
  return v;
};

/** A non-empty string of at most 200 characters (ids). */
export const id: Check<string> = (v, p) => {
  if (typeof v !== "string" || v.length === 0 || v.length > 200) {
    throw new PayloadError(p, "a non-empty string of at most 200 characters", v);
  }
  return v;
};

/** A boolean. */
export const boolean: Check<boolean> = (v, p) => {
  if (typeof v !== "boolean") throw new PayloadError(p, "true or false", v);
  return v;
};

/** A plain JSON object (not an array, not null). */
export const record: Check<Record<string, unknown>> = (v, p) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new PayloadError(p, "an object", v);
  }
  return v as Record<string, unknown>;
};

/**
 * An array whose every element passes `item`.
 *
 * @example
 * ```ts
 * arrayOf(finite)([1, 2], "x"); // [1, 2]
 * ```
 */
export function arrayOf<T>(
  item: Check<T>,
  opts: { length?: number; max?: number } = {},
): Check<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) throw new PayloadError(p, "an array", v);
    if (opts.length !== undefined && v.length !== opts.length) {
      throw new PayloadError(p, `an array of length ${opts.length}`, v);
    }
    if (opts.max !== undefined && v.length > opts.max) {
      throw new PayloadError(p, `an array of at most ${opts.max} elements`, v);
    }
    for (let k = 0; k < v.length; k++) item(v[k], at(p, k));
    return v as T[];
  };
}

/** A key of an object, checked; `optional` keys may be absent (undefined). */
export function field<T>(
  obj: Record<string, unknown>,
  path: string,
  key: string,
  check: Check<T>,
): T {
  return check(obj[key], at(path, key));
}

/** An optional key: undefined when absent, else checked. */
export function optional<T>(
  obj: Record<string, unknown>,
  path: string,
  key: string,
  check: Check<T>,
): T | undefined {
  return obj[key] === undefined ? undefined : check(obj[key], at(path, key));
}

/** One of the given literal strings. */
export function oneOf<T extends string>(choices: readonly T[]): Check<T> {
  return (v, p) => {
    if (typeof v !== "string" || !(choices as readonly string[]).includes(v)) {
      throw new PayloadError(p, `one of ${choices.map((c) => `"${c}"`).join(", ")}`, v);
    }
    return v as T;
  };
}
