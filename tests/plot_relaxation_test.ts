import { strict as assert } from "node:assert";
import {
  decayCurveTimes,
  decayPanel,
  decaySideFiles,
  formatDecayExp,
  formatDecayFit,
  largestMagnitude,
  renderDecaySvg,
} from "../src/plot/relaxation.ts";
import { renderShiftSvg } from "../src/plot/shift.ts";

const PANEL = decayPanel({
  name: "G2N",
  timesS: [0.5, 0.0, 0.25, 0.25],
  exp: [40, 100, 61, 59],
  err: [2, 2, 2, 2],
  calc: [41, 99, 60, 60],
  used: [true, true, false, true],
  curveTimesS: [0.3, 0.1],
  curveCalc: [55, 90],
  i0: largestMagnitude([40, 100, 61, 59]),
});

Deno.test("decayPanel: sorted by delay (stable), divided by the largest data point", () => {
  assert.equal(largestMagnitude([3, -5, 5]), -5);
  assert.deepEqual(PANEL.points.map((p) => p.timeS), [0, 0.25, 0.25, 0.5]);
  assert.deepEqual(PANEL.points.map((p) => p.ratioExp), [1, 0.61, 0.59, 0.4]);
  assert.deepEqual(PANEL.points.map((p) => p.used), [true, false, true, true]);
  assert.equal(PANEL.points[0].errRatio, 0.02);
  assert.deepEqual(PANEL.curve, [{ timeS: 0.1, ratioCalc: 0.9 }, { timeS: 0.3, ratioCalc: 0.55 }]);
  // A negative I0 flips the ratios but not the error bars.
  const neg = decayPanel({
    ...PANEL,
    timesS: [0],
    exp: [-10],
    err: [1],
    calc: [-10],
    used: [true],
    curveTimesS: [],
    curveCalc: [],
    i0: -10,
  });
  assert.deepEqual([neg.points[0].ratioExp, neg.points[0].errRatio], [1, 0.1]);
});

Deno.test("decayCurveTimes: 100 points over the data ±extension, positive ones only", () => {
  const t = decayCurveTimes([0, 1], 0.02, true);
  assert.equal(t.length, 98);
  assert.ok(Math.abs(t[0] - (-0.02 + 2 * 1.04 / 99)) < 1e-15);
  assert.ok(Math.abs(t[t.length - 1] - 1.02) < 1e-15);
  const exsy = decayCurveTimes([0.1, 0.4, 0], 0, false);
  assert.deepEqual([exsy.length, exsy[0], exsy[99]], [100, 0, 0.4]);
});

Deno.test("relaxation side files: ChemEx layout, .sim in simulations, EXSY always .exp/.fit", () => {
  assert.equal(
    formatDecayExp([PANEL]),
    "[G2N]\n" +
      "#     TIME (S)   INTENSITY (EXP)       ERROR (EXP)\n" +
      "      0.000000    1.00000000e+00    2.00000000e-02\n" +
      "#     0.250000    6.10000000e-01    2.00000000e-02 # NOT USED IN THE FIT\n" +
      "      0.250000    5.90000000e-01    2.00000000e-02\n" +
      "      0.500000    4.00000000e-01    2.00000000e-02\n\n",
  );
  assert.equal(
    formatDecayFit([PANEL]),
    "[G2N]\n#     TIME (S)  INTENSITY (CALC)\n" +
      "      0.100000    9.00000000e-01\n      0.300000    5.50000000e-01\n\n",
  );
  assert.deepEqual([...decaySideFiles("800mhz", [PANEL], true).keys()], ["Plots/800mhz.sim"]);
  assert.deepEqual([...decaySideFiles("800mhz", [PANEL], false).keys()], [
    "Plots/800mhz.exp",
    "Plots/800mhz.fit",
  ]);
  const exsy = { ...PANEL, name: "G2H_ab", exsy: true };
  assert.deepEqual([...decaySideFiles("noesy", [exsy], true).keys()], [
    "Plots/noesy.exp",
    "Plots/noesy.fit",
  ]);
});

Deno.test("relaxation and shift figures render to SVG with titles and marks", () => {
  const svg = renderDecaySvg([PANEL, { ...PANEL, name: "H3N" }], "800mhz");
  assert.ok(svg.startsWith("<svg"));
  for (const text of ["800mhz", "G2N", "H3N", "Time (s)", "Intensity"]) {
    assert.ok(svg.includes(text), `missing ${text}`);
  }
  assert.equal((svg.match(/class="curve"/g) ?? []).length, 2);
  const finite = PANEL.points.filter((q) => Number.isFinite(q.ratioExp));
  assert.equal((svg.match(/class="point"/g) ?? []).length, 2 * finite.length);
  const shifts = renderShiftSvg([
    { name: "11N-H", exp: 1, err: 3.3, calc: 2.2 },
    { name: "29N-H", exp: -32, err: 5.1, calc: -37.7 },
    { name: "bad", exp: NaN, err: 1, calc: 0 },
  ], "sqmq_500");
  assert.equal((shifts.match(/class="point"/g) ?? []).length, 2, "the NaN shift is left out");
  assert.ok(!/NaN/.test(shifts));
  for (const text of ["sqmq_500", "Δδ fit (ppb)", "Δδ exp (ppb)"]) {
    assert.ok(shifts.includes(text), `missing ${text}`);
  }
});
