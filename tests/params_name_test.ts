import { strict as assert } from "node:assert";
import {
  formatConditions,
  formatParamName,
  makeParamName,
  paramId,
  type ParamName,
  ParamNameError,
  parseParamName,
  roundConditions,
  sectionAndKey,
  selectorMatches,
} from "../src/params/name.ts";
import { formatSpinSystem, parseSpinSystem } from "../src/params/spin_system.ts";
import { pyExp, pyFixed, roundPython } from "../src/math/pyformat.ts";

const sel = (text: string): ParamName => parseParamName(text);
const selects = (selector: string, target: string, mode?: "pattern" | "attributes"): boolean =>
  selectorMatches(sel(selector), sel(target), mode);

Deno.test("pyExp matches Python %e formatting", () => {
  assert.equal(pyExp(1e-3, 3), "1.000e-03");
  assert.equal(pyExp(1.3e-3, 3), "1.300e-03");
  assert.equal(pyExp(2, 3), "2.000e+00");
  assert.equal(pyExp(1e100, 3), "1.000e+100");
  assert.equal(pyExp(0, 3), "0.000e+00");
  assert.equal(pyExp(-2.5e-7, 2), "-2.50e-07");
  assert.equal(pyExp(9.9996, 3), "1.000e+01");
  // exact binary ties round to even, unlike toExponential
  assert.equal(pyExp(1.0625, 3), "1.062e+00");
  assert.equal(pyExp(5, 0), "5e+00");
  // the "% .5e" form used for values in parameter files
  assert.equal(pyExp(381.511, 5, { sign: " " }), " 3.81511e+02");
  assert.equal(pyExp(-0.0702971, 5, { sign: " " }), "-7.02971e-02");
  assert.equal(pyExp(Infinity, 3), "inf");
  assert.equal(pyExp(NaN, 3), "nan");
});

Deno.test("pyFixed and roundPython follow Python on the exact binary value", () => {
  assert.equal(pyFixed(25, 1), "25.0");
  assert.equal(pyFixed(0.1, 4), "0.1000");
  assert.equal(pyFixed(0.25, 1), "0.2");
  assert.equal(pyFixed(0.75, 1), "0.8");
  assert.equal(pyFixed(-5.05, 1), "-5.0");
  // 800.15 is stored as 800.149999..., Python gives 800.1 where Math.round(x*10)/10 gives 800.2
  assert.equal(roundPython(800.15, 1), 800.1);
  assert.equal(roundPython(800.13, 1), 800.1);
  assert.equal(roundPython(799.96, 1), 800);
  assert.equal(roundPython(0.25, 1), 0.2);
});

Deno.test("parseParamName reads a bare name", () => {
  assert.deepEqual(sel("kex_ab"), { name: "KEX_AB", spin: { spins: [] }, conditions: {} });
  assert.deepEqual(sel(""), { name: "", spin: { spins: [] }, conditions: {} });
});

Deno.test("parseParamName reads all qualifiers in any order, with spaces and units optional", () => {
  const expected: ParamName = {
    name: "DW_AB",
    spin: parseSpinSystem("G23N"),
    conditions: {
      temperature: 25,
      h_larmor_frq: 800.1,
      p_total: 1e-3,
      l_total: 2e-3,
      d2o: 0.1,
    },
  };
  const spellings = [
    "DW_AB, NUC->G23N, T->25.0C, B0->800.1MHz, [P]->1.000e-03M, [L]->2.000e-03M, D2O->0.1000",
    "dw_ab, d2o->0.1, [l]->2e-3, [p]->1e-3m, b0->800.1, t->25, nuc->gly23n",
    "DW_AB NUC -> G23N T->25C B0 -> 800.13 MHz [P] -> 0.001 M [L]->0.002 D2O -> .1",
    "  [P]->1E-03M,  DW_AB , D2O->1e-1,,T->+25.,[L]->2.000E-03M,B0->800.1MHZ,NUC->G23N  ",
    '"[DW_AB, NUC->G23N, T->25.0C, B0->800.1MHZ, [P]->1.000E-03M, [L]->2.000E-03M, D2O->0.1000]"',
  ];
  for (const text of spellings) assert.deepEqual(sel(text), expected, text);
});

Deno.test("parseParamName rounds T and B0 to 0.1 and keeps concentrations exact", () => {
  assert.equal(sel("R2_A, B0->800.13MHz").conditions.h_larmor_frq, 800.1);
  assert.equal(sel("R2_A, B0->800.15MHz").conditions.h_larmor_frq, 800.1);
  assert.equal(sel("R2_A, T->24.96C").conditions.temperature, 25);
  assert.equal(sel("R2_A, T->-5.04").conditions.temperature, -5);
  assert.equal(sel("KEX_AB, [P]->1.23456e-4").conditions.p_total, 1.23456e-4);
  assert.equal(formatParamName(sel("R2_A, B0->800.13MHz")), "R2_A, B0->800.1MHZ");
});

