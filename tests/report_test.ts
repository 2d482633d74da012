import { strict as assert } from "node:assert";
import { smoothCurve } from "../src/plot/smooth.ts";
import { parameterRows } from "../src/report/parameter_rows.ts";
import { niceTicks, profileSvg } from "../src/report/panel_svg.ts";
import { reportHtml } from "../src/report/html.ts";
import type { ProfileFigure } from "../src/report/figures.ts";
import { cpmgFigures, r1rhoFigures, residueOf } from "../src/report/figures.ts";
import { figuresToPdf } from "../src/report/pdf.ts";
import { svgsToPdf } from "../src/report/svg_pdf.ts";
import { cpmgPlotData } from "../src/plot/cpmg.ts";

Deno.test("smoothCurve keeps every computed point and stays within monotone data", () => {
  const pts = [0, 1, 2, 3, 5, 8].map((x) => ({ x, y: 10 / (1 + x) }));
  const dense = smoothCurve(pts, 8);
  assert.equal(dense.length, (pts.length - 1) * 8 + 1);
  for (const p of pts) assert.ok(dense.some((d) => d.x === p.x && d.y === p.y));
  for (let k = 1; k < dense.length; k++) {
    assert.ok(dense[k].x > dense[k - 1].x);
    assert.ok(dense[k].y <= dense[k - 1].y + 1e-12, "monotone data give a monotone curve");
  }
  // Non-finite values are dropped, never drawn through.
  const withNaN = smoothCurve([{ x: 0, y: 1 }, { x: 1, y: NaN }, { x: 2, y: 3 }, { x: 3, y: 4 }]);
  assert.ok(withNaN.every((d) => Number.isFinite(d.y)));
});

Deno.test("smoothCurve by default steps at most 1/120 of the x range, not 8 points per interval", () => {
  // A CPMG curve at every ncyc 1..60 of a 30 ms period: ν uniformly 33.3 Hz apart.
  const pts = Array.from({ length: 60 }, (_, k) => ({ x: (k + 1) / 0.03, y: 10 + 30 / (k + 1) }));
  const dense = smoothCurve(pts);
  const range = pts[59].x - pts[0].x;
  for (let k = 1; k < dense.length; k++) {
    assert.ok(dense[k].x - dense[k - 1].x <= range / 120 + 1e-9);
  }
  assert.equal(dense.length, 59 * 3 + 1);
  for (const p of pts) assert.ok(dense.some((d) => d.x === p.x && d.y === p.y));
});

Deno.test("parameterRows reads value, error and flags of ChemEx parameter files", () => {
  const rows = parameterRows(
    "fitted",
    '[GLOBAL]\nKEX_AB =  3.81709e+02 # ±6.23431e+00\n\n["DW_AB"]\n' +
      '"G23N" =  1.0e+00 # (error unavailable: rank deficient)\n',
  );
  assert.deepEqual(rows, [
    { kind: "fitted", section: "GLOBAL", key: "KEX_AB", value: 381.709, error: 6.23431, flags: "" },
    {
      kind: "fitted",
      section: "DW_AB",
      key: "G23N",
      value: 1,
      error: null,
      flags: "(error unavailable: rank deficient)",
    },
  ]);
});

function figure(name: string): ProfileFigure {
  return {
    name,
    experiment: "800mhz",
    residue: residueOf(name),
    xTitle: "ν_CPMG (Hz)",
    yTitle: "R₂,eff (s⁻¹)",
    reverseX: false,
    rules: [],
    points: [
      { x: 25, y: 20, lo: 19, hi: 21, calc: 20.5, used: true },
      { x: 50, y: 15, lo: 14, hi: 16, calc: 15.2, used: false },
    ],
    curve: smoothCurve([{ x: 25, y: 20.5 }, { x: 50, y: 15.2 }, { x: 100, y: 10 }]),
  };
}

Deno.test("profileSvg draws points, error bars, curve and a residual panel", () => {
  const svg = profileSvg(figure("G23N"));
  assert.match(svg, /^<svg [^>]*class="profile"/);
  assert.equal((svg.match(/class="point"/g) ?? []).length, 2);
  assert.equal((svg.match(/class="curve"/g) ?? []).length, 1);
  assert.match(svg, /<title>G23N<\/title>/);
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
});

