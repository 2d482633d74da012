/**
 * Experiment files (`-e`): the `[experiment]`, `[conditions]` and `[data]` tables of a ChemEx
 * experiment TOML file, validated against a per-experiment {@link ExperimentSchema}.
 *
 * The catalog of experiments (which keys each one takes) lives elsewhere; this module checks the
 * keys common to all experiments, each experiment's own keys against its schema, the states and
 * `[conditions]`; `[data]` is read by `experiment_data.ts`.
 *
 * @module
 */

import { dirname, resolve } from "./paths.ts";
import { didYouMean } from "./errors.ts";
import { CONDITION_DOMAINS, keyDomain } from "./domains.ts";
import { checkNameLength } from "./limits.ts";
import {
  describeValue,
  KeyContext,
  lowerCaseKeys,
  readTomlFile,
  type TomlKeyIndex,
  type TomlTable,
} from "./toml.ts";
import { type ExperimentData, parseData } from "./experiment_data.ts";
import type {
  ExperimentConditions,
  ExperimentSchema,
  KeySpec,
  KeyType,
} from "../experiments/schema.ts";

// The schema language (what an experiment type declares) belongs to the experiment catalog;
// it is re-exported here for the readers that validate against it.
export type {
  ExperimentConditions,
  ExperimentSchema,
  KeySpec,
  KeyType,
} from "../experiments/schema.ts";
export type { ErrorMode, ExperimentData } from "./experiment_data.ts";

/** A validated experiment file. */
export interface ExperimentFile {
  /** Absolute path of the experiment file. */
  file: string;
  /** Lower-case experiment name. */
  name: string;
  schema: ExperimentSchema;
  /**
   * Validated `[experiment]` values under their canonical lower-case key, with defaults applied.
   * Excludes `name`, `observed_state`, `start_state`, `cs_evolution_prior`, `detect_all_states`;
   * includes schema keys flagged `legacy` (e.g. `b1_inh_scale`) so they can be mapped. String
   * values are lower-cased (as ChemEx does); `table` values have lower-cased keys.
   */
  settings: Record<string, unknown>;
  /**
   * Observed states, lower-case letters; default `["a"]`; the first is the primary state. The
   * legacy `detect_all_states = true` is recorded as `[primary, "*all*"]`: `"*all*"` stands for
   * every other state of the model, to be expanded by the caller.
   */
  observedStates: string[];
  /**
   * Effective non-equilibrium starting states, or `null` for equilibrium. Already resolved:
   * `start_state = []` gives `null`; no `start_state` gives the observed states (without
   * `"*all*"`) when the schema has `defaultStartFromObserved`, else `null`; legacy
   * `cs_evolution_prior = true` gives `[primary]`, `false` gives `null`.
   */
  startStates: string[] | null;
  conditions: ExperimentConditions;
  data: ExperimentData;
  /** Non-fatal remarks (legacy keys, ignored keys) for the user. */
  notices?: string[];
  /** Key positions of the file, so later checks can name line and column without re-reading. */
  keys: TomlKeyIndex;
}

const STATE_LETTERS = ["a", "b", "c", "d", "e", "f"];
const LABELS = ["1H", "2H", "13C", "15N"];
const COMMON_KEYS = [
  "name",
  "observed_state",
  "start_state",
  "cs_evolution_prior",
  "detect_all_states",
];

/**
 * Read and validate an experiment file.
 *
 * `schemaFor` maps a lower-case experiment name to its schema; `knownNames` is used for the
 * "did you mean" hint when the name is unknown. Profile data files must exist (they are not read
 * here; see `readProfileFile`). Throws {@link ConfigError} for any invalid content.
 *
 * @example
 * ```ts
 * const schema: ExperimentSchema = {
 *   name: "cpmg_15n_ip",
 *   family: "cpmg",
 *   keys: {
 *     time_t2: { type: "number", required: true, min: 0 },
 *     carrier: { type: "number", required: true },
 *     pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
 *     time_equil: { type: "number", default: 0, min: 0 },
 *   },
 * };
 * const exp = readExperimentFile(
 *   "Experiments/800mhz.toml",
 *   (n) => (n === schema.name ? schema : undefined),
 *   [schema.name],
 * );
 * exp.settings.time_equil; // 0.002
 * exp.data.profiles[0]; // { key: "1N", files: ["/…/Data/800MHz/1N-HN.out"] }
 * ```
 */
