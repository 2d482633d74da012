/**
 * Parameter names and selectors (spec section 3): `NAME [, NUC->SPIN] [, T->25.0C]
 * [, B0->800.0MHz] [, [P]->1.000e-03M] [, [L]->2.000e-03M] [, D2O->0.1000]`.
 *
 * A {@link ParamName} identifies a parameter (NAME + spin part + the conditions it
 * carries); the same structure, possibly without NAME, spin or conditions, is used as a
 * selector. Canonical text is byte-compatible with ChemEx output.
 *
 * @module
 */

import { pyExp, pyFixed, roundPython } from "../math/pyformat.ts";
import {
  formatSpinSystem,
  isEmptySpinSystem,
  parseSpinSystem,
  type SpinSystem,
  spinSystemAttributes,
  SpinSystemError,
  spinSystemMatches,
} from "./spin_system.ts";

/** Sample conditions a parameter may carry; absent keys are not carried. */
export interface Conditions {
  /** °C, rounded to 0.1 in names. */
  temperature?: number;
  /** 1H Larmor frequency in MHz, rounded to 0.1 in names. */
  h_larmor_frq?: number;
  /** Total protein concentration (M). */
  p_total?: number;
  /** Total ligand concentration (M). */
  l_total?: number;
  /** D2O fraction, 0 < d2o < 1. */
  d2o?: number;
}

/** A parameter identity, or a selector when some parts are left out. */
export interface ParamName {
  /** Upper case; "" for a selector without name. */
  name: string;
  /** Spin part; empty for global parameters or selectors without `NUC->`. */
  spin: SpinSystem;
  conditions: Conditions;
}

/** Raised when a parameter name or selector cannot be parsed. */
export class ParamNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ParamNameError";
  }
}

type ConditionKey = keyof Conditions;

/** Canonical order of conditions in names. */
const CONDITION_KEYS: readonly ConditionKey[] = [
  "temperature",
  "h_larmor_frq",
  "p_total",
  "l_total",
  "d2o",
];

/** Conditions identified after rounding to one decimal (spec 3, edge case 9.6). */
const ROUNDED_KEYS: ReadonlySet<ConditionKey> = new Set(["temperature", "h_larmor_frq"]);

const EXPECTED_GRAMMAR =
  "expected NAME followed by any of NUC->SPIN, T->x[C], B0->x[MHz], [P]->x[M], [L]->x[M], " +
  "D2O->x, separated by commas or spaces";

/**
 * Normalises conditions for identity: drops absent entries, rounds T and B0 to 0.1
 * the way Python's `round(x, 1)` does.
 *
 * @example
 * roundConditions({ h_larmor_frq: 800.13 }); // { h_larmor_frq: 800.1 }
 */
export function roundConditions(c: Conditions): Conditions {
  const out: Conditions = {};
  for (const key of CONDITION_KEYS) {
    const value = c[key];
    if (value === undefined) continue;
    out[key] = ROUNDED_KEYS.has(key) ? roundPython(value, 1) : value;
  }
  return out;
}

/**
 * Builds a normalised parameter name (upper-case NAME, rounded conditions).
 *
 * @example
 * makeParamName("r2_a", parseSpinSystem("G23N"), { temperature: 25, h_larmor_frq: 800 });
 */
export function makeParamName(
  name: string,
  spin: SpinSystem = { spins: [] },
  conditions: Conditions = {},
): ParamName {
  return { name: name.trim().toUpperCase(), spin, conditions: roundConditions(conditions) };
}

interface Qualifier {
  key: ConditionKey | "spin";
  /** Unit that may follow the number (case-insensitive). */
  unit: string;
  label: string;
}

const QUALIFIERS: Readonly<Record<string, Qualifier>> = {
  NUC: { key: "spin", unit: "", label: "NUC->" },
  T: { key: "temperature", unit: "C", label: "T->" },
  B0: { key: "h_larmor_frq", unit: "MHZ", label: "B0->" },
  "[P]": { key: "p_total", unit: "M", label: "[P]->" },
  "[L]": { key: "l_total", unit: "M", label: "[L]->" },
  D2O: { key: "d2o", unit: "", label: "D2O->" },
};

const SEPARATORS = /^[\s,]+/;
const QUALIFIER_HEAD = /^(NUC|T|B0|\[P\]|\[L\]|D2O)\s*->\s*/i;
const UNKNOWN_HEAD = /^(\[?[A-Za-z0-9_]*\]?)\s*->/;
const FLOAT = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/;
const WORD = /^[A-Za-z0-9_]+/;
const SPIN_VALUE = /^[^\s,]+/;

/** Matches an `^`-anchored pattern at a position (no `lastIndex` state to share). */
function matchAt(re: RegExp, text: string, at: number): RegExpMatchArray | null {
  return text.slice(at).match(re);
}

function atBoundary(text: string, at: number): boolean {
  return at >= text.length || /[\s,]/.test(text[at]);
}

