/**
 * The role program of a method (ChemEx 2026.09 spec §1.4–§1.6): each step's effective roles
 * (FIT, FIX, DERIVED with its definition) computed from the baseline or from the step named by
 * `ROLES_FROM`, by its ordered actions. Roles never depend on values, so the whole program is
 * computed and validated before any step runs; a step then only swaps in its roles and keeps
 * the latest committed values.
 *
 * @module
 */
import { ConfigError } from "../config/errors.ts";
import type { RoleAction } from "../config/method_plan.ts";
import { parseSearchEntry } from "../config/method_search.ts";
import { parseParamName } from "../params/name.ts";
import { parseSpinSystem, spinSystemMatches } from "../params/spin_system.ts";
import { type ParamStore, selectIds } from "../params/store.ts";
import { applyConstraints } from "./constraints.ts";
import { migrationMessage, retiredInputs } from "../models/migration.ts";
import { resolveGrid } from "./grid_spec.ts";
import { selectProfiles, type StepSpec } from "./step.ts";
import type { StudySpec } from "./study.ts";

/** Role of one parameter: free or fixed, or derived through a definition. */
export interface RoleState {
  vary: boolean;
  expr: string;
}

/** Roles of every parameter. */
export type RoleSnapshot = Map<string, RoleState>;

/** What {@link planMethod} computes for each step. */
export interface MethodProgram {
  /** Effective roles of each step (aligned with the steps). */
  roles: RoleSnapshot[];
  /** Profiles each step selects. */
  selected: boolean[][];
  /** Warnings naming file and step (legacy method files only: v2 makes them errors). */
  warnings: string[];
}

/**
 * The roles of the store.
 *
 * @example
 * ```ts
 * const baseline = snapshotRoles(store);
 * ```
 */
export function snapshotRoles(store: ParamStore): RoleSnapshot {
  return new Map([...store.values()].map((p) => [p.id, { vary: p.vary, expr: p.expr }]));
}

/**
 * Put a snapshot's roles into the store (values untouched).
 *
 * @example
 * ```ts
 * restoreRoles(store, program.roles[1]);
 * ```
 */
export function restoreRoles(store: ParamStore, roles: RoleSnapshot): void {
  for (const [id, r] of roles) {
    const p = store.get(id);
    if (p) {
      p.vary = r.vary;
      p.expr = r.expr;
    }
  }
}

/** Ids that are FIT and unconstrained, used by one of the selected profiles. */
export function activeFitIds(
  store: ParamStore,
  study: StudySpec,
  selected: readonly boolean[],
): Set<string> {
  const out = new Set<string>();
  selected.forEach((s, k) => {
    if (!s) return;
    for (const id of study.profiles[k].paramIds) {
      const p = store.get(id);
      if (p && p.vary && !p.expr) out.add(id);
    }
  });
  return out;
}

function fail(step: StepSpec, detail: string): never {
  const file = step.origin?.file ?? "method file";
  throw new ConfigError(file, `step [${step.origin?.step ?? step.name}]: ${detail}`);
}

/** A method text naming an input the model no longer takes (spec §6.2) is an error. */
function checkRetired(study: StudySpec, step: StepSpec, what: string, text: string): void {
  const retired = retiredInputs(study.model.name);
  for (const name of retired) {
    if (new RegExp(`(^|[\\[\\s,])${name}(?=$|[\\]\\s,])`, "i").test(text)) {
      fail(step, `${what} "${text}": ${migrationMessage(study.model.name, {})}`);
    }
  }
}

/** Model constants no method may target (spec §6.6: the `.tc` reference temperature). */
const PROTECTED = new Set(["TREF"]);

function checkProtected(store: ParamStore, step: StepSpec, what: string, ids: string[]): void {
  const hit = ids.find((id) => PROTECTED.has(store.get(id)!.pname.name));
  if (hit === undefined) return;
  fail(
    step,
    `${what}: ${hit} is a protected model constant (the .tc reference temperature); set it in ` +
      `a parameter file ([GLOBAL] TREF = 20.0), never FIT, FIX or CONSTRAIN it`,
  );
}

function applyAction(
  store: ParamStore,
  step: StepSpec,
  action: RoleAction,
  study: StudySpec,
): void {
  const label = action.kind.toUpperCase();
  for (const text of action.items) checkRetired(study, step, label, text);
  if (action.kind === "constrain") {
    for (const text of action.items) {
      const lhs = text.slice(0, text.indexOf("=")).trim().replace(/^\[(.*)\]$/, "$1");
      let ids: string[] = [];
      try {
        ids = selectIds(store, parseParamName(lhs));
      } catch {
        // the constraint parser reports the syntax below
      }
      if (ids.length === 0 && text.includes("=")) {
        fail(step, `${label} "${text}": No parameter matches selector [${lhs}]`);
      }
      checkProtected(store, step, `${label} "${text}"`, ids);
    }
    applyConstraints(store, action.items, step.origin, study.methodRules ?? "2026.09");
    return;
  }
  for (const sel of action.items) {
    const ids = selectIds(store, sel);
    if (ids.length === 0) {
      fail(step, `${label} selector [${sel}]: No parameter matches selector [${sel}]`);
    }
    checkProtected(store, step, `${label} selector [${sel}]`, ids);
    for (const id of ids) {
      const p = store.get(id)!;
      p.vary = action.kind === "fit";
      p.expr = "";
    }
  }
}

/**
 * An INCLUDE entry that matches no loaded profile is an error in a v2 method file (ChemEx
 * 2026.09, #680) and a warning in a legacy one, which ChemEx has always run: its own 2stBinding
 * example INCLUDEs residue 490, whose data lines are commented out in every experiment file.
 */