export function readExperimentFile(
  path: string,
  schemaFor: (name: string) => ExperimentSchema | undefined,
  knownNames: string[],
): ExperimentFile {
  const file = resolve(path);
  const doc = readTomlFile(path);
  const ctx: KeyContext = new KeyContext(path, doc.keys);
  const notices: string[] = [];

  const top = lowerCaseKeys(doc.data, { file: path, keys: doc.keys });
  const tables = ["experiment", "conditions", "data"];
  const experimentRaw = requireTable(ctx, top, "experiment", tables);
  const conditionsRaw = requireTable(ctx, top, "conditions", tables);
  const dataRaw = requireTable(ctx, top, "data", tables);
  for (const key of Object.keys(top)) {
    if (!tables.includes(key)) {
      checkNameLength(key, path, "table name", doc.keys.locate([key]));
      ctx.fail(
        [key],
        `unknown table [${key}]; an experiment file has [experiment], [conditions] and [data]` +
          didYouMean(key, tables),
      );
    }
  }

  const experiment = lowerCaseKeys(experimentRaw, {
    file: path,
    keys: doc.keys,
    path: ["experiment"],
  });
  if (!("name" in experiment)) {
    ctx.fail(["experiment"], "missing required key 'name' in [experiment] (the experiment type)");
  }
  const name = ctx.string(experiment.name, ["experiment", "name"]).trim().toLowerCase();
  checkNameLength(name, path, "experiment name", doc.keys.locate(["experiment", "name"]));
  const schema = schemaFor(name);
  if (schema === undefined) {
    ctx.fail(
      ["experiment", "name"],
      `unknown experiment type "${name}"${didYouMean(name, knownNames)}`,
    );
  }

  const otherKeys = new Set(knownNames.flatMap((n) => Object.keys(schemaFor(n)?.keys ?? {})));
  const parsed = parseExperimentTable(ctx, experiment, schema, notices, otherKeys);
  const conditions = parseConditions(
    ctx,
    lowerCaseKeys(conditionsRaw, { file: path, keys: doc.keys, path: ["conditions"] }),
  );
  const data = parseData(
    ctx,
    lowerCaseKeys(dataRaw, { file: path, keys: doc.keys, path: ["data"] }),
    schema,
    dirname(file),
    notices,
  );

  const result: ExperimentFile = {
    file,
    name,
    schema,
    settings: parsed.settings,
    observedStates: parsed.observedStates,
    startStates: parsed.startStates,
    conditions,
    data,
    keys: doc.keys,
  };
  if (notices.length > 0) result.notices = notices;
  return result;
}

function requireTable(ctx: KeyContext, top: TomlTable, name: string, all: string[]): TomlTable {
  if (!(name in top)) {
    const others = Object.keys(top).filter((k) => !all.includes(k));
    const hint = didYouMean(name, others);
    ctx.fail([], `missing table [${name}]${hint}`);
  }
  return ctx.table(top[name], [name]);
}

