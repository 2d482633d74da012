import { strict as assert } from "node:assert";
import { panelShapes, type XYPanel } from "../src/plot/chart.ts";
import { renderPanelsSvg, stackedDrawing } from "../src/plot/stack.ts";
import { drawingSvg, shapeSvg } from "../src/plot/svg_writer.ts";
import { renderR1rhoSvg } from "../src/plot/r1rho.ts";
import { renderCestSvg } from "../src/plot/cest_svg.ts";
import { type Shape, thinPolyline } from "../src/plot/shapes.ts";
import { checkXml } from "./_xml.ts";

function panel(over: Partial<XYPanel> = {}): XYPanel {
  return {
    title: "G23N",
    width: 400,
    height: 220,
    x: { title: "ν_CPMG (Hz)", domain: [0, 1050], nice: false },
    y: { title: "R₂,eff (s⁻¹)", zero: false },
    lines: [{
      points: [{ x: 50, y: 20 }, { x: 500, y: 14 }, { x: 1000, y: 12 }],
      color: "#E57373",
      width: 2,
    }],
    bars: [
      { x: 50, lo: 19, hi: 21.5, used: true },
      { x: 500, lo: 13.2, hi: 14.9, used: false },
    ],
    points: [{ x: 50, y: 20.2, used: true }, { x: 500, y: 14, used: false }, {
      x: 1000,
      y: 12.1,
      used: true,
    }],
    pointSize: 30,
    ...over,
  };
}

const of = (shapes: Shape[], cls: string) => shapes.filter((s) => "cls" in s && s.cls === cls);

Deno.test("panelShapes: points, bars, curve, axis labels and title of one panel", () => {
  const shapes = panelShapes(panel(), 60, 45);
  assert.equal(of(shapes, "point").length, 3);
  assert.equal(of(shapes, "bar").length, 2);
  assert.equal(of(shapes, "curve").length, 1);
  const texts = shapes.flatMap((s) => s.kind === "text" ? [s.text] : []);
  for (const t of ["G23N", "ν_CPMG (Hz)", "R₂,eff (s⁻¹)", "0", "1,000"]) {
    assert.ok(texts.includes(t), `missing ${t} in ${texts}`);
  }
  // Points left out of the fit are hollow and grey, drawn before (under) the used ones.
  const pts = of(shapes, "point") as Extract<Shape, { kind: "circle" }>[];
  assert.deepEqual(pts.map((p) => p.fill), ["none", "#D32F2F", "#D32F2F"]);
  assert.equal(pts[0].stroke, "#9E9E9E");
  assert.ok(Math.abs(pts[1].r - Math.sqrt(30) / 2) < 1e-12);
});

Deno.test("panelShapes: the data map onto the plot area; y grows upwards, a reversed x leftwards", () => {
  const shapes = panelShapes(panel(), 60, 45);
  const [hollow, first, last] = of(shapes, "point") as Extract<Shape, { kind: "circle" }>[];
  // x domain [0, 1050] over 400 px from 60.
  assert.ok(Math.abs(first.cx - (60 + (50 / 1050) * 400)) < 1e-9);
  assert.ok(Math.abs(hollow.cx - (60 + (500 / 1050) * 400)) < 1e-9);
  assert.ok(first.cy < last.cy, "larger R2 higher up");
  for (const p of [first, last]) assert.ok(p.cy >= 45 && p.cy <= 265);
  const reversed = of(
    panelShapes(panel({ x: { title: "ppm", domain: [0, 1050], reverse: true } }), 60, 45),
    "point",
  ) as Extract<Shape, { kind: "circle" }>[];
  assert.ok(reversed[1].cx > reversed[2].cx, "larger x to the left on a reversed axis");
});

Deno.test("y domain: data and error bars inside nice whole-step bounds; zero only when asked", () => {
  const labels = (p: XYPanel) =>
    panelShapes(p, 0, 0).flatMap((s) =>
      s.kind === "text" && s.cls === "tick-label" && s.anchor === "end"
        ? [Number(s.text.replace("−", "-"))]
        : []
    );
  const free = labels(panel());
  assert.ok(
    Math.min(...free) <= 12 && Math.max(...free) >= 21.5 && Math.min(...free) > 0,
    String(free),
  );
  assert.ok(labels(panel({ y: { title: "y" } })).includes(0), "Vega-Lite's default: zero included");
});

