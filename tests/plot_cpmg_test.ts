import { strict as assert } from "node:assert";
import {
  cpmgCurveNcyc,
  type CpmgPlotData,
  cpmgPlotData,
  type CpmgPlotInput,
  formatCpmgExp,
  formatCpmgFit,
} from "../src/plot/cpmg.ts";
import { renderCpmgSvg } from "../src/plot/cpmg_svg.ts";
import { CpmgErrorBars } from "../src/plot/cpmg_error_bars.ts";
import { createRng, standardNormals } from "../src/math/random.ts";

// T = 40 ms, two references (Ī0 = 1010), ncyc −1 / 1 / 10 and one negative intensity at ncyc 20.
const INPUT: CpmgPlotInput = {
  name: "G23N",
  timeT2S: 0.04,
  ncyc: new Float64Array([0, 10, 1, 0, -1, 20]),
  exp: new Float64Array([1000, 800, 600, 1020, 500, -5]),
  err: new Float64Array([10, 10, 10, 10, 10, 10]),
  calc: new Float64Array([1005, 790, 610, 1005, 505, 300]),
  used: [true, true, false, true, true, true],
  curveNcyc: new Float64Array([0, 20, -1, 1, 10]),
  curveCalc: new Float64Array([1005, 300, 505, 610, 790]),
};

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.abs(expected), `${actual} vs ${expected}`);

Deno.test("cpmgPlotData: ν_CPMG, R2eff against the experimental Ī0, order, references dropped", () => {
  const data = cpmgPlotData(INPUT, 7);
  assert.equal(data.name, "G23N");
  assert.deepEqual(data.points.map((p) => p.nuCpmgHz), [12.5, 25, 250, 500]);
  assert.deepEqual(data.points.map((p) => p.used), [true, false, true, true]);
  // −ln(I/1010)/0.04, values from CPython's math.log.
  close(data.points[0].r2Exp, 17.577437785327835); // I = 500 (ncyc −1)
  close(data.points[1].r2Exp, 13.019398865478971); // I = 600
  close(data.points[2].r2Exp, 5.827347054184444); // I = 800
  assert.equal(data.points[3].r2Exp, Infinity); // I/Ī0 ≤ 0
  close(data.points[0].r2Calc, 17.328679513998633); // calc 505, still over the exp Ī0
  close(data.points[1].r2Calc, 12.606166316698705);
  close(data.points[2].r2Calc, 6.141816609355948);
  close(data.points[3].r2Calc, 30.348078379477606);
  assert.deepEqual(data.curve.map((c) => c.nuCpmgHz), [12.5, 25, 250, 500]);
  close(data.curve[2].r2Calc, 6.141816609355948);
});

Deno.test("cpmgPlotData: seeded error bars are reproducible and about one sigma", () => {
  const a = cpmgPlotData(INPUT, 11);
  const b = cpmgPlotData(INPUT, 11);
  const c = cpmgPlotData(INPUT, 12);
  assert.deepEqual(a, b);
  assert.notEqual(a.points[2].errLow, c.points[2].errLow);
  // Linear propagation for I = 800 ± 10 and I0 = 1010 ± 10: (1/T)·√((10/800)² + (10/1010)²).
  const sigma = 0.39865367562325643;
  for (const run of [a, c]) {
    const p = run.points[2];
    assert.ok(Math.abs(p.errLow / sigma - 1) < 0.1, `errLow ${p.errLow}`);
    assert.ok(Math.abs(p.errHigh / sigma - 1) < 0.1, `errHigh ${p.errHigh}`);
  }
  // An infinite nominal rate has no finite error (numpy's percentile gives nan there).
  assert.ok(Number.isNaN(a.points[3].errLow) && Number.isNaN(a.points[3].errHigh));
});

Deno.test("cpmgPlotData: error bars are numpy's percentiles of all 10 000 sorted rates, bit for bit", () => {
  // The same draws as the plots (seed, z then z0), every sampled rate sorted: numpy's "linear"
  // percentile of the shifted rates, against the selection of two order statistics.
  const seed = 5;
  const rng = createRng(seed);
  const z = standardNormals(rng, 10_000);
  const z0 = standardNormals(rng, 10_000);
  const i0 = (1000 + 1020) / 2;
  const sigma0 = 10;
  const data = cpmgPlotData(INPUT, seed);
  // Points in ν order: ncyc −1, 1, 10 (rows 4, 2, 1) have finite rates.
  for (const [k, i] of [4, 2, 1].entries()) {
    const r2Exp = -Math.log(INPUT.exp[i] / i0) / INPUT.timeT2S;
    const rates = Float64Array.from(z, (zk, j) => {
      const r = -Math.log((INPUT.exp[i] + INPUT.err[i] * zk) / (i0 + sigma0 * z0[j])) /
        INPUT.timeT2S;
      return (r === Infinity ? 1e16 : r) - r2Exp;
    }).sort();
    const pct = (p: number) => {
      const index = (p / 100) * (rates.length - 1);
      const below = Math.floor(index);
      const [a, b] = [rates[below], rates[below + 1]];
      const t = index - below;
      return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
    };
    assert.equal(data.points[k].errLow, Math.abs(pct(15.9)), `row ${i}`);
    assert.equal(data.points[k].errHigh, Math.abs(pct(84.1)), `row ${i}`);
  }
});