function parseExperimentTable(
  ctx: KeyContext,
  table: TomlTable,
  schema: ExperimentSchema,
  notices: string[],
  otherKeys: ReadonlySet<string>,
): { settings: Record<string, unknown>; observedStates: string[]; startStates: string[] | null } {
  const singleState = schema.family === "shift" || schema.family === "exsy";
  const hasStart = !singleState;
  const canonical = new Map<string, string>();
  for (const [key, spec] of Object.entries(schema.keys)) {
    if (key === "filter_ref_planes") continue;
    canonical.set(key.toLowerCase(), key.toLowerCase());
    for (const alias of spec.aliases ?? []) canonical.set(alias.toLowerCase(), key.toLowerCase());
  }
  const specOf = (key: string): KeySpec => {
    const entry = Object.entries(schema.keys).find(([k]) => k.toLowerCase() === key);
    return entry![1];
  };
  const validKeys = [
    ...COMMON_KEYS.filter((k) => hasStart || (k !== "start_state" && k !== "cs_evolution_prior")),
    ...canonical.keys(),
  ];

  const settings: Record<string, unknown> = {};
  const givenAs: Record<string, string> = {};
  let observed: string[] = ["a"];
  let start: string[] | undefined;
  let csEvolutionPrior: boolean | undefined;
  let detectAll = false;

  for (const [key, value] of Object.entries(table)) {
    const path = ["experiment", key];
    switch (key) {
      case "name":
        continue;
      case "observed_state":
        observed = parseStates(ctx, value, path, { single: singleState, allowEmpty: false });
        continue;
      case "start_state":
        if (!hasStart) {
          notices.push(
            `${ctx.file}: 'start_state' is ignored by ${schema.family} experiments ` +
              `such as '${schema.name}'`,
          );
          continue;
        }
        start = parseStates(ctx, value, path, { single: false, allowEmpty: true });
        continue;
      case "cs_evolution_prior":
        if (!hasStart) break;
        csEvolutionPrior = ctx.boolean(value, path);
        notices.push(
          `${ctx.file}: legacy key 'cs_evolution_prior' read as ` +
            (csEvolutionPrior ? "start_state = observed_state" : "equilibrium start"),
        );
        continue;
      case "detect_all_states":
        detectAll = ctx.boolean(value, path);
        notices.push(
          `${ctx.file}: legacy key 'detect_all_states' read as ` +
            (detectAll ? "observed_state = all states" : "single-state detection"),
        );
        continue;
    }
    const target = canonical.get(key);
    if (target === undefined && schema.family !== "cest" && otherKeys.has(key)) {
      // ChemEx ignores keys of sibling experiments outside the CEST family, and its own example
      // files rely on that (e.g. `time_equil` in a `cpmg_1hn_ap` file): warn, do not fail.
      // A key no experiment knows is a typo and stays an error.
      notices.push(
        `${ctx.file}: key '${key}' is not used by '${schema.name}' and is ignored` +
          didYouMean(key, validKeys),
      );
      continue;
    }
    if (target === undefined) {
      ctx.fail(
        path,
        `unknown key '${key}' in [experiment] for experiment '${schema.name}'` +
          didYouMean(key, validKeys),
      );
    }
    const spec = specOf(target);
    const v = coerceKey(ctx, value, path, spec);
    if (target in settings) {
      if (!sameValue(settings[target], v)) {
        ctx.fail(
          path,
          `'${givenAs[target]}' and '${key}' both set '${target}' with different values; ` +
            "give only one of them",
        );
      }
      continue;
    }
    settings[target] = v;
    givenAs[target] = key;
    if (spec.legacy) {
      notices.push(`${ctx.file}: legacy key '${key}' in [experiment]`);
    }
  }

  for (const [key, spec] of Object.entries(schema.keys)) {
    const k = key.toLowerCase();
    if (k === "filter_ref_planes" || k in settings) continue;
    if (spec.required) {
      ctx.fail(
        ["experiment"],
        `missing required key '${k}' in [experiment] for experiment '${schema.name}'` +
          ` (expected ${describeType(spec)})`,
      );
    }
    if (spec.default !== undefined) settings[k] = spec.default;
  }

  if (csEvolutionPrior !== undefined && start !== undefined) {
    ctx.fail(
      ["experiment", "cs_evolution_prior"],
      "use either 'start_state' or the legacy 'cs_evolution_prior', not both",
    );
  }
  const observedStates = detectAll ? [...observed, "*all*"] : observed;
  let startStates: string[] | null;
  if (csEvolutionPrior !== undefined) {
    startStates = csEvolutionPrior ? [observed[0]] : null;
  } else if (start !== undefined) {
    startStates = start.length === 0 ? null : start;
  } else if (schema.defaultStartFromObserved && hasStart) {
    startStates = detectAll ? [observed[0]] : [...observed];
  } else {
    startStates = null;
  }
  return { settings, observedStates, startStates };
}

function describeType(spec: KeySpec): string {
  const range = [
    spec.min !== undefined ? `${spec.exclusiveMin ? ">" : ">="} ${spec.min}` : "",
    spec.max !== undefined ? `${spec.exclusiveMax ? "<" : "<="} ${spec.max}` : "",
  ].filter((s) => s).join(" and ");
  const base: Record<KeyType, string> = {
    number: "a number",
    integer: "an integer",
    boolean: "true or false",
    string: "a string",
    state: "a state letter",
    states: "a state letter or a list of state letters",
    table: "a table",
  };
  return range ? `${base[spec.type]} ${range}` : base[spec.type];
}

