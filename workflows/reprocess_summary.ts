/**
 * The summary of a reprocessing run: per study what happened and how its key parameters moved
 * (previous value ± error → new value ± error, the change in units of the combined error), as
 * text and as an HTML page with one SVG chart per refitted study (previous and new values with
 * their error bars).
 *
 * @module
 */
import type { ParamValue, StudyOutcome } from "./reprocess.ts";

const fmt = (v: number | null | undefined) =>
  v === null || v === undefined ? "n/a" : Number(v.toPrecision(6)).toString();
const pm = (p?: ParamValue) => p ? `${fmt(p.value)} ± ${fmt(p.stderr)}` : "—";

/** Change in units of the combined error, when both errors are known. */
function sigmas(before?: ParamValue, after?: ParamValue): number | null {
  if (before?.value == null || after?.value == null) return null;
  const s = Math.hypot(before.stderr ?? NaN, after.stderr ?? NaN);
  return Number.isFinite(s) && s > 0 ? (after.value - before.value) / s : null;
}

function changeLine(c: StudyOutcome["changes"][number]): string {
  const s = sigmas(c.before, c.after);
  const delta = c.before?.value != null && c.after?.value != null
    ? `, change ${c.after.value - c.before.value >= 0 ? "+" : ""}${
      fmt(c.after.value - c.before.value)
    }${s === null ? "" : ` (${s.toFixed(1)} σ)`}`
    : "";
  return `${c.id}: ${pm(c.before)} -> ${pm(c.after)}${delta}`;
}

/**
 * The summary as text.
 *
 * @example
 * ```ts
 * console.log(summaryText(outcomes, "catalog.toml", new Date(), "exfit+3f2a9c0d1e4b"));
 * ```
 */
export function summaryText(
  outcomes: StudyOutcome[],
  catalog: string,
  time: Date,
  version: string,
): string {
  const lines = [`exfit reprocess ${catalog} at ${time.toISOString()} (${version})`];
  for (const o of outcomes) {
    if (o.status === "failed") lines.push(`  ${o.name}: FAILED: ${o.message}`);
    else if (o.status === "unchanged") lines.push(`  ${o.name}: unchanged (${o.entry})`);
    else {
      lines.push(`  ${o.name}: refitted -> ${o.entry}`);
      for (const c of o.changes) lines.push(`    ${changeLine(c)}`);
    }
  }
  const count = (s: string) => outcomes.filter((o) => o.status === s).length;
  lines.push(
    `${outcomes.length} studies: ${count("refitted")} refitted, ${count("unchanged")} unchanged, ` +
      `${count("failed")} failed`,
  );
  return lines.join("\n") + "\n";
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Vega-Lite chart of a study's key parameters: previous and new, with error bars. */
function chartSpec(o: StudyOutcome): object | null {
  const values = o.changes.flatMap((c) =>
    (["before", "after"] as const).flatMap((when) => {
      const p = c[when];
      if (p?.value == null) return [];
      const e = p.stderr ?? 0;
      return [{
        parameter: c.id,
        run: when === "before" ? "previous" : "new",
        value: p.value,
        low: p.value - e,
        high: p.value + e,
      }];
    })
  );
  if (values.length === 0) return null;
  return {
    data: { values },
    facet: { column: { field: "parameter", type: "nominal", title: null } },
    spec: {
      width: 120,
      height: 140,
      layer: [
        {
          mark: "rule",
          encoding: {
            x: { field: "run", type: "nominal", sort: ["previous", "new"], title: null },
            y: { field: "low", type: "quantitative", scale: { zero: false }, title: "value" },
            y2: { field: "high" },
          },
        },
        {
          mark: { type: "point", filled: true, size: 60 },
          encoding: {
            x: { field: "run", type: "nominal", sort: ["previous", "new"] },
            y: { field: "value", type: "quantitative" },
            color: { field: "run", type: "nominal", legend: null },
          },
        },
      ],
    },
    resolve: { scale: { y: "independent" } },
  };
}

/**
 * The summary as an HTML page with inline SVG charts.
 *
 * @example
 * ```ts
 * Deno.writeTextFileSync("summary.html", await summaryHtml(outcomes, "catalog.toml", new Date(), v));
 * ```
 */
export async function summaryHtml(
  outcomes: StudyOutcome[],
  catalog: string,
  time: Date,
  version: string,
): Promise<string> {
  // A URL built at run time: `deno run` loads the graph of every `import("literal")` (Vega here)
  // when this module loads, whether or not a summary is ever drawn.
  const { renderVegaLiteSvg } = await (import(
    new URL("../src/plot/svg.ts", import.meta.url).href
  ) as Promise<typeof import("../src/plot/svg.ts")>);
  const parts: string[] = [];
  for (const [index, o] of outcomes.entries()) {
    parts.push(`<section><h2>${esc(o.name)}: ${o.status}</h2>`);
    if (o.status === "failed") parts.push(`<p class="error">${esc(o.message ?? "")}</p>`);
    if (o.entry) parts.push(`<p><code>${esc(o.entry)}</code></p>`);
    if (o.status === "refitted" && o.changes.length) {
      parts.push(
        "<table><tr><th>parameter</th><th>previous</th><th>new</th><th>change</th></tr>" +
          o.changes.map((c) => {
            const s = sigmas(c.before, c.after);
            return `<tr><td>${esc(c.id)}</td><td>${esc(pm(c.before))}</td><td>${
              esc(pm(c.after))
            }</td><td>${s === null ? "" : `${s.toFixed(1)} σ`}</td></tr>`;
          }).join("") + "</table>",
      );
      const spec = chartSpec(o);
      // Inline SVGs share the page's id space: each chart gets its own prefix.
      if (spec) parts.push(await renderVegaLiteSvg(spec, { idPrefix: `s${index}-` }));
    }
    parts.push("</section>");
  }
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>exfit reprocess ${esc(catalog)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.2em .6em}.error{color:#b00}</style></head>
<body><h1>exfit reprocess</h1><p>${esc(catalog)} at ${time.toISOString()} (${esc(version)})</p>
${parts.join("\n")}
</body></html>
`;
}
