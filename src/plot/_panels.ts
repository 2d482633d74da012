/**
 * Shared Vega-Lite builders for the CEST and CPMG figures: one panel of measured points with error
 * bars and the model curve, and the vertical stack of such panels rendered as SVG.
 *
 * @module
 */

export const RED = "#D32F2F";
export const CURVE_RED = "#E57373";
export const GREY = "#9E9E9E";

/** What one data panel shows; `x` and `y` are Vega-Lite encodings of the points and curve. */
export interface DataPanel {
  title: string;
  x: object;
  y: { field: string } & Record<string, unknown>;
  /** Layers drawn first, under the data (e.g. CEST's state rules). */
  background?: object[];
  /** Rows of the model curve, with the `x` and `y` fields. */
  curve: object[];
  /** Error bars: x field plus `lo`, `hi` and whether the point is used in the fit. */
  bars: { lo: number; hi: number; used: boolean }[];
  /** Rows (x and y fields) of the points used in the fit, or of those excluded. */
  marks: (used: boolean) => object[];
  /** Vega-Lite point size. */
  pointSize: number;
}

/**
 * One panel: the model curve as a line, error bars and points (those excluded from the fit
 * hollow and grey, those used filled and red).
 */
export function dataPanelSpec(panel: DataPanel): object {
  const { x, y } = panel;
  const barLayer = (used: boolean) => ({
    data: { values: panel.bars.filter((b) => b.used === used) },
    mark: { type: "rule", color: used ? RED : GREY },
    encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" } },
  });
  return {
    title: panel.title,
    width: 400,
    height: 220,
    layer: [
      ...(panel.background ?? []),
      {
        data: { values: panel.curve },
        mark: { type: "line", color: CURVE_RED },
        encoding: { x, y },
      },
      barLayer(false),
      barLayer(true),
      {
        data: { values: panel.marks(false) },
        mark: { type: "point", filled: false, color: GREY, size: panel.pointSize },
        encoding: { x, y },
      },
      {
        data: { values: panel.marks(true) },
        mark: { type: "point", filled: true, color: RED, size: panel.pointSize, opacity: 1 },
        encoding: { x, y },
      },
    ],
  };
}

/**
 * Render panels stacked vertically (independent scales) as an SVG document titled `title`. vega
 * is imported here, when a figure is drawn, so runs without plots never load it.
 */
export async function renderStackedSvg(panels: object[], title: string): Promise<string> {
  // A URL built at run time: `deno run` loads the graph of every `import("literal")` at start,
  // which would load vega into runs that never plot.
  const { renderVegaLiteSvg } = await (import(new URL("./svg.ts", import.meta.url).href) as Promise<
    typeof import("./svg.ts")
  >);
  return renderVegaLiteSvg({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    background: "white",
    vconcat: panels,
    resolve: { scale: { x: "independent", y: "independent" } },
    // Per-mark ARIA descriptions would triple the file size of a many-panel figure.
    config: { aria: false },
  });
}
