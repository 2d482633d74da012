import { strict as assert } from "node:assert";
import {
  compareSpinSystems,
  correctNuclei,
  formatGroup,
  formatSpinSystem,
  groupOf,
  isEmptySpinSystem,
  nucleusOfAtom,
  parseSpinSystem,
  type SpinSystem,
  spinSystemAttributes,
  spinSystemEquals,
  SpinSystemError,
  spinSystemMatches,
  subSystem,
} from "../src/params/spin_system.ts";

const canon = (text: string | number): string => formatSpinSystem(parseSpinSystem(text));
const matches = (target: string, pattern: string | number): boolean =>
  spinSystemMatches(parseSpinSystem(target), parseSpinSystem(pattern));

Deno.test("spec examples parse into group + atom and print canonically", () => {
  assert.deepEqual(parseSpinSystem("G23N-H"), {
    spins: [
      { group: { symbol: "G", number: 23, suffix: "" }, atom: "N" },
      { group: { symbol: "G", number: 23, suffix: "" }, atom: "H" },
    ],
  });
  assert.equal(canon("G23N-H"), "G23N-H");
  assert.equal(canon("GLY023N"), "G23N");
  assert.equal(canon("L99CD1-HD1"), "L99CD1-HD1");
  assert.equal(canon("23N-HN"), "23N-H");
  assert.equal(canon("15N"), "15N");
  assert.deepEqual(parseSpinSystem("T4bN").spins[0], {
    group: { symbol: "T", number: 4, suffix: "B" },
    atom: "N",
  });
  assert.equal(canon("T4bN"), "T4BN");
});

Deno.test("? and empty text are the empty spin system", () => {
  assert.deepEqual(parseSpinSystem("?"), { spins: [] });
  assert.deepEqual(parseSpinSystem(" ? "), { spins: [] });
  assert.deepEqual(parseSpinSystem(""), { spins: [] });
  assert.equal(isEmptySpinSystem(parseSpinSystem("?")), true);
  assert.equal(isEmptySpinSystem(parseSpinSystem("G23")), false);
});

Deno.test("groups: three-letter codes, leading zeros, bare numbers, suffixes", () => {
  assert.deepEqual(parseSpinSystem("GLY023").spins[0].group, {
    symbol: "G",
    number: 23,
    suffix: "",
  });
  assert.equal(canon("trp012ne1-he1"), "W12NE1-HE1");
  assert.deepEqual(parseSpinSystem("23").spins[0], {
    group: { symbol: "", number: 23, suffix: "" },
    atom: "",
  });
  assert.deepEqual(parseSpinSystem(15).spins[0].group, { symbol: "", number: 15, suffix: "" });
  // a bare residue type is a group without number (ChemEx maps three-letter codes only when numbered)
  assert.deepEqual(parseSpinSystem("G").spins[0].group, {
    symbol: "G",
    number: null,
    suffix: "",
  });
  assert.deepEqual(parseSpinSystem("GLY").spins[0].group, {
    symbol: "GLY",
    number: null,
    suffix: "",
  });
  assert.equal(formatGroup({ symbol: "T", number: 4, suffix: "B" }), "T4B");
  assert.equal(formatGroup({ symbol: "", number: 7, suffix: "" }), "7");
});

Deno.test("atom aliases HN, C' and CO are applied, other names kept", () => {
  assert.equal(canon("G23HN"), "G23H");
  assert.equal(canon("A5C'"), "A5C");
  assert.equal(canon("A5CO-CA"), "A5C-CA");
  assert.equal(canon("HN"), "H");
  assert.equal(canon("G23HA"), "G23HA");
});

Deno.test("standard atom names without H/C/N/Q/M after the first digit are atoms", () => {
  assert.deepEqual(parseSpinSystem("CD1").spins[0], {
    group: { symbol: "", number: null, suffix: "" },
    atom: "CD1",
  });
  assert.equal(parseSpinSystem("H2").spins[0].atom, "H2");
  assert.equal(parseSpinSystem("C1'").spins[0].atom, "C1'");
  assert.equal(parseSpinSystem("N3").spins[0].atom, "N3");
  // not standard atom names: the whole token is a group
  assert.deepEqual(parseSpinSystem("X5").spins[0], {
    group: { symbol: "X", number: 5, suffix: "" },
    atom: "",
  });
  assert.deepEqual(parseSpinSystem("W5F").spins[0].group, {
    symbol: "W",
    number: 5,
    suffix: "F",
  });
  // the letter search starts at the first digit, so the residue letters are not atoms
  assert.deepEqual(parseSpinSystem("HIS12NE2").spins[0], {
    group: { symbol: "H", number: 12, suffix: "" },
    atom: "NE2",
  });
  assert.equal(canon("a5c1'-h1'"), "A5C1'-H1'");
});