Deno.test("cpmgPlotData: points without error have bars of 0 (10 000 equal draws)", () => {
  // σ = 0 everywhere: every sampled ratio of a point is the same number.
  const data = cpmgPlotData({ ...INPUT, err: new Float64Array(INPUT.err.length) }, 3);
  for (const p of data.points.filter((q) => Number.isFinite(q.r2Exp))) {
    assert.equal(p.errLow, 0);
    assert.equal(p.errHigh, 0);
  }
});

Deno.test("cpmgCurveNcyc: integer grid from 2 to max ncyc united with the data ncyc", () => {
  assert.deepEqual([...cpmgCurveNcyc(new Float64Array([0, -1, 1, 6]), false)], [
    -1,
    1,
    2,
    3,
    4,
    5,
    6,
  ]);
  assert.deepEqual([...cpmgCurveNcyc(new Float64Array([0, 1, 6, 0]), true)], [1, 2, 4, 6]);
});

const FIXED: CpmgPlotData[] = [{
  name: "G23N",
  points: [
    { nuCpmgHz: 12.5, r2Exp: 17.5, errLow: 0.25, errHigh: 0.5, r2Calc: 17, used: true },
    { nuCpmgHz: 1000 / 3, r2Exp: Infinity, errLow: NaN, errHigh: NaN, r2Calc: 6, used: false },
  ],
  curve: [{ nuCpmgHz: 12.5, r2Calc: 17.25 }, { nuCpmgHz: 50, r2Calc: -0.5 }],
}];

// Expected lines generated with CPython f-strings mirroring ChemEx printers/plot.py.
Deno.test("formatCpmgExp / formatCpmgFit: ChemEx plot side-file layout", () => {
  assert.equal(
    formatCpmgExp(FIXED),
    "[G23N]\n" +
      "# NU_CPMG (Hz)          R2 (EXP)  ERROR DOWN (EXP)    ERROR UP (EXP)\n" +
      "      12.50000    1.75000000e+01    2.50000000e-01    5.00000000e-01\n" +
      "#    333.33333               inf               nan               nan # NOT USED IN THE FIT\n" +
      "\n",
  );
  assert.equal(
    formatCpmgFit(FIXED),
    "[G23N]\n" +
      "# NU_CPMG (Hz)         R2 (CALC)\n" +
      "      12.50000    1.72500000e+01\n" +
      "      50.00000   -5.00000000e-01\n" +
      "\n",
  );
  assert.equal(formatCpmgExp([]), "");
});

Deno.test("renderCpmgSvg: one titled panel per profile with curve, points and error bars", () => {
  const first = cpmgPlotData(INPUT, 3);
  const second = cpmgPlotData({ ...INPUT, name: "L7N-H" }, 3);
  const svg = renderCpmgSvg([first, second], "800mhz");
  assert.ok(svg.startsWith("<svg"));
  for (const text of [">G23N</text>", ">L7N-H</text>", ">800mhz</text>", ">ν_CPMG (Hz)</text>"]) {
    assert.ok(svg.includes(text), `missing ${text}`);
  }
  const count = (re: RegExp) => (svg.match(re) ?? []).length;
  assert.equal(count(/class="panel-title"/g), 2);
  assert.equal(count(/class="curve" d="M[^"]+"/g), 2, "one curve path per panel");
  const points = [first, second].flatMap((d) => d.points.filter((p) => Number.isFinite(p.r2Exp)));
  assert.equal(count(/class="point"/g), points.length);
  const bars = points.filter((p) => Number.isFinite(p.errLow) && Number.isFinite(p.errHigh));
  assert.equal(count(/class="bar"/g), bars.length);
  // Points left out of the fit are hollow and grey.
  const unused = points.filter((p) => !p.used).length;
  assert.equal(count(/class="point"[^>]*fill="none" stroke="#9E9E9E"/g), unused);
  assert.ok(!/NaN|Infinity/.test(svg));
});

Deno.test("CpmgErrorBars: a later step reuses a profile's bars; other data are drawn again", () => {
  const cache = new CpmgErrorBars();
  const plain = cpmgPlotData(INPUT, 5);
  assert.deepEqual(cpmgPlotData(INPUT, 5, cache), plain);
  // Same data and seed, another fit (calc): the same bars, without drawing.
  const rows = [...INPUT.ncyc.keys()].filter((i) => INPUT.ncyc[i] !== 0);
  const ref = { i0: 0, sigma0: 0 }; // unused on a hit
  const bars = cache.of(INPUT, rows, ref, 5);
  const refit = { ...INPUT, calc: INPUT.calc.map((v) => v * 1.01) };
  assert.deepEqual(
    cpmgPlotData(refit, 5, cache).points.map((p) => [p.errLow, p.errHigh]),
    plain.points.map((p) => [p.errLow, p.errHigh]),
  );
  assert.equal(cache.of(refit, rows, ref, 5), bars);
  // Other intensities under the same seed: drawn again, as without the cache.
  const other = { ...INPUT, exp: INPUT.exp.map((v) => v * 0.9) };
  assert.deepEqual(cpmgPlotData(other, 5, cache), cpmgPlotData(other, 5));
});
