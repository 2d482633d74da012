/**
 * Derived rates, concentrations and populations of every model, against values computed here
 * independently: the mass balances are written out species by species (as in ChemEx's residual
 * functions) and solved by bisection on one free concentration, Eyring populations come from
 * Boltzmann weights, and the n-state models from their definitions. This is the check for the
 * models without a reference simulation and for those whose ChemEx reference is defective.
 */
import { strict as assert } from "node:assert";
import { kineticModel, ModelError, parseModel } from "../src/models/model.ts";
import { evaluateSettings, randomConditions, randomValue, rng } from "./_models.ts";

/** Root of an increasing function on [lo, hi] by plain bisection (slow, simple, independent). */
function bisect(f: (x: number) => number, lo: number, hi: number): number {
  for (let k = 0; k < 2000 && hi - lo > 1e-15 * hi; k++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) > 0) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

type Cond = ReturnType<typeof randomConditions>;
type Expected = Record<string, number>;

/** Evaluate a model for random independent values; returns its values and the inputs. */
function draw(
  name: string,
  seed: number,
  compat?: "2026.06",
): { c: Cond; v: Record<string, number> } {
  const r = rng(seed);
  const c = randomConditions(r);
  const settings = kineticModel(parseModel(name, compat)).settings(c);
  const values: Record<string, number> = {};
  for (const [local, st] of Object.entries(settings)) {
    if (st.expr === "" && st.name !== "D2O") values[local] = randomValue(st.name, r);
  }
  return { c, v: evaluateSettings(settings, values) };
}

function check(
  name: string,
  expected: (c: Cond, v: Record<string, number>) => Expected,
  compat?: "2026.06",
) {
  const label = compat ? `${name} (--compat ${compat})` : name;
  Deno.test(`${label}: derived values match an independent solution`, () => {
    for (let seed = 1; seed <= 25; seed++) {
      const { c, v } = draw(name, seed * 7717 + name.length, compat);
      const want = expected(c, v);
      for (const [key, x] of Object.entries(want)) {
        const got = v[key] ?? 0;
        const err = Math.abs(got - x) / Math.max(Math.abs(x), 1e-300);
        assert.ok(
          err < 1e-9 || Math.abs(got - x) < 1e-300,
          `${name} seed ${seed} ${key}: model ${got}, expected ${x} (rel ${err})`,
        );
      }
    }
  });
}

const kexPair = (v: Record<string, number>, i: string, j: string) =>
  v[`kex_${i < j ? i + j : j + i}`] * v[`p${j}`] / (v[`p${i}`] + v[`p${j}`]);

function nState(states: string, edges: string[]) {
  return (_c: Cond, v: Record<string, number>): Expected => {
    const out: Expected = {};
    let pa = 1;
    for (const s of states.slice(1)) pa -= v[`p${s}`];
    out.pa = pa;
    for (const [i, j] of edges) {
      out[`k${i}${j}`] = kexPair({ ...v, pa }, i, j);
      out[`k${j}${i}`] = kexPair({ ...v, pa }, j, i);
    }
    return out;
  };
}

check("2st", nState("ab", ["ab"]));
check("3st_linear", nState("abc", ["ab", "bc"]));
check("3st_fork", nState("abc", ["ab", "ac"]));
check("4st", nState("abcd", ["ab", "ac", "ad", "bc", "bd", "cd"]));
check(
  "6st",
  nState("abcdef", ["ab", "ac", "ad", "ae", "af", "bc", "bd", "be", "bf", "cd", "ce", "cf"]),
);

check("2st_binding", (c, v) => {
  const pf = (l: number) => c.p_total / (1 + l / v.kd);
  const l = bisect((x) => x + c.p_total - pf(x) - c.l_total, 0, c.l_total);
  const pl = c.p_total - pf(l);
  return {
    l_free: l,
    p_free: pf(l),
    pl,
    kab: v.koff / v.kd * l,
    kba: v.koff,
    pa: pf(l) / c.p_total,
    pb: pl / c.p_total,
  };
});

