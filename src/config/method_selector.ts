/**
 * The strict grammar of method format v2 (ChemEx 2026.09 spec §1.3): parameter selectors
 * `NAME(, QUAL->VALUE)*` and their canonical rendering. Legacy (v1) selectors stay permissive
 * and are read by `parseParamName`; v2 text is checked here first, then rendered in the
 * canonical form every other part of exfit reads.
 *
 * @module
 */
import { parseSpinSystem, SpinSystemError } from "../params/spin_system.ts";
import { bracketReferences } from "../params/expr.ts";
import { pyRepr } from "../math/pyformat.ts";

/** A selector or search-entry error; `span` is the 0-based [start, end) of the bad fragment. */
export class SelectorError extends Error {
  readonly span: [number, number];
  constructor(message: string, span: [number, number]) {
    super(message);
    this.name = "SelectorError";
    this.span = span;
  }
}

/** ChemEx's finite decimal literal. */
export const DECIMAL = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface QualifierRule {
  label: string;
  unit: string;
  check?: (v: number) => string | undefined;
  round?: boolean;
}

const QUALIFIERS: Record<string, QualifierRule> = {
  "T": { label: "T->", unit: "C", round: true },
  "B0": {
    label: "B0->",
    unit: "MHz",
    round: true,
    check: (v) => v >= 0 ? undefined : "must be ≥ 0",
  },
  "[P]": { label: "[P]->", unit: "M", check: (v) => v >= 0 ? undefined : "must be ≥ 0" },
  "[L]": { label: "[L]->", unit: "M", check: (v) => v >= 0 ? undefined : "must be ≥ 0" },
  "D2O": {
    label: "D2O->",
    unit: "",
    check: (v) => v > 0 && v < 1 ? undefined : "must lie strictly between 0 and 1",
  },
};
const ORDER = ["NUC", "T", "B0", "[P]", "[L]", "D2O"];

/** A validated v2 selector: its parts and canonical text. */
export interface StrictSelector {
  name: string;
  /** Qualifiers by key (`NUC`, `T`, `B0`, `[P]`, `[L]`, `D2O`), values as canonical text. */
  qualifiers: Map<string, string>;
  /** `NAME, NUC->G23N, T->25.0C, …` (ChemEx's `MethodPlan.render()` order). */
  canonical: string;
}

/**
 * Check a v2 selector (without brackets) and render it canonically. Unknown, duplicated, empty
 * or trailing fragments are {@link SelectorError}s giving the fragment's character span.
 *
 * @example
 * ```ts
 * parseStrictSelector("dw_ab, nuc->G24N-H").canonical; // "DW_AB, NUC->G24N-H"
 * parseStrictSelector("r2_b, b0->800.03mhz").canonical; // "R2_B, B0->800.0MHz"
 * ```
 */
export function parseStrictSelector(text: string): StrictSelector {
  const fragments: { text: string; start: number }[] = [];
  let start = 0;
  for (const part of text.split(",")) {
    fragments.push({ text: part, start });
    start += part.length + 1;
  }
  const spanOf = (f: { text: string; start: number }): [number, number] => {
    const lead = f.text.length - f.text.trimStart().length;
    return [f.start + lead, f.start + lead + f.text.trim().length];
  };
  const fail: (what: string, f: { text: string; start: number }) => never = (what, f) => {
    const [a, b] = spanOf(f);
    throw new SelectorError(
      `invalid selector "${text}": ${what} (characters ${a + 1}-${Math.max(a + 1, b)})`,
      [a, b],
    );
  };
  const head = fragments[0];
  const name = head.text.trim();
  if (name === "") fail("empty parameter name", head);
  if (!NAME.test(name)) fail(`"${name}" is not a parameter name ([A-Za-z_][A-Za-z0-9_]*)`, head);
  const qualifiers = new Map<string, string>();
  for (const f of fragments.slice(1)) {
    const body = f.text.trim();
    if (body === "") {
      fail(f.start + f.text.length >= text.length ? "trailing comma" : "empty fragment", f);
    }
    const arrow = body.indexOf("->");
    if (arrow < 0) fail(`"${body}" is not a qualifier (expected QUAL->VALUE)`, f);
    const key = body.slice(0, arrow).trim().toUpperCase();
    const value = body.slice(arrow + 2).trim();
    if (key !== "NUC" && !(key in QUALIFIERS)) {
      fail(`unknown qualifier "${body.slice(0, arrow).trim()}->"`, f);
    }
    if (qualifiers.has(key)) fail(`qualifier ${key}-> given twice`, f);
    if (value === "") fail(`empty value after ${key}->`, f);
    if (key === "NUC") {
      try {
        parseSpinSystem(value);
      } catch (e) {
        if (e instanceof SpinSystemError) fail(`bad spin system "${value}"`, f);
        throw e;
      }
      qualifiers.set(key, value.toUpperCase());
      continue;
    }
    const rule = QUALIFIERS[key];
    const m = new RegExp(`^(${DECIMAL})\\s*(${rule.unit})?$`, "i").exec(value);
    if (!m || (rule.unit === "" && m[2])) {
      fail(
        `expected a number${rule.unit ? ` (optionally in ${rule.unit})` : ""} after ${key}->`,
        f,
      );
    }
    let v = Number(m[1]);
    if (!Number.isFinite(v)) fail(`${key}-> value is not finite`, f);
    const bad = rule.check?.(v);
    if (bad) fail(`${key}-> ${bad}`, f);
    if (rule.round) v = Math.round(v * 10) / 10;
    qualifiers.set(
      key,
      rule.round ? `${v.toFixed(1)}${rule.unit}` : `${pyRepr(v)}${rule.unit}`,
    );
  }
  const parts = [name.toUpperCase()];
  for (const key of ORDER) {
    if (qualifiers.has(key)) parts.push(`${key}->${qualifiers.get(key)}`);
  }
  return { name: name.toUpperCase(), qualifiers, canonical: parts.join(", ") };
}

/**
 * Check a v2 constraint `"[TARGET] = EXPR"` (one `=`, one bracketed selector on the left, strict
 * selectors in every bracket) and render it canonically (selectors only; the expression keeps
 * its text, ChemEx's number re-rendering aside).
 *
 * @example
 * ```ts
 * parseStrictConstraint("[dw_ab, nuc->G31N-H] = [DW_AB, NUC->G24N-H]");
 * // "[DW_AB, NUC->G31N-H] = [DW_AB, NUC->G24N-H]"
 * ```
 */
export function parseStrictConstraint(text: string): string {
  const eq = [...text.matchAll(/=/g)].length;
  if (eq !== 1) throw new SelectorError(`constraint "${text}": expected exactly one '='`, [0, 0]);
  const [left, right] = text.split("=");
  const lhs = new RegExp(`^\\s*${bracketReferences().source}\\s*$`).exec(left);
  if (!lhs) {
    throw new SelectorError(
      `constraint "${text}": the left side must be one bracketed selector such as [R2_B]`,
      [0, left.length],
    );
  }
  const target = parseStrictSelector(lhs[1]).canonical;
  const rhs = right.trim();
  if (rhs === "") {
    throw new SelectorError(`constraint "${text}": empty right side`, [
      left.length + 1,
      text.length,
    ]);
  }
  const rendered = rhs.replace(
    bracketReferences(),
    (_m, inner: string) => `[${parseStrictSelector(inner).canonical}]`,
  );
  return `[${target}] = ${rendered}`;
}
