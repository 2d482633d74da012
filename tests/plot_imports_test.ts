import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { loadedAtStart } from "./_imports.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));

Deno.test("a run that plots profiles loads no chart or PDF library", () => {
  // What `exfit fit`/`simulate` load to write Plots/ and report.html: the profile figures are
  // drawn directly (src/plot/stack.ts, src/plot/pdf_writer.ts); Vega comes only with grid or
  // statistics figures and PDFKit only with `exfit plot_param`, each by a URL built at run time.
  for (const entry of ["src/report/plot_files.ts", "src/report/run_report.ts"]) {
    const { files, packages } = loadedAtStart(REPO, entry);
    for (const heavy of ["vega", "vega-lite", "pdfkit", "svg-to-pdfkit"]) {
      assert.ok(!packages.has(heavy), `${entry} loads ${heavy}`);
    }
    assert.ok(!files.has("src/plot/svg.ts"), `${entry} loads src/plot/svg.ts`);
    assert.ok(!files.has("src/report/svg_pdf.ts"), `${entry} loads src/report/svg_pdf.ts`);
  }
  // The libraries are still where they are needed.
  assert.ok(loadedAtStart(REPO, "src/plot/svg.ts").packages.has("vega"));
  assert.ok(loadedAtStart(REPO, "src/report/svg_pdf.ts").packages.has("pdfkit"));
});