// ChemEx 2026.09 (#770): KEQ/KEX inputs, populations from the 1:1 equilibrium with KD_APP.
check("3st_binding_cs", (c, v) => {
  const q = v.keq_ab;
  // Free ligand: L + C = L_total with C = P_total·L/(KD_APP + L).
  const l = bisect((x) => x + c.p_total * x / (v.kd_app + x) - c.l_total, 0, c.l_total);
  const pc = l / (v.kd_app + l);
  const [pa, pb] = [(1 - pc) / (1 + q), (1 - pc) * q / (1 + q)];
  return {
    kd_bc: v.kd_app * q / (1 + q),
    kon_bc: v.koff_bc / (v.kd_app * q / (1 + q)),
    c_l: l,
    kab: v.kex_ab * q / (1 + q),
    kba: v.kex_ab / (1 + q),
    kcb: v.koff_bc,
    kbc: pc * v.koff_bc / pb,
    pa,
    pb,
    pc,
  };
});

check("3st_binding_if", (c, v) => {
  const q = v.keq_bc;
  const l = bisect((x) => x + c.p_total * x / (v.kd_app + x) - c.l_total, 0, c.l_total);
  const pa = v.kd_app / (v.kd_app + l);
  const [pb, pc] = [(1 - pa) / (1 + q), (1 - pa) * q / (1 + q)];
  return {
    kd_ab: v.kd_app * (1 + q),
    c_l: l,
    kbc: v.kex_bc * q / (1 + q),
    kcb: v.kex_bc / (1 + q),
    kba: v.koff_ab,
    kab: pb * v.koff_ab / pa,
    pa,
    pb,
    pc,
  };
});

check("3st_double_binding", (c, v) => {
  const p = (l: number) => c.p_total / (1 + l / v.kd_ab + l / v.kd_ac);
  const l = bisect((x) => x + p(x) * x * (1 / v.kd_ab + 1 / v.kd_ac) - c.l_total, 0, c.l_total);
  return {
    l_free: l,
    kab: v.koff_ab / v.kd_ab * l,
    kac: v.koff_ac / v.kd_ac * l,
    pa: p(l) / c.p_total,
    pb: p(l) * l / v.kd_ab / c.p_total,
    pc: p(l) * l / v.kd_ac / c.p_total,
  };
});

// ChemEx's residuals: L_tot = l1 + l2 + pl1 + pl2, P_tot = p + pl1 + pl2, Kd1·pl1 = p·l1,
// Kd2·pl2 = p·l2, l2 = Keq·l1 (its reference output uses l2 for both on-rates: a defect).
check("3st_binding_partner_2st", (c, v) => {
  const p = (l1: number) => c.p_total / (1 + l1 / v.kd_ab + v.keq * l1 / v.kd_ac);
  const pl1 = (l1: number) => p(l1) * l1 / v.kd_ab;
  const pl2 = (l1: number) => p(l1) * v.keq * l1 / v.kd_ac;
  const l1 = bisect((x) => x * (1 + v.keq) + pl1(x) + pl2(x) - c.l_total, 0, c.l_total);
  const [a, b] = [pl1(l1), pl2(l1)];
  return {
    l1_free: l1,
    l2_free: v.keq * l1,
    pl1: a,
    pl2: b,
    kab: v.koff_ab / v.kd_ab * l1,
    kac: v.koff_ac / v.kd_ac * v.keq * l1,
    kbc: v.kex_bc * b / (a + b),
    kcb: v.kex_bc * a / (a + b),
    pa: p(l1) / c.p_total,
    pb: a / c.p_total,
    pc: b / c.p_total,
  };
});

check("4st_binding_partner_2st", (c, v) => {
  const bound = (x: number) => x / v.kd_ab + v.keq_l * x / v.kd_ac * (1 + v.keq_pl);
  const p = (l1: number) => c.p_total / (1 + bound(l1));
  const l1 = bisect((x) => x * (1 + v.keq_l) + p(x) * bound(x) - c.l_total, 0, c.l_total);
  const pl1 = p(l1) * l1 / v.kd_ab;
  const pl2 = p(l1) * v.keq_l * l1 / v.kd_ac;
  const pl3 = v.keq_pl * pl2;
  return {
    p_free: p(l1),
    l1_free: l1,
    l2_free: v.keq_l * l1,
    kab: v.koff_ab / v.kd_ab * l1,
    kac: v.koff_ac / v.kd_ac * v.keq_l * l1,
    kbc: v.kex_bc * pl2 / (pl1 + pl2),
    kcb: v.kex_bc * pl1 / (pl1 + pl2),
    kcd: v.kex_cd * pl3 / (pl2 + pl3),
    kdc: v.kex_cd * pl2 / (pl2 + pl3),
    pa: p(l1) / c.p_total,
    pb: pl1 / c.p_total,
    pc: pl2 / c.p_total,
    pd: pl3 / c.p_total,
  };
});

