/**
 * Distribution functions against SciPy 1.17.1.
 *
 * Reference values were printed with `repr(float(...))` from
 * `scipy.special.ndtr`, `scipy.special.ndtri`, `scipy.special.erf`,
 * `scipy.special.erfc`, `scipy.stats.chi2.sf(x, dof)`,
 * `scipy.stats.kstwo.sf(d, n)` and
 * `scipy.stats.kstest(v, "norm", method="exact")` on the vectors rebuilt below.
 */

import { strict as assert } from "node:assert";
import { chi2Sf, ksStatistic, ksTestNormal, ksTwoSidedSf } from "../src/math/distributions.ts";
import {
  erf,
  erfc,
  MILLS_TABLE,
  millsRatio,
  normalCdf,
  normalPdf,
  normalPpf,
} from "../src/math/normal.ts";

function assertRel(actual: number, expected: number, rtol: number, label: string) {
  if (expected === 0) {
    assert.ok(Math.abs(actual) <= 1e-300, `${label}: got ${actual}, expected 0`);
    return;
  }
  const err = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(err <= rtol, `${label}: got ${actual}, expected ${expected} (rel ${err})`);
}

Deno.test("normalCdf matches scipy.special.ndtr, tails included", () => {
  const cases: [number, number][] = [
    [-37.5, 4.605353009581954e-308],
    [-20, 2.7536241186061556e-89],
    [-8, 6.22096057427174e-16],
    [-3, 0.0013498980316300933],
    [-1.5, 0.06680720126885807],
    [-0.5, 0.3085375387259869],
    [0, 0.5],
    [0.25, 0.5987063256829237],
    [1, 0.8413447460685429],
    [2.5, 0.9937903346742238],
    [6, 0.9999999990134123],
    [8.2, 0.9999999999999999],
  ];
  for (const [x, y] of cases) assertRel(normalCdf(x), y, 1e-10, `normalCdf(${x})`);
  assert.equal(normalCdf(-Infinity), 0);
  assert.equal(normalCdf(Infinity), 1);
  assert.ok(Number.isNaN(normalCdf(NaN)));
});

Deno.test("normalCdf's table of Mills' ratios is the continued fraction's, bit for bit", () => {
  assert.equal(MILLS_TABLE.length, 61);
  MILLS_TABLE.forEach((r, k) => assert.equal(r, millsRatio(0.5 + k * 0.125), `point ${k}`));
});

Deno.test("normalCdf's tails (Mills' ratio by Taylor series) agree with the continued fraction", () => {
  let lower = 0;
  let upper = 0;
  for (let i = 0; i <= 8000; i++) {
    const z = 0.7 + (7.4 * i) / 8000;
    const tail = normalPdf(z) * millsRatio(z);
    lower = Math.max(lower, Math.abs(normalCdf(-z) - tail) / tail);
    // Φ(z) = 1 − tail: the upper half is compared absolutely (1 − tail rounds the tail away).
    upper = Math.max(upper, Math.abs(normalCdf(z) - (1 - tail)));
  }
  assert.ok(lower <= 1e-15, `largest relative difference in the lower tail ${lower}`);
  assert.ok(upper <= 2.3e-16, `largest difference in the upper half ${upper}`);
});

Deno.test("normalPpf matches scipy.special.ndtri and inverts normalCdf", () => {
  const cases: [number, number][] = [
    [1e-300, -37.0470962993612],
    [1e-50, -14.933337534788487],
    [1e-10, -6.361340902404056],
    [0.001, -3.090232306167813],
    [0.02, -2.053748910631823],
    [0.16, -0.994457883209753],
    [0.3, -0.5244005127080409],
    [0.49, -0.02506890825871106],
    [0.51, 0.02506890825871106],
    [0.84, 0.994457883209753],
    [0.975, 1.959963984540054],
    [0.999, 3.090232306167813],
    [0.999999999999, 7.0344869100478356],
  ];
  for (const [p, x] of cases) assertRel(normalPpf(p), x, 1e-10, `normalPpf(${p})`);
  assert.equal(normalPpf(0.5), 0);
  assert.equal(normalPpf(0), -Infinity);
  assert.equal(normalPpf(1), Infinity);
  assert.ok(Number.isNaN(normalPpf(1.5)));
  // Round trip across many decades, to within the conditioning of Φ:
  // one ulp in x moves Φ(x) by about x²·eps in relative terms.
  for (let e = -300; e <= -1; e += 7) {
    const p = 10 ** e;
    const x = normalPpf(p);
    assertRel(normalCdf(x), p, 4e-16 * (2 + x * x), `cdf(ppf(1e${e}))`);
  }
  for (const p of [0.05, 0.2, 0.4, 0.4999, 0.6, 0.9]) {
    assertRel(normalCdf(normalPpf(p)), p, 2e-15, `cdf(ppf(${p}))`);
  }
});

