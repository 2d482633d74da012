/**
 * `exfit plot_param -p FILE... -n NAME [-o DIR]`: a parameter's value ± error against residue
 * number for one or several parameter files (ChemEx's options), written as `<name>.svg`,
 * `<name>.pdf` and a one-page `<name>.html` under DIR.
 *
 * @module
 */
import type { Command } from "./command.ts";
import { basename, join } from "../config/paths.ts";

/** Options of the command. */
export interface PlotParamOptions {
  parameters: string[];
  name: string;
  output: string;
}

/**
 * File stem for a selector: lower case, runs of other characters as "_".
 *
 * @example
 * ```ts
 * plotParamStem("R2_A, B0->800MHz"); // "r2_a_b0_800mhz"
 * ```
 */
export function plotParamStem(selector: string): string {
  return selector.toLowerCase().replace(/[^a-z0-9.]+/g, "_").replace(/^_+|_+$/g, "") || "param";
}

/** A short distinct label per file: its name, or the path as given when names repeat. */
function labels(paths: string[]): string[] {
  const names = paths.map((p) => basename(p));
  return paths.map((p, k) => names.filter((n) => n === names[k]).length > 1 ? p : names[k]);
}

/**
 * Run the command; returns the written paths.
 *
 * @example
 * ```ts
 * await plotParam({ parameters: ["Output/Parameters/fitted.toml"], name: "DW_AB", output: "." });
 * ```
 */
export async function plotParam(o: PlotParamOptions): Promise<string[]> {
  const { parameterRows } = await import("../report/parameter_rows.ts");
  const { paramSeries, paramSvg } = await import("../report/param_plot.ts");
  const files = o.parameters.map((path, k) => {
    let text: string;
    try {
      text = Deno.readTextFileSync(path);
    } catch (e) {
      throw new Error(`${path}: cannot read the parameter file (${(e as Error).message})`);
    }
    return { label: labels(o.parameters)[k], rows: parameterRows("", text) };
  });
  const series = paramSeries(files, o.name);
  if (series.length === 0) {
    throw new Error(
      `no parameter with a residue number matches "${o.name}" in ${o.parameters.join(", ")}`,
    );
  }
  const svg = paramSvg(series, o.name);
  const { svgsToPdf } = await import("../report/svg_pdf.ts");
  const pdf = await svgsToPdf([svg], o.name);
  const { reportHtml, sortableTable, num } = await import("../report/html.ts");
  const { runtimeVersions } = await import("../report/run_report.ts");
  const table = sortableTable(
    "params",
    ["series", "name", "residue", "value", "error"],
    series.flatMap((s) =>
      s.points.map((p) => [
        { text: s.label },
        { text: p.name },
        { text: String(p.residue), sort: p.residue },
        { text: num(p.value), sort: p.value },
        { text: p.error === null ? "" : `±${num(p.error)}`, sort: p.error ?? "" },
      ])
    ),
  );
  const html = reportHtml({
    title: `exfit plot_param ${o.name}`,
    command: ["exfit plot_param -p", ...o.parameters, "-n", JSON.stringify(o.name)].join(" "),
    versions: runtimeVersions(),
    createdUtc: new Date().toISOString(),
    steps: [],
    sections: [{ id: "param", title: o.name, html: svg + table }],
  });
  const stem = plotParamStem(o.name);
  const { writeTreeAtomically } = await import("../output/atomic.ts");
  writeTreeAtomically(
    o.output,
    new Map<string, string | Uint8Array>([
      [`${stem}.svg`, svg],
      [`${stem}.pdf`, pdf],
      [`${stem}.html`, html],
    ]),
  );
  return ["svg", "pdf", "html"].map((ext) => join(o.output, `${stem}.${ext}`));
}

/**
 * Register `plot_param` on the program.
 *
 * @example
 * ```ts
 * addPlotParamCommand(new Command("exfit"));
 * ```
 */
export function addPlotParamCommand(program: Command): void {
  program.command("plot_param")
    .description("plot a parameter (value ± error) against residue number, as SVG, PDF and HTML")
    .requiredOption("-p, --parameters <files...>", "parameter files (e.g. Parameters/fitted.toml)")
    .requiredOption(
      "-n, --name <name>",
      'parameter name or selector, e.g. DW_AB or "R2_A, B0->800MHz"',
    )
    .option("-o, --output <dir>", "output directory", ".")
    .action(async (o: PlotParamOptions) => {
      for (const path of await plotParam(o)) console.log(path);
    });
}
