import { strict as assert } from "node:assert";
import { formatR1rho, r1rhoCurveX, r1rhoPanels, r1rhoPlotData } from "../src/plot/r1rho.ts";
import { r1rhoFigures } from "../src/report/figures.ts";

const input = {
  name: "14N",
  xAxis: "offset" as const,
  x: [-300, 0, 400],
  b1Hz: 100,
  stateFromCarrierHz: 100,
  exp: [5, 20, 8],
  err: [0.5, 0.5, 0.5],
  calc: [5.1, 19.8, 8.2],
  used: [true, false, true],
  curveX: [-300, 400],
  curveCalc: [5.1, 8.2],
};

Deno.test("R1ρ plot data: offsets from the observed state and effective fields", () => {
  const d = r1rhoPlotData(input);
  assert.deepEqual(d.points.map((p) => p.offsetHz), [-400, -100, 300]);
  assert.ok(Math.abs(d.points[1].weffHz - Math.hypot(100, 100)) < 1e-12);
  assert.equal(d.points[1].used, false);
  assert.deepEqual(d.curve.map((c) => c.r1rho), [5.1, 8.2]);
  // With x = field, the spin lock sits at the carrier and x is the field.
  const f = r1rhoPlotData({ ...input, xAxis: "b1_frq", x: [1000], exp: [1], err: [1], calc: [1] });
  assert.deepEqual([f.points[0].b1Hz, f.points[0].offsetHz], [1000, -100]);
});

Deno.test("R1ρ curve grid: 201 points over the data ±10 %, fields kept positive", () => {
  const x = r1rhoCurveX([-100, 300], "offset");
  assert.equal(x.length, 201);
  assert.ok(Math.abs(x[0] + 140) < 1e-9 && Math.abs(x[200] - 340) < 1e-9);
  assert.ok(r1rhoCurveX([50, 1000], "b1_frq")[0] > 0);
});

Deno.test("R1ρ figure: two panels per profile; side files list points and curve", () => {
  const d = r1rhoPlotData(input);
  const rows = r1rhoPanels([d, d]);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].length, 2);
  assert.match(rows[0][1].x.title, /effective field at the observed state/);
  // Both panels show every point; the one left out of the fit stays hollow.
  assert.deepEqual(rows[0][0].points.map((p) => p.used), [true, false, true]);
  assert.deepEqual(rows[0][1].points.map((p) => p.x), d.points.map((p) => p.weffHz));
  const exp = formatR1rho([d], "exp").split("\n");
  assert.equal(exp[0], "[14N]");
  assert.equal(exp.filter((l) => l.startsWith(" ")).length, 3);
  assert.equal(formatR1rho([d], "fit").split("\n").filter((l) => l.startsWith(" ")).length, 2);
});

Deno.test("R1ρ report figures: versus offset, or versus field when the offset is fixed", () => {
  const [byOffset] = r1rhoFigures("600mhz_50hz", [r1rhoPlotData(input)]);
  assert.deepEqual(byOffset.points.map((p) => p.x), [-400, -100, 300]);
  assert.match(byOffset.xTitle, /offset/);
  const fields = r1rhoPlotData({ ...input, xAxis: "b1_frq", x: [1000, 2000, 3000] });
  const [byField] = r1rhoFigures("500mhz", [fields]);
  assert.deepEqual(byField.points.map((p) => p.x), [1000, 2000, 3000]);
  assert.match(byField.xTitle, /field/);
  assert.equal(byField.curve.length, 2);
});