Deno.test("spins without a group inherit the previous spin's group", () => {
  assert.equal(canon("G23N-G23HN"), "G23N-H");
  assert.ok(spinSystemEquals(parseSpinSystem("G23N-H"), parseSpinSystem("G23N-G23H")));
  assert.deepEqual(parseSpinSystem("G23N-H").spins[1].group, {
    symbol: "G",
    number: 23,
    suffix: "",
  });
  assert.equal(canon("G23N-A24H"), "G23N-A24H");
  assert.equal(canon("L99CD1-HD1-CG"), "L99CD1-HD1-CG");
  assert.equal(parseSpinSystem("L99CD1-HD1-CG").spins[2].group.number, 99);
  assert.equal(canon("g23n - hn"), "G23N-H");
  // an empty/`?` spin inside a name keeps the inherited group, as in ChemEx
  assert.deepEqual(parseSpinSystem("G23N-?").spins[1], {
    group: { symbol: "G", number: 23, suffix: "" },
    atom: "",
  });
});

Deno.test("parse(format(x)) is the identity on canonical names", () => {
  const names = [
    "G23N-H",
    "L99CD1-HD1",
    "23N-H",
    "T4BN",
    "15N",
    "G23",
    "15",
    "W12NE1-HE1",
    "N23ND2-HD21",
    "A5C1'-H1'",
    "I45CD1-HD1-CG1",
    "G23N-A24H",
    "GN",
    "GLYCA",
    "N-G23H",
  ];
  for (const name of names) {
    const ss = parseSpinSystem(name);
    assert.equal(formatSpinSystem(ss), name);
    assert.deepEqual(parseSpinSystem(formatSpinSystem(ss)), ss);
  }
});

Deno.test("invalid names throw SpinSystemError naming the text", () => {
  assert.throws(() => parseSpinSystem("A1N-B2N-C3N-D4N"), (err: unknown) => {
    assert.ok(err instanceof SpinSystemError);
    assert.match(err.message, /A1N-B2N-C3N-D4N/);
    assert.match(err.message, /at most 3/);
    return true;
  });
  assert.throws(() => parseSpinSystem("G23 N"), SpinSystemError);
  assert.throws(() => parseSpinSystem("G23N,H"), /G23N,H/);
  assert.throws(() => parseSpinSystem("NUC->G23N"), SpinSystemError);
});

Deno.test("nucleusOfAtom uses the first letter", () => {
  assert.equal(nucleusOfAtom("H"), "1H");
  assert.equal(nucleusOfAtom("HD21"), "1H");
  assert.equal(nucleusOfAtom("QB"), "1H");
  assert.equal(nucleusOfAtom("MD1"), "1H");
  assert.equal(nucleusOfAtom("ND2"), "15N");
  assert.equal(nucleusOfAtom("CA"), "13C");
  assert.equal(nucleusOfAtom("F1"), "19F");
  assert.equal(nucleusOfAtom("P"), "31P");
  assert.equal(nucleusOfAtom("O"), "X");
  assert.equal(nucleusOfAtom(""), "X");
});

Deno.test("groupOf returns the first spin's group or null", () => {
  assert.deepEqual(groupOf(parseSpinSystem("L99CD1-HD1")), { symbol: "L", number: 99, suffix: "" });
  assert.equal(groupOf(parseSpinSystem("N-H")), null);
  assert.equal(groupOf(parseSpinSystem("?")), null);
});

Deno.test("integer residue patterns match by number only", () => {
  assert.ok(matches("15N", 15));
  assert.ok(matches("G15N-H", 15));
  assert.ok(matches("G15N-H", "15"));
  assert.ok(!matches("115N", 15));
  assert.ok(!matches("G16N-H", 15));
  // suffix is a wildcard when the pattern gives none
  assert.ok(matches("T15BN", 15));
});

