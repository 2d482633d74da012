/**
 * Spin-system names (`G23N-H`, `L99CD1-HD1`, `15N`, ...): parsing, canonical
 * printing, pattern matching and the sub-systems parameters are attached to.
 *
 * Rules follow spec section 2, which mirrors ChemEx's behaviour, including its
 * quirks (a token such as `C2` is an atom because it is a standard nucleic-acid
 * atom name, a bare `G` is a residue-type wildcard, ...).
 *
 * @module
 */

import { AMINO_ACID_ONE_LETTER, ATOM_ALIASES, STANDARD_ATOM_NAMES } from "./_atom_names.ts";

/** Isotope of a spin, derived from the first letter of its atom name. */
export type Nucleus = "1H" | "2H" | "13C" | "15N" | "19F" | "31P" | "X";

/** Residue (or other chemical group): `G23` -> `{symbol: "G", number: 23, suffix: ""}`. */
export interface Group {
  /** One-letter code when a three-letter amino-acid code was given; "" when absent. */
  symbol: string;
  /** Residue number; `null` when the group has none (then it matches any number). */
  number: number | null;
  /** Text after the number, e.g. "B" in `T4b`; "" when absent. */
  suffix: string;
}

/** One spin: a group plus an atom name (upper case, aliases applied; "" when absent). */
export interface Spin {
  group: Group;
  atom: string;
}

/** Zero to three spins (I, S, X); no spins means "no spin part". */
export interface SpinSystem {
  spins: Spin[];
}

/** Raised when a spin-system name cannot be parsed. */
export class SpinSystemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SpinSystemError";
  }
}