check("4st_binding_3_bound_states", (c, v) => {
  const kdAb = v.kd_app * (1 + v.keq_bc + v.keq_bc * v.keq_cd);
  const f = 1 + v.keq_bc + v.keq_bc * v.keq_cd;
  const p = (l: number) => c.p_total / (1 + l / kdAb * f);
  const l = bisect((x) => x + p(x) * x / kdAb * f - c.l_total, 0, c.l_total);
  const pl1 = p(l) * l / kdAb;
  return {
    c_l: l,
    kab: v.koff_ab / kdAb * l,
    kbc: v.keq_bc * v.kex_bc / (1 + v.keq_bc),
    kdc: v.kex_cd / (1 + v.keq_cd),
    pa: p(l) / c.p_total,
    pb: pl1 / c.p_total,
    pc: v.keq_bc * pl1 / c.p_total,
    pd: v.keq_bc * v.keq_cd * pl1 / c.p_total,
  };
});

/**
 * ChemEx 2026.09's n-mer models (#763, #769): mass-balance populations and the n-body
 * association k_AB = n·KOFF/KD·[M]ⁿ⁻¹, k_BA = KOFF.
 */
function oligomer(n: number) {
  return (c: Cond, v: Record<string, number>): Expected => {
    const m = bisect((x) => x + n * x ** n / v.kd - c.p_total, 0, c.p_total);
    const kab = n * v.koff / v.kd * m ** (n - 1);
    const pb = n * m ** n / v.kd / c.p_total;
    return { c_monomer: m, kab, kba: v.koff, pa: m / c.p_total, pb };
  };
}
/** ChemEx 2026.06.1's n-mer models: populations follow k_AB = n·KON·[M], k_BA = KOFF. */
function oligomer202606(n: number) {
  return (c: Cond, v: Record<string, number>): Expected => {
    const m = bisect((x) => x + n * x ** n / v.kd - c.p_total, 0, c.p_total);
    const kab = n * v.koff / v.kd * m;
    return { c_monomer: m, kab, kba: v.koff, pa: v.koff / (kab + v.koff) };
  };
}
for (const [n, what] of [[2, "dimer"], [3, "trimer"], [4, "tetramer"]] as const) {
  check(`2st_monomer_${what}`, oligomer(n));
  check(`2st_monomer_${what}`, oligomer202606(n), "2026.06");
}

check("3st_monomer_dimer_trimer", (c, v) => {
  const m = bisect(
    (x) => x + 2 * x * x / v.kd1 + 3 * x ** 3 / (v.kd1 * v.kd2) - c.p_total,
    0,
    c.p_total,
  );
  const d = m * m / v.kd1;
  const t = m * d / v.kd2;
  return {
    c_monomer: m,
    c_dimer: d,
    kab: 2 * v.koff1 / v.kd1 * m,
    kac: v.koff2 / v.kd2 * d,
    kbc: v.koff2 / v.kd2 * m,
    kca: v.koff2 / 3,
    kcb: 2 * v.koff2 / 3,
    pa: m / c.p_total,
    pb: 2 * d / c.p_total,
    pc: 3 * t / c.p_total,
  };
});

// ChemEx 2026.06 cannot run this model (KeyError 'monomer').
check("3st_monomer_dimer_tetramer", (c, v) => {
  const m = bisect(
    (x) => x + 2 * x * x / v.kd1 + 4 * x ** 4 / (v.kd1 * v.kd1 * v.kd2) - c.p_total,
    0,
    c.p_total,
  );
  const d = m * m / v.kd1;
  const q = d * d / v.kd2;
  return {
    c_monomer: m,
    c_dimer: d,
    kab: 2 * v.koff1 / v.kd1 * m,
    kba: v.koff1,
    kbc: 2 * v.koff2 / v.kd2 * d,
    kcb: v.koff2,
    kac: 0,
    kca: 0,
    pa: m / c.p_total,
    pb: 2 * d / c.p_total,
    pc: 4 * q / c.p_total,
  };
});

