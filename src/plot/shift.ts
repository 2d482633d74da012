/**
 * Shift-experiment plot: experimental versus calculated shift (ppb) of every spin system of an
 * experiment file, with error bars and the diagonal, as ChemEx draws it (Vega-Lite spec, rendered
 * to SVG by the caller). ChemEx writes no side files for shifts.
 *
 * @module
 */

/** One spin system of a shift experiment (ppb). */
export interface ShiftPoint {
  name: string;
  exp: number;
  err: number;
  calc: number;
}

const RED = "#D32F2F";

/**
 * Vega-Lite figure: Δδ_exp (y, with ±σ bars) against Δδ_fit (x) on equal square axes spanning
 * both, with the line y = x; hovering a point shows its spin system.
 *
 * @example
 * ```ts
 * const spec = shiftFigureSpec([{ name: "11N-H", exp: 1, err: 3.3, calc: 2.2 }], "sqmq_500");
 * ```
 */
export function shiftFigureSpec(points: ShiftPoint[], title: string): object {
  const finite = points.filter((p) => Number.isFinite(p.exp) && Number.isFinite(p.calc));
  const values = finite.flatMap((p) => [
    p.calc,
    p.exp - (Number.isFinite(p.err) ? p.err : 0),
    p.exp + (Number.isFinite(p.err) ? p.err : 0),
  ]);
  const lo = values.length > 0 ? Math.min(...values) : -1;
  const hi = values.length > 0 ? Math.max(...values) : 1;
  const margin = 0.05 * (hi - lo || 1);
  const domain = [lo - margin, hi + margin];
  const x = {
    field: "calc",
    type: "quantitative",
    title: "Δδ fit (ppb)",
    scale: { domain, nice: false },
  };
  const y = {
    field: "exp",
    type: "quantitative",
    title: "Δδ exp (ppb)",
    scale: { domain, nice: false },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title,
    width: 360,
    height: 360,
    layer: [
      {
        data: {
          values: [{ calc: domain[0], exp: domain[0] }, { calc: domain[1], exp: domain[1] }],
        },
        mark: { type: "line", color: "black", strokeWidth: 0.5 },
        encoding: { x, y },
      },
      {
        data: {
          values: finite.filter((p) => Number.isFinite(p.err)).map((p) => ({
            calc: p.calc,
            lo: p.exp - p.err,
            hi: p.exp + p.err,
          })),
        },
        mark: { type: "rule", color: RED },
        encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" } },
      },
      {
        data: { values: finite.map((p) => ({ name: p.name, calc: p.calc, exp: p.exp })) },
        mark: { type: "point", filled: true, color: RED, size: 30, opacity: 1 },
        encoding: { x, y, tooltip: { field: "name", type: "nominal" } },
      },
    ],
  };
}
