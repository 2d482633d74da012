import { strict as assert } from "node:assert";
import {
  cestCurveOffsets,
  cestPlotData,
  formatCestExp,
  formatCestFit,
  linspace,
} from "../src/plot/cest.ts";
import { renderCestSvg } from "../src/plot/cest_svg.ts";

const isRef = (x: number) => Math.abs(x) > 1e4;
// ¹⁵N at 600 MHz: |P| = 2π·600·Ξ_N rad/s per ppm, i.e. 60.7974708 Hz per ppm.
const HZ_PER_PPM = 600 * 0.101329118;

function input(swHz = Infinity) {
  return {
    name: "G23N",
    offsetsHz: Float64Array.of(-2e4, 60.7974708, 2e4, -60.7974708, 0),
    exp: Float64Array.of(100, 40, 102, 30, 20),
    err: Float64Array.of(2, 2, 2, 2, 2),
    calc: Float64Array.of(101, 41, 101, 31, 21),
    used: [true, true, true, false, true],
    curveOffsetsHz: Float64Array.of(-60, 0, 60),
    curveCalc: Float64Array.of(30.3, 20.2, 40.4),
    isReference: isRef,
    carrierPpm: 118,
    radPerSPerPpm: 2 * Math.PI * HZ_PER_PPM,
    statesPpm: [118, 120.5],
    swHz,
  };
}

Deno.test("cestPlotData: I/I0 with I0 = mean experimental reference, sorted ppm", () => {
  const d = cestPlotData(input());
  // I0 = (100 + 102)/2 = 101; references are not plotted.
  assert.equal(d.points.length, 3);
  assert.deepEqual(d.points.map((p) => p.used), [false, true, true]);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  close(d.points[0].ppm, 117);
  close(d.points[1].ppm, 118);
  close(d.points[2].ppm, 119);
  close(d.points[1].ratioExp, 20 / 101);
  close(d.points[1].errRatio, 2 / 101);
  close(d.points[1].ratioCalc, 21 / 101);
  close(d.curve[2].ratioCalc, 40.4 / 101);
  assert.deepEqual(d.statesPpm, [118, 120.5]);
  assert.deepEqual(d.statesFolded, [false, false]);
});

Deno.test("cestPlotData: finite sw folds positions around the mean state shift", () => {
  // sw = 2 ppm: window [119.25 − 1, 119.25 + 1) around the mean of 118 and 120.5, with
  // Python's floor modulo: 118 → 120, 120.5 → 118.5.
  const d = cestPlotData(input(2 * HZ_PER_PPM));
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
  close(d.statesPpm[0], 120.0);
  close(d.statesPpm[1], 118.5);
  assert.deepEqual(d.statesFolded, [true, true]);
  for (const p of d.points) assert.ok(p.ppm >= 118.25 - 1e-9 && p.ppm < 120.25);
});

Deno.test("cestCurveOffsets: 400 points over the non-reference offsets ± 2 %", () => {
  const c = cestCurveOffsets(Float64Array.of(-3e4, -100, 100, 50), isRef);
  assert.equal(c.length, 400);
  assert.equal(c[0], -104);
  assert.equal(c[399], 104);
  assert.deepEqual(Array.from(linspace(-104, 104, 5)), [-104, -52, 0, 52, 104]);
  assert.equal(cestCurveOffsets(Float64Array.of(-3e4), isRef).length, 0);
});

Deno.test("formatCestExp / formatCestFit: ChemEx's side-file layout", () => {
  const data = {
    name: "G23N",
    points: [
      { ppm: 117.5, ratioExp: 0.4, errRatio: 0.02, ratioCalc: 0.41, used: true },
      { ppm: 118.25, ratioExp: 0.41, errRatio: 0.02, ratioCalc: 0.4, used: false },
    ],
    curve: [{ ppm: 118, ratioCalc: 0.41 }],
    statesPpm: [],
    statesFolded: [],
  };
  // Strings printed by Python with ChemEx's format specifications.
  assert.equal(
    formatCestExp([data]),
    "[G23N]\n# OFFSET (PPM)   INTENSITY (EXP)       ERROR (EXP)\n" +
      "     117.50000    4.00000000e-01    2.00000000e-02\n" +
      "#    118.25000    4.10000000e-01    2.00000000e-02 # NOT USED IN THE FIT\n\n",
  );
  assert.equal(
    formatCestFit([data]),
    "[G23N]\n# OFFSET (PPM)  INTENSITY (CALC)\n     118.00000    4.10000000e-01\n\n",
  );
});

Deno.test("renderCestSvg: one panel per profile with data, curve and state rules", async () => {
  const svg = await renderCestSvg([cestPlotData(input())], "600mhz");
  assert.ok(svg.startsWith("<svg"));
  assert.ok(svg.includes("G23N") && svg.includes("600mhz"));
  assert.ok(svg.includes("stroke-dasharray"), "state positions are dashed rules");
});
