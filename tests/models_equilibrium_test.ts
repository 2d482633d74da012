/**
 * The equilibrium solvers behind the kinetic models, checked against their defining equations
 * over wide (and extreme) ranges, where naive formulas lose their digits.
 */
import { strict as assert } from "node:assert";
import {
  bindingComplex,
  bindingFree,
  eyringRate,
  MAX_EYRING_RATE,
  monomerDimerTetramer,
  monomerDimerTrimer,
  oligomerComplex,
  oligomerMonomer,
  solveMonomer,
  stationaryPopulations,
} from "../src/params/equilibrium.ts";
import { MODEL_FUNCTIONS } from "../src/params/functions.ts";
import { lit } from "../src/models/literal.ts";
import { compileExpression } from "../src/params/expr.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));

Deno.test("1:1 binding: mass balances and Kd hold to full precision, tight or weak", () => {
  const totals = [1e-7, 1e-5, 1e-3, 2e-2];
  const kds = [0, 1e-15, 1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3, Infinity];
  for (const p of totals) {
    for (const l of [0, ...totals, 3e-2]) {
      for (const kd of kds) {
        const pf = bindingFree(p, l, kd);
        const lf = bindingFree(l, p, kd);
        const pl = bindingComplex(p, l, kd);
        const at = `P=${p} L=${l} Kd=${kd}: P=${pf} L=${lf} PL=${pl}`;
        assert.ok(pf >= 0 && lf >= 0 && pl >= 0, at);
        assert.ok(Math.abs(pf + pl - p) <= 4e-16 * p, `${at}: protein balance`);
        assert.ok(Math.abs(lf + pl - l) <= 4e-16 * Math.max(l, p), `${at}: ligand balance`);
        // The law of mass action, with each small concentration at full relative precision.
        if (kd > 0 && kd < Infinity && pl > 0) {
          assert.ok(rel(pf * lf, kd * pl) < 1e-13, `${at}: Kd`);
        }
      }
    }
  }
  // A case where P_free = P_total − PL would keep no correct digit.
  const pf = bindingFree(1e-3, 2e-3, 1e-12);
  // PL = 1e-3 − P and L = 1e-3 + P, so P = Kd·PL/L = 1e-12·(1 − 2e-9) to first order.
  assert.ok(rel(pf, 1e-12 * (1 - 2e-9)) < 1e-12, `tight binding free protein ${pf}`);
});

Deno.test("n-mers: closed forms and Newton satisfy M + n·M^n/Kd = P", () => {
  for (const n of [2, 3, 4, 5]) {
    for (const p of [1e-6, 1e-3, 1e-1]) {
      for (const kd of [1e-20, 1e-12, 1e-8, 1e-4, 1, 1e4]) {
        const m = oligomerMonomer(p, kd, n);
        const c = oligomerComplex(p, kd, n);
        const at = `n=${n} P=${p} Kd=${kd}: M=${m} C=${c}`;
        assert.ok(m > 0 && m <= p, at);
        assert.ok(rel(m + n * m ** n / kd, p) < 1e-14, `${at}: mass balance`);
        assert.ok(rel(m + n * c, p) < 1e-14, `${at}: complex`);
        assert.ok(rel(c * kd, m ** n) < 1e-12, `${at}: Kd`);
      }
    }
  }
  assert.equal(oligomerMonomer(1e-3, 0, 2), 0);
  assert.equal(oligomerMonomer(1e-3, Infinity, 3), 1e-3);
  assert.equal(oligomerComplex(1e-3, 0, 4), 1e-3 / 4);
  assert.equal(solveMonomer(1e-3, []), 1e-3);
});

Deno.test("monomer/dimer/trimer and monomer/dimer/tetramer equilibria", () => {
  for (const p of [1e-6, 1e-3, 1e-1]) {
    for (const kd1 of [1e-12, 1e-6, 1e-2, 10]) {
      for (const kd2 of [1e-12, 1e-6, 1e-2, 10]) {
        const t = monomerDimerTrimer(p, kd1, kd2);
        const at = `P=${p} Kd1=${kd1} Kd2=${kd2}`;
        assert.ok(rel(t.monomer + 2 * t.dimer + 3 * t.oligomer, p) < 1e-13, `${at}: trimer`);
        assert.ok(rel(t.dimer * kd1, t.monomer ** 2) < 1e-13, at);
        assert.ok(rel(t.oligomer * kd2, t.monomer * t.dimer) < 1e-13, at);
        const q = monomerDimerTetramer(p, kd1, kd2);
        assert.ok(rel(q.monomer + 2 * q.dimer + 4 * q.oligomer, p) < 1e-13, `${at}: tetramer`);
        assert.ok(rel(q.dimer * kd1, q.monomer ** 2) < 1e-13, at);
        assert.ok(rel(q.oligomer * kd2, q.dimer ** 2) < 1e-12, at);
      }
    }
  }
});