Deno.test("non-finite values never reach the SVG; one-valued and empty panels stay finite", () => {
  const bad = panel({
    points: [{ x: NaN, y: 1, used: true }, { x: 10, y: Infinity, used: true }, {
      x: 20,
      y: 5,
      used: true,
    }],
    bars: [{ x: 20, lo: NaN, hi: 6, used: true }],
    lines: [{
      points: [{ x: 0, y: NaN }, { x: 10, y: 5 }, { x: 20, y: 5 }],
      color: "#E57373",
      width: 2,
    }],
  });
  for (
    const p of [
      bad,
      panel({ points: [], bars: [], lines: [] }),
      panel({ x: { title: "x" }, points: [{ x: 3, y: 3, used: true }], bars: [], lines: [] }),
    ]
  ) {
    const svg = renderPanelsSvg([[p]], "t");
    assert.ok(!/NaN|Infinity/.test(svg), svg.slice(0, 200));
    checkXml(svg);
  }
  assert.equal(shapeSvg({ kind: "line", x1: NaN, y1: 0, x2: 1, y2: 1, stroke: "#000" }), "");
});

Deno.test("stackedDrawing: one panel per row, rows below each other, titles escaped", () => {
  const rows = [[panel()], [panel({ title: "A<B & C" })], [panel({ title: "L7N" })]];
  const d = stackedDrawing(rows, "800mhz");
  const titles = d.shapes.filter((s) => s.kind === "text" && s.cls === "panel-title") as Extract<
    Shape,
    { kind: "text" }
  >[];
  assert.deepEqual(titles.map((t) => t.text), ["G23N", "A<B & C", "L7N"]);
  assert.ok(titles[0].y < titles[1].y && titles[1].y < titles[2].y);
  assert.ok(d.height > 3 * 220 && d.width > 400);
  const svg = drawingSvg(d, "800mhz");
  const names = checkXml(svg);
  assert.equal(names[0], "svg");
  assert.ok(svg.includes(">A&lt;B &amp; C</text>"));
  assert.equal((svg.match(/class="frame"/g) ?? []).length, 3);
});

Deno.test("R1ρ and CEST figures: two panels a row, state rules dashed, well-formed", () => {
  const s = (offsetHz: number, b1Hz: number) => ({
    offsetHz,
    b1Hz,
    weffHz: Math.hypot(offsetHz, b1Hz),
  });
  const r1rho = renderR1rhoSvg([{
    name: "G23N",
    points: [{ ...s(-200, 50), exp: 12, err: 0.5, calc: 11.8, used: true }, {
      ...s(300, 50),
      exp: 10,
      err: 0.4,
      calc: 10.1,
      used: false,
    }],
    curve: [-400, -200, 0, 200, 400].map((o) => ({ ...s(o, 50), r1rho: 10 + o / 1000 })),
  }], "600mhz_50hz");
  checkXml(r1rho);
  assert.equal((r1rho.match(/class="frame"/g) ?? []).length, 2);
  // Versus the effective field, one curve branch for each side of the resonance.
  assert.equal((r1rho.match(/class="curve"/g) ?? []).length, 3);
  const cest = renderCestSvg([{
    name: "G23N",
    points: [{ ppm: 118, ratioExp: 0.4, errRatio: 0.02, ratioCalc: 0.41, used: true }, {
      ppm: 120,
      ratioExp: 0.9,
      errRatio: 0.02,
      ratioCalc: 0.9,
      used: true,
    }],
    curve: [{ ppm: 117, ratioCalc: 0.8 }, { ppm: 118, ratioCalc: 0.41 }, {
      ppm: 121,
      ratioCalc: 0.9,
    }],
    statesPpm: [118, 119.5],
    statesFolded: [false, false],
  }], "13hz");
  checkXml(cest);
  assert.equal((cest.match(/class="state"/g) ?? []).length, 2);
  assert.ok(cest.includes('stroke-dasharray="5 1"'));
});

Deno.test("thinPolyline: drops sub-pixel steps, keeps both ends and every real turn", () => {
  assert.deepEqual(thinPolyline([[0, 0], [0.2, 0.1], [1, 1], [1.1, 1]], 0.75), [[0, 0], [1, 1], [
    1.1,
    1,
  ]]);
  // A curve sampled 10× per pixel keeps about one vertex per 0.75 px.
  const dense: [number, number][] = Array.from(
    { length: 4001 },
    (_, k) => [k / 10, Math.sin(k / 400) * 50],
  );
  const thin = thinPolyline(dense, 0.75);
  assert.ok(thin.length < 700 && thin.length > 400, String(thin.length));
  assert.deepEqual(thin[0], dense[0]);
  assert.deepEqual(thin.at(-1), dense.at(-1));
  for (let k = 1; k < thin.length - 1; k++) {
    const [dx, dy] = [thin[k][0] - thin[k - 1][0], thin[k][1] - thin[k - 1][1]];
    assert.ok(Math.max(Math.abs(dx), Math.abs(dy)) >= 0.75);
  }
});
