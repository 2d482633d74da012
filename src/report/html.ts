/**
 * The self-contained HTML report: run summary, sortable parameter tables, every profile as a
 * small multiple (filterable by residue and experiment), and the step's other figures (grid maps,
 * statistics histograms and pair plots) as inline images. No network: styles, script, figures and
 * data are all in the one file.
 *
 * @module
 */
import type { FitStatistics } from "../fit/step.ts";
import type { ParameterRow } from "./parameter_rows.ts";
import type { ProfileFigure } from "./figures.ts";
import { profileSvg } from "./panel_svg.ts";

/** What the report shows of one step. */
export interface ReportStep {
  /** Step name ("" for a single unnamed step). */
  name: string;
  stats?: FitStatistics;
  freeParameters?: number;
  profiles?: number;
  warnings: string[];
  parameters: ParameterRow[];
  /** Fitted parameters against residue number (SVG documents). */
  sequenceFigures?: { title: string; svg: string }[];
  figures: ProfileFigure[];
  /** Other figures of the step (path in the step folder → SVG document). */
  extraFigures: { path: string; svg: string }[];
}

/** An extra report section (model comparison, parameter plots), already HTML. */
export interface ReportSection {
  id: string;
  title: string;
  html: string;
}

/** Everything the report shows. */
export interface ReportInput {
  title: string;
  /** The command line, as typed. */
  command: string;
  versions: Record<string, string>;
  createdUtc: string;
  steps: ReportStep[];
  sections?: ReportSection[];
  /** Run-wide warnings. */
  warnings?: string[];
}

/**
 * Escape text for HTML content and attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<a href="x">'); // "&lt;a href=&quot;x&quot;&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/**
 * A number for a table cell: 6 significant digits, "—" for null or non-finite.
 *
 * @example
 * ```ts
 * num(1234.56789); // "1234.57"
 * ```
 */
export function num(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
}

/**
 * A sortable table: headers and rows of cell texts; `data-v` keeps each cell's sort value.
 *
 * @example
 * ```ts
 * sortableTable("t", ["a"], [[{ text: "1", sort: 1 }]]).includes("<table"); // true
 * ```
 */
export function sortableTable(
  cls: string,
  headers: string[],
  rows: { text: string; sort?: number | string; cls?: string }[][],
): string {
  const head = headers.map((h, k) => `<th data-col="${k}">${escapeHtml(h)}</th>`).join("");
  const body = rows.map((row) =>
    `<tr>${
      row.map((c) =>
        `<td${c.cls ? ` class="${c.cls}"` : ""} data-v="${escapeHtml(String(c.sort ?? c.text))}">${
          escapeHtml(c.text)
        }</td>`
      ).join("")
    }</tr>`
  ).join("\n");
  return `<table class="sortable ${cls}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function summaryTable(steps: ReportStep[]): string {
  const rows = steps.filter((s) => s.stats).map((s) => {
    const st = s.stats!;
    return [
      { text: s.name || "fit" },
      { text: String(s.profiles ?? ""), sort: s.profiles ?? 0 },
      { text: String(st.ndata), sort: st.ndata },
      { text: String(st.nvarys), sort: st.nvarys },
      { text: num(st.chisqr), sort: st.chisqr },
      { text: num(st.redchi), sort: st.redchi },
      { text: num(st.aic), sort: st.aic },
      { text: num(st.bic), sort: st.bic },
      { text: num(st.chisqrTest), sort: st.chisqrTest },
      { text: num(st.ksTest), sort: st.ksTest },
    ];
  });
  return sortableTable("summary", [
    "step",
    "profiles",
    "points",
    "free parameters",
    "χ²",
    "reduced χ²",
    "AIC",
    "BIC",
    "χ² test p",
    "KS test p",
  ], rows);
}

function parameterTable(rows: ParameterRow[]): string {
  return sortableTable(
    "params",
    ["kind", "section", "name", "value", "error", "flags"],
    rows.map((p) => [
      { text: p.kind },
      { text: p.section },
      { text: p.key },
      { text: num(p.value), sort: p.value ?? "" },
      { text: p.error === null ? "" : `±${num(p.error)}`, sort: p.error ?? "" },
      { text: p.flags, cls: p.flags && p.kind === "fitted" ? "flag" : undefined },
    ]),
  );
}

function figureBlock(fig: ProfileFigure): string {
  return `<figure class="prof" data-residue="${escapeHtml(fig.residue)}" data-name="${
    escapeHtml(fig.name)
  }" data-exp="${escapeHtml(fig.experiment)}">${profileSvg(fig)}</figure>`;
}

function imageFigure(path: string, svg: string): string {
  // An <img> keeps each figure's ids (clip paths, gradients) from clashing with the others'.
  return `<figure class="extra"><img alt="${
    escapeHtml(path)
  }" src="data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}"><figcaption>${
    escapeHtml(path)
  }</figcaption></figure>`;
}

