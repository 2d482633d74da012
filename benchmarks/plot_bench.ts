/**
 * What drawing exfit's plot files costs, per figure, the way exfit draws them against the
 * libraries it used before — the measurement behind `src/plot/chart.ts` (direct SVG instead of
 * Vega-Lite + Vega's headless renderer) and `src/plot/pdf_writer.ts` (a small PDF writer with the
 * standard fonts instead of PDFKit with an embedded, subset DejaVu font):
 *
 * 1. In process, on synthetic CPMG data the size of one field of ChemEx's methyl example
 *    (16 profiles × 20 points, `_plot_data.ts`): the first figure (which pays for loading the
 *    library) and the median of the next ones, for the SVG figure (direct / Vega) and the
 *    one-page-per-profile PDF (direct / PDFKit drawing the same shapes).
 * 2. With `../shared/refdata` present: ChemEx's methyl example (CPMG_CH3_1H_SQ, 3 steps, 6 plotted
 *    experiments) as whole `exfit fit` processes with `--plot nothing` and with the default plots,
 *    alternated, medians of 3 (wall and CPU).
 *
 * Measured before the change (this machine, load about 1; the same 16-profile figure): Vega
 * 968 ms for the first SVG figure, 184–344 ms for each next one; PDFKit 577 ms for the first PDF,
 * 134–245 ms for each next one. A default methyl run's profile: Vega rendering 1.0 s, PDFKit
 * 0.8 s of CPU over the run. Whole methyl processes (load 1.3–2, medians of 5 alternated with
 * `--plot nothing`): before, default plots 6.67 s wall / 6.14 s CPU / 329 MiB; after, 3.79 s /
 * 3.77 s / 190 MiB, against 3.10 s / 3.10 s / 133 MiB without plots — plots went from +3.0 s to
 * +0.67 s of CPU. What is left: about 0.16 s of plot data (ChemEx's sampled CPMG error bars, the
 * model on every allowed ncyc), 0.2 s of Plots files (SVG, PDF, `.exp`/`.fit` text) and 0.15 s
 * of report.html, then garbage collection.
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { childCpuS, median } from "./_timing.ts";
import { methylLikeCpmg } from "./_plot_data.ts";
import type { XYPanel } from "../src/plot/chart.ts";
import type { Drawing, Shape } from "../src/plot/shapes.ts";

const METHYL = fromFileUrl(
  new URL("../../shared/refdata/inputs/fit/CPMG_CH3_1H_SQ", import.meta.url),
);
const MAIN = fromFileUrl(new URL("../src/cli/main.ts", import.meta.url));
const FIGURES = 6;

/** The Vega-Lite spec exfit rendered for a panel before (layers: curves, bars, points). */
function vegaPanel(p: XYPanel): object {
  const scale = (a: XYPanel["x"]) =>
    a.domain ? { domain: a.domain, nice: false, reverse: a.reverse } : { zero: a.zero ?? true };
  const x = { field: "x", type: "quantitative", title: p.x.title, scale: scale(p.x) };
  const y = { field: "y", type: "quantitative", title: p.y.title, scale: scale(p.y) };
  const layer = (values: object[], mark: object, encoding: object = { x, y }) => ({
    data: { values },
    mark,
    encoding,
  });
  return {
    title: p.title,
    width: p.width,
    height: p.height,
    layer: [
      ...p.lines.map((l) => layer(l.points, { type: "line", color: l.color })),
      ...[false, true].map((used) =>
        layer(
          p.bars.filter((b) => b.used === used),
          { type: "rule", color: used ? "#D32F2F" : "#9E9E9E" },
          { x, y: { ...y, field: "lo" }, y2: { field: "hi" } },
        )
      ),
      ...[false, true].map((used) =>
        layer(p.points.filter((q) => q.used === used), {
          type: "point",
          filled: used,
          color: used ? "#D32F2F" : "#9E9E9E",
          size: p.pointSize,
          opacity: 1,
        })
      ),
    ],
  };
}

// deno-lint-ignore no-explicit-any
type PdfDoc = any;

/** PDFKit drawing the same shapes, with the DejaVu fonts exfit embedded before. */
async function pdfkitPages(pages: Drawing[]): Promise<Uint8Array> {
  const { default: PDFDocument } = await import("pdfkit");
  const doc: PdfDoc = new PDFDocument({ autoFirstPage: false, compress: true });
  const dir = "/usr/share/fonts/truetype/dejavu/";
  let font = "Helvetica";
  try {
    doc.registerFont("unicode", Deno.readFileSync(`${dir}DejaVuSans.ttf`));
    font = "unicode";
  } catch { /* standard font */ }
  const chunks: Uint8Array[] = [];
  doc.on("data", (c: Uint8Array) => chunks.push(c));
  const done = new Promise((resolve) => doc.on("end", resolve));
  for (const page of pages) {
    doc.addPage({ size: [page.width, page.height], margin: 0 });
    for (const s of page.shapes) pdfkitShape(doc, s, font);
  }
  doc.end();
  await done;
  return new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
}

