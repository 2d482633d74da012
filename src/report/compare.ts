/**
 * Model comparison (`exfit compare`): χ², reduced χ², AIC, AICc and BIC of each candidate model
 * over the whole study, per cluster (profiles linked by shared free parameters under any of the
 * models) and per residue, the preferred model (smallest AICc) and the evidence ratio against
 * the runner-up. Pure: fits come in as per-profile χ² and free-parameter sets.
 *
 * Definitions follow the fit statistics (`src/fit/step.ts`): AIC = χ² + 2k, BIC = χ² + k·ln n,
 * and AICc = AIC + 2k(k+1)/(n − k − 1) (infinite when n ≤ k + 1). A residue's k counts its own
 * free parameters fully and a parameter shared by r residues (KEX_AB, PB) as 1/r.
 *
 * @module
 */

/** One profile as fitted under one model. */
export interface ProfileFit {
  name: string;
  residue: string;
  chi2: number;
  points: number;
  /** Free parameter ids the profile depends on. */
  free: string[];
}

/** The fits of one candidate model, profile by profile in study order. */
export interface ModelFit {
  model: string;
  profiles: ProfileFit[];
}

/** Criteria of one model over one unit. */
export interface Criteria {
  model: string;
  points: number;
  params: number;
  chi2: number;
  redchi: number;
  aic: number;
  aicc: number;
  bic: number;
}

/** One compared unit (the study, a cluster or a residue). */
export interface UnitComparison {
  kind: "global" | "cluster" | "residue";
  /** "all", "cluster 1 (G23N, …)" or the residue label. */
  unit: string;
  profiles: string[];
  models: Criteria[];
  preferred: string;
  /** exp(ΔAICc/2) between the preferred model and the runner-up (capped at e^700). */
  evidenceRatio: number;
}

/**
 * Information criteria for χ² over n points with k free parameters.
 *
 * @example
 * ```ts
 * criteria("2st", 100, 98, 4).aic; // 108
 * ```
 */
export function criteria(model: string, chi2: number, points: number, params: number): Criteria {
  const dof = points - params;
  const aic = chi2 + 2 * params;
  return {
    model,
    points,
    params,
    chi2,
    redchi: dof > 0 ? chi2 / dof : Infinity,
    aic,
    aicc: points - params - 1 > 0
      ? aic + 2 * params * (params + 1) / (points - params - 1)
      : Infinity,
    bic: chi2 + Math.log(points) * params,
  };
}

function decide(models: Criteria[]): { preferred: string; evidenceRatio: number } {
  const order = models.slice().sort((a, b) => a.aicc - b.aicc || a.params - b.params);
  if (order.length < 2) return { preferred: order[0]?.model ?? "", evidenceRatio: 1 };
  const delta = order[1].aicc - order[0].aicc;
  const ratio = Number.isFinite(delta) ? Math.exp(Math.min(delta / 2, 700)) : Math.exp(700);
  return { preferred: order[0].model, evidenceRatio: ratio };
}

/** Union–find of profile indices. */
function clustersOf(fits: ModelFit[], n: number): number[][] {
  const parent = Array.from({ length: n }, (_, k) => k);
  const find = (k: number): number => (parent[k] === k ? k : (parent[k] = find(parent[k])));
  for (const fit of fits) {
    const owner = new Map<string, number>();
    fit.profiles.forEach((p, k) => {
      for (const id of p.free) {
        const o = owner.get(id);
        if (o === undefined) owner.set(id, k);
        else parent[find(k)] = find(o);
      }
    });
  }
  const groups = new Map<number, number[]>();
  for (let k = 0; k < n; k++) {
    const r = find(k);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r)!.push(k);
  }
  return [...groups.values()];
}

function unitCriteria(
  fit: ModelFit,
  members: number[],
  paramWeight: (id: string) => number,
): Criteria {
  let chi2 = 0;
  let points = 0;
  const free = new Set<string>();
  for (const k of members) {
    const p = fit.profiles[k];
    chi2 += p.chi2;
    points += p.points;
    for (const id of p.free) free.add(id);
  }
  let params = 0;
  for (const id of free) params += paramWeight(id);
  return criteria(fit.model, chi2, points, params);
}

/**
 * Compare candidate models over the study, its clusters and its residues. Every fit must list
 * the same profiles in the same order.
 *
 * @example
 * ```ts
 * const rows = compareModels([fit2st, fit3st]);
 * rows[0].kind; // "global"
 * ```
 */