/** Removes the quotes and outer brackets a selector may be written with (`"[R2_A, NUC->N]"`). */
function unwrap(text: string): string {
  let inner = text.trim();
  if (inner.length >= 2 && inner.startsWith('"') && inner.endsWith('"')) {
    inner = inner.slice(1, -1).trim();
  }
  if (inner.startsWith("[") && inner.endsWith("]") && !/^\[\s*[PL]\s*\]/i.test(inner)) {
    inner = inner.slice(1, -1).trim();
  }
  return inner;
}

function checkRange(key: ConditionKey, value: number, label: string, text: string): void {
  const bad = (expected: string) =>
    new ParamNameError(`${label}${value} in "${text}" is out of range; expected ${expected}`);
  if (!Number.isFinite(value)) throw bad("a finite number");
  if ((key === "h_larmor_frq" || key === "p_total" || key === "l_total") && value < 0) {
    throw bad("a non-negative number");
  }
  if (key === "d2o" && !(value > 0 && value < 1)) throw bad("a fraction between 0 and 1");
}

/**
 * Parses a parameter name or selector (case-insensitive; NAME, then qualifiers in any
 * order, separated by commas and/or spaces; spaces around `->` allowed; units optional).
 * T and B0 are rounded to 0.1.
 *
 * @example
 * parseParamName("r2_a, b0 -> 800.13MHz, NUC->G23N");
 * // { name: "R2_A", spin: G23N, conditions: { h_larmor_frq: 800.1 } }
 */
export function parseParamName(text: string): ParamName {
  const source = unwrap(text);
  let name: string | null = null;
  let spin: SpinSystem | null = null;
  const conditions: Conditions = {};
  let at = 0;
  // annotated so that calls narrow types like a `throw`
  const fail: (what: string, hint?: string) => never = (what, hint = EXPECTED_GRAMMAR) => {
    throw new ParamNameError(`cannot parse parameter name "${text}": ${what}; ${hint}`);
  };

  while (true) {
    const sep = matchAt(SEPARATORS, source, at);
    if (sep) at += sep[0].length;
    if (at >= source.length) break;

    const head = matchAt(QUALIFIER_HEAD, source, at);
    if (head) {
      const qualifier = QUALIFIERS[head[1].toUpperCase()];
      at += head[0].length;
      if (qualifier.key === "spin") {
        if (spin !== null) fail(`NUC-> given twice`);
        const value = matchAt(SPIN_VALUE, source, at);
        if (!value) fail(`missing spin system after NUC->`);
        try {
          spin = parseSpinSystem(value[0]);
        } catch (err) {
          if (err instanceof SpinSystemError) fail("bad NUC-> value", err.message);
          throw err;
        }
        at += value[0].length;
        continue;
      }
      const key = qualifier.key;
      if (conditions[key] !== undefined) fail(`${qualifier.label} given twice`);
      const number = matchAt(FLOAT, source, at);
      if (!number) {
        fail(`expected a number after ${qualifier.label} at "${source.slice(at)}"`);
      }
      at += number[0].length;
      if (qualifier.unit !== "") {
        const unit = matchAt(new RegExp(`^\\s*${qualifier.unit}`, "i"), source, at);
        if (unit && atBoundary(source, at + unit[0].length)) at += unit[0].length;
      }
      if (!atBoundary(source, at)) {
        fail(`unexpected "${source.slice(at)}" after ${qualifier.label}${number[0]}`);
      }
      const value = Number(number[0]);
      checkRange(key, value, qualifier.label, text);
      conditions[key] = value;
      continue;
    }

    const unknown = matchAt(UNKNOWN_HEAD, source, at);
    if (unknown) fail(`unknown qualifier "${unknown[0]}"`);

    const word = matchAt(WORD, source, at);
    if (!word) fail(`unexpected "${source.slice(at)}"`);
    const end = at + word[0].length;
    if (!atBoundary(source, end)) fail(`unexpected "${source.slice(end)}" after "${word[0]}"`);
    if (name !== null) fail(`second name "${word[0]}" after "${name}"`);
    name = word[0].toUpperCase();
    at = end;
  }

  return {
    name: name ?? "",
    spin: spin ?? { spins: [] },
    conditions: roundConditions(conditions),
  };
}

/**
 * Conditions in canonical order and format (not upper-cased):
 * `T->%.1fC, B0->%.1fMHz, [P]->%.3eM, [L]->%.3eM, D2O->%.4f`.
 *
 * @example
 * formatConditions({ temperature: 25, h_larmor_frq: 800 }); // "T->25.0C, B0->800.0MHz"
 */
export function formatConditions(c: Conditions): string {
  const parts: string[] = [];
  const r = roundConditions(c);
  if (r.temperature !== undefined) parts.push(`T->${pyFixed(r.temperature, 1)}C`);
  if (r.h_larmor_frq !== undefined) {
    parts.push(`B0->${pyFixed(r.h_larmor_frq, 1)}MHz`);
  }
  if (r.p_total !== undefined) parts.push(`[P]->${pyExp(r.p_total, 3)}M`);
  if (r.l_total !== undefined) parts.push(`[L]->${pyExp(r.l_total, 3)}M`);
  if (r.d2o !== undefined) parts.push(`D2O->${pyFixed(r.d2o, 4)}`);
  return parts.join(", ");
}