function pdfkitShape(doc: PdfDoc, s: Shape, font: string): void {
  if (s.kind === "line") doc.moveTo(s.x1, s.y1).lineTo(s.x2, s.y2).stroke(s.stroke);
  else if (s.kind === "rect" && s.stroke) doc.rect(s.x, s.y, s.w, s.h).stroke(s.stroke);
  else if (s.kind === "circle") {
    if (s.stroke) doc.circle(s.cx, s.cy, s.r).fillAndStroke(s.fill, s.stroke);
    else doc.circle(s.cx, s.cy, s.r).fill(s.fill);
  } else if (s.kind === "path" && s.points.length > 1) {
    doc.moveTo(...s.points[0]);
    for (const p of s.points.slice(1)) doc.lineTo(...p);
    doc.stroke(s.stroke);
  } else if (s.kind === "text") {
    doc.font(font).fontSize(s.size).text(s.text, s.x, s.y - s.size, { lineBreak: false });
  }
}

async function timed<T>(f: () => T | Promise<T>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

/** First call and the median of the next FIGURES − 1, in ms. */
async function series(f: () => unknown): Promise<[number, number]> {
  const first = await timed(f);
  const rest: number[] = [];
  for (let k = 1; k < FIGURES; k++) rest.push(await timed(f));
  return [first, median(rest)];
}

async function inProcess(): Promise<void> {
  const data = methylLikeCpmg(16, 20);
  const { cpmgPanel, renderCpmgSvg } = await import("../src/plot/cpmg_svg.ts");
  const { figuresToPdf } = await import("../src/report/pdf.ts");
  const { cpmgFigures } = await import("../src/report/figures.ts");
  const { FIGURE_SIZE, profileShapes } = await import("../src/report/profile_shapes.ts");
  const direct = await series(() => renderCpmgSvg(data, "600mhz"));
  const vega = await series(async () => {
    const { renderVegaLiteSvg } = await import("../src/plot/svg.ts");
    return renderVegaLiteSvg({
      title: "600mhz",
      vconcat: data.map((d) => vegaPanel(cpmgPanel(d))),
      resolve: { scale: { x: "independent", y: "independent" } },
      config: { aria: false },
    });
  });
  const pdf = await series(() => figuresToPdf(cpmgFigures("600mhz", data), "600mhz"));
  const pdfkit = await series(() =>
    pdfkitPages(
      cpmgFigures("600mhz", data).map((f) => ({ ...FIGURE_SIZE, shapes: profileShapes(f) })),
    )
  );
  const row = (what: string, [a1, an]: number[], [b1, bn]: number[]) =>
    console.log(
      `${what}: first ${a1.toFixed(0)} ms / ${b1.toFixed(0)} ms; next (median) ` +
        `${an.toFixed(1)} ms / ${bn.toFixed(1)} ms (ratio ${(bn / an).toFixed(1)})`,
    );
  console.log(
    `== one 16-profile CPMG figure (16 × 20 points), direct / library, ${FIGURES} runs ==`,
  );
  row("SVG, direct / Vega-Lite + Vega", direct, vega);
  row("PDF (16 pages), direct / PDFKit + DejaVu", pdf, pdfkit);
}

async function methylRun(plot: string, out: string): Promise<{ wall: number; cpu: number }> {
  const files = [...Deno.readDirSync(`${METHYL}/Experiments`)].map((e) => `Experiments/${e.name}`);
  const cpu0 = childCpuS() ?? NaN;
  const t0 = performance.now();
  const res = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "fit",
      "-e",
      ...files.sort(),
      "-p",
      "Parameters/parameters.toml",
      "-m",
      "Methods/method.toml",
      "-o",
      out,
      "--plot",
      plot,
    ],
    cwd: METHYL,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!res.success) throw new Error(new TextDecoder().decode(res.stderr));
  return { wall: (performance.now() - t0) / 1000, cpu: (childCpuS() ?? NaN) - cpu0 };
}

async function wholeProcess(): Promise<void> {
  try {
    Deno.statSync(METHYL);
  } catch {
    console.log("notice: ../shared/refdata is absent; skipping the methyl whole-process runs");
    return;
  }
  const tmp = Deno.makeTempDirSync({ prefix: "exfit_plot_bench_" });
  const plain: { wall: number; cpu: number }[] = [];
  const plotted: { wall: number; cpu: number }[] = [];
  try {
    for (let k = 0; k < 3; k++) {
      plain.push(await methylRun("nothing", `${tmp}/a`));
      plotted.push(await methylRun("normal", `${tmp}/b`));
    }
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
  const m = (xs: { wall: number; cpu: number }[], k: "wall" | "cpu") => median(xs.map((x) => x[k]));
  console.log("== CPMG_CH3_1H_SQ (3 steps), whole process, alternated, medians of 3 ==");
  for (const k of ["wall", "cpu"] as const) {
    console.log(
      `${k}: --plot nothing ${m(plain, k).toFixed(2)} s; default plots (SVG, PDF, report.html) ` +
        `${m(plotted, k).toFixed(2)} s; plots add ${(m(plotted, k) - m(plain, k)).toFixed(2)} s`,
    );
  }
}

// Whole processes first: with Vega and PDFKit loaded in this process, the children's CPU times
// read high.
await wholeProcess();
await inProcess();