function stepSection(step: ReportStep, index: number): string {
  const title = step.name || "fit";
  const id = `step-${index}`;
  const experiments = [...new Set(step.figures.map((f) => f.experiment))];
  const warn = step.warnings.length
    ? `<ul class="warnings">${step.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul>`
    : "";
  const byExp = experiments.map((e) =>
    `<h4>${escapeHtml(e)}</h4><div class="grid">${
      step.figures.filter((f) => f.experiment === e).map(figureBlock).join("\n")
    }</div>`
  ).join("\n");
  const extra = step.extraFigures.length
    ? `<h3>Grid and statistics figures</h3><div class="extras">${
      step.extraFigures.map((f) => imageFigure(f.path, f.svg)).join("\n")
    }</div>`
    : "";
  const sequence = step.sequenceFigures?.length
    ? `<h3>Along the sequence</h3><div class="extras">${
      step.sequenceFigures.map((f) => `<figure class="seq">${f.svg}</figure>`).join("\n")
    }</div>`
    : "";
  return `<section class="step" id="${id}"><h2>Step ${escapeHtml(title)}</h2>${warn}
<details open><summary><h3>Parameters (${step.parameters.length})</h3></summary>${
    parameterTable(step.parameters)
  }</details>
${sequence}
<h3>Profiles (<span class="shown">${step.figures.length}</span> of ${step.figures.length})</h3>
<div class="filter">residue <input type="search" class="residue" placeholder="e.g. G23 or 23">
 experiment <select class="experiment"><option value="">all</option>${
    experiments.map((e) => `<option>${escapeHtml(e)}</option>`).join("")
  }</select></div>
${byExp}
${extra}</section>`;
}

const STYLE = `body{font-family:sans-serif;margin:1em 2em;color:#222}
table{border-collapse:collapse;margin:.5em 0;font-size:13px}
th,td{border:1px solid #ccc;padding:2px 6px;text-align:right}
th{background:#f3f3f3;cursor:pointer;user-select:none}
th.asc::after{content:" ▲"}th.desc::after{content:" ▼"}
td:nth-child(-n+3){text-align:left}td.flag{color:#b00}td.best{font-weight:bold}
.grid{display:flex;flex-wrap:wrap;gap:6px}figure{margin:0}
.extras img{max-width:100%}.warnings li{color:#b00}
.filter{margin:.5em 0}nav a{margin-right:1em}
.hidden{display:none}summary h3{display:inline}code{background:#f6f6f6;padding:1px 4px}`;

const SCRIPT = `(function(){
function val(td){var v=td.getAttribute('data-v');var n=parseFloat(v);return v!==''&&isFinite(n)&&String(n)!=='NaN'&&/^[-+0-9.eE]+$/.test(v)?n:v;}
document.querySelectorAll('table.sortable').forEach(function(t){
 t.querySelectorAll('th').forEach(function(th,k){th.addEventListener('click',function(){
  var asc=!th.classList.contains('asc');t.querySelectorAll('th').forEach(function(h){h.classList.remove('asc','desc');});
  th.classList.add(asc?'asc':'desc');var body=t.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
  rows.sort(function(a,b){var x=val(a.cells[k]),y=val(b.cells[k]);
   var c=(typeof x==='number'&&typeof y==='number')?x-y:String(x).localeCompare(String(y),undefined,{numeric:true});return asc?c:-c;});
  rows.forEach(function(r){body.appendChild(r);});});});});
document.querySelectorAll('section.step').forEach(function(s){
 var input=s.querySelector('input.residue'),sel=s.querySelector('select.experiment'),shown=s.querySelector('.shown');
 if(!input)return;
 function apply(){var q=input.value.trim().toUpperCase(),e=sel.value,n=0;
  s.querySelectorAll('figure.prof').forEach(function(f){
   var r=(f.getAttribute('data-residue')||'').toUpperCase(),name=(f.getAttribute('data-name')||'').toUpperCase();
   var ok=(!q||r===q||r.replace(/^[A-Z]+/,'')===q||name.indexOf(q)===0)&&(!e||f.getAttribute('data-exp')===e);
   f.classList.toggle('hidden',!ok);if(ok)n++;});
  s.querySelectorAll('h4').forEach(function(h){var g=h.nextElementSibling;h.classList.toggle('hidden',!g.querySelector('figure.prof:not(.hidden)'));});
  shown.textContent=String(n);}
 input.addEventListener('input',apply);sel.addEventListener('change',apply);});
})();`;

/**
 * The report document.
 *
 * @example
 * ```ts
 * const html = reportHtml({ title: "exfit fit", command: "exfit fit ...", versions: {},
 *   createdUtc: new Date().toISOString(), steps: [] });
 * html.startsWith("<!DOCTYPE html>"); // true
 * ```
 */
export function reportHtml(input: ReportInput): string {
  const versions = Object.entries(input.versions).map(([k, v]) =>
    `${escapeHtml(k)} ${escapeHtml(v)}`
  ).join(", ");
  const nav = [
    ...input.steps.map((s, k) => `<a href="#step-${k}">${escapeHtml(s.name || "fit")}</a>`),
    ...(input.sections ?? []).map((s) =>
      `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`
    ),
  ].join("");
  const allWarnings = [
    ...(input.warnings ?? []),
    ...input.steps.flatMap((s) => s.warnings.map((w) => `${s.name || "fit"}: ${w}`)),
  ];
  const data = {
    command: input.command,
    steps: input.steps.map((s) => ({ name: s.name, stats: s.stats, parameters: s.parameters })),
  };
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>${escapeHtml(input.title)}</title><style>${STYLE}</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
<p>Command: <code>${escapeHtml(input.command)}</code><br>Versions: ${versions}<br>Written ${
    escapeHtml(input.createdUtc)
  }</p>
<nav>${nav}</nav>
${
    input.steps.some((s) => s.stats)
      ? `<section id="summary"><h2>Summary</h2>${summaryTable(input.steps)}</section>`
      : ""
  }
${
    allWarnings.length
      ? `<section id="warnings"><h2>Warnings</h2><ul class="warnings">${
        allWarnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")
      }</ul></section>`
      : ""
  }
${input.steps.map(stepSection).join("\n")}
${
    (input.sections ?? []).map((s) =>
      `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>${s.html}</section>`
    ).join("\n")
  }
<script type="application/json" id="exfit-data">${
    JSON.stringify(data).replace(/</g, "\\u003c")
  }</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
