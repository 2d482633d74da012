/**
 * SVG figures → a multi-page PDF, one figure per page, with PDFKit and SVG-to-PDFKit (vector
 * output, pure JavaScript, no DOM; see docs/report.md for why these two). Both libraries are
 * imported on first use only, so runs without plots never load them.
 *
 * @module
 */

/** DejaVu Sans covers the Greek letters, sub- and superscripts of the axis titles (ν, R₂, s⁻¹). */
const UNICODE_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

function readFont(path: string): Uint8Array | null {
  try {
    return Deno.readFileSync(path);
  } catch {
    return null;
  }
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
  const [{ default: PDFDocument }, { default: SVGtoPDF }] = await Promise.all([
    import("pdfkit"),
    import("svg-to-pdfkit"),
  ]);
  // CreationDate fixed: the same figures give the same bytes.
  const doc = new PDFDocument({
    autoFirstPage: false,
    compress: true,
    info: { Title: title, Creator: "exfit", CreationDate: new Date(0) },
  });
  const font = readFont(UNICODE_FONT);
  if (font) doc.registerFont("unicode", font);
  const chunks: Uint8Array[] = [];
  doc.on("data", (c: Uint8Array) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", () => resolve());
    doc.on("error", reject);
  });
  for (const svg of svgs) {
    const { width, height } = svgSize(svg);
    doc.addPage({ size: [width, height], margin: 0 });
    SVGtoPDF(doc, svg, 0, 0, {
      width,
      height,
      assumePt: true,
      fontCallback: font ? () => "unicode" : undefined,
    });
  }
  doc.end();
  await ended;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
