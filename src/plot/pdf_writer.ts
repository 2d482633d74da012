/**
 * A small PDF 1.4 writer for exfit's figures: one page per {@link Drawing}, the shapes as vector
 * paths, text in the standard Helvetica and Symbol fonts (`_pdf_text.ts`), content streams
 * deflated. The same drawings always give the same bytes (no date, no random id).
 *
 * Why not PDFKit: loading it costs about 0.22 s a process and each document about 80–150 ms to
 * parse and subset its TrueType font, about as much as a whole methyl fit's plotting should cost;
 * this writer draws a 16-page figure in a few ms (`benchmarks/plot_bench.ts` prints both).
 *
 * @module
 */
import type { Drawing, Shape } from "./shapes.ts";
import { allFinite, tenths } from "./_num.ts";
import { runsWidth, SCRIPT_SCALE, type TextRun, textRuns } from "./_pdf_text.ts";

const FONT_NAME = { regular: "F1", bold: "F2", symbol: "F3" } as const;

const NAMED: Record<string, string> = { black: "#000000", white: "#ffffff" };

/** "#rgb", "#rrggbb", "black" or "white" as PDF colour components; null for anything else. */
function parseColour(color: string): string | null {
  let hex = NAMED[color] ?? color;
  if (!hex.startsWith("#")) return null;
  if (hex.length === 4) hex = "#" + [...hex.slice(1)].map((c) => c + c).join("");
  const v = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  // Three decimals: one would merge neighbouring colours.
  return v.some((x) => !Number.isFinite(x))
    ? null
    : v.map((x) => String(Math.round(x * 1000) / 1000)).join(" ");
}

/** A number in a content stream: at most 1 decimal (1/720 in), never exponent notation. */
const num = tenths;

/** A PDF literal string of character codes (escapes `\`, `(` and `)`). */
function pdfString(bytes: string): string {
  return "(" + bytes.replace(/[\\()]/g, (c) => "\\" + c) + ")";
}

const KAPPA = 0.5522847498;

function circlePath(cx: number, cy: number, r: number): string {
  const k = r * KAPPA;
  const p = (...v: number[]) => v.map(num).join(" ");
  return `${p(cx + r, cy)} m ${p(cx + r, cy + k, cx + k, cy + r, cx, cy + r)} c ` +
    `${p(cx - k, cy + r, cx - r, cy + k, cx - r, cy)} c ` +
    `${p(cx - r, cy - k, cx - k, cy - r, cx, cy - r)} c ` +
    `${p(cx + k, cy - r, cx + r, cy - k, cx + r, cy)} c h`;
}

/**
 * The content stream of one page. The page is flipped (y down, as in SVG) so shapes keep their
 * coordinates; colours, widths and dashes are set only when they change, which keeps the stream
 * (and the time to deflate it) small.
 */
class PageContent {
  #ops: string[];
  #stroke = "";
  #fill = "";
  #width = NaN;
  #dash = "";
  #colours = new Map<string, string | null>();
  #circles = new Map<number, string>();

  constructor(height: number) {
    this.#ops = [`1 0 0 -1 0 ${num(height)} cm 1 J 1 j`];
  }