/** Eyring: rates from the formula, populations from Boltzmann weights of the states. */
function eyring(states: string, edges?: string[]) {
  return (c: Cond, v: Record<string, number>): Expected => {
    const kelvin = c.temperature + 273.15;
    const rt = 8.31446261815324 * kelvin;
    const g = (s: string) => s === "a" ? 0 : v[`dh_${s}`] - kelvin * v[`ds_${s}`];
    const out: Expected = {};
    let z = 0;
    for (const s of states) z += Math.exp(-g(s) / rt);
    for (const s of states) out[`p${s}`] = Math.exp(-g(s) / rt) / z;
    for (const i of states) {
      for (const j of states) {
        if (i === j) continue;
        const e = i < j ? i + j : j + i;
        if (edges && !edges.includes(e)) continue;
        const gts = v[`dh_${e}`] - kelvin * v[`ds_${e}`];
        out[`k${i}${j}`] = 1.380649e-23 * kelvin / 6.62607015e-34 * Math.exp(-(gts - g(i)) / rt);
      }
    }
    return out;
  };
}
check("2st_eyring", eyring("ab"));
// ChemEx 2026.09 (#750): 3st_eyring = 3st_eyring_linear (no A <-> C); 3st_eyring_fork.
check("3st_eyring", eyring("abc", ["ab", "bc"]));
check("3st_eyring_linear", eyring("abc", ["ab", "bc"]));
check("3st_eyring_fork", eyring("abc", ["ab", "ac"]));
check("4st_eyring", eyring("abcd"));

check("2st_hd", (c, v) => {
  const kab = c.d2o * v.kdh * v.phi;
  const kba = (1 - c.d2o) * v.kdh;
  return { d2o: c.d2o, kab, kba, pa: kba / (kab + kba), pb: kab / (kab + kba) };
});

// ChemEx 2026.06 cannot run this model (KeyError 'kad'). With PHI_B = PHI_A the four
// populations factor into conformer × isotope fractions.
check("4st_hd", (c, v) => {
  const h = (1 - c.d2o) / (1 - c.d2o + c.d2o * v.phi_a);
  return {
    kab: v.pop_b * v.kex_ab,
    kdc: (1 - v.pop_b) * v.kex_ab,
    kac: c.d2o * v.kdh_a * v.phi_a,
    kdb: (1 - c.d2o) * v.kdh_b,
    kad: 0,
    kbc: 0,
    pa: (1 - v.pop_b) * h,
    pb: v.pop_b * h,
    pc: (1 - v.pop_b) * (1 - h),
    pd: v.pop_b * (1 - h),
  };
});

Deno.test("3st_eyring of 2026.06 with its default DH_AC closes A <-> C instead of failing", () => {
  const s = kineticModel(parseModel("3st_eyring", "2026.06")).settings({ temperature: 20 });
  const v = evaluateSettings(s);
  assert.equal(v.kac, 0);
  assert.equal(v.kca, 0);
  assert.ok(v.kab > 0 && v.kbc > 0);
  assert.ok(Math.abs(v.pa + v.pb + v.pc - 1) < 1e-15);
});

Deno.test("H/D models take D2O from the conditions, 0.1 when absent (as ChemEx)", () => {
  for (const name of ["2st_hd", "4st_hd"]) {
    const model = kineticModel(parseModel(name));
    assert.equal(model.settings({ d2o: 0.3 }).d2o.value, 0.3);
    assert.equal(model.settings({}).d2o.value, 0.1);
    assert.deepEqual(model.settings({}).d2o.conds, ["d2o"]);
  }
});

Deno.test("a model without a condition it needs fails with a clear message", () => {
  const cases: [string, object, RegExp][] = [
    ["2st_binding", { p_total: 1e-3 }, /"2st_binding" needs \[conditions\] l_total/],
    ["2st_monomer_dimer", {}, /needs \[conditions\] p_total/],
    ["3st_eyring", { p_total: 1e-3 }, /"3st_eyring_linear" needs \[conditions\] temperature/],
  ];
  for (const [name, cond, message] of cases) {
    const model = kineticModel(parseModel(name));
    assert.ok(model.requires.length > 0, name);
    assert.throws(() => model.settings(cond), (e: Error) => {
      assert.ok(e instanceof ModelError, `${name}: ${e}`);
      assert.match(e.message, message);
      return true;
    });
  }
});