function checkInclude(study: StudySpec, step: StepSpec, warnings: string[]): void {
  if (step.include === undefined || step.include === "all") return;
  const names = study.profiles.map((p) => parseSpinSystem(p.name));
  for (const item of step.include) {
    const pattern = parseSpinSystem(item);
    if (names.some((n) => spinSystemMatches(n, pattern))) continue;
    const detail = `INCLUDE selector "${item}" matches no loaded profile`;
    if (step.plan?.format === 2) fail(step, detail);
    warnings.push(
      `${step.origin?.file ?? "method file"}: step [${step.origin?.step ?? step.name}]: ` +
        `${detail}; ignored (a FORMAT_VERSION = 2 method file makes this an error)`,
    );
  }
}

function checkSearch(store: ParamStore, study: StudySpec, step: StepSpec, selected: boolean[]) {
  const search = step.search;
  if (!search) return;
  const texts = search.kind === "grid"
    ? search.axes
    : search.kind === "de"
    ? search.coordinates
    : [...search.hold, ...search.tryDwSigns];
  for (const t of texts) checkRetired(study, step, `SEARCH.${search.kind.toUpperCase()}`, t);
  const origin = step.origin ?? { file: "method file", step: step.name };
  const active = activeFitIds(store, study, selected);
  if (search.kind === "grid") {
    if (search.grammar === "v1") resolveGrid(store, search.axes, origin);
    else resolveGrid(store, search.axes, origin, { grammar: "v2", active, label: "GRID axis" });
    return;
  }
  if (search.kind === "de") {
    for (const text of search.coordinates) {
      const axes = resolveGrid(store, [text], origin, {
        grammar: "de",
        active,
        label: "DE coordinate",
      });
      if (axes.length !== 1) {
        fail(
          step,
          `DE coordinate "${text}" must resolve to exactly one FIT coordinate, found ` +
            `${axes.length} (${axes.map((a) => a.id).join(", ")})`,
        );
      }
    }
    return;
  }
  for (
    const [label, list] of [["HOLD", search.hold], ["TRY_DW_SIGNS", search.tryDwSigns]] as const
  ) {
    for (const sel of list) {
      const ids = selectIds(store, sel).filter((id) => active.has(id));
      if (ids.length === 0) {
        fail(
          step,
          `SEARCH.PREPARE ${label} [${sel}]: No parameter matches selector [${sel}] among the ` +
            `FIT, unconstrained parameters of the selected profiles`,
        );
      }
      if (label === "TRY_DW_SIGNS") {
        const bad = ids.filter((id) => !/^DW_[A-Z]{2}$/.test(store.get(id)!.pname.name));
        if (bad.length) {
          fail(
            step,
            `SEARCH.PREPARE TRY_DW_SIGNS [${sel}] takes only constant DW_XY shift differences; ` +
              `${bad.join(", ")} is not`,
          );
        }
      }
    }
  }
}

/**
 * Compute and validate every step's roles, selection and search targets before anything runs
 * (spec §1.6, newest): any invalid step is a {@link ConfigError} naming the file, the step and
 * the selector, and nothing has been changed. Steps with a `plan` start from the baseline or
 * from `plan.rolesFrom`; steps without (hand-built, legacy) from the previous step, applying
 * CONSTRAINTS, FIX, FIT. The store's own roles are left as they were.
 *
 * @example
 * ```ts
 * const program = planMethod(store, study, steps);
 * restoreRoles(store, program.roles[0]);
 * ```
 */
export function planMethod(store: ParamStore, study: StudySpec, steps: StepSpec[]): MethodProgram {
  const baseline = snapshotRoles(store);
  const scratch: ParamStore = new Map(
    [...store.values()].map((p) => [p.id, { ...p, stderr: null }]),
  );
  const roles: RoleSnapshot[] = [];
  const selectedAll: boolean[][] = [];
  const warnings: string[] = [];
  let selected = study.profiles.map(() => true);
  for (const [k, step] of steps.entries()) {
    const plan = step.plan;
    let start: RoleSnapshot;
    if (!plan) start = k > 0 ? roles[k - 1] : baseline;
    else if (plan.rolesFrom === null) start = baseline;
    else {
      const from = steps.findIndex((s) => (s.origin?.step ?? s.name) === plan.rolesFrom);
      if (from < 0 || from >= k) {
        fail(step, `ROLES_FROM = "${plan.rolesFrom}" is not an earlier step`);
      }
      start = roles[from];
    }
    restoreRoles(scratch, start);
    const actions: RoleAction[] = plan ? plan.roles : [
      { kind: "constrain", items: step.constraints },
      { kind: "fix", items: step.fix },
      { kind: "fit", items: step.fit },
    ].filter((a) => a.items.length > 0) as RoleAction[];
    for (const action of actions) applyAction(scratch, step, action, study);
    checkInclude(study, step, warnings);
    selected = selectProfiles(study, step, selected);
    checkSearch(scratch, study, step, selected);
    roles.push(snapshotRoles(scratch));
    selectedAll.push(selected);
  }
  return { roles, selected: selectedAll, warnings };
}

/** Parameter ids a DE coordinate or PREPARE selector resolves to among `active`. */
export function resolveActive(store: ParamStore, selector: string, active: ReadonlySet<string>) {
  return selectIds(store, selector).filter((id) => active.has(id));
}

/** The entry's ids and its box (DE). */
export function resolveDeCoordinate(
  store: ParamStore,
  text: string,
  active: ReadonlySet<string>,
): { id: string; low: number; high: number; log: boolean } {
  const e = parseSearchEntry(text, "de");
  const [id] = selectIds(store, e.pname).filter((i) => active.has(i));
  const [low, high] = e.values.values;
  return { id, low, high, log: e.values.spacing === "log" };
}
