/**
 * B1 distributions (src/nmr/b1.ts): nodes and weights of every kind against values computed
 * independently with NumPy 2.4 / SciPy 1.17 (python3, this script; printed with json.dumps and
 * pasted below; for "skewed" the third array is the mode SciPy's bounded Brent search returned):
 *
 * ```python
 * # Independent reference values for tests/nmr_b1_test.ts: the formulas of physics-conventions 6.3
 * # evaluated with NumPy/SciPy (leggauss, roots_hermite, stats.beta.ppf, minimize_scalar bounded).
 * import numpy as np, json
 * from scipy import stats
 * from scipy.special import roots_hermite, erf
 * from scipy.optimize import minimize_scalar
 * from numpy.polynomial.legendre import leggauss
 * def sn_pdf(x, xi, om, al):
 *     z=(x-xi)/om
 *     return (1/np.sqrt(2*np.pi))*np.exp(-0.5*z*z)*0.5*(1+erf(al*z/np.sqrt(2)))*(2/om)
 * def gaussian(v,s,n):
 *     g=np.linspace(-2,2,n); w=stats.norm.pdf(g); return (g*s+1)*v, w/w.sum()
 * def hermite(v,s,n):
 *     x,w=roots_hermite(n); return (x*np.sqrt(2)*s+1)*v, w/w.sum()
 * def skewed(v,s,n,g):
 *     d=np.sign(g)*(abs(g)/(0.995*((4-np.pi)/2)))**(1/3) if abs(g)<2 else np.sign(g)*(1-0.5/abs(g))
 *     d=np.clip(d,-0.995,0.995); al=d/np.sqrt(1-d*d); om=s*(1+0.15*abs(g))
 *     m=minimize_scalar(lambda x:-sn_pdf(np.array([x]),0.0,1.0,al)[0],bounds=(-3,3),method="bounded").x
 *     xi=1-om*m; lo=max(0.3,xi-4*om); hi=min(2.0,xi+4*om)
 *     t,gw=leggauss(n); r=0.5*(hi-lo)*t+0.5*(hi+lo); w=0.5*(hi-lo)*gw*sn_pdf(r,xi,om,al)
 *     return r*v, w/w.sum(), m
 * def tskewed(v,s,al,n,lb=None):
 *     lo=v*lb if lb is not None else v*(1-4*s); hi=v
 *     mz=al/np.sqrt(1+al*al)*np.sqrt(2/np.pi)
 *     m=minimize_scalar(lambda z:-2*np.exp(-0.5*z**2)/np.sqrt(2*np.pi)*0.5*(1+erf(al*z/np.sqrt(2))),bounds=(mz-1,mz+1),method="bounded").x
 *     om=s*v; xi=v-om*m
 *     t,gw=leggauss(n); x=0.5*(hi-lo)*(t+1)+lo; w=sn_pdf(x,xi,om,al)*gw*0.5*(hi-lo)
 *     return x, w/w.sum(), m
 * def beta(v,s,n,mf):
 *     s=np.clip(s,0.01,0.5); mu=np.clip(mf,0.5,0.99); sg=mu*s; t=mu*(1-mu)/sg**2-1
 *     a,b=(mu*t,(1-mu)*t) if t>0 else (2*mu,2*(1-mu))
 *     p=(np.arange(1,n+1)-0.5)/n; return v*stats.beta.ppf(p,a,b), np.ones(n)/n
 * out={}
 * out["gaussian_25_0.1_11"]=gaussian(25,0.1,11)
 * out["gaussian_13_0.2_4"]=gaussian(13,0.2,4)
 * out["hermite_25_0.1_11"]=hermite(25,0.1,11)
 * out["hermite_30_0.15_6"]=hermite(30,0.15,6)
 * out["hermite_1_1_51"]=hermite(1,1,51)
 * out["skewed_25_0.1_11_-0.5"]=skewed(25,0.1,11,-0.5)
 * out["skewed_15.95_0.15_7_1.5"]=skewed(15.95,0.15,7,1.5)
 * out["skewed_20_0.1_9_2.0"]=skewed(20,0.1,9,2.0)
 * out["tskewed_20_0.1_-0.8_11"]=tskewed(20,0.1,-0.8,11)
 * out["tskewed_25_0.05_3_15_0.75"]=tskewed(25,0.05,3.0,15,0.75)
 * out["beta_20_0.1_11_0.95"]=beta(20,0.1,11,0.95)
 * out["beta_25_0.15_7_0.9"]=beta(25,0.15,7,0.9)
 * out["beta_10_0.5_5_0.5"]=beta(10,0.5,5,0.5)
 * out["legendre_101"]=leggauss(101)
 * for k,v in out.items():
 *     print(k, json.dumps([list(map(float,np.atleast_1d(a))) for a in v]))
 * ```
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { type B1Distribution, b1Grid } from "../src/nmr/b1.ts";
import { b1GridFromSettings, b1NominalHz, parseB1Distribution } from "../src/config/b1.ts";
import { b1Keys } from "../src/experiments/schema.ts";
import { betaQuantile } from "../src/math/distributions.ts";
import { boundedBrent } from "../src/math/minimize.ts";
import { gaussHermite, gaussLegendre } from "../src/math/quadrature.ts";
import { ConfigError } from "../src/config/errors.ts";

const REF: Record<string, number[][]> = {
  "gaussian_25_0.1_11": [[
    20.0,
    21.0,
    22.0,
    23.0,
    24.0,
    25.0,
    26.0,
    27.0,
    28.000000000000004,
    29.000000000000004,
    30.0,
  ], [
    0.022190548492442997,
    0.045588999785278535,
    0.07981140824009202,
    0.11906462996609928,
    0.15136080967773613,
    0.16396720767670225,
    0.1513608096777361,
    0.1190646299660992,
    0.07981140824009199,
    0.045588999785278535,
    0.022190548492442997,
  ]],
  "gaussian_13_0.2_4": [[7.8, 11.266666666666667, 14.733333333333333, 18.2], [
    0.07228887523293864,
    0.42771112476706136,
    0.4277111247670614,
    0.07228887523293864,
  ]],
  "hermite_25_0.1_11": [[
    12.029996939062821,
    15.15958348217506,
    17.837192098390886,
    20.309912449612884,
    22.67782750654734,
    25.0,
    27.322172493452662,
    29.690087550387112,
    32.16280790160911,
    34.84041651782494,
    37.97000306093718,
  ], [
    8.121849790214718e-07,
    0.00019567193027122446,
    0.006720285235537299,
    0.0661387460710577,
    0.24224029987397003,
    0.36940836940836946,
    0.24224029987397003,
    0.0661387460710577,
    0.006720285235537299,
    0.00019567193027122446,
    8.121849790214718e-07,
  ]],
  "hermite_30_0.15_6": [[
    15.040841549015468,
    21.498708550108304,
    27.224820344133327,
    32.77517965586667,
    38.501291449891696,
    44.95915845098453,
  ], [
    0.002555784402056256,
    0.08861574604191448,
    0.40882846955602925,
    0.40882846955602925,
    0.08861574604191448,
    0.002555784402056256,
  ]],
  "hermite_1_1_51": [[
    -12.130057881095919,
    -11.200547299075756,
    -10.429691934140612,
    -9.740581403899682,
    -9.103877888840051,
    -8.504472697307817,
    -7.9333009185735985,
    -7.384382732017743,
    -6.853506928538231,
    -6.337561286333264,
    -5.834158210827821,
    -5.341410093017304,
    -4.857786846579975,
    -4.382021440051684,
    -3.9130448951801835,
    -3.4499401327924337,
    -2.991908292222627,
    -2.5382435448567513,
    -2.0883138312883402,
    -1.641545810896115,
    -1.1974128530461652,
    -0.7554252478539607,
    -0.31512204428264856,
    0.12393592279279098,
    0.5621721511173505,
    1.0,
    1.4378278488826495,
    1.876064077207209,
    2.3151220442826483,
    2.7554252478539607,
    3.197412853046165,
    3.641545810896115,
    4.088313831288341,
    4.538243544856751,
    4.991908292222627,
    5.449940132792434,
    5.9130448951801835,
    6.382021440051684,
    6.857786846579975,
    7.341410093017304,
    7.834158210827821,
    8.337561286333264,
    8.85350692853823,
    9.384382732017743,
    9.933300918573599,
    10.504472697307817,
    11.103877888840051,
    11.740581403899682,
    12.429691934140612,
    13.200547299075756,
    14.130057881095919,
  ], [
    1.56908019649368e-38,
    1.572335058695674e-33,
    1.2372659688249745e-29,
    2.344695748239245e-26,
    1.6688471099346853e-23,
    5.6415347397813675e-21,
    1.0454604068634296e-18,
    1.1688351866057517e-16,
    8.438506476750313e-15,
    4.137508172817689e-13,
    1.4319976965602641e-11,
    3.6061460681121044e-10,
    6.769895039999266e-09,
    9.663215840562933e-08,
    1.0658575923596112e-06,
    9.207548214580128e-06,
    6.299576672310442e-05,
    0.0003445520448548881,
    0.0015182954436242372,
    0.005425314926201559,
    0.015804226771688887,
    0.03769424929439579,
    0.07386018502541222,
    0.11920610275663925,
    0.1587532243504372,
    0.17464095287361123,
    0.1587532243504372,
    0.11920610275663925,
    0.07386018502541222,
    0.03769424929439579,
    0.015804226771688887,
    0.005425314926201559,
    0.0015182954436242372,
    0.0003445520448548881,
    6.299576672310442e-05,
    9.207548214580128e-06,
    1.0658575923596112e-06,
    9.663215840562933e-08,
    6.769895039999266e-09,
    3.6061460681121044e-10,
    1.4319976965602641e-11,
    4.137508172817689e-13,
    8.438506476750313e-15,
    1.1688351866057517e-16,
    1.0454604068634296e-18,
    5.6415347397813675e-21,
    1.6688471099346853e-23,
    2.344695748239245e-26,
    1.2372659688249745e-29,
    1.572335058695674e-33,
    1.56908019649368e-38,
  ]],
  "skewed_25_0.1_11_-0.5": [[
    15.124937294223969,
    16.104972421787057,
    17.79176130937305,
    20.060611980320857,
    22.743306442806375,
    25.640895369294082,
    28.538484295781792,
    31.22117875826731,
    33.49002942921511,
    35.1768183168011,
    36.15685344436419,
  ], [
    8.412294329006714e-05,
    0.0007396814628110256,
    0.00835524077743782,
    0.08620621227206322,
    0.46906499181472905,
    0.4355497507296688,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
  ], [-0.23847269555128678]],
  "skewed_15.95_0.15_7_1.5": [[
    5.3496306953363835,
    7.652625069356316,
    11.376949372851653,
    15.879665621484726,
    20.3823818701178,
    24.10670617361314,
    26.409700547633072,
  ], [
    0.0,
    0.0,
    0.0,
    0.8246029638918864,
    0.1692316983608571,
    0.005976225742430126,
    0.00018911200482642953,
  ], [0.23847269555133452]],
  "skewed_20_0.1_9_2.0": [[
    8.56897325578743,
    9.94311623046973,
    12.258776846580602,
    15.26560414326713,
    18.637839746666742,
    22.010075350066355,
    25.016902646752882,
    27.332563262863758,
    28.706706237546054,
  ], [
    8.096991750063589e-10,
    1.6069845474391887e-07,
    0.00011075439381992519,
    0.030382766093516898,
    0.5269005982206005,
    0.3994233089206542,
    0.04088928292494942,
    0.0021494968722340193,
    0.00014363106607113892,
  ], [0.5239077897435608]],
  "tskewed_20_0.1_-0.8_11": [[
    12.087085367415773,
    12.451749600927618,
    13.079391977703803,
    13.923615483172753,
    14.92182737619062,
    16.0,
    17.07817262380938,
    18.076384516827247,
    18.920608022296197,
    19.54825039907238,
    19.912914632584226,
  ], [
    9.991784488351466e-06,
    4.9612946708340206e-05,
    0.0002646555937273298,
    0.0015845955113389673,
    0.008997180090338645,
    0.04008552959818732,
    0.1210543141421874,
    0.2304383303887413,
    0.27762245046326894,
    0.21938635040881316,
    0.10050698907220036,
  ], [-0.4625526954091093]],
  "tskewed_25_0.05_3_15_0.75": [[
    18.787523381185984,
    18.946020648747794,
    19.224354426842414,
    19.61119458949947,
    20.090711960598316,
    20.643277040382614,
    21.24626845625802,
    21.875,
    22.503731543741985,
    23.106722959617386,
    23.659288039401684,
    24.13880541050053,
    24.525645573157586,
    24.803979351252206,
    24.962476618814016,
  ], [
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    7.013992044674965e-16,
    8.387402251726797e-11,
    8.099479540420645e-07,
    0.0005186828561195519,
    0.026930658111392294,
    0.1894249857544996,
    0.34968112518702094,
    0.29761765951409336,
    0.13582607854504547,
  ], [0.47339558355725164]],
  "beta_20_0.1_11_0.95": [[
    14.651884524351814,
    17.580087028077397,
    18.750136878117516,
    19.354668729268912,
    19.68338238143486,
    19.85852589401381,
    19.945412326582705,
    19.98328935742608,
    19.996558640668177,
    19.999686824814834,
    19.999998191061852,
  ], [
    0.09090909090909091,
    0.09090909090909091,
    0.09090909090909091,
    0.09090909090909091,
    0.09090909090909091,
    0.09090909090909091,
    0.09090909090909091,
    0.09090909090909091,
    0.09090909090909091,
    0.09090909090909091,
    0.09090909090909091,
  ]],
  "beta_25_0.15_7_0.9": [[
    16.43836828266179,
    20.85524352848731,
    22.836789414386885,
    23.944959123293653,
    24.570975360632062,
    24.88539164774295,
    24.993012758660786,
  ], [
    0.14285714285714285,
    0.14285714285714285,
    0.14285714285714285,
    0.14285714285714285,
    0.14285714285714285,
    0.14285714285714285,
    0.14285714285714285,
  ]],
  "beta_10_0.5_5_0.5": [[
    1.5647558693372972,
    3.4015424510474794,
    5.0,
    6.59845754895252,
    8.435244130662703,
  ], [0.2, 0.2, 0.2, 0.2, 0.2]],
};

const CASES: [string, B1Distribution, number][] = [
  ["gaussian_25_0.1_11", { type: "gaussian", scale: 0.1, res: 11 }, 25],
  ["gaussian_13_0.2_4", { type: "gaussian", scale: 0.2, res: 4 }, 13],
  ["hermite_25_0.1_11", { type: "hermite", scale: 0.1, res: 11 }, 25],
  ["hermite_30_0.15_6", { type: "hermite", scale: 0.15, res: 6 }, 30],
  ["hermite_1_1_51", { type: "hermite", scale: 1, res: 51 }, 1],
  ["skewed_25_0.1_11_-0.5", { type: "skewed", scale: 0.1, res: 11, skewness: -0.5 }, 25],
  ["skewed_15.95_0.15_7_1.5", { type: "skewed", scale: 0.15, res: 7, skewness: 1.5 }, 15.95],
  ["skewed_20_0.1_9_2.0", { type: "skewed", scale: 0.1, res: 9, skewness: 2.0 }, 20],
  [
    "tskewed_20_0.1_-0.8_11",
    { type: "truncated_skewed", scale: 0.1, skewness: -0.8, res: 11, lowerBound: null },
    20,
  ],
  [
    "tskewed_25_0.05_3_15_0.75",
    { type: "truncated_skewed", scale: 0.05, skewness: 3, res: 15, lowerBound: 0.75 },
    25,
  ],
  ["beta_20_0.1_11_0.95", { type: "beta", scale: 0.1, res: 11, meanFrac: 0.95 }, 20],
  ["beta_25_0.15_7_0.9", { type: "beta", scale: 0.15, res: 7, meanFrac: 0.9 }, 25],
  ["beta_10_0.5_5_0.5", { type: "beta", scale: 0.5, res: 5, meanFrac: 0.5 }, 10],
];

for (const [key, dist, nominal] of CASES) {
  Deno.test(`b1Grid ${key} matches SciPy`, () => {
    const grid = b1Grid(dist, nominal);
    const [values, weights] = REF[key];
    assert.equal(grid.valuesHz.length, values.length);
    assert.equal(grid.dephasing, false);
    values.forEach((v, i) => {
      // 1e-12 of the nominal field: a mode found exactly instead of by SciPy's Brent search
      // (pitfall P9) moves skewed nodes by ~1e-6 of it and fails here.
      assert.ok(Math.abs(grid.valuesHz[i] - v) <= 1e-12 * nominal, `${key} value ${i}`);
      assert.ok(
        Math.abs(grid.scales[i] * nominal - grid.valuesHz[i]) <= 1e-12 * nominal,
        `${key} scale ${i}`,
      );
    });
    weights.forEach((w, i) => assert.ok(Math.abs(grid.weights[i] - w) <= 1e-12, `${key} w ${i}`));
    assert.ok(Math.abs(grid.weights.reduce((a, b) => a + b, 0) - 1) < 1e-14);
  });
}

Deno.test("physics-conventions 6.3 gaussian example and degenerate cases", () => {
  const g = b1Grid({ type: "gaussian", scale: 0.1, res: 3 }, 25);
  assert.deepEqual(Array.from(g.valuesHz), [20, 25, 30]);
  // φ(±2)/(2φ(2) + φ(0)) with φ the standard normal density.
  const e2 = Math.exp(-2);
  assert.ok(Math.abs(g.weights[0] - e2 / (2 * e2 + 1)) < 1e-15);
  for (
    const d of [
      { type: "gaussian", scale: 0, res: 11 },
      { type: "gaussian", scale: 0.1, res: 1 },
      { type: "hermite", scale: Infinity, res: 11 },
      { type: "skewed", scale: 0, res: 11, skewness: 1 },
      { type: "truncated_skewed", scale: 0.1, skewness: -0.8, res: 1, lowerBound: null },
      { type: "beta", scale: 0.1, res: 1, meanFrac: 0.95 },
      { type: "single" },
    ] as B1Distribution[]
  ) {
    const one = b1Grid(d, 17);
    assert.deepEqual([...one.valuesHz, ...one.weights, one.dephasing], [17, 1, false], d.type);
  }
  const deph = b1Grid({ type: "dephasing" }, 13);
  assert.deepEqual([...deph.valuesHz, ...deph.weights, deph.dephasing], [13, 1, true]);
});

Deno.test("skewed with |skewness| < 0.01 is the Hermite grid", () => {
  const s = b1Grid({ type: "skewed", scale: 0.1, res: 7, skewness: 0.005 }, 25);
  const h = b1Grid({ type: "hermite", scale: 0.1, res: 7 }, 25);
  assert.deepEqual(s, h);
});

Deno.test("custom grid: nominal × scales, normalised weights", () => {
  const g = b1Grid({ type: "custom", scales: [0.95, 1.0, 1.05], weights: [1, 2, 1] }, 20);
  assert.deepEqual(Array.from(g.valuesHz), [19, 20, 21]);
  assert.deepEqual(Array.from(g.weights), [0.25, 0.5, 0.25]);
});

Deno.test("quadrature helpers", () => {
  const l = gaussLegendre(5);
  // ∫ x⁸ dx over [−1, 1] = 2/9, exact for 5 nodes.
  assert.ok(Math.abs(l.nodes.reduce((s, x, i) => s + l.weights[i] * x ** 8, 0) - 2 / 9) < 1e-15);
  const h = gaussHermite(4);
  // ∫ x² e^{−x²} dx = √π/2.
  const m2 = h.nodes.reduce((s, x, i) => s + h.weights[i] * x * x, 0);
  assert.ok(Math.abs(m2 - Math.sqrt(Math.PI) / 2) < 1e-14);
  assert.ok(Math.abs(betaQuantile(0.5, 2, 2) - 0.5) < 1e-15);
  // Beta(1, 1) is uniform; Beta(a, 1) has CDF x^a.
  assert.ok(Math.abs(betaQuantile(0.3, 1, 1) - 0.3) < 1e-15);
  assert.ok(Math.abs(betaQuantile(0.2, 3, 1) - Math.cbrt(0.2)) < 1e-14);
  const m = boundedBrent((x) => (x - 1) ** 2, -3, 3);
  assert.ok(Math.abs(m - 1) < 1e-5);
});

Deno.test("parseB1Distribution: table, defaults, legacy keys", () => {
  assert.deepEqual(parseB1Distribution({}, "e.toml"), { type: "single" });
  assert.deepEqual(parseB1Distribution({}, "e.toml", { legacyDefault: true }), {
    type: "gaussian",
    scale: 0.1,
    res: 11,
  });
  assert.deepEqual(parseB1Distribution({ b1_distribution: { res: 5 } }, "e.toml"), {
    type: "gaussian",
    scale: 0.1,
    res: 5,
  });
  assert.deepEqual(parseB1Distribution({ b1_distribution: { type: "Beta" } }, "e.toml"), {
    type: "beta",
    scale: 0.1,
    res: 11,
    meanFrac: 0.95,
  });
  assert.deepEqual(
    parseB1Distribution({ b1_distribution: { type: "truncated_skewed", res: 21.0 } }, "e.toml"),
    { type: "truncated_skewed", scale: 0.1, skewness: -0.8, res: 21, lowerBound: null },
  );
  assert.deepEqual(parseB1Distribution({ b1_inh_scale: 0.2 }, "e.toml"), {
    type: "gaussian",
    scale: 0.2,
    res: 11,
  });
  assert.deepEqual(parseB1Distribution({ b1_inh_res: 5 }, "e.toml"), {
    type: "gaussian",
    scale: 0.1,
    res: 5,
  });
  assert.deepEqual(parseB1Distribution({ b1_inh_scale: Infinity }, "e.toml"), {
    type: "dephasing",
  });
  assert.equal(b1NominalHz({ b1_frq: 13, pw90: 1 }, "e.toml"), 13);
  assert.equal(b1NominalHz({ pw90: 0.01 }, "e.toml"), 25);
  const g = b1GridFromSettings({ pw90: 0.01, b1_inh_scale: 0.1, b1_inh_res: 3 }, "e.toml");
  assert.deepEqual(Array.from(g.valuesHz), [20, 25, 30]);
  assert.ok("b1_distribution" in b1Keys() && b1Keys().b1_inh_scale.legacy);
});

Deno.test("parseB1Distribution: clear errors", () => {
  const fails = (settings: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => parseB1Distribution(settings, "exp.toml"), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /^exp\.toml: /);
      assert.match(e.message, pattern);
      return true;
    });
  fails(
    { b1_distribution: { type: "gaussian" }, b1_inh_scale: 0.1 },
    /either 'b1_distribution' or the legacy/,
  );
  fails({ b1_distribution: { type: "gausian" } }, /unknown B1 distribution type.*'gaussian'/);
  fails({ b1_distribution: { type: "gaussian", res: 52 } }, /'res'.*<= 51/);
  fails({ b1_distribution: { type: "gaussian", res: 2.5 } }, /'res'/);
  fails({ b1_distribution: { type: "beta", scale: 0.6 } }, /'scale'.*<= 0.5/);
  fails({ b1_distribution: { type: "beta", mean_frac: 1 } }, /'mean_frac'.*< 1/);
  fails({ b1_distribution: { type: "skewed", skewness: 3 } }, /'skewness'/);
  fails({ b1_distribution: { type: "dephasing", scale: 0.1 } }, /unknown key 'scale'/);
  fails({ b1_distribution: { type: "hermite", sacle: 0.1 } }, /did you mean 'scale'/);
  fails({ b1_distribution: { type: "custom", scales: [1, 1.1] } }, /needs 'weights'/);
  fails(
    { b1_distribution: { type: "custom", scales: [1, 1.1], weights: [1] } },
    /same length/,
  );
  fails({ b1_distribution: { type: "custom", scales: [1, -1], weights: [1, 1] } }, /scales/);
  assert.throws(() => b1NominalHz({}, "exp.toml"), /either 'b1_frq'.*or 'pw90'/);
});