  /** Draw one shape (nothing when a coordinate is not finite or the colour is unknown). */
  shape(s: Shape): void {
    switch (s.kind) {
      case "line":
        if (!allFinite(s.x1, s.y1, s.x2, s.y2) || !this.#setStroke(s.stroke, s.width ?? 0.75)) {
          return;
        }
        this.#setDash(s.dash);
        this.#ops.push(`${num(s.x1)} ${num(s.y1)} m ${num(s.x2)} ${num(s.y2)} l S`);
        return;
      case "rect": {
        if (!allFinite(s.x, s.y, s.w, s.h)) return;
        const fill = s.fill !== undefined && this.#setFill(s.fill);
        const stroke = s.stroke !== undefined && this.#setStroke(s.stroke, 0.75);
        if (stroke) this.#setDash(undefined);
        if (!fill && !stroke) return;
        const paint = fill && stroke ? "B" : fill ? "f" : "S";
        this.#ops.push(`${num(s.x)} ${num(s.y)} ${num(s.w)} ${num(s.h)} re ${paint}`);
        return;
      }
      case "circle": {
        if (!allFinite(s.cx, s.cy, s.r)) return;
        const fill = s.fill !== "none" && this.#setFill(s.fill);
        const stroke = s.stroke !== undefined && this.#setStroke(s.stroke, s.width ?? 0.75);
        if (stroke) this.#setDash(undefined);
        if (!fill && !stroke) return;
        // Moved to the centre, so the path of a radius is written once per page and reused.
        let path = this.#circles.get(s.r);
        if (path === undefined) this.#circles.set(s.r, path = circlePath(0, 0, s.r));
        const paint = fill && stroke ? "B" : fill ? "f" : "S";
        this.#ops.push(`q 1 0 0 1 ${num(s.cx)} ${num(s.cy)} cm ${path} ${paint} Q`);
        return;
      }
      case "path": {
        const pts = s.points.filter((p) => allFinite(p[0], p[1]));
        if (pts.length < 2 || !this.#setStroke(s.stroke, s.width)) return;
        this.#setDash(undefined);
        let d = `${num(pts[0][0])} ${num(pts[0][1])} m`;
        for (let k = 1; k < pts.length; k++) d += ` ${num(pts[k][0])} ${num(pts[k][1])} l`;
        this.#ops.push(d + " S");
        return;
      }
      case "text":
        if (allFinite(s.x, s.y, s.size) && this.#setFill("#000000")) this.#ops.push(textOps(s));
        return;
    }
  }

  /** The page's operators. */
  text(): string {
    return this.#ops.join("\n");
  }

  #colour(color: string): string | null {
    let out = this.#colours.get(color);
    if (out === undefined) this.#colours.set(color, out = parseColour(color));
    return out;
  }

  #setStroke(color: string, width: number): boolean {
    const c = this.#colour(color);
    if (c === null || !Number.isFinite(width)) return false;
    if (c !== this.#stroke) this.#ops.push(`${c} RG`), this.#stroke = c;
    if (width !== this.#width) this.#ops.push(`${num(width)} w`), this.#width = width;
    return true;
  }

  #setFill(color: string): boolean {
    const c = this.#colour(color);
    if (c === null) return false;
    if (c !== this.#fill) this.#ops.push(`${c} rg`), this.#fill = c;
    return true;
  }

  #setDash(dash: number[] | undefined): void {
    const d = dash?.length ? `[${dash.map(num).join(" ")}] 0 d` : "[] 0 d";
    if (d !== (this.#dash || "[] 0 d")) this.#ops.push(d);
    this.#dash = d;
  }
}

function textOps(s: Extract<Shape, { kind: "text" }>): string {
  const runs = textRuns(s.text, Boolean(s.bold));
  const width = runsWidth(runs, s.size);
  const dx = s.anchor === "middle" ? -width / 2 : s.anchor === "end" ? -width : 0;
  // The text matrix flips glyphs back upright on the flipped page.
  const [a, b, c, d] = s.vertical ? [0, -1, -1, 0] : [1, 0, 0, -1];
  const x = s.vertical ? s.x : s.x + dx;
  const y = s.vertical ? s.y - dx : s.y;
  let out = `BT ${a} ${b} ${c} ${d} ${num(x)} ${num(y)} Tm`;
  for (const r of runs) out += " " + runOps(r, s.size);
  return out + " ET";
}

function runOps(r: TextRun, size: number): string {
  const scaled = r.script === "base" ? size : size * SCRIPT_SCALE;
  const rise = r.script === "sub" ? -0.2 * size : r.script === "super" ? 0.35 * size : 0;
  return `/${FONT_NAME[r.font]} ${num(scaled)} Tf ${num(rise)} Ts ${pdfString(r.bytes)} Tj`;
}

function pageContent(d: Drawing): string {
  const page = new PageContent(d.height);
  for (const s of d.shapes) page.shape(s);
  return page.text();
}

/**
 * zlib-deflate one content stream. Written to the stream and read back chunk by chunk, one page
 * after the other: a Blob/Response round trip, or all pages at once, cost 5–10× more here.
 */
async function deflate(text: string): Promise<Uint8Array> {
  const stream = new CompressionStream("deflate");
  const writer = stream.writable.getWriter();
  writer.write(latin1(text));
  writer.close();
  const chunks: Uint8Array[] = [];
  const reader = stream.readable.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  return concat(chunks);
}

function concat(parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function latin1(text: string): Uint8Array<ArrayBuffer> {
  // ASCII (nearly every stream) is the same in UTF-8, which the native encoder writes fastest.
  if (!/[\u0080-\uffff]/.test(text)) return new TextEncoder().encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** A PDF text string: literal for ASCII, UTF-16BE with a byte-order mark otherwise. */
function infoString(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return pdfString(text);
  let hex = "FEFF";
  for (let i = 0; i < text.length; i++) {
    hex += text.charCodeAt(i).toString(16).toUpperCase().padStart(4, "0");
  }
  return `<${hex}>`;
}

/**
 * One PDF page per drawing, each the drawing's size (px = pt).
 *
 * @example
 * ```ts
 * const pdf = await drawingsToPdf([{ width: 100, height: 50, shapes: [] }], "empty");
 * new TextDecoder().decode(pdf.subarray(0, 8)); // "%PDF-1.4"
 * ```
 */
export async function drawingsToPdf(pages: Drawing[], title: string): Promise<Uint8Array> {
  // Objects: 1 catalog, 2 page tree, 3 info, 4–6 fonts, then per page its page and contents.
  const objects: (string | Uint8Array)[] = [];
  const kids = pages.map((_, k) => `${7 + 2 * k} 0 R`).join(" ");
  objects.push("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  objects.push(`<< /Title ${infoString(title)} /Creator (exfit) /Producer (exfit) >>`);
  objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  objects.push(
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
  );
  objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Symbol >>");
  const resources = "<< /Font << /F1 4 0 R /F2 5 0 R /F3 6 0 R >> >>";
  const streams: Uint8Array[] = [];
  for (const p of pages) streams.push(await deflate(pageContent(p)));
  pages.forEach((p, k) => {
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(p.width)} ${num(p.height)}] ` +
        `/Resources ${resources} /Contents ${8 + 2 * k} 0 R >>`,
    );
    objects.push(streams[k]);
  });
  return assemble(objects);
}

/** Header, numbered objects (streams get their length), cross-reference table and trailer. */
function assemble(objects: (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [latin1("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")];
  let size = parts[0].length;
  const offsets: number[] = [];
  const add = (bytes: Uint8Array) => {
    parts.push(bytes);
    size += bytes.length;
  };
  objects.forEach((o, k) => {
    offsets.push(size);
    if (typeof o === "string") add(latin1(`${k + 1} 0 obj\n${o}\nendobj\n`));
    else {
      add(latin1(`${k + 1} 0 obj\n<< /Length ${o.length} /Filter /FlateDecode >>\nstream\n`));
      add(o);
      add(latin1("\nendstream\nendobj\n"));
    }
  });
  const xref = size;
  let table = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) table += `${String(off).padStart(10, "0")} 00000 n \n`;
  table += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 3 0 R >>\n` +
    `startxref\n${xref}\n%%EOF\n`;
  add(latin1(table));
  return concat(parts);
}