function coerceKey(ctx: KeyContext, value: unknown, path: string[], spec: KeySpec): unknown {
  switch (spec.type) {
    case "number":
      return ctx.number(value, path, keyDomain(path[path.length - 1], spec));
    case "integer":
      return ctx.integer(value, path, keyDomain(path[path.length - 1], spec));
    case "boolean":
      return ctx.boolean(value, path);
    case "string":
      return ctx.string(value, path).toLowerCase();
    case "state":
      return parseStates(ctx, value, path, { single: true, allowEmpty: false })[0];
    case "states":
      return parseStates(ctx, value, path, { single: false, allowEmpty: false });
    case "table":
      return lowerCaseKeys(ctx.table(value, path), {
        deep: true,
        file: ctx.file,
        keys: ctx.keys,
        path,
      });
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return describeValue(a) === describeValue(b);
}

function parseStates(
  ctx: KeyContext,
  value: unknown,
  path: string[],
  opts: { single: boolean; allowEmpty: boolean },
): string[] {
  const list = Array.isArray(value) ? value : [value];
  const what = opts.single ? "a state letter" : "a state letter or a list of state letters";
  if (Array.isArray(value) && opts.single && value.length !== 1) {
    ctx.fail(
      path,
      `${ctx.label(path)} must be a single state letter for this experiment, got ${
        describeValue(value)
      }`,
    );
  }
  if (list.length === 0 && !opts.allowEmpty) {
    ctx.fail(path, `${ctx.label(path)} must name at least one state`);
  }
  const states: string[] = [];
  for (const item of list) {
    if (typeof item !== "string") {
      ctx.fail(path, `${ctx.label(path)} must be ${what}, got ${describeValue(value)}`);
    }
    const s = item.trim().toLowerCase();
    if (!STATE_LETTERS.includes(s)) {
      ctx.fail(
        path,
        `${ctx.label(path)}: unknown state ${describeValue(item)}; ` +
          `expected one of ${STATE_LETTERS.map((x) => `"${x}"`).join(", ")}`,
      );
    }
    if (states.includes(s)) {
      ctx.fail(path, `${ctx.label(path)} lists state "${s}" twice`);
    }
    states.push(s);
  }
  return states;
}

/** The keys of `[conditions]` (ChemEx's `Conditions`). */
const CONDITION_KEYS = [
  "h_larmor_frq",
  "temperature",
  "p_total",
  "l_total",
  "d2o",
  "label",
] as const;

function parseConditions(ctx: KeyContext, table: TomlTable): ExperimentConditions {
  const out: ExperimentConditions = { label: [] };
  const p = (k: string) => ["conditions", k];
  // ChemEx drops unknown condition keys silently; a misspelt `temperatur` or `p_totl` would then
  // fit without its condition, so here it is an error (the set is the same for every experiment).
  // `sample` is the exception: ChemEx's example files describe the sample with it (commented
  // out), so a file that uncomments it still loads; it is a description and changes nothing.
  for (const key of Object.keys(table)) {
    if (key === "sample") continue;
    if (!(CONDITION_KEYS as readonly string[]).includes(key)) {
      ctx.fail(
        p(key),
        `unknown key '${key}' in [conditions]; expected ${
          CONDITION_KEYS.map((k) => `'${k}'`).join(", ")
        }${didYouMean(key, CONDITION_KEYS)}`,
      );
    }
  }
  for (const key of ["h_larmor_frq", "temperature", "p_total", "l_total", "d2o"] as const) {
    if (key in table) out[key] = ctx.number(table[key], p(key), CONDITION_DOMAINS[key]);
  }
  if ("label" in table) {
    const raw = table.label;
    const list = Array.isArray(raw) ? raw : [raw];
    for (const item of list) {
      const text = typeof item === "string" ? item.trim() : undefined;
      const match = text === undefined
        ? undefined
        : LABELS.find((l) => l.toLowerCase() === text.toLowerCase());
      if (match === undefined) {
        ctx.fail(
          p("label"),
          `${ctx.label(p("label"))}: unknown label ${describeValue(item)}; expected ` +
            `${LABELS.map((l) => `"${l}"`).join(", ")} (a string or a list of them)` +
            (text === undefined ? "" : didYouMean(text, LABELS)),
        );
      }
      if (!out.label.includes(match)) out.label.push(match);
    }
  }
  return out;
}
