/**
 * The model-comparison section of the HTML report: one sortable table with a row per unit and
 * model, the preferred model of each unit marked.
 *
 * @module
 */
import type { UnitComparison } from "./compare.ts";
import { escapeHtml, num, type ReportSection, sortableTable } from "./html.ts";

/**
 * Report section of a comparison.
 *
 * @example
 * ```ts
 * const section = comparisonSection(compareModels(fits));
 * ```
 */
export function comparisonSection(rows: UnitComparison[]): ReportSection {
  const global = rows.find((r) => r.kind === "global");
  const lead = global
    ? `<p>Preferred over the whole study (smallest AICc): <b>${
      escapeHtml(global.preferred)
    }</b>, evidence ratio ${escapeHtml(num(global.evidenceRatio))} against the runner-up.</p>`
    : "";
  const table = sortableTable(
    "compare",
    [
      "level",
      "unit",
      "model",
      "points",
      "params",
      "χ²",
      "reduced χ²",
      "AIC",
      "AICc",
      "BIC",
      "preferred",
      "evidence ratio",
    ],
    rows.flatMap((r) =>
      r.models.map((m) => [
        { text: r.kind },
        { text: r.unit },
        { text: m.model, cls: m.model === r.preferred ? "best" : undefined },
        { text: String(m.points), sort: m.points },
        { text: num(m.params), sort: m.params },
        { text: num(m.chi2), sort: m.chi2 },
        { text: num(m.redchi), sort: m.redchi },
        { text: num(m.aic), sort: m.aic },
        { text: num(m.aicc), sort: m.aicc },
        { text: num(m.bic), sort: m.bic },
        { text: m.model === r.preferred ? "yes" : "" },
        { text: m.model === r.preferred ? num(r.evidenceRatio) : "", sort: r.evidenceRatio },
      ])
    ),
  );
  return { id: "compare", title: "Model comparison", html: lead + table };
}