Deno.test("pattern matching: wildcards, atom prefix, pairwise spins", () => {
  assert.ok(matches("G23N-H", "G23N-H"));
  assert.ok(matches("G23N-H", "GLY23N-HN"));
  assert.ok(matches("G23N-H", "23N"));
  assert.ok(!matches("A23N-H", "G23N"));
  // atom names match by prefix: N selects ND2 as well
  assert.ok(matches("N23ND2-HD21", "N"));
  assert.ok(matches("N23ND2-HD21", "N23N"));
  assert.ok(!matches("G23N-H", "G23C"));
  // bare residue type matches all residues of that type
  assert.ok(matches("G23N-H", "G"));
  assert.ok(!matches("A23N-H", "G"));
  // suffix must match when the pattern gives one
  assert.ok(!matches("T4N", "T4BN"));
  assert.ok(matches("T4BN", "T4BN"));
  // spins are compared in order, up to the shorter system
  assert.ok(!matches("G23N-H", "G23H"));
  assert.ok(matches("G23N-H", "G23N-HA") === false);
  assert.ok(matches("G23N", "G23N-H"));
  // empty pattern matches everything
  assert.ok(matches("G23N-H", "?"));
  assert.ok(matches("", ""));
});

Deno.test("subSystem picks i, s, is, g or nothing", () => {
  const ss = parseSpinSystem("L99CD1-HD1");
  assert.equal(formatSpinSystem(subSystem(ss, "i")), "L99CD1");
  assert.equal(formatSpinSystem(subSystem(ss, "s")), "L99HD1");
  assert.equal(formatSpinSystem(subSystem(ss, "is")), "L99CD1-HD1");
  assert.equal(formatSpinSystem(subSystem(ss, "g")), "L99");
  assert.deepEqual(subSystem(ss, ""), { spins: [] });
  assert.deepEqual(subSystem(parseSpinSystem("G23N"), "s"), { spins: [] });
  assert.deepEqual(subSystem(parseSpinSystem("N-H"), "g"), { spins: [] });
  // results are copies: mutating them leaves the source alone
  const i = subSystem(ss, "i");
  i.spins[0].group.number = 1;
  assert.equal(ss.spins[0].group.number, 99);
});

Deno.test("correctNuclei rewrites atoms to the nuclei the experiment expects", () => {
  const fix = (name: string, expected: Parameters<typeof correctNuclei>[1]) =>
    formatSpinSystem(correctNuclei(parseSpinSystem(name), expected));
  assert.equal(fix("23N", { i: "13C" }), "23C");
  assert.equal(fix("G23N-HN", { i: "15N", s: "1H" }), "G23N-H");
  assert.equal(fix("G23N", { i: "15N", s: "1H" }), "G23N-H");
  assert.equal(fix("G23N-H", { i: "15N" }), "G23N");
  assert.equal(fix("G23", { i: "15N" }), "G23N");
  assert.equal(fix("G23", { i: "15N", s: "1H" }), "G23N-H");
  assert.equal(fix("G23H-N", { i: "15N", s: "1H" }), "G23N-H");
  assert.equal(fix("L99MD1", { i: "1H" }), "L99HD1");
  assert.equal(fix("L99CD1-HD1", { i: "13C", s: "1H" }), "L99CD1-HD1");
  assert.equal(fix("I45CD1", { i: "1H", s: "13C" }), "I45HD1-CD1");
  assert.equal(fix("G23N-H", {}), "");
  assert.equal(fix("?", { i: "15N" }), "N");
});

Deno.test("compareSpinSystems orders by nucleus, then residue number", () => {
  const names = ["G23N", "A5N", "A5CA", "G23N-H", "7N"];
  const sorted = names.map((n) => parseSpinSystem(n)).sort(compareSpinSystems).map(
    formatSpinSystem,
  );
  assert.deepEqual(sorted, ["A5CA", "A5N", "7N", "G23N", "G23N-H"]);
});

Deno.test("spinSystemAttributes lists groups, exact atoms and nuclei", () => {
  assert.deepEqual(
    spinSystemAttributes(parseSpinSystem("G23N-H")),
    new Set(["group:G23", "atom:N", "nucleus:15N", "atom:H", "nucleus:1H"]),
  );
  assert.deepEqual(
    spinSystemAttributes(parseSpinSystem("G23")),
    new Set(["group:G23", "atom:", "nucleus:X"]),
  );
  const empty: SpinSystem = { spins: [] };
  assert.equal(spinSystemAttributes(empty).size, 0);
});
