/**
 * From files to a typed study: experiment files, their data (with noise estimation and
 * filters), parameter files and the model. The only module of the fit path that reads files.
 *
 * @module
 */
import type { CompatVersion } from "../config/compat.ts";
import { migrationMessage, retiredInputs } from "../models/migration.ts";
import { formatConditions, parseParamName } from "../params/name.ts";
import { basename, dirname, extname, resolve } from "../config/paths.ts";
import { readExperimentFile } from "../config/experiment.ts";
import { checkCestKeys } from "../config/b1.ts";
import { type ProfileData, readProfileFile, readShiftFile } from "../config/data.ts";
import { estimateErrors } from "../config/noise.ts";
import { type ParameterEntry, readParameterFiles } from "../config/parameters.ts";
import { ConfigError } from "../config/errors.ts";
import { checkParameterDomains } from "./param_domains.ts";
import { applyFiniteDefaultBounds, checkBareValues } from "./default_bounds.ts";
import { tcFormOf } from "./tc_form.ts";
import { checkRelaxationFeasibility } from "./relaxation_feasibility.ts";
import {
  applyOffsetFilters,
  type PendingOffsetFilter,
  requireReferencePoint,
} from "./cest_data.ts";
import { EXPERIMENT_NAMES, EXPERIMENTS, schemaFor } from "../experiments/registry.ts";
import { kineticModel, type ModelSpec } from "../models/model.ts";
import type { ParamStore } from "../params/store.ts";
import { parseSpinSystem, spinSystemMatches } from "../params/spin_system.ts";
import {
  addExperiment,
  applyDefaults,
  type DefaultEntry,
  type ExperimentSpec,
  type ProfileInput,
  seedModelFree,
  type StudySpec,
} from "../fit/study.ts";

/** What the command line gives. */
export interface LoadOptions {
  experiments: string[];
  parameters: string[];
  model: ModelSpec;
  include?: string[];
  exclude?: string[];
  /** `--compat`: ChemEx release whose figures to reproduce (duplicates noise fallback). */
  compat?: CompatVersion;
}

/** A loaded study with its parameter store and messages for the user. */
export interface LoadedStudy {
  study: StudySpec;
  store: ParamStore;
  defaults: DefaultEntry[];
  notices: string[];
}

/**
 * Output stems: the file name without extension, with parent directories prepended only as far
 * as needed to make them unique.
 *
 * @example
 * ```ts
 * experimentStems(["a/500mhz.toml", "b/800mhz.toml"]); // ["500mhz", "800mhz"]
 * ```
 */
export function experimentStems(paths: string[]): string[] {
  const parts = paths.map((p) => {
    const abs = resolve(p);
    const stem = basename(abs, extname(abs));
    return [...dirname(abs).split("/").filter((s) => s !== ""), stem];
  });
  const stems = parts.map((p) => p[p.length - 1]);
  for (let depth = 2; depth <= Math.max(...parts.map((p) => p.length)); depth++) {
    const counts = new Map<string, number>();
    for (const s of stems) counts.set(s, (counts.get(s) ?? 0) + 1);
    let changed = false;
    parts.forEach((p, k) => {
      if ((counts.get(stems[k]) ?? 0) > 1 && p.length >= depth) {
        stems[k] = p.slice(p.length - depth).join("_");
        changed = true;
      }
    });
    if (!changed) break;
  }
  // ChemEx names files `stem.with_suffix(".dat")`, which replaces a dot part left in the stem:
  // 7.5hz.toml writes 7.dat (and 7.pdf).
  return stems.map((s) => {
    const dot = s.lastIndexOf(".");
    return dot > 0 && dot < s.length - 1 ? s.slice(0, dot) : s;
  });
}

/**
 * Read everything and build the study.
 *
 * @example
 * ```ts
 * const loaded = loadStudy({ experiments: ["Experiments/800mhz.toml"], parameters: ["Parameters/parameters.toml"], model: parseModel("2st") });
 * ```
 */