Deno.test("parseParamName rejects malformed selectors with a clear ParamNameError", () => {
  const bad: [string, RegExp][] = [
    ["R2_A, FOO->3", /unknown qualifier "FOO->"/],
    ["R2_A, T->abc", /expected a number after T->/],
    ["R2_A, T->25K", /unexpected "K"/],
    ["R2_A R2_B", /second name "R2_B"/],
    ["R2_A, T->25, T->30", /T-> given twice/],
    ["R2_A, NUC->G23N, NUC->G24N", /NUC-> given twice/],
    ["R2_A, NUC->A1N-B2N-C3N-D4N", /at most 3/],
    ["R2_A, NUC->", /missing spin system/],
    ["R2_A, D2O->1.5", /fraction between 0 and 1/],
    ["R2_A, B0->-600", /non-negative/],
    ["R2_A; T->25", /unexpected ";/],
  ];
  for (const [text, pattern] of bad) {
    assert.throws(() => parseParamName(text), (err: unknown) => {
      assert.ok(err instanceof ParamNameError, text);
      assert.match(err.message, pattern);
      assert.ok(err.message.includes(text), "message names the text");
      return true;
    });
  }
});

Deno.test("formatParamName prints the canonical upper-case form", () => {
  const p = makeParamName("r2_a", parseSpinSystem("15N"), { h_larmor_frq: 800 });
  assert.equal(formatParamName(p), "R2_A, B0->800.0MHZ");
  assert.equal(formatParamName(p, { withSpin: true }), "R2_A, NUC->15N, B0->800.0MHZ");
  const full = makeParamName("kex_ab", undefined, {
    d2o: 0.1,
    l_total: 2e-3,
    p_total: 1e-3,
    h_larmor_frq: 600.04,
    temperature: 25,
  });
  assert.equal(
    formatParamName(full),
    "KEX_AB, T->25.0C, B0->600.0MHZ, [P]->1.000E-03M, [L]->2.000E-03M, D2O->0.1000",
  );
  assert.equal(formatConditions({ temperature: -5 }), "T->-5.0C");
  assert.equal(formatParamName(sel("NUC->G23N, T->25"), { withSpin: true }), "NUC->G23N, T->25.0C");
  assert.equal(paramId(sel("dw_ab, nuc->gly023n-hn, t->25")), "DW_AB, NUC->G23N-H, T->25.0C");
});

Deno.test("parse(format(x)) round-trips parameter identities", () => {
  const names = [
    makeParamName("PB"),
    makeParamName("KEX_AB", undefined, { temperature: 25, p_total: 1.3e-3, l_total: 5e-4 }),
    makeParamName("R2_A", parseSpinSystem("L99CD1-HD1"), { temperature: 10, h_larmor_frq: 950.2 }),
    makeParamName("TAUC_A", parseSpinSystem("G23"), { temperature: 37 }),
    makeParamName("J_A", parseSpinSystem("G23N-H")),
    makeParamName("D2O", undefined, { d2o: 0.08 }),
    makeParamName("CS_A", parseSpinSystem("A5C1'"), { temperature: -2.5 }),
  ];
  for (const p of names) {
    const again = parseParamName(paramId(p));
    assert.deepEqual(again, p, paramId(p));
    assert.equal(paramId(again), paramId(p));
  }
});

Deno.test("sectionAndKey splits output parameters as in ChemEx files", () => {
  assert.deepEqual(sectionAndKey(sel("KEX_AB, T->25C")), {
    section: "GLOBAL",
    key: "KEX_AB, T->25.0C",
  });
  assert.deepEqual(sectionAndKey(sel("KEX_AB")), { section: "GLOBAL", key: "KEX_AB" });
  assert.deepEqual(sectionAndKey(sel("R2_A, NUC->15N, B0->800MHz")), {
    section: "R2_A, B0->800.0MHZ",
    key: "15N",
  });
  assert.deepEqual(sectionAndKey(sel("TAUC_A, NUC->GLY23, T->25")), {
    section: "TAUC_A, T->25.0C",
    key: "G23",
  });
  assert.deepEqual(sectionAndKey(sel("DW_AB, NUC->G23N")), { section: "DW_AB", key: "G23N" });
});

Deno.test("roundConditions drops absent keys and rounds only T and B0", () => {
  assert.deepEqual(
    roundConditions({ temperature: 25.04, h_larmor_frq: undefined, p_total: 1.23456e-3 }),
    { temperature: 25, p_total: 1.23456e-3 },
  );
});

Deno.test("selectorMatches: spec 3.3 examples", () => {
  const r2 = [
    "R2_A, NUC->G23N, T->25C, B0->600MHz",
    "R2_A, NUC->G23N, T->25C, B0->800MHz",
    "R2_A, NUC->L99CD1, T->25C, B0->800MHz",
  ];
  for (const target of r2) assert.ok(selects("R2_A", target), target);
  assert.ok(!selects("R2_A", "R2_B, NUC->G23N, T->25C, B0->600MHz"));
  assert.ok(!selects("R2_A", "R2A_A, NUC->G23N, T->25C, B0->600MHz"), "name is not a prefix");

  assert.ok(selects("DW_AB, NUC->N", "DW_AB, NUC->G23N, T->25C"));
  assert.ok(selects("DW_AB, NUC->N", "DW_AB, NUC->A24N, T->25C"));
  assert.ok(!selects("DW_AB, NUC->N", "DW_AB, NUC->G23H, T->25C"));
  assert.ok(!selects("DW_AB, NUC->N", "DW_AB, NUC->L99CD1, T->25C"));

  // CS does not carry B0, so naming B0 selects nothing
  assert.ok(!selects("CS_A, B0->600MHz", "CS_A, NUC->G23N, T->25C"));
  assert.ok(!selects("CS_A, B0->600MHz", "CS_A, NUC->G23N"));
});

Deno.test("selectorMatches: conditions compare after rounding, must be carried", () => {
  const target = "R2_A, NUC->G23N, T->25.0C, B0->800.1MHz";
  assert.ok(selects("R2_A, B0->800.13", target));
  assert.ok(selects("R2_A, T->25, B0->800.1MHZ", target));
  assert.ok(!selects("R2_A, B0->800.2", target));
  assert.ok(!selects("R2_A, T->30", target));
  assert.ok(!selects("KEX_AB, [P]->1e-3", "KEX_AB, T->25C"));
  assert.ok(selects("KEX_AB, [P]->1e-3", "KEX_AB, T->25C, [P]->0.001"));
  assert.ok(!selects("KEX_AB, [P]->1e-3", "KEX_AB, T->25C, [P]->0.0011"));
  // selectors without name select by qualifiers only
  assert.ok(selects("T->25", "KEX_AB, T->25C"));
  assert.ok(selects("NUC->G23", target));
  assert.ok(!selects("NUC->G24", target));
  // a global parameter has no spin part to match NUC->
  assert.ok(!selects("KEX_AB, NUC->G23N", "KEX_AB, T->25C"));
});

Deno.test("selectorMatches pattern mode: wildcards, residue numbers, atom prefix, spin order", () => {
  const pair = "R2MQ_A, NUC->N23ND2-HD21, T->25C, B0->800MHz";
  assert.ok(selects("R2MQ_A, NUC->N", pair));
  assert.ok(selects("R2MQ_A, NUC->23", pair));
  assert.ok(selects("R2MQ_A, NUC->ASN23ND2-HD2", pair));
  assert.ok(!selects("R2MQ_A, NUC->H", pair), "first selector spin faces the first target spin");
  assert.ok(!selects("R2MQ_A, NUC->123", pair));
  // every selector spin must be matched
  assert.ok(!selects("R2_A, NUC->G23N-H", "R2_A, NUC->G23N, B0->800MHz"));
  assert.ok(selects("R2_A, NUC->G23N", "R2_A, NUC->G23N-H, B0->800MHz"));
});

Deno.test("selectorMatches attributes mode reproduces ChemEx's parameter index", () => {
  const pair = "R2MQ_A, NUC->N23ND2-HD21, T->25C, B0->800MHz";
  // exact atom names, in any order
  assert.ok(!selects("R2MQ_A, NUC->N", pair, "attributes"));
  assert.ok(selects("R2MQ_A, NUC->ND2", pair, "attributes"));
  assert.ok(selects("R2MQ_A, NUC->HD21", pair, "attributes"));
  assert.ok(selects("R2MQ_A, NUC->N23HD21", pair, "attributes"));
  assert.ok(!selects("R2MQ_A, NUC->23ND2", pair, "attributes"), "group 23 is not group N23");
  // a residue-only selector carries the empty atom: only residue-level parameters
  assert.ok(selects("TAUC_A, NUC->G23", "TAUC_A, NUC->G23, T->25C", "attributes"));
  assert.ok(!selects("R2_A, NUC->G23", "R2_A, NUC->G23N, T->25C", "attributes"));
  assert.ok(selects("DW_AB, NUC->N", "DW_AB, NUC->G23N, T->25C", "attributes"));
  assert.ok(!selects("CS_A, B0->600MHz", "CS_A, NUC->G23N, T->25C", "attributes"));
  assert.ok(selects("R2_A", "R2_A, NUC->G23N, T->25C", "attributes"));
});

Deno.test("spin parts inside names use the spin-system canonical form", () => {
  const p = sel("R2_A, NUC->gly023n-g23hn");
  assert.equal(formatSpinSystem(p.spin), "G23N-H");
  assert.deepEqual(sel("R2_A, NUC->?").spin, { spins: [] });
});
