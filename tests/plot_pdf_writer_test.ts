import { strict as assert } from "node:assert";
import { drawingsToPdf } from "../src/plot/pdf_writer.ts";
import { runsWidth, textRuns } from "../src/plot/_pdf_text.ts";
import type { Drawing } from "../src/plot/shapes.ts";

const latin1 = (b: Uint8Array) => new TextDecoder("latin1").decode(b);

const PAGE: Drawing = {
  width: 300,
  height: 200,
  shapes: [
    { kind: "rect", x: 10, y: 10, w: 280, h: 150, stroke: "#888" },
    { kind: "line", x1: 20, y1: 20, x2: 20, y2: 60, stroke: "#D32F2F", dash: [4, 2] },
    { kind: "circle", cx: 20, cy: 40, r: 2.7, fill: "#D32F2F" },
    { kind: "circle", cx: 60, cy: 40, r: 2.7, fill: "none", stroke: "#9E9E9E", width: 2 },
    {
      kind: "path",
      points: [[10, 100], [50, 80], [NaN, 1], [90, 70]],
      stroke: "#E57373",
      width: 2,
    },
    { kind: "text", x: 150, y: 190, text: "ν_CPMG (Hz)", anchor: "middle", size: 11, bold: true },
    {
      kind: "text",
      x: 12,
      y: 100,
      text: "R₂,eff (s⁻¹)",
      anchor: "middle",
      size: 11,
      vertical: true,
    },
    { kind: "text", x: 5, y: 5, text: "(a) \\ b", anchor: "start", size: 9 },
    { kind: "line", x1: NaN, y1: 0, x2: 1, y2: 1, stroke: "#000" },
  ],
};

async function inflate(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new DecompressionStream("deflate"));
  return latin1(new Uint8Array(await new Response(stream).arrayBuffer()));
}

/** Objects by number, checked against the cross-reference table and the trailer. */
function parse(pdf: Uint8Array): { objects: Map<number, Uint8Array>; trailer: string } {
  const text = latin1(pdf);
  assert.ok(text.startsWith("%PDF-1.4\n"));
  assert.ok(text.endsWith("%%EOF\n"));
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
  assert.ok(text.startsWith("xref\n", startxref), "startxref points at the table");
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref))!;
  assert.equal(first, "0");
  const rows = text.slice(startxref).split("\n").slice(2, 2 + Number(count));
  const objects = new Map<number, Uint8Array>();
  rows.slice(1).forEach((row, k) => {
    const offset = Number(row.slice(0, 10));
    assert.ok(text.startsWith(`${k + 1} 0 obj\n`, offset), `object ${k + 1} at its offset`);
    const end = text.indexOf("\nendobj\n", offset);
    objects.set(k + 1, pdf.subarray(offset, end));
  });
  return { objects, trailer: text.slice(text.indexOf("trailer", startxref)) };
}

async function contents(pdf: Uint8Array): Promise<string[]> {
  const { objects } = parse(pdf);
  const out: string[] = [];
  for (const body of objects.values()) {
    const head = latin1(body.subarray(0, 80));
    const m = /<< \/Length (\d+) \/Filter \/FlateDecode >>\nstream\n/.exec(head);
    if (!m) continue;
    const start = m.index + m[0].length;
    const data = body.subarray(start, start + Number(m[1]));
    assert.equal(latin1(body.subarray(start + Number(m[1]))), "\nendstream", "/Length is exact");
    out.push(await inflate(data));
  }
  return out;
}

Deno.test("drawingsToPdf: a valid PDF, one page per drawing, exact offsets and lengths", async () => {
  const pdf = await drawingsToPdf([PAGE, { ...PAGE, height: 250 }], "800mhz ν");
  const { objects, trailer } = parse(pdf);
  const all = [...objects.values()].map(latin1).join("\n");
  assert.equal((all.match(/\/Type \/Page\b/g) ?? []).length, 2);
  assert.match(all, /\/Type \/Pages \/Kids \[7 0 R 9 0 R\] \/Count 2/);
  assert.match(all, /\/MediaBox \[0 0 300 250\]/);
  assert.match(all, /\/BaseFont \/Symbol/);
  assert.match(trailer, /\/Root 1 0 R/);
  // A non-ASCII title is UTF-16BE with a byte-order mark.
  assert.match(all, /\/Title <FEFF003800300030006D0068007A002003BD>/);
  const pages = await contents(pdf);
  assert.equal(pages.length, 2);
  for (const c of pages) assert.ok(!/NaN|Infinity|undefined/.test(c), c);
  // Same drawings, same bytes.
  assert.deepEqual(await drawingsToPdf([PAGE, { ...PAGE, height: 250 }], "800mhz ν"), pdf);
});

Deno.test("page content: y flipped once, shapes as paths, text in Helvetica and Symbol", async () => {
  const [c] = await contents(await drawingsToPdf([PAGE], "t"));
  assert.ok(c.startsWith("1 0 0 -1 0 200 cm"));
  assert.equal((c.match(/ re S/g) ?? []).length, 1);
  assert.match(c, /\[4 2\] 0 d/);
  assert.equal((c.match(/ cm .* c h [fS] Q/g) ?? []).length, 2, "two circles");
  assert.match(c, /10 100 m 50 80 l 90 70 l S/, "the NaN vertex is skipped");
  // ν from Symbol ("n"), the rest of the title in Helvetica-Bold.
  assert.match(c, /\/F3 11 Tf 0 Ts \(n\) Tj \/F2 11 Tf 0 Ts \(_CPMG \\\(Hz\\\)\) Tj/);
  // R₂: the subscript smaller and lowered; s⁻¹: Symbol's minus raised.
  assert.match(c, /\/F1 7.7 Tf -2.2 Ts \(2\) Tj/);
  assert.match(c, /\/F3 7.7 Tf 3.9 Ts \(-\) Tj/);
  assert.match(c, /BT 0 -1 -1 0 12 /, "vertical text rotated");
  assert.match(c, /\(\\\(a\\\) \\\\ b\)/, "parentheses and backslash escaped");
});

Deno.test("text runs and widths: the fonts' metrics, scripts at 0.7 size", () => {
  assert.deepEqual(
    textRuns("R₂,eff (s⁻¹)", false).map((r) => [r.font, r.bytes, r.script]),
    [
      ["regular", "R", "base"],
      ["regular", "2", "sub"],
      ["regular", ",eff (s", "base"],
      ["symbol", "-", "super"],
      ["regular", "1", "super"],
      ["regular", ")", "base"],
    ],
  );
  assert.ok(Math.abs(runsWidth(textRuns("10", false), 10) - 11.12) < 1e-9);
  assert.ok(Math.abs(runsWidth(textRuns("Δ", false), 10) - 6.12) < 1e-9);
  assert.equal(textRuns("漢", false)[0].bytes, "?");
  // Both ends of the tables: space and "~" in Helvetica, "~" in Helvetica-Bold.
  assert.equal(runsWidth(textRuns(" ~", false), 1000), 278 + 584);
  assert.equal(runsWidth(textRuns("~", true), 1000), 584);
});

Deno.test("Latin-1 text keeps its WinAnsi byte (°, µ), the page its single-byte encoding", async () => {
  const page: Drawing = {
    width: 100,
    height: 50,
    shapes: [{ kind: "text", x: 5, y: 20, text: "25 °C, 3 µs", anchor: "start", size: 9 }],
  };
  const [c] = await contents(await drawingsToPdf([page], "t"));
  assert.ok(c.includes("(25 \xb0C, 3 \xb5s) Tj"), c);
});
