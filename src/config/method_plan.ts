/**
 * The canonical plan of method steps that both method formats normalise to (ChemEx 2026.09
 * spec §1.4, §1.11): per step its profile selection, where its roles start (`rolesFrom`), its
 * ordered role actions, its search and its statistics.
 *
 * @module
 */
import type { MethodStep, StepStatistics } from "./method.ts";

/** One `ROLES` action: FIT, FIX or CONSTRAIN with its selectors / constraints. */
export interface RoleAction {
  kind: "fit" | "fix" | "constrain";
  items: string[];
}

/** A step's search (at most one). */
export type SearchSpec =
  | { kind: "grid"; axes: string[]; grammar: "v1" | "v2" }
  | { kind: "prepare"; hold: string[]; tryDwSigns: string[] }
  | { kind: "de"; /** Decimal text of the u64 seed. */ seed: string; coordinates: string[] };

/** One step of the canonical plan. */
export interface PlanStep {
  name: string;
  file: string;
  format: 1 | 2;
  /** Spin systems / residues or "all"; unset (v1 only) = keep the previous selection. */
  include?: string[] | "all";
  exclude?: string[] | "all";
  /** Step whose effective roles this one starts from; null = the baseline roles. */
  rolesFrom: string | null;
  roles: RoleAction[];
  search?: SearchSpec;
  statistics?: StepStatistics;
  /** Notice when a v1 file asked for a legacy lmfit FITMETHOD. */
  fitmethodWarning?: string;
  /** exfit's v1 `MULTISTART` (basin-search starts after each group's fit; src/fit/basins.ts). */
  multistart?: number;
}

/** What `readMethodPlan` returns. */
export interface MethodPlan {
  format: 1 | 2;
  steps: PlanStep[];
  /** Messages for the user (the v1 deprecation notice). */
  notices: string[];
}

/** The one-line notice printed once per invocation with v1 method files. */
export const V1_DEPRECATION =
  "method files without FORMAT_VERSION = 2 use the legacy v1 format, deprecated since ChemEx " +
  "2026.09.0 (supported through 2026.10, removed after); see docs/chemex-2026.09.md to convert";

/**
 * Normalise v1 steps (spec §1.11): selection = own keys or the previous step's (left unset);
 * roles start from the previous step; actions CONSTRAIN(all), FIX(all), FIT(all) (each only if
 * non-empty); search = the legacy GRID.
 *
 * @example
 * ```ts
 * normaliseV1(readMethodFiles(["method.toml"]))[1].rolesFrom; // "STEP1"
 * ```
 */
export function normaliseV1(steps: readonly MethodStep[]): PlanStep[] {
  return steps.map((s, k) => {
    const roles: RoleAction[] = [];
    if (s.constraints.length) roles.push({ kind: "constrain", items: s.constraints.slice() });
    if (s.fix.length) roles.push({ kind: "fix", items: s.fix.slice() });
    if (s.fit.length) roles.push({ kind: "fit", items: s.fit.slice() });
    const out: PlanStep = {
      name: s.name,
      file: s.file,
      format: 1,
      rolesFrom: k > 0 ? steps[k - 1].name : null,
      roles,
    };
    if (s.include !== undefined) out.include = s.include;
    if (s.exclude !== undefined) out.exclude = s.exclude;
    if (s.grid.length) {
      out.search = { kind: "grid", axes: s.grid.map(normaliseV1Grid), grammar: "v1" };
    }
    if (s.statistics) out.statistics = s.statistics;
    if (s.fitmethodWarning) out.fitmethodWarning = s.fitmethodWarning;
    if (s.multistart !== undefined) out.multistart = s.multistart;
    return out;
  });
}

/**
 * A v1 GRID string in the plan's form: spaces removed, `(v1, v2)` tuples as `values(v1,v2)`.
 *
 * @example
 * ```ts
 * normaliseV1Grid("[PB] = (0.1, 0.2)"); // "[PB]=values(0.1,0.2)"
 * ```
 */
export function normaliseV1Grid(entry: string): string {
  const compact = entry.replace(/\s+/g, "");
  return compact.replace(
    /=\((.*)\)$/,
    (_m, inner: string) => `=values(${inner.replace(/,$/, "")})`,
  );
}

function tomlString(s: string): string {
  return JSON.stringify(s);
}

function tomlList(items: readonly (string | number)[]): string {
  return `[${items.map((i) => typeof i === "string" ? tomlString(i) : String(i)).join(", ")}]`;
}

/**
 * The plan as a v2 method file (open question §8.9: exfit can print it, `exfit fit
 * --print-method`, to help users migrate). v1 steps render with explicit `ROLES_FROM` and their
 * inherited selection made explicit only where the file had one.
 *
 * @example
 * ```ts
 * renderPlan(plan).startsWith("FORMAT_VERSION = 2"); // true
 * ```
 */
export function renderPlan(plan: MethodPlan): string {
  const out = ["FORMAT_VERSION = 2"];
  for (const s of plan.steps) {
    out.push("", `[${/^[A-Za-z0-9_-]+$/.test(s.name) ? s.name : tomlString(s.name)}]`);
    const sel = (v: string[] | "all") => v === "all" ? '"ALL"' : tomlList(v);
    if (s.include !== undefined) out.push(`INCLUDE = ${sel(s.include)}`);
    if (s.exclude !== undefined) out.push(`EXCLUDE = ${sel(s.exclude)}`);
    if (s.rolesFrom) out.push(`ROLES_FROM = ${tomlString(s.rolesFrom)}`);
    if (s.roles.length) {
      const actions = s.roles.map((r) => `{ ${r.kind.toUpperCase()} = ${tomlList(r.items)} }`);
      out.push(`ROLES = [${actions.join(", ")}]`);
    }
    const st = s.statistics;
    if (st) {
      const parts: string[] = [];
      for (const k of ["mc", "bs", "bsn"] as const) {
        if (st[k] !== undefined) parts.push(`${k.toUpperCase()} = ${st[k]}`);
      }
      if (parts.length) out.push(`STATISTICS = { ${parts.join(", ")} }`);
      if (st.mcmc) {
        out.push("", `[${s.name}.STATISTICS.MCMC]`, `STEPS = ${st.mcmc.steps}`);
        if (st.mcmc.burn !== "auto") out.push(`BURN = ${st.mcmc.burn}`);
        if (st.mcmc.seed !== undefined) out.push(`SEED = ${st.mcmc.seed}`);
      }
    }
    const search = s.search;
    if (search?.kind === "grid") {
      out.push("", `[${s.name}.SEARCH.GRID]`, `AXES = ${tomlList(search.axes)}`);
    } else if (search?.kind === "prepare") {
      out.push("", `[${s.name}.SEARCH.PREPARE]`);
      if (search.hold.length) out.push(`HOLD = ${tomlList(search.hold)}`);
      if (search.tryDwSigns.length) out.push(`TRY_DW_SIGNS = ${tomlList(search.tryDwSigns)}`);
    } else if (search?.kind === "de") {
      out.push(
        "",
        `[${s.name}.SEARCH.DE]`,
        `SEED = ${search.seed}`,
        `COORDINATES = ${tomlList(search.coordinates)}`,
      );
    }
  }
  return out.join("\n") + "\n";
}
