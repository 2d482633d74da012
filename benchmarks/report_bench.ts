/**
 * What plots and the HTML report cost, on ChemEx's CPMG_15N_IP example (2 steps, 108 profiles):
 * whole `exfit fit` processes with `--plot nothing` and with plots, alternated (medians), then,
 * in process, the time to render each step's plot files (SVG + one-page-per-profile PDF) and to
 * build the report. Fits with `--plot nothing` never import the plotting modules: the first
 * figure shows what they add. The per-figure comparison with the chart and PDF libraries exfit
 * used before is `plot_bench.ts`.
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { median } from "./_timing.ts";
import { cpmg15nIpFitArgs } from "../tests/_refdata.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { readMethodFiles } from "../src/config/method.ts";
import { runFit, type StepOutput } from "../src/run/run.ts";

const FOLDER = fromFileUrl(new URL("../../shared/refdata/fit/CPMG_15N_IP", import.meta.url));

async function fitProcess(plot: string, out: string): Promise<number> {
  const t0 = performance.now();
  const res = await new Deno.Command(Deno.execPath(), {
    args: cpmg15nIpFitArgs(out, [], { plot }),
    cwd: FOLDER,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!res.success) throw new Error(new TextDecoder().decode(res.stderr));
  return (performance.now() - t0) / 1000;
}

async function wholeProcess(): Promise<void> {
  const out = Deno.makeTempDirSync({ prefix: "exfit_report_bench_" });
  const plain: number[] = [];
  const plotted: number[] = [];
  try {
    for (let k = 0; k < 3; k++) {
      plain.push(await fitProcess("nothing", `${out}/a`));
      plotted.push(await fitProcess("normal", `${out}/b`));
    }
  } finally {
    Deno.removeSync(out, { recursive: true });
  }
  const a = median(plain);
  const b = median(plotted);
  console.log("== CPMG_15N_IP fit, whole process, alternated, medians of 3 ==");
  console.log(
    `--plot nothing: ${a.toFixed(2)} s; with plots, PDFs and report.html: ${b.toFixed(2)} s`,
  );
  console.log(`plots cost ${(b - a).toFixed(2)} s (ratio ${(b / a).toFixed(2)})`);
}

async function inProcess(): Promise<void> {
  const cwd = Deno.cwd();
  Deno.chdir(FOLDER);
  const loaded = loadStudy({
    experiments: ["Experiments/500mhz.toml", "Experiments/800mhz.toml"],
    parameters: ["Parameters/parameters.toml"],
    model: parseModel("2st"),
  });
  const read = readMethodFiles(["Methods/method.toml"]);
  Deno.chdir(cwd);
  const steps = read.map((s) => ({
    name: s.name,
    include: s.include,
    exclude: s.exclude,
    fit: s.fit,
    fix: s.fix,
    constraints: s.constraints,
  }));
  const outs: StepOutput[] = [
    ...runFit(loaded.study, loaded.store, steps, { plot: true, seed: 0 }),
  ];
  let t0 = performance.now();
  const { plotFiles } = await import("../src/report/plot_files.ts");
  const { reportStep, writeRunReport } = await import("../src/report/run_report.ts");
  const importMs = performance.now() - t0;
  const profiles = outs.reduce((n, o) => n + [...o.plots.values()].flat().length, 0);
  t0 = performance.now();
  const rendered: Map<string, string | Uint8Array>[] = [];
  for (const o of outs) rendered.push(await plotFiles(o, { simulate: false }));
  const plotMs = performance.now() - t0;
  t0 = performance.now();
  const dir = Deno.makeTempDirSync({ prefix: "exfit_report_bench_" });
  try {
    writeRunReport(
      dir,
      { title: "bench", command: "bench" },
      outs.map((o, k) => reportStep(o, rendered[k])),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  const reportMs = performance.now() - t0;
  console.log(`== in process, ${profiles} profile plots over ${outs.length} steps ==`);
  console.log(`importing the plotting and report modules: ${importMs.toFixed(0)} ms`);
  console.log(
    `SVG + PDF plot files: ${plotMs.toFixed(0)} ms (${(plotMs / profiles).toFixed(1)} ms/profile)`,
  );
  // The PDF pages alone, drawn from the figures, against converting each page's SVG.
  const { figuresToPdf } = await import("../src/report/pdf.ts");
  const { svgsToPdf } = await import("../src/report/svg_pdf.ts");
  const { stepFigures } = await import("../src/report/run_report.ts");
  const { profileSvg } = await import("../src/report/panel_svg.ts");
  const figs = outs.flatMap((o) => stepFigures(o));
  t0 = performance.now();
  await figuresToPdf(figs);
  const drawMs = performance.now() - t0;
  t0 = performance.now();
  await svgsToPdf(figs.map(profileSvg));
  const convertMs = performance.now() - t0;
  console.log(
    `PDF pages drawn: ${(drawMs / figs.length).toFixed(1)} ms/page; via SVG-to-PDFKit: ` +
      `${(convertMs / figs.length).toFixed(1)} ms/page (ratio ${(convertMs / drawMs).toFixed(1)})`,
  );
  console.log(`report.html (small multiples, tables): ${reportMs.toFixed(0)} ms`);
}

try {
  Deno.statSync(FOLDER);
} catch {
  console.log("notice: ../shared/refdata is absent; skipping the report benchmark");
  Deno.exit(0);
}
await wholeProcess();
await inProcess();