const MAX_SPINS = 3;
const EMPTY_GROUP: Group = Object.freeze({ symbol: "", number: null, suffix: "" }) as Group;
const VALID_TOKEN = /^[A-Z0-9'*#_]*$/;
const NUCLEUS_BY_LETTER: Readonly<Record<string, Nucleus>> = {
  H: "1H",
  Q: "1H",
  M: "1H",
  N: "15N",
  C: "13C",
  F: "19F",
  P: "31P",
};
/** Letter an atom name must start with to belong to a nucleus (used by {@link correctNuclei}). */
const LETTER_BY_NUCLEUS: Readonly<Record<Nucleus, string>> = {
  "1H": "H",
  "2H": "H",
  "13C": "C",
  "15N": "N",
  "19F": "F",
  "31P": "P",
  X: "X",
};

function emptyGroup(): Group {
  return { ...EMPTY_GROUP };
}

function isEmptyGroup(g: Group): boolean {
  return g.symbol === "" && g.number === null && g.suffix === "";
}

/**
 * Splits a group label at its first run of digits; three-letter amino-acid codes
 * are only shortened when a number follows (so a bare `GLY` stays `GLY`, as in ChemEx).
 */
function parseGroup(text: string): Group {
  const found = /[0-9]+/.exec(text);
  if (!found) return { symbol: text, number: null, suffix: "" };
  const symbol = text.slice(0, found.index);
  return {
    symbol: AMINO_ACID_ONE_LETTER[symbol] ?? symbol,
    number: Number.parseInt(found[0], 10),
    suffix: text.slice(found.index + found[0].length),
  };
}

function normaliseAtom(atom: string): string {
  return ATOM_ALIASES[atom] ?? atom;
}

/** Splits one token into group and atom (spec 2 split rule). */
function splitToken(token: string): Spin {
  if (token === "?" || token === "") return { group: emptyGroup(), atom: "" };
  const digit = /[0-9]/.exec(token);
  const start = digit ? digit.index : 0;
  const letter = /[HCNQM]/.exec(token.slice(start));
  if (!letter) {
    if (STANDARD_ATOM_NAMES.has(token)) return { group: emptyGroup(), atom: token };
    return { group: parseGroup(token), atom: "" };
  }
  const at = start + letter.index;
  return { group: parseGroup(token.slice(0, at)), atom: normaliseAtom(token.slice(at)) };
}

/**
 * Parses a spin-system name. Integers (INCLUDE/EXCLUDE residue numbers) are read as
 * their decimal text, i.e. a group with that number and any residue type.
 *
 * @example
 * parseSpinSystem("GLY023N-HN"); // spins G23N and G23H
 * parseSpinSystem(15); // group {symbol: "", number: 15, suffix: ""}
 */
export function parseSpinSystem(text: string | number): SpinSystem {
  const original = String(text);
  const name = original.trim().toUpperCase();
  if (name === "" || name === "?") return { spins: [] };
  const tokens = name.split("-").map((token) => token.trim());
  if (tokens.length > MAX_SPINS) {
    throw new SpinSystemError(
      `spin system "${original}" has ${tokens.length} spins; expected at most ${MAX_SPINS} ` +
        `joined by "-" (e.g. "G23N-H")`,
    );
  }
  const spins: Spin[] = [];
  let previous: Group | null = null;
  for (const token of tokens) {
    if (token !== "?" && !VALID_TOKEN.test(token)) {
      throw new SpinSystemError(
        `spin system "${original}" has an invalid spin "${token}"; expected letters, digits ` +
          `and ' * # _ only (e.g. "G23N", "L99CD1", "A5C1'"), or "?"`,
      );
    }
    const spin = splitToken(token);
    // a spin written without its residue belongs to the previous spin's residue
    if (isEmptyGroup(spin.group) && previous !== null) spin.group = { ...previous };
    spins.push(spin);
    previous = spin.group;
  }
  return { spins };
}

/**
 * Prints a group label: symbol, number, suffix.
 *
 * @example
 * formatGroup({ symbol: "T", number: 4, suffix: "B" }); // "T4B"
 */
export function formatGroup(g: Group): string {
  return `${g.symbol}${g.number === null ? "" : g.number}${g.suffix}`;
}

function groupsEqual(a: Group, b: Group): boolean {
  return a.symbol === b.symbol && a.number === b.number && a.suffix === b.suffix;
}

/**
 * Canonical name: upper case, aliases applied, residue written only when it differs
 * from the previous spin's.
 *
 * @example
 * formatSpinSystem(parseSpinSystem("g23n-g23hn")); // "G23N-H"
 */
export function formatSpinSystem(ss: SpinSystem): string {
  let previous: Group = EMPTY_GROUP;
  return ss.spins
    .map((spin) => {
      const text = groupsEqual(spin.group, previous)
        ? spin.atom
        : formatGroup(spin.group) + spin.atom;
      previous = spin.group;
      return text;
    })
    .join("-");
}

/**
 * True when the spin system has no spin part (prints as "").
 *
 * @example
 * isEmptySpinSystem(parseSpinSystem("?")); // true
 */
export function isEmptySpinSystem(ss: SpinSystem): boolean {
  return formatSpinSystem(ss) === "";
}

/**
 * Identity of two spin systems (same canonical name).
 *
 * @example
 * spinSystemEquals(parseSpinSystem("G23N-HN"), parseSpinSystem("GLY23N-G23H")); // true
 */
export function spinSystemEquals(a: SpinSystem, b: SpinSystem): boolean {
  return formatSpinSystem(a) === formatSpinSystem(b);
}

/**
 * Nucleus from the first letter of an atom name.
 *
 * @example
 * nucleusOfAtom("CD1"); // "13C"
 * nucleusOfAtom("MD1"); // "1H"
 */
export function nucleusOfAtom(atom: string): Nucleus {
  return NUCLEUS_BY_LETTER[atom.slice(0, 1).toUpperCase()] ?? "X";
}

/**
 * The residue: group of the first spin, or `null` when there is none.
 *
 * @example
 * groupOf(parseSpinSystem("L99CD1-HD1")); // {symbol: "L", number: 99, suffix: ""}
 */
export function groupOf(ss: SpinSystem): Group | null {
  const first = ss.spins[0];
  if (first === undefined || isEmptyGroup(first.group)) return null;
  return { ...first.group };
}

function groupMatches(target: Group, pattern: Group): boolean {
  return (pattern.symbol === "" || pattern.symbol === target.symbol) &&
    (pattern.number === null || pattern.number === target.number) &&
    (pattern.suffix === "" || pattern.suffix === target.suffix);
}

/**
 * Pattern matching used by INCLUDE/EXCLUDE (spec 2 "Matching"): spins are compared
 * pairwise up to the shorter of the two systems; a pattern spin matches when every
 * group part it specifies is equal and the target atom starts with the pattern atom.
 * So `15` matches `G15N-H`, `N` matches `ND2`, `G` matches any glycine, and an empty
 * pattern matches everything.
 *
 * @example
 * spinSystemMatches(parseSpinSystem("G15N-H"), parseSpinSystem(15)); // true
 * spinSystemMatches(parseSpinSystem("115N"), parseSpinSystem(15)); // false
 */
export function spinSystemMatches(target: SpinSystem, pattern: SpinSystem): boolean {
  const n = Math.min(target.spins.length, pattern.spins.length);
  for (let k = 0; k < n; k++) {
    const t = target.spins[k];
    const p = pattern.spins[k];
    if (!groupMatches(t.group, p.group) || !t.atom.startsWith(p.atom)) return false;
  }
  return true;
}

function copySpin(spin: Spin): Spin {
  return { group: { ...spin.group }, atom: spin.atom };
}

/**
 * The part of a spin system a parameter is attached to: `i` first spin, `s` second,
 * `is` the whole system, `g` the residue only, `""` nothing. Missing spins give an
 * empty system.
 *
 * @example
 * formatSpinSystem(subSystem(parseSpinSystem("G23N-H"), "s")); // "G23H"
 * formatSpinSystem(subSystem(parseSpinSystem("G23N-H"), "g")); // "G23"
 */
export function subSystem(ss: SpinSystem, part: "i" | "s" | "is" | "g" | ""): SpinSystem {
  const pick = (spin: Spin | undefined): SpinSystem =>
    spin === undefined ? { spins: [] } : { spins: [copySpin(spin)] };
  switch (part) {
    case "i":
      return pick(ss.spins[0]);
    case "s":
      return pick(ss.spins[1]);
    case "is":
      return { spins: ss.spins.map(copySpin) };
    case "g": {
      const group = groupOf(ss);
      return group === null ? { spins: [] } : { spins: [{ group, atom: "" }] };
    }
    case "":
      return { spins: [] };
  }
}

/**
 * Rewrites a profile's spin system to the spins an experiment observes, as ChemEx does
 * silently: the result has one spin per expected nucleus (I, then S); a missing spin is
 * copied from the previous one (so `G23N` in an H/N experiment becomes `G23N-H`); an atom
 * not starting with the nucleus letter gets that letter in place of its first character
 * (`23N` in a 13C experiment becomes `23C`, `L99MD1` in a 1H one `L99HD1`, a bare group
 * `G23` in a 15N one `G23N`). With no expected nucleus the result is empty.
 *
 * @example
 * formatSpinSystem(correctNuclei(parseSpinSystem("G23"), { i: "15N", s: "1H" })); // "G23N-H"
 */
export function correctNuclei(
  ss: SpinSystem,
  expected: { i?: Nucleus; s?: Nucleus },
): SpinSystem {
  const spins: Spin[] = [];
  let last: Spin = { group: emptyGroup(), atom: "" };
  const roles = [expected.i, expected.s];
  for (let index = 0; index < roles.length; index++) {
    const nucleus = roles[index];
    if (nucleus === undefined) continue;
    const source = ss.spins[index] ?? last;
    const letter = LETTER_BY_NUCLEUS[nucleus];
    const atom = source.atom.startsWith(letter) ? source.atom : letter + source.atom.slice(1);
    last = { group: { ...source.group }, atom: normaliseAtom(atom) };
    spins.push(last);
  }
  return { spins };
}

/** Key by which ChemEx orders nuclei (its enum member names compared as text). */
const NUCLEUS_ORDER_KEY: Readonly<Record<Nucleus, string>> = {
  "1H": "H1",
  "2H": "H2",
  "13C": "C13",
  "15N": "N15",
  "19F": "F19",
  "31P": "P31",
  X: "X",
};

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSpins(a: Spin, b: Spin): number {
  return compareText(
    NUCLEUS_ORDER_KEY[nucleusOfAtom(a.atom)],
    NUCLEUS_ORDER_KEY[nucleusOfAtom(b.atom)],
  ) ||
    (a.group.number ?? -Infinity) - (b.group.number ?? -Infinity) ||
    compareText(a.group.symbol, b.group.symbol) ||
    compareText(a.group.suffix, b.group.suffix) ||
    compareText(a.atom, b.atom);
}

/**
 * Sort order for output listings: spin by spin, by nucleus (C, F, H, N, ... as in ChemEx),
 * then residue number, residue symbol, suffix and atom; shorter systems first on a tie.
 *
 * @example
 * ["G23N", "A5N"].map((s) => parseSpinSystem(s)).sort(compareSpinSystems); // A5N, G23N
 */
export function compareSpinSystems(a: SpinSystem, b: SpinSystem): number {
  const n = Math.min(a.spins.length, b.spins.length);
  for (let k = 0; k < n; k++) {
    const c = compareSpins(a.spins[k], b.spins[k]);
    if (c !== 0) return c;
  }
  return a.spins.length - b.spins.length;
}

/**
 * The attributes a spin system offers to ChemEx's parameter index: each non-empty
 * group, each atom name (including "") and each atom's nucleus. Used for the
 * attribute-set selector semantics in `name.ts`.
 *
 * @example
 * spinSystemAttributes(parseSpinSystem("G23N")); // Set {"group:G23", "atom:N", "nucleus:15N"}
 */
export function spinSystemAttributes(ss: SpinSystem): Set<string> {
  const keys = new Set<string>();
  for (const spin of ss.spins) {
    if (!isEmptyGroup(spin.group)) keys.add(`group:${formatGroup(spin.group)}`);
    keys.add(`atom:${spin.atom}`);
    keys.add(`nucleus:${nucleusOfAtom(spin.atom)}`);
  }
  return keys;
}
