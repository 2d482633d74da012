/**
 * Files and figures of a GRID search: ChemEx 2026.09's `Grid/` layout (spec §5.4:
 * `Factors/*.tsv`, `Profiles/1D|2D/*.tsv`, `summary.toml`), the legacy `Grid/grid.out` tables of
 * v1 steps, and the Vega-Lite specs of `grid_1d`/`grid_2d`.
 *
 * @module
 */
import { pyExp, pyRepr } from "../math/pyformat.ts";
import { formatConditions, formatParamName } from "../params/name.ts";
import { compareSpinSystems, formatSpinSystem } from "../params/spin_system.ts";
import type { ParamStore } from "../params/store.ts";
import type { StudySpec } from "./study.ts";
import { type GridOutcome, gridPointAt, gridProfile, type GridTable } from "./grid_table.ts";

/**
 * The legacy `Grid/grid.out` text of a table: `# [P1] [P2] [χ²]`, then rows of `% .5e`.
 *
 * @example
 * ```ts
 * gridTableText(outcome.global!, new Map(outcome.axes.map((a) => [a.id, a.values])));
 * ```
 */
export function gridTableText(table: GridTable, values: ReadonlyMap<string, number[]>): string {
  const lines = [`# ${[...table.axes.map((id) => `[${id}]`), "[χ²]"].join(" ")}`];
  const axisValues = table.axes.map((id) => values.get(id)!);
  for (let i = 0; i < table.chisqr.length; i++) {
    const point = gridPointAt({ values: axisValues }, i);
    lines.push(`  ${[...point, table.chisqr[i]].map((v) => pyExp(v, 5)).join(" ")}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * File token of a parameter: ChemEx's `ParamName.folder`, lower-cased, runs outside
 * `[a-z0-9_.-]` replaced by `_` (e.g. `kex_ab`, `dw_ab_15n`).
 *
 * @example
 * ```ts
 * gridToken(store, "DW_AB, NUC->15N"); // "dw_ab_15n"
 * ```
 */
export function gridToken(store: ParamStore, id: string): string {
  const p = store.get(id)!.pname;
  const conds = formatConditions(p.conditions).split(", ").filter((s) => s !== "")
    .map((s) => s.slice(s.indexOf("->") + 2));
  const parts = [p.name, formatSpinSystem(p.spin), ...conds].filter((s) => s !== "");
  return parts.join("_").toLowerCase().replace(/[^a-z0-9_.-]+/g, "_");
}

function num(v: number): string {
  return Number.isFinite(v) ? pyRepr(v) : "";
}

/** Per experiment: the position of each study profile in it (1-based). */
function profileLabels(study: StudySpec): { e: number; p: number }[] {
  const seen = new Map<number, number>();
  return study.profiles.map((pr) => {
    const p = (seen.get(pr.experiment) ?? 0) + 1;
    seen.set(pr.experiment, p);
    return { e: pr.experiment + 1, p };
  });
}

/** Total χ² at the selected point (every table at the selected coordinates). */
function selectedChiSquare(outcome: GridOutcome): number {
  const values = new Map(outcome.axes.map((a) => [a.id, a.values]));
  let total = 0;
  for (const t of outcome.tables) {
    let index = 0;
    for (const [a, id] of t.axes.entries()) {
      index = index * t.shape[a] + values.get(id)!.indexOf(outcome.best.get(id)!);
    }
    total += t.chisqr[index];
  }
  return total;
}

/**
 * The files of ChemEx 2026.09's `Grid/` folder (spec §5.4), keyed by path under the step
 * folder. `objective_evaluations` counts the profile evaluations of each point's refit (residuals
 * and finite-difference columns; empty when the table came without counts).
 *
 * @example
 * ```ts
 * for (const [path, text] of gridLayoutFiles(outcome, study, store)) files.set(path, text);
 * ```
 */
export function gridLayoutFiles(
  outcome: GridOutcome,
  study: StudySpec,
  store: ParamStore,
): Map<string, string> {
  const files = new Map<string, string>();
  const values = new Map(outcome.axes.map((a) => [a.id, a.values]));
  const labels = profileLabels(study);
  const width = String(outcome.tables.length).length < 2 ? 2 : String(outcome.tables.length).length;
  outcome.tables.forEach((t, k) => {
    const group = outcome.groups[k] ?? [];
    const tokens = t.axes.map((id) => gridToken(store, id));
    const profs = group.length <= 4
      ? group.map((g) => `e${labels[g].e}p${labels[g].p}`).join("-")
      : `${group.length}_profiles`;
    const name = `factor_${String(k + 1).padStart(width, "0")}__${
      tokens.length ? tokens.join("__") : "constant"
    }__${profs}`;
    const profileCol = group.map((g) => `experiment_${labels[g].e}:profile_${labels[g].p}`)
      .join(";");
    const head = ["point", "profiles", ...tokens, "chi_square", "status", "selected"];
    const rows = [[...head, "objective_evaluations", "failure"].join("\t")];
    const axisValues = t.axes.map((id) => values.get(id)!);
    for (let i = 0; i < t.chisqr.length; i++) {
      const point = gridPointAt({ values: axisValues }, i);
      const ok = Number.isFinite(t.chisqr[i]);
      const selected = t.axes.every((id, a) => outcome.best.get(id) === point[a]);
      rows.push([
        String(i + 1),
        profileCol,
        ...point.map(num),
        ok ? num(t.chisqr[i]) : "",
        ok ? "ok" : "failed",
        String(selected),
        t.evaluations ? String(t.evaluations[i]) : "",
        ok ? "" : "refit failed",
      ].join("\t"));
    }
    files.set(`Grid/Factors/${name}.tsv`, rows.join("\n") + "\n");
  });
  const scanned = [...outcome.best.keys()];
  for (const id of scanned) {
    const tok = gridToken(store, id);
    const t = gridProfile(outcome, [id]);
    const rows = [`${tok}\tchi_square\tselected`];
    values.get(id)!.forEach((v, i) => {
      rows.push(`${num(v)}\t${num(t.chisqr[i])}\t${v === outcome.best.get(id)}`);
    });
    files.set(`Grid/Profiles/1D/${tok}.tsv`, rows.join("\n") + "\n");
  }
  for (const [a, b] of supportedPairs(outcome, store)) {
    const [ta, tb] = [gridToken(store, a), gridToken(store, b)];
    const t = gridProfile(outcome, [a, b]);
    const [va, vb] = [values.get(a)!, values.get(b)!];
    const rows = [`${ta}\t${tb}\tchi_square\tselected`];
    for (let i = 0; i < va.length; i++) {
      for (let j = 0; j < vb.length; j++) {
        const sel = va[i] === outcome.best.get(a) && vb[j] === outcome.best.get(b);
        rows.push(`${num(va[i])}\t${num(vb[j])}\t${num(t.chisqr[i * vb.length + j])}\t${sel}`);
      }
    }
    files.set(`Grid/Profiles/2D/${ta}__${tb}.tsv`, rows.join("\n") + "\n");
  }
  const summary = [
    `status = "complete"`,
    `selected_chi_square = ${pyRepr(selectedChiSquare(outcome))}`,
    `factor_count = ${outcome.tables.length}`,
  ];
  for (const a of outcome.axes) {
    if (!outcome.best.has(a.id)) continue;
    const p = store.get(a.id)!.pname;
    summary.push(
      "",
      "[[selected_axes]]",
      `parameter_id = '__${gridToken(store, a.id).toUpperCase()}'`,
      `name = '[${formatParamName(p)}]'`,
      `value = ${pyRepr(outcome.best.get(a.id)!)}`,
    );
  }
  files.set("Grid/summary.toml", summary.join("\n") + "\n");
  return files;
}

/** Axis order of the plots: by parameter name, then spin system, then id. */
function plotOrder(store: ParamStore, ids: readonly string[]): string[] {
  return ids.slice().sort((a, b) => {
    const pa = store.get(a)!.pname;
    const pb = store.get(b)!.pname;
    if (pa.name !== pb.name) return pa.name < pb.name ? -1 : 1;
    return compareSpinSystems(pa.spin, pb.spin) || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/** Pairs of axes scanned together by some factor ("factor-supported"), in plot order. */
function supportedPairs(outcome: GridOutcome, store: ParamStore): [string, string][] {
  const pairs = new Map<string, [string, string]>();
  for (const t of outcome.tables) {
    const ids = plotOrder(store, t.axes);
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        pairs.set(`${ids[i]}\u0000${ids[j]}`, [ids[i], ids[j]]);
      }
    }
  }
  return [...pairs.values()];
}

/**
 * Vega-Lite specs of the grid plots (`Grid/grid_1d.svg`: chi-square versus each scanned
 * parameter, minimized over the others; `Grid/grid_2d.svg`: maps for each pair scanned together
 * by some group). Rendering is the caller's (async) job.
 *
 * @example
 * ```ts
 * const figures = gridFigures(outcome, store); // Map { "Grid/grid_1d.svg" => spec, ... }
 * ```
 */
export function gridFigures(outcome: GridOutcome, store: ParamStore): Map<string, object> {
  const out = new Map<string, object>();
  const axes = new Map(outcome.axes.map((a) => [a.id, a]));
  const scanned = plotOrder(store, [...outcome.best.keys()]);
  if (scanned.length === 0) return out;
  const scale = (id: string) => axes.get(id)!.spacing === "log" ? { type: "log" } : { zero: false };
  const panels1d = scanned.map((id) => {
    const t = gridProfile(outcome, [id]);
    const rows = axes.get(id)!.values.map((v, i) => ({ v, chi2: t.chisqr[i] }));
    const x = { field: "v", type: "quantitative", title: id, scale: scale(id) };
    const y = { field: "chi2", type: "quantitative", title: "χ²", scale: { zero: false } };
    return {
      width: 360,
      height: 220,
      layer: [
        { data: { values: rows }, mark: { type: "line", point: true }, encoding: { x, y } },
        {
          data: { values: [{ v: outcome.best.get(id) }] },
          mark: { type: "rule", strokeDash: [4, 4], color: "#808080" },
          encoding: { x },
        },
      ],
    };
  });
  out.set("Grid/grid_1d.svg", {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    background: "white",
    vconcat: panels1d,
    config: { aria: false },
  });
  const pairs = supportedPairs(outcome, store);
  if (pairs.length > 0) {
    const panels2d = pairs.map(([a, b]) => {
      const t = gridProfile(outcome, [a, b]);
      const va = axes.get(a)!.values;
      const vb = axes.get(b)!.values;
      const rows = [];
      for (let i = 0; i < va.length; i++) {
        for (let j = 0; j < vb.length; j++) {
          rows.push({ x: va[i], y: vb[j], chi2: t.chisqr[i * vb.length + j] });
        }
      }
      return {
        width: 300,
        height: 300,
        data: { values: rows },
        mark: { type: "point", filled: true, size: 80 },
        encoding: {
          x: { field: "x", type: "quantitative", title: a, scale: scale(a) },
          y: { field: "y", type: "quantitative", title: b, scale: scale(b) },
          color: {
            field: "chi2",
            type: "quantitative",
            title: "χ²",
            scale: { type: "log", scheme: "viridis", reverse: true },
          },
        },
      };
    });
    out.set("Grid/grid_2d.svg", {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      background: "white",
      vconcat: panels2d,
      resolve: { scale: { color: "independent" } },
      config: { aria: false },
    });
  }
  return out;
}