Deno.test("reportHtml: one figure per profile, one row per parameter, self-contained", () => {
  const html = reportHtml({
    title: "exfit fit",
    command: "exfit fit -e a.toml -p <p>.toml",
    versions: { deno: "2" },
    createdUtc: "2026-01-01T00:00:00Z",
    steps: [{
      name: "STEP1",
      stats: {
        ndata: 10,
        nvarys: 2,
        chisqr: 8,
        redchi: 1,
        chisqrTest: 0.4,
        ksTest: 0.5,
        aic: 12,
        bic: 13,
      },
      warnings: ["KEX_AB is at its bound"],
      parameters: parameterRows("fitted", "[GLOBAL]\nKEX_AB = 1.0 # ±1.0\nPB = 0.1 # ±0.01\n"),
      figures: [figure("G23N"), figure("A24N")],
      extraFigures: [{ path: "Grid/map.svg", svg: '<svg xmlns="http://www.w3.org/2000/svg"/>' }],
    }],
  });
  assert.equal((html.match(/<figure class="prof"/g) ?? []).length, 2);
  assert.equal(
    (html.match(/<table class="sortable params">[\s\S]*?<\/table>/)![0]
      .match(/<tr>/g) ?? []).length,
    3,
  ); // header + 2 rows
  assert.match(html, /data-residue="G23"/);
  assert.match(html, /KEX_AB is at its bound/);
  assert.match(html, /&lt;p&gt;\.toml/, "the command is escaped");
  assert.match(html, /src="data:image\/svg\+xml/);
  assert.doesNotMatch(html, /(src|href)="https?:/, "no network references");
});

Deno.test("cpmgFigures: smooth by default, straight lines with smooth = false", () => {
  const data = cpmgPlotData({
    name: "G23N",
    timeT2S: 0.04,
    ncyc: new Float64Array([0, 1, 2, 4, 8]),
    exp: new Float64Array([1000, 600, 650, 750, 850]),
    err: new Float64Array([10, 10, 10, 10, 10]),
    calc: new Float64Array([1000, 605, 655, 745, 845]),
    used: [true, true, true, true, true],
    curveNcyc: new Float64Array([1, 2, 4, 8]),
    curveCalc: new Float64Array([605, 655, 745, 845]),
  }, 1);
  const [smooth] = cpmgFigures("800mhz", [data]);
  const [plain] = cpmgFigures("800mhz", [data], false);
  assert.equal(plain.curve.length, 4);
  // Interpolated in steps of at most 1/120 of the x range (25 to 200 Hz).
  assert.equal(smooth.curve.length, 18 + 35 + 69 + 1); // ceil(h / (175 / 120)) steps each
  assert.ok(smooth.curve.every((c, k) => k === 0 || c.x - smooth.curve[k - 1].x <= 175 / 120));
  assert.equal(smooth.points.length, 4);
});

Deno.test("svgsToPdf writes one page per figure", async () => {
  const svg = (t: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><text x="10" y="50">${t}</text></svg>`;
  const pdf = await svgsToPdf([svg("ν_CPMG"), svg("R₂,eff"), svg("three")]);
  const text = new TextDecoder("latin1").decode(pdf);
  assert.ok(text.startsWith("%PDF-"));
  assert.equal((text.match(/\/Type \/Page\b/g) ?? []).length, 3);
});

Deno.test("r1rhoFigures: x is the offset at one field, the field otherwise", () => {
  const s = (offsetHz: number, b1Hz: number) => ({
    offsetHz,
    b1Hz,
    weffHz: Math.hypot(offsetHz, b1Hz),
  });
  const oneField = r1rhoFigures("r", [{
    name: "G23N",
    points: [
      { ...s(-500, 1000), exp: 12, err: 0.5, calc: 11.8, used: true },
      { ...s(300, 1000), exp: 11, err: 0.5, calc: 11.1, used: true },
    ],
    curve: [{ ...s(500, 1000), r1rho: 11 }, { ...s(-500, 1000), r1rho: 12 }],
  }])[0];
  assert.equal(oneField.points[0].x, -500);
  assert.deepEqual(oneField.curve.map((c) => c.x), [-500, 500]);
  const fields = r1rhoFigures("r", [{
    name: "G23N",
    points: [
      { ...s(0, 1000), exp: 12, err: 0.5, calc: 11.8, used: true },
      { ...s(0, 2000), exp: 10, err: 0.5, calc: 10.1, used: true },
    ],
    curve: [],
  }])[0];
  assert.deepEqual(fields.points.map((p) => p.x), [1000, 2000]);
  assert.equal(fields.residue, "G23");
});

Deno.test("figuresToPdf draws one page per profile figure", async () => {
  const pdf = await figuresToPdf([figure("G23N"), figure("A24N")], "800mhz");
  const text = new TextDecoder("latin1").decode(pdf);
  assert.ok(text.startsWith("%PDF-"));
  assert.equal((text.match(/\/Type \/Page\b/g) ?? []).length, 2);
  // Same figures, same bytes (no time stamp).
  assert.deepEqual(await figuresToPdf([figure("G23N"), figure("A24N")], "800mhz"), pdf);
});