Deno.test("stationary populations: irreducible networks and ChemEx's degenerate conventions", () => {
  const two = stationaryPopulations([[0, 10], [190, 0]]);
  assert.ok(rel(two[0], 0.95) < 1e-15 && rel(two[1], 0.05) < 1e-15, String(two));
  // A three-state cycle without detailed balance: check K·p = 0 directly.
  const k = [[0, 3, 1], [2, 0, 5], [7, 0.5, 0]];
  const p = stationaryPopulations(k);
  for (let j = 0; j < 3; j++) {
    let flow = 0;
    for (let i = 0; i < 3; i++) {
      flow += i === j ? -p[j] * (k[j][0] + k[j][1] + k[j][2]) : p[i] * k[i][j];
    }
    assert.ok(Math.abs(flow) < 1e-14, `flow into ${j}: ${flow}`);
  }
  // Tiny populations keep their relative precision (no 1 − x cancellation).
  const tiny = stationaryPopulations([[0, 1e-12], [1, 0]]);
  assert.ok(rel(tiny[1], 1e-12 / (1 + 1e-12)) < 1e-15);
  // Degenerate: no exchange at all -> everything in A (ChemEx's pop_2st).
  assert.deepEqual(stationaryPopulations([[0, 0], [0, 0]]), [1, 0]);
  // An isolated state gets nothing; one-way flow empties its source.
  assert.deepEqual(stationaryPopulations([[0, 0, 0], [0, 0, 1], [0, 3, 0]]), [0, 0.75, 0.25]);
  assert.deepEqual(stationaryPopulations([[0, 5], [0, 0]]), [0, 1]);
  const oneWay = stationaryPopulations([[0, 5, 0], [0, 0, 2], [0, 6, 0]]);
  assert.ok(Math.abs(oneWay[0]) < 1e-15 && rel(oneWay[1], 0.75) < 1e-14, String(oneWay));
});

Deno.test("Eyring rates: formula, underflow to 0 and ChemEx's 1e16 cap", () => {
  const kB = 1.380649e-23, h = 6.62607015e-34, R = 8.31446261815324;
  const T = 298.15;
  const expected = kB * T / h * Math.exp(-(6.5e4 - 8e3 - T * (10 - 2)) / (R * T));
  assert.ok(rel(eyringRate(6.5e4, 10, 8e3, 2, 25), expected) < 1e-14);
  assert.equal(eyringRate(1e10, 0, 0, 0, 20), 0);
  assert.equal(eyringRate(-1e6, 0, 0, 0, 20), MAX_EYRING_RATE);
});

Deno.test("model functions are reachable from definitions, unknown ones are rejected", () => {
  const e = compileExpression("pop_3st_c({kab}, {kba}, 0.0, 0.0, {kbc}, {kcb})", "braces");
  const [kab, kba, kbc, kcb] = [10, 90, 30, 20];
  const pb = kab / kba;
  const pc = pb * kbc / kcb;
  assert.ok(rel(e.evaluate([kab, kba, kbc, kcb]), pc / (1 + pb + pc)) < 1e-15);
  assert.ok(rel(MODEL_FUNCTIONS.mf_nh_r1_i(600, 4.0, 0.9, 0), 2.2116745325575664) < 1e-12);
  assert.throws(() => compileExpression("constructor(1)", "braces"), /unknown function/);
  assert.throws(() => compileExpression("toString(1)", "braces"), /unknown function/);
  assert.throws(
    () => MODEL_FUNCTIONS.pop_3st_a(1, 2, 3),
    /takes 6 rate constants, got 3/,
  );
});

Deno.test("bracket references may contain [P]/[L] condition keys", () => {
  const e = compileExpression(
    "[KON] * [L_FREE, [P]->1.000E-03M, [L]->1.500E-04M] / [KON]",
    "brackets",
  );
  assert.deepEqual(e.refs, ["KON", "L_FREE, [P]->1.000E-03M, [L]->1.500E-04M"]);
  assert.equal(e.evaluate([2, 3]), 3);
});

Deno.test("literals print like Python's repr", () => {
  assert.deepEqual(
    [20, 0.00015, 1e-5, 800.2, 1e16, 123456.5, -0.001, 1.5e-4].map(lit),
    ["20.0", "0.00015", "1e-05", "800.2", "1e+16", "123456.5", "-0.001", "0.00015"],
  );
  for (const x of [1 / 3, 1e-300, 6.02e23]) assert.equal(Number(lit(x)), x);
});
