/**
 * The error of a malformed payload: which field (a JSON path such as `chunk.profiles[3].x[2]`),
 * what was expected and what came. The checks themselves are the valibot schemas of
 * `schema.ts`.
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
