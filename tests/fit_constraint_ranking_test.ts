/**
 * ChemEx 2026.09's constraint-reference ranking (spec §1.3): context-compatible candidates,
 * ranked by spin specificity (exact > companion > global > other), fewest extra qualifiers, most
 * shared conditions; a tie is an error. `--compat 2026.06` keeps the similarity rule.
 */
import { strict as assert } from "node:assert";
import { ConfigError } from "../src/config/errors.ts";
import { applyConstraints } from "../src/fit/constraints.ts";
import { resolveReference } from "../src/fit/constraint_ranking.ts";
import { makeParamName, parseParamName } from "../src/params/name.ts";
import { parseSpinSystem } from "../src/params/spin_system.ts";
import { addParam, type ParamStore } from "../src/params/store.ts";

const ORIGIN = { file: "Methods/method.toml", step: "STEP1" };
const INIT = { value: 1, min: 0, max: Infinity, vary: true, expr: "" };

function add(s: ParamStore, name: string, spin = "", b0?: number, t?: number): string {
  const cond = { ...(b0 ? { h_larmor_frq: b0 } : {}), ...(t ? { temperature: t } : {}) };
  return addParam(s, makeParamName(name, parseSpinSystem(spin), cond), INIT);
}

function candidates(s: ParamStore, selector: string) {
  const sel = parseParamName(selector);
  return [...s.values()].filter((p) => p.pname.name === sel.name).map((p) => ({
    id: p.id,
    pname: p.pname,
  }));
}

Deno.test("ranking: exact spin, then companion (same group and atom site), then global", () => {
  const s: ParamStore = new Map();
  const target = add(s, "R2ADQ_B", "I3HD1", 700);
  const companion = add(s, "R1_B", "I3CD1", 700);
  add(s, "R1_B", "L7CD2", 700);
  add(s, "R1_B", "I3CD1", 500); // another field: its context contradicts the target's
  const t = s.get(target)!.pname;
  assert.deepEqual(resolveReference(t, parseParamName("R1_B"), candidates(s, "R1_B")), {
    id: companion,
  });
  // An exact spin beats the companion; a global parameter comes after both.
  const exact = add(s, "R1_B", "I3HD1", 700);
  assert.deepEqual(resolveReference(t, parseParamName("R1_B"), candidates(s, "R1_B")), {
    id: exact,
  });
  const g: ParamStore = new Map();
  const tg = add(g, "R2_B", "G23N", 800);
  const global = add(g, "R1_B", "", 800);
  add(g, "R1_B", "G2N", 800);
  assert.deepEqual(
    resolveReference(g.get(tg)!.pname, parseParamName("R1_B"), candidates(g, "R1_B")),
    { id: global },
  );
});

Deno.test("ranking: fewest extra qualifiers, then the most shared conditions", () => {
  const s: ParamStore = new Map();
  const kex = add(s, "KEX_AB");
  const plain = add(s, "PB");
  add(s, "PB", "", undefined, 25);
  assert.deepEqual(
    resolveReference(s.get(kex)!.pname, parseParamName("PB"), candidates(s, "PB")),
    { id: plain },
  );
  const c: ParamStore = new Map();
  const r2 = add(c, "R2_B", "G23N", 800, 25);
  add(c, "R2_A", "G23N", 800);
  const both = add(c, "R2_A", "G23N", 800, 25);
  assert.deepEqual(
    resolveReference(c.get(r2)!.pname, parseParamName("R2_A"), candidates(c, "R2_A")),
    { id: both },
  );
});

Deno.test("ranking: a reference naming a condition crosses it; ties and contradictions are errors", () => {
  const s: ParamStore = new Map();
  for (const b0 of [500, 800]) for (const n of ["R2_A", "R2_B"]) add(s, n, "G23N", b0);
  for (const b0 of [500, 800]) add(s, "R2_A", "G31N", b0);
  applyConstraints(
    s,
    ["[R2_A, NUC->G23N, B0->800.0MHz] = 1.5 * [R2_A, B0->500.0MHz]"],
    ORIGIN,
  );
  assert.equal(
    s.get("R2_A, NUC->G23N, B0->800.0MHZ")!.expr,
    "1.5 * [R2_A, NUC->G23N, B0->500.0MHZ]",
  );
  // Two global candidates rank equally: ambiguous, naming both.
  const a: ParamStore = new Map();
  add(a, "PB");
  add(a, "KEX_AB", "", undefined, 20);
  add(a, "KEX_AB", "", undefined, 30);
  assert.throws(
    () => applyConstraints(a, ["[PB] = 0.001 * [KEX_AB]"], ORIGIN),
    (e) =>
      e instanceof ConfigError &&
      /Methods\/method\.toml: step \[STEP1\]: CONSTRAINTS entry "\[PB\] = 0\.001 \* \[KEX_AB\]": \[KEX_AB\] is ambiguous for PB: KEX_AB, T->20\.0C; KEX_AB, T->30\.0C rank equally/
        .test(e.message),
  );
  // 2026.06.1's similarity rule picks one of them.
  applyConstraints(a, ["[PB] = 0.001 * [KEX_AB]"], ORIGIN, "2026.06");
  assert.match(a.get("PB")!.expr, /^0\.001 \* \[KEX_AB, T->[23]0\.0C\]$/);
  // Every candidate contradicts the target's field: an error saying how to cross it.
  const f: ParamStore = new Map();
  add(f, "R2_B", "G23N", 500);
  add(f, "R2_A", "G23N", 800);
  assert.throws(
    () => applyConstraints(f, ["[R2_B] = [R2_A]"], ORIGIN),
    /\[R2_A\] matches no parameter whose conditions agree with R2_B, NUC->G23N, B0->500\.0MHZ/,
  );
});