/**
 * Canonical text: NAME, `NUC->SPIN` (only with `withSpin` and a non-empty spin part),
 * then conditions; upper-cased as a whole (so `MHZ`, `E-03`).
 *
 * @example
 * formatParamName(parseParamName("r2_a, nuc->15n, b0->800mhz"), { withSpin: true });
 * // "R2_A, NUC->15N, B0->800.0MHZ"
 */
export function formatParamName(p: ParamName, opts: { withSpin?: boolean } = {}): string {
  const spin = opts.withSpin && !isEmptySpinSystem(p.spin) ? formatSpinSystem(p.spin) : null;
  return composeParamName(p.name, spin, formatConditions(p.conditions));
}

/**
 * {@link formatParamName} from its parts already formatted: the name, the spin system's text
 * (null for none) and the conditions' text. For naming many parameters that share parts (a
 * study's loader names every setting of every profile).
 *
 * @example
 * composeParamName("R2_A", "15N", "B0->800.0MHz"); // "R2_A, NUC->15N, B0->800.0MHZ"
 */
export function composeParamName(
  name: string,
  spinText: string | null,
  conditionsText: string,
): string {
  const parts = [name];
  if (spinText !== null) parts.push(`NUC->${spinText}`);
  parts.push(conditionsText);
  return parts.filter((part) => part !== "").join(", ").toUpperCase();
}

/**
 * Stable identity string of a parameter (its full canonical text), for use as a map key.
 *
 * @example
 * paramId(parseParamName("DW_AB, NUC->G23N, T->25C")); // "DW_AB, NUC->G23N, T->25.0C"
 */
export function paramId(p: ParamName): string {
  return formatParamName(p, { withSpin: true });
}

/**
 * Where a parameter is written in `Parameters/*.toml` (spec 8.2): parameters without spin
 * part go to `GLOBAL` keyed by their canonical text; the others to a section named by
 * their canonical text without spin, keyed by the canonical spin system.
 *
 * @example
 * sectionAndKey(parseParamName("R2_A, NUC->15N, B0->800MHz")); // { section: "R2_A, B0->800.0MHZ", key: "15N" }
 * sectionAndKey(parseParamName("KEX_AB")); // { section: "GLOBAL", key: "KEX_AB" }
 */
export function sectionAndKey(p: ParamName): { section: string; key: string } {
  if (isEmptySpinSystem(p.spin)) return { section: "GLOBAL", key: formatParamName(p) };
  return { section: formatParamName(p), key: formatSpinSystem(p.spin) };
}

function conditionsMatch(selector: Conditions, target: Conditions): boolean {
  for (const key of CONDITION_KEYS) {
    const wanted = selector[key];
    if (wanted === undefined) continue;
    const carried = target[key];
    if (carried === undefined) return false;
    const equal = ROUNDED_KEYS.has(key)
      ? roundPython(wanted, 1) === roundPython(carried, 1)
      : wanted === carried;
    if (!equal) return false;
  }
  return true;
}

function isSubset(small: Set<string>, large: Set<string>): boolean {
  for (const item of small) if (!large.has(item)) return false;
  return true;
}

/**
 * Whether a selector selects a parameter (spec 3.3). NAME must be equal when given and
 * every condition given must be carried by the target with the same value (T and B0
 * after rounding to 0.1), so `CS_A, B0->600MHz` selects nothing. The spin part, when
 * given, must be present in the target and is compared according to `mode`:
 *
 * - `"pattern"` (default): every selector spin must match the target spin at the same
 *   position by {@link spinSystemMatches} (residue parts where given, atom prefix), so
 *   `NUC->N` also selects `ND2` and `NUC->G23` every parameter of residue 23.
 * - `"attributes"`: ChemEx's parameter-index rule (used there for parameter files,
 *   FIT/FIX/GRID and constraints): the selector's residues, exact atom names (including
 *   the empty atom of a residue-only name) and nuclei must all occur somewhere in the
 *   target's spin system, in any order; `NUC->N` does not select `ND2` and `NUC->G23`
 *   selects only residue-level parameters such as `TAUC_A`.
 *
 * @example
 * selectorMatches(parseParamName("DW_AB, NUC->N"), parseParamName("DW_AB, NUC->G23N, T->25C")); // true
 * selectorMatches(parseParamName("CS_A, B0->600MHz"), parseParamName("CS_A, NUC->G23N")); // false
 */
export function selectorMatches(
  selector: ParamName,
  target: ParamName,
  mode: "pattern" | "attributes" = "pattern",
): boolean {
  if (selector.name !== "" && selector.name !== target.name) return false;
  if (!conditionsMatch(selector.conditions, target.conditions)) return false;
  if (isEmptySpinSystem(selector.spin)) return true;
  if (mode === "attributes") {
    return isSubset(spinSystemAttributes(selector.spin), spinSystemAttributes(target.spin));
  }
  return target.spin.spins.length >= selector.spin.spins.length &&
    spinSystemMatches(target.spin, selector.spin);
}