export function loadStudy(opts: LoadOptions): LoadedStudy {
  const notices: string[] = [];
  const pendingFilters: PendingOffsetFilter[] = [];
  // `.tc`: the parameter files decide the form, so they are read first (otherwise after the
  // experiments, whose errors come first).
  let early: ParameterEntry[] | undefined;
  let modelSpec = opts.model;
  if (modelSpec.tempCoef) {
    early = readParameterFiles(opts.parameters);
    const tc = tcFormOf(early, opts.compat);
    modelSpec = { ...modelSpec, tcForm: tc.form };
    if (tc.notice) notices.push(tc.notice);
  }
  const study: StudySpec = {
    model: modelSpec,
    experiments: [],
    profiles: [],
    ...(opts.compat === "2026.06" ? { methodRules: "2026.06" as const } : {}),
  };
  const store: ParamStore = new Map();
  const stems = experimentStems(opts.experiments);
  const model = kineticModel(opts.model);
  const inc = opts.include?.map((t) => parseSpinSystem(t));
  const exc = opts.exclude?.map((t) => parseSpinSystem(t));
  opts.experiments.forEach((path, e) => {
    const file = readExperimentFile(path, schemaFor, [...EXPERIMENT_NAMES]);
    checkCestKeys(file);
    if (file.notices) notices.push(...file.notices.map((n) => `${path}: ${n}`));
    for (const need of model.requires) {
      if (file.conditions[need] === undefined) {
        throw new ConfigError(
          path,
          `model "${opts.model.name}" needs [conditions] ${need}, which this file does not set`,
          { key: `conditions.${need}` },
        );
      }
    }
    const observed = file.observedStates.flatMap((s) =>
      s === "*all*" ? opts.model.states.filter((x) => x !== file.observedStates[0]) : [s]
    );
    for (const s of [...observed, ...(file.startStates ?? [])]) {
      if (!opts.model.states.includes(s)) {
        throw new ConfigError(
          path,
          `state "${s}" is not a state of model "${opts.model.name}" (states: ${
            opts.model.states.join(", ")
          })`,
          { key: "experiment.observed_state" },
        );
      }
    }
    const family = file.schema.family;
    // Command-line selection comes before noise estimation, as in ChemEx: the pooled σ of an
    // experiment only sees the profiles that are loaded.
    const selected = (p: { key: string }) => {
      const spin = parseSpinSystem(p.key);
      if (inc && !inc.some((q) => spinSystemMatches(spin, q))) return false;
      return !(exc && exc.some((q) => spinSystemMatches(spin, q)));
    };
    const entries = family === "shift"
      ? shiftEntries(file.data.path).filter(selected)
      : file.data.profiles
        .filter(selected)
        .flatMap((p) => p.files.map((f) => ({ key: p.key, data: readProfileFile(f, family) })));
    const { errors, notice } = estimateErrors(
      file.data.error,
      entries.map((x) => x.data),
      file.data.globalError,
      opts.compat,
    );
    if (notice) notices.push(`${path}: ${notice}`);
    const module = EXPERIMENTS[file.name];
    const profiles: ProfileInput[] = entries.map((entry, k) => {
      const d = entry.data;
      for (const x of d.x) {
        const why = module.checkX?.(x);
        if (why) throw new ConfigError(d.file, `profile '${entry.key}': ${why}`);
      }
      const mask = Array.from(d.x, (_x, i) => !file.data.filterPlanes.includes(i));
      if (file.data.filterRefPlanes) {
        Array.from(d.x).forEach((x, i) => {
          if (module.isReference(x)) mask[i] = false;
        });
      }
      if (family === "cest") requireReferencePoint(d.x, module.isReference, d.file, entry.key);
      const labels = d.states?.start.map((s, i) => s + d.states!.detect[i]);
      return { key: entry.key, x: d.x, exp: d.intensity, err: errors[k], mask, labels };
    });
    const spec: ExperimentSpec = {
      stem: stems[e],
      file: file.file,
      name: file.name,
      settings: file.settings,
      conditions: file.conditions,
      observed,
      start: file.startStates,
      scaled: file.data.scaled,
    };
    const first = study.profiles.length;
    addExperiment(study, store, spec, profiles);
    pendingFilters.push({
      experiment: study.experiments.length - 1,
      profiles: Array.from({ length: study.profiles.length - first }, (_, k) => first + k),
      filters: file.data.filterOffsets,
    });
  });
  const entries = early ?? readParameterFiles(opts.parameters);
  const defaults: DefaultEntry[] = entries;
  checkRetiredInputs(opts.model.name, defaults, opts.parameters);
  if (study.profiles.length === 0) {
    const how = inc || exc
      ? `--include ${opts.include?.join(" ") ?? "-"} / --exclude ${opts.exclude?.join(" ") ?? "-"}`
      : "the experiment files";
    throw new ConfigError(
      opts.experiments.join(", "),
      `no profile to fit: ${how} select none of the profiles`,
    );
  }
  seedModelFree(study, store, defaults);
  checkParameterDomains(store, entries);
  // ChemEx 2026.09's finite default bounds (#751); 2026.06.1 left them open.
  const finite = opts.compat !== "2026.06";
  if (finite) applyFiniteDefaultBounds(store);
  applyDefaults(store, defaults);
  if (finite) checkBareValues(store, entries);
  checkRelaxationFeasibility(study, store, entries);
  // Once, with the starting values (ChemEx filters before the first method step).
  applyOffsetFilters(study, store, pendingFilters);
  return { study, store, defaults, notices };
}

/** Parameter files setting inputs the model no longer takes get ChemEx's migration error. */
function checkRetiredInputs(model: string, entries: readonly DefaultEntry[], files: string[]) {
  const retired = retiredInputs(model);
  if (retired.length === 0) return;
  const byScope = new Map<string, Record<string, number>>();
  for (const e of entries) {
    const p = parseParamName(e.selector);
    if (!retired.includes(p.name)) continue;
    const scope = formatConditions(p.conditions);
    const values = byScope.get(scope) ?? {};
    values[p.name] = e.value;
    byScope.set(scope, values);
  }
  for (const [scope, values] of byScope) {
    throw new ConfigError(
      files.join(", "),
      `${scope ? `[${scope}] ` : ""}${migrationMessage(model, values)}`,
    );
  }
}

/**
 * A shift file as profiles: one single-point profile (x = 0) per row, so that shift
 * experiments go through the same evaluation and fit as intensity profiles.
 */
function shiftEntries(path: string): { key: string; data: ProfileData }[] {
  return readShiftFile(path).map((row) => ({
    key: row.spinSystem,
    data: {
      file: path,
      x: Float64Array.of(0),
      intensity: Float64Array.of(row.value),
      error: Float64Array.of(row.error),
    },
  }));
}
