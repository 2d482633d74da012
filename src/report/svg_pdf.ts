/**
 * PDF of arbitrary SVG documents with PDFKit and SVG-to-PDFKit (one page per document, used by
 * `exfit plot_param`). Kept apart from `pdf.ts` so that runs that plot profiles never load PDFKit:
 * Deno loads the graph of a literal `import("…")` with the module that holds it.
 *
 * @module
 */

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