export function compareModels(fits: ModelFit[]): UnitComparison[] {
  if (fits.length === 0) return [];
  const n = fits[0].profiles.length;
  for (const f of fits) {
    if (f.profiles.length !== n || f.profiles.some((p, k) => p.name !== fits[0].profiles[k].name)) {
      throw new Error(`model ${f.model} was fitted on other profiles than ${fits[0].model}`);
    }
  }
  const names = fits[0].profiles.map((p) => p.name);
  const unit = (
    kind: UnitComparison["kind"],
    label: string,
    members: number[],
    weight: (fit: ModelFit) => (id: string) => number,
  ): UnitComparison => {
    const models = fits.map((f) => unitCriteria(f, members, weight(f)));
    return {
      kind,
      unit: label,
      profiles: [...new Set(members.map((k) => names[k]))],
      models,
      ...decide(models),
    };
  };
  const all = names.map((_, k) => k);
  const out: UnitComparison[] = [unit("global", "all", all, () => () => 1)];
  const clusters = clustersOf(fits, n);
  if (clusters.length > 1) {
    clusters.forEach((members, c) => {
      const shown = members.slice(0, 3).map((k) => names[k]).join(", ") +
        (members.length > 3 ? ", …" : "");
      out.push(unit("cluster", `cluster ${c + 1} (${shown})`, members, () => () => 1));
    });
  }
  const residues = new Map<string, number[]>();
  fits[0].profiles.forEach((p, k) => {
    const r = p.residue || p.name;
    if (!residues.has(r)) residues.set(r, []);
    residues.get(r)!.push(k);
  });
  if (residues.size > 1) {
    const shares = fits.map((f) => {
      const residuesOf = new Map<string, Set<string>>();
      f.profiles.forEach((p) => {
        for (const id of p.free) {
          if (!residuesOf.has(id)) residuesOf.set(id, new Set());
          residuesOf.get(id)!.add(p.residue || p.name);
        }
      });
      return (id: string) => 1 / (residuesOf.get(id)?.size ?? 1);
    });
    for (const [label, members] of residues) {
      out.push(unit("residue", label, members, (f) => shares[fits.indexOf(f)]));
    }
  }
  return out;
}

function g(v: number, width: number): string {
  const text = !Number.isFinite(v)
    ? (v > 0 ? "inf" : "-inf")
    : Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3)
    ? v.toExponential(3)
    : String(Number(v.toPrecision(6)));
  return text.padStart(width);
}

/**
 * The comparison as a text table, one block per unit; `*` marks the preferred model.
 *
 * @example
 * ```ts
 * console.log(formatComparisonText(compareModels(fits)));
 * ```
 */
export function formatComparisonText(rows: UnitComparison[]): string {
  const head = ["model".padEnd(16), "points".padStart(7), "params".padStart(8)]
    .concat(["chi2", "red.chi2", "AIC", "AICc", "BIC"].map((h) => h.padStart(11)))
    .join(" ");
  const lines: string[] = [];
  for (const r of rows) {
    lines.push(
      `[${r.kind}] ${r.unit}: preferred ${r.preferred} (evidence ratio ${g(r.evidenceRatio, 0)})`,
    );
    lines.push(`  ${head}`);
    for (const m of r.models) {
      lines.push(
        `${m.model === r.preferred ? "* " : "  "}${m.model.padEnd(16)} ${
          String(m.points).padStart(7)
        } ${g(m.params, 8)} ${
          [m.chi2, m.redchi, m.aic, m.aicc, m.bic].map((v) => g(v, 11)).join(" ")
        }`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}

const BARE = /^[A-Za-z0-9_-]+$/;
const key = (k: string) => (BARE.test(k) ? k : JSON.stringify(k));
const tomlNum = (v: number) => (Number.isFinite(v) ? String(v) : v > 0 ? "inf" : "-inf");

/**
 * The comparison as TOML: `[global]`, `[clusters."…"]`, `[residues."…"]` tables with the
 * preferred model, the evidence ratio and one sub-table per model.
 *
 * @example
 * ```ts
 * Deno.writeTextFileSync("compare.toml", formatComparisonToml(compareModels(fits)));
 * ```
 */
export function formatComparisonToml(rows: UnitComparison[]): string {
  const out: string[] = [];
  for (const r of rows) {
    const base = r.kind === "global" ? "global" : `${r.kind}s.${key(r.unit)}`;
    out.push(`[${base}]`, `preferred = ${JSON.stringify(r.preferred)}`);
    out.push(`evidence_ratio = ${tomlNum(r.evidenceRatio)}`);
    out.push(`profiles = [${r.profiles.map((p) => JSON.stringify(p)).join(", ")}]`, "");
    for (const m of r.models) {
      out.push(`[${base}.models.${key(m.model)}]`);
      out.push(`points = ${m.points}`, `params = ${tomlNum(m.params)}`);
      out.push(`chisqr = ${tomlNum(m.chi2)}`, `redchi = ${tomlNum(m.redchi)}`);
      out.push(`aic = ${tomlNum(m.aic)}`, `aicc = ${tomlNum(m.aicc)}`, `bic = ${tomlNum(m.bic)}`);
      out.push("");
    }
  }
  return out.join("\n");
}