Deno.test("erf and erfc match SciPy", () => {
  const cases: [number, number, number][] = [
    [-3, -0.9999779095030014, 1.9999779095030015],
    [-0.4, -0.42839235504666845, 1.4283923550466684],
    [0.1, 0.1124629160182849, 0.8875370839817152],
    [0.5, 0.5204998778130465, 0.4795001221869535],
    [0.9, 0.7969082124228322, 0.20309178757716784],
    [1.7, 0.9837904585907745, 0.01620954140922544],
    [3.3, 0.9999969422902035, 3.057709796438165e-6],
    [6, 1.0, 2.1519736712498913e-17],
    [15, 1.0, 7.212994172451209e-100],
    [26, 1.0, 5.663192408856145e-296],
  ];
  for (const [x, e, ec] of cases) {
    assertRel(erf(x), e, 1e-14, `erf(${x})`);
    assertRel(erfc(x), ec, 1e-13, `erfc(${x})`);
  }
  assert.equal(erf(0), 0);
  assert.equal(erfc(0), 1);
});

Deno.test("chi2Sf matches scipy.stats.chi2.sf, far tail included", () => {
  const cases: [number, number, number][] = [
    [434.555, 213, 2.7017099841896853e-17],
    [2694.67, 2322, 9.422351993138396e-8],
    [0.5, 1, 0.47950012218695337],
    [3.841458820694124, 1, 0.04999999999999989],
    [12, 12, 0.44567964136461097],
    [150, 100, 0.0009039320423540184],
    [1500, 1000, 1.0454640385980825e-22],
    [5000, 2322, 1.6739488787038403e-197],
    [1400, 1, 2.1010145162644003e-306],
    [0.01, 4, 0.9999875415886458],
    [30, 7, 9.495972508134177e-5],
  ];
  for (const [x, dof, y] of cases) assertRel(chi2Sf(x, dof), y, 1e-10, `chi2Sf(${x}, ${dof})`);
  // Beyond the smallest double (true value ~1e-436).
  assert.equal(chi2Sf(2000, 1), 0);
  assert.equal(chi2Sf(0, 5), 1);
  assert.equal(chi2Sf(-1, 5), 1);
  assert.equal(chi2Sf(Infinity, 5), 0);
  assert.ok(Number.isNaN(chi2Sf(1, 0)));
});

Deno.test("ksTwoSidedSf matches scipy.stats.kstwo.sf in every regime", () => {
  const cases: [number, number, number][] = [
    [0.002, 230, 1.0], // nd ≤ ½
    [0.01, 230, 1.0], // Durbin matrix
    [0.03, 230, 0.9819234158440125], // Durbin matrix
    [0.05, 230, 0.5953324614313679], // Pelz–Good
    [0.08, 230, 0.09968590233171415], // Pelz–Good
    [0.1, 230, 0.01869491151206471], // Smirnov
    [0.2, 230, 1.537146640927004e-8],
    [0.6, 230, 1.0492465079163118e-79],
    [0.0003, 2484, 1.0], // Ruben–Gambino
    [0.005, 2484, 0.9999999611934596], // Durbin matrix
    [0.01, 2484, 0.962854884370348], // Pelz–Good
    [0.017, 2484, 0.4644099992569578],
    [0.025, 2484, 0.08814600224805746],
    [0.04, 2484, 0.0006861263496411562], // Smirnov
    [0.07, 2484, 4.989087112213691e-11],
    [0.3, 10, 0.27053557479999946],
    [0.6, 10, 0.0005681672000000003],
    [0.15, 100, 0.019839242125641813],
    [0.05, 140, 0.8576480297656114],
    [0.97, 20, 6.973568802000124e-31], // Ruben–Gambino upper end
  ];
  for (const [d, n, y] of cases) assertRel(ksTwoSidedSf(d, n), y, 1e-6, `kstwo.sf(${d}, ${n})`);
  assert.equal(ksTwoSidedSf(0, 10), 1);
  assert.equal(ksTwoSidedSf(1, 10), 0);
  assert.ok(Number.isNaN(ksTwoSidedSf(0.1, 2.5)));
  // Survival function decreases with d.
  let prev = 1;
  for (let d = 0.001; d < 0.3; d += 0.001) {
    const p = ksTwoSidedSf(d, 2484);
    assert.ok(p <= prev + 1e-12, `monotone at d=${d}`);
    prev = p;
  }
});

Deno.test("ksTestNormal matches scipy.stats.kstest(v, 'norm', method='exact')", () => {
  const cases: { v: number[]; d: number; p: number }[] = [];
  for (
    const [n, d, p] of [[230, 0.07082205650254902, 0.18965574454488943], [
      2484,
      0.06945894938838759,
      7.266334975697313e-11,
    ]]
  ) {
    const v = Array.from(
      { length: n },
      (_, i) => 1.2 * Math.sin(1.7 * i) + 0.3 * Math.cos(0.37 * i),
    );
    cases.push({ v, d, p });
  }
  for (
    const [n, d, p] of [[230, 0.009633262756461258, 1.0], [
      2484,
      0.007660826450960556,
      0.9984133905602366,
    ]]
  ) {
    const v = Array.from({ length: n }, (_, i) => normalPpf((i + 0.5) / n) * 1.02 + 0.01);
    cases.push({ v, d, p });
  }
  for (const { v, d, p } of cases) {
    assertRel(ksStatistic(v), d, 1e-12, `D (n=${v.length})`);
    assertRel(ksTestNormal(v), p, 1e-6, `p-value (n=${v.length})`);
  }
  // Order of the sample does not matter and the input is left untouched.
  const v = [0.3, -1.2, 2.2, 0.0, -0.4];
  const copy = v.slice();
  assert.equal(ksStatistic(v), ksStatistic(copy.slice().reverse()));
  assert.deepEqual(v, copy);
});
