/**
 * PDF output with PDFKit: `figuresToPdf` draws report profile figures (`src/report/
 * profile_shapes.ts`) one per page straight onto PDF pages; `svgsToPdf` converts SVG documents
 * with SVG-to-PDFKit (used for single pages such as `plot_param`). Converting every profile's SVG
 * costs 60–150 ms a page here (`benchmarks/report_bench.ts`), drawing the shapes a few ms, hence
 * two paths. Both libraries are imported on first use only, so runs without plots never load them.
 *
 * @module
 */
import type { ProfileFigure } from "./figures.ts";
import { FIGURE_SIZE, profileShapes, type Shape } from "./profile_shapes.ts";

/** DejaVu Sans covers the Greek letters, sub- and superscripts of the axis titles (ν, R₂, s⁻¹). */
const FONT_DIR = "/usr/share/fonts/truetype/dejavu/";

function readFont(path: string): Uint8Array | null {
  try {
    return Deno.readFileSync(path);
  } catch {
    return null;
  }
}

// deno-lint-ignore no-explicit-any
type Doc = any;

async function newDoc(
  title: string,
): Promise<{ doc: Doc; fonts: { regular: string; bold: string }; done: Promise<Uint8Array> }> {
  const { default: PDFDocument } = await import("pdfkit");
  // CreationDate fixed: the same figures give the same bytes.
  const doc = new PDFDocument({
    autoFirstPage: false,
    compress: true,
    info: { Title: title, Creator: "exfit", CreationDate: new Date(0) },
  });
  const regular = readFont(`${FONT_DIR}DejaVuSans.ttf`);
  const bold = readFont(`${FONT_DIR}DejaVuSans-Bold.ttf`);
  if (regular) doc.registerFont("unicode", regular);
  if (bold) doc.registerFont("unicode-bold", bold);
  const fonts = {
    regular: regular ? "unicode" : "Helvetica",
    bold: bold ? "unicode-bold" : regular ? "unicode" : "Helvetica-Bold",
  };
  const chunks: Uint8Array[] = [];
  doc.on("data", (c: Uint8Array) => chunks.push(c));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on("end", () => {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      resolve(out);
    });
    doc.on("error", reject);
  });
  return { doc, fonts, done };
}

function drawShape(doc: Doc, s: Shape, fonts: { regular: string; bold: string }): void {
  switch (s.kind) {
    case "line":
      doc.lineWidth(0.75);
      if (s.dash) doc.dash(s.dash[0], { space: s.dash[1] });
      doc.moveTo(s.x1, s.y1).lineTo(s.x2, s.y2).stroke(s.stroke);
      if (s.dash) doc.undash();
      return;
    case "rect":
      doc.lineWidth(0.75).rect(s.x, s.y, s.w, s.h).stroke(s.stroke);
      return;
    case "circle":
      if (s.stroke) doc.lineWidth(0.75).circle(s.cx, s.cy, s.r).fillAndStroke(s.fill, s.stroke);
      else doc.circle(s.cx, s.cy, s.r).fill(s.fill);
      return;
    case "path": {
      if (s.points.length < 2) return;
      doc.lineWidth(s.width).moveTo(s.points[0][0], s.points[0][1]);
      for (let k = 1; k < s.points.length; k++) doc.lineTo(s.points[k][0], s.points[k][1]);
      doc.stroke(s.stroke);
      return;
    }
    case "text": {
      doc.font(s.bold ? fonts.bold : fonts.regular).fontSize(s.size).fillColor("#000000");
      const w = doc.widthOfString(s.text);
      const dx = s.anchor === "middle" ? -w / 2 : s.anchor === "end" ? -w : 0;
      // SVG places the baseline at y; PDFKit the top of the line box.
      const top = -0.8 * s.size;
      if (s.vertical) {
        doc.save().rotate(-90, { origin: [s.x, s.y] });
        doc.text(s.text, s.x + dx, s.y + top, { lineBreak: false });
        doc.restore();
      } else doc.text(s.text, s.x + dx, s.y + top, { lineBreak: false });
      return;
    }
  }
}

/**
 * One PDF page per profile figure (residuals above data and model curve), drawn as vectors.
 *
 * @example
 * ```ts
 * const pdf = await figuresToPdf(cpmgFigures("800mhz", data), "800mhz");
 * ```
 */
export async function figuresToPdf(figures: ProfileFigure[], title = "exfit"): Promise<Uint8Array> {
  const { doc, fonts, done } = await newDoc(title);
  for (const fig of figures) {
    doc.addPage({ size: [FIGURE_SIZE.width, FIGURE_SIZE.height], margin: 0 });
    for (const s of profileShapes(fig)) drawShape(doc, s, fonts);
  }
  doc.end();
  return done;
}

function svgSize(svg: string): { width: number; height: number } {
  const head = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const attr = (name: string) => Number(new RegExp(`\\b${name}="([0-9.]+)`).exec(head)?.[1]);
  const vb = /viewBox="[-0-9.]+[ ,]+[-0-9.]+[ ,]+([0-9.]+)[ ,]+([0-9.]+)"/.exec(head);
  const width = attr("width") || Number(vb?.[1]) || 600;
  const height = attr("height") || Number(vb?.[2]) || 400;
  return { width, height };
}

/**
 * One PDF page per SVG document, each page the size of its figure (in px = pt).
 *
 * @example
 * ```ts
 * const pdf = await svgsToPdf(['<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"/>']);
 * new TextDecoder().decode(pdf.subarray(0, 5)); // "%PDF-"
 * ```
 */
export async function svgsToPdf(svgs: string[], title = "exfit"): Promise<Uint8Array> {
  const { default: SVGtoPDF } = await import("svg-to-pdfkit");
  const { doc, fonts, done } = await newDoc(title);
  for (const svg of svgs) {
    const { width, height } = svgSize(svg);
    doc.addPage({ size: [width, height], margin: 0 });
    SVGtoPDF(doc, svg, 0, 0, {
      width,
      height,
      assumePt: true,
      fontCallback: fonts.regular === "Helvetica" ? undefined : () => fonts.regular,
    });
  }
  doc.end();
  return done;
}
