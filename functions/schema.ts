/**
 * The function payloads as valibot schemas: one schema per request and reply kind is the single
 * source of their TypeScript types (`v.InferOutput`) and of their checks — shapes, finite
 * numbers, lengths that must agree, ids that must be listed, experiment settings against the
 * experiment's own schema and physical domains, and the per-request limits that keep one request
 * from occupying a server for hours. {@link parsePayloadWith} turns the first issue into a
 * {@link PayloadError} naming the field (`chunk.profiles[3].x[2]`), so the server answers 400.
 *
 * @module
 */
import * as v from "valibot";
import { CHUNK_VERSION } from "../src/fit/chunk.ts";
import { EXPERIMENTS, schemaFor } from "../src/experiments/registry.ts";
import { isModelName } from "../src/models/model.ts";
import { CONDITION_DOMAINS, keyDomain } from "../src/config/domains.ts";
import { describeRange, type NumberRange } from "../src/config/toml.ts";
import { PayloadError } from "./validate.ts";

/** Version of every function payload; a request of another version is refused with 400. */
import { PAYLOAD_VERSION } from "./payload.ts";
export { PAYLOAD_VERSION };

/**
 * Per-request limits. The workflows send far less (25 grid points, 4 replicates per item); a
 * request above them is refused with 400 instead of occupying a worker for hours.
 */
export const REQUEST_LIMITS = {
  /** Profiles in one chunk. */
  profiles: 10_000,
  /** Points of one profile. */
  points: 100_000,
  /** Parameters of one request. */
  params: 100_000,
  /** Grid points of one `grid` request (its indices, or the whole grid when none are given). */
  gridPoints: 1_000,
  /** Values of one grid axis. */
  gridValues: 10_000,
  /** Replicates of one `replicate` request. */
  replicates: 64,
  /** Characters of an id or a parameter definition. */
  text: 10_000,
} as const;

/** Largest ncyc of a CPMG point, and magnitude of other x values (as the data reader). */
const MAX_NCYC = 1_000_000;
const MAX_X = 1e100;

const finite = v.pipe(v.number(), v.finite());

/**
 * An array of at most `max` items of `item`, the length checked before any item: an oversized
 * request is refused without walking its elements.
 */
function boundedArray<T extends v.GenericSchema>(item: T, max: number) {
  return v.pipe(v.array(v.unknown()), v.maxLength(max), v.array(item));
}
const index = v.pipe(v.number(), v.integer(), v.minValue(0));
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const name = v.pipe(v.string(), v.maxLength(256));
const state = v.picklist(["a", "b", "c", "d", "e", "f", "g", "h"]);
const nullableFinite = v.nullable(finite);

const ModelSchema = v.object({
  name: v.pipe(
    v.string(),
    // `--compat 2026.06` runs send the models that release had (`4st@2026.06`, …) too.
    v.check(isModelName, "a known kinetic model name"),
  ),
  states: v.pipe(v.array(state), v.minLength(1), v.maxLength(8)),
  modelFree: v.boolean(),
  residueSpecific: v.boolean(),
  tempCoef: v.boolean(),
  tcForm: v.optional(v.picklist(["tref", "dwp"])),
});

function inRange(x: number, r: NumberRange): boolean {
  if (r.min !== undefined && !(r.exclusiveMin ? x > r.min : x >= r.min)) return false;
  return !(r.max !== undefined && !(r.exclusiveMax ? x < r.max : x <= r.max));
}

/** A problem found by a cross-field check: relative field, what was expected, what came. */
interface Problem {
  field: string;
  expected: string;
  received: unknown;
}

const problem = (field: string, expected: string, received: unknown): Problem => ({
  field,
  expected,
  received,
});

// Issues of cross-field checks carry their Problem as JSON behind this mark.
const MARK = "\u0000problem:";

/** First problem of an experiment's settings against its schema, or null. */
function settingsProblem(experiment: string, settings: Record<string, unknown>): Problem | null {
  const schema = schemaFor(experiment);
  if (schema === undefined) return null; // the name check reports it
  for (const [key, value] of Object.entries(settings)) {
    const spec = Object.hasOwn(schema.keys, key) ? schema.keys[key] : undefined;
    if (typeof value === "number") {
      const range = keyDomain(key, spec ?? {});
      const ok = (Number.isFinite(value) || (range.allowInfinity && value === Infinity)) &&
        inRange(value, range) && (spec?.type !== "integer" || Number.isInteger(value));
      if (!ok) {
        const what = spec?.type === "integer" ? "an integer" : "a finite number";
        const r = describeRange(range);
        return problem(`settings.${key}`, `${what}${r ? ` ${r}` : ""}`, value);
      }
    } else if (spec && (spec.type === "number" || spec.type === "integer")) {
      return problem(`settings.${key}`, "a number", value);
    } else if (spec?.type === "boolean" && typeof value !== "boolean") {
      return problem(`settings.${key}`, "true or false", value);
    }
  }
  // The client sends settings with defaults applied (as read from the experiment file).
  for (const [key, spec] of Object.entries(schema.keys)) {
    if (key === "filter_ref_planes") continue; // a [data] default, not a setting
    if ((spec.required || spec.default !== undefined) && !(key in settings)) {
      return problem(`settings.${key}`, "a value (required)", undefined);
    }
  }
  return null;
}

/** First problem of an experiment's conditions, or null. */
function conditionsProblem(conditions: Record<string, unknown>): Problem | null {
  for (const [key, range] of Object.entries(CONDITION_DOMAINS)) {
    const value = conditions[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || !inRange(value, range)) {
      return problem(`conditions.${key}`, `a finite number ${describeRange(range)}`, value);
    }
  }
  return null;
}

const ExperimentSchema = v.pipe(
  v.object({
    stem: name,
    file: v.pipe(v.string(), v.maxLength(4096)),
    name: v.pipe(
      v.string(),
      v.check((n) => Object.hasOwn(EXPERIMENTS, n), "a known experiment name"),
    ),
    settings: v.record(name, v.unknown()),
    conditions: v.looseObject({ label: v.array(v.picklist(["1H", "2H", "13C", "15N"])) }),
    observed: v.pipe(v.array(state), v.minLength(1)),
    start: v.nullable(v.array(state)),
    scaled: v.boolean(),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const e = dataset.value;
    const found = settingsProblem(e.name, e.settings) ?? conditionsProblem(e.conditions);
    if (found) addIssue({ message: MARK + JSON.stringify(found) });
  }),
);

const ProfileSchema = v.pipe(
  v.object({
    experiment: index,
    name,
    x: v.pipe(boundedArray(finite, REQUEST_LIMITS.points), v.minLength(1)),
    exp: v.array(finite),
    err: v.array(v.pipe(finite, v.gtValue(0))),
    mask: v.array(v.boolean()),
    localNames: v.array(name),
    paramIds: v.array(id),
    labels: v.optional(v.array(name)),
  }),
  v.forward(v.check((p) => p.exp.length === p.x.length, "one value per x"), ["exp"]),
  v.forward(v.check((p) => p.err.length === p.x.length, "one value per x"), ["err"]),
  v.forward(v.check((p) => p.mask.length === p.x.length, "one value per x"), ["mask"]),
  v.forward(
    v.check((p) => p.paramIds.length === p.localNames.length, "one id per local name"),
    ["paramIds"],
  ),
  v.forward(
    v.check((p) => p.labels === undefined || p.labels.length === p.x.length, "one label per x"),
    ["labels"],
  ),
);

/** A chunk (a slice of a study), as sent to the functions. */
export const ChunkSchema = v.pipe(
  v.object({
    version: v.literal(CHUNK_VERSION, `chunk version ${CHUNK_VERSION}`),
    model: ModelSchema,
    experiments: v.pipe(v.array(ExperimentSchema), v.minLength(1)),
    profiles: v.pipe(boundedArray(ProfileSchema, REQUEST_LIMITS.profiles), v.minLength(1)),
    source: v.array(index),
    /** How fits of this chunk compute Jacobians (default "exact"). */
    jacobian: v.optional(v.picklist(["exact", "forward", "central"])),
  }),
  v.forward(
    v.check(
      (c) => c.profiles.every((p) => p.experiment < c.experiments.length),
      "profiles[k].experiment below the number of experiments",
    ),
    ["profiles"],
  ),
  v.forward(
    v.check((c) => c.source.length === c.profiles.length, "one source index per profile"),
    ["source"],
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const c = dataset.value;
    for (const [k, p] of c.profiles.entries()) {
      const name = c.experiments[p.experiment]?.name;
      const ncyc = name !== undefined && EXPERIMENTS[name]?.xKind === "ncyc";
      const i = p.x.findIndex((x) =>
        ncyc ? !(Number.isInteger(x) && x >= -1 && x <= MAX_NCYC) : !(Math.abs(x) <= MAX_X)
      );
      if (i >= 0) {
        const expected = ncyc
          ? `a whole number of cycles from -1 to ${MAX_NCYC}`
          : `a number of magnitude at most ${MAX_X}`;
        addIssue({
          message: MARK + JSON.stringify(problem(`profiles[${k}].x[${i}]`, expected, p.x[i])),
        });
        return;
      }
    }
  }),
);

const ParamSchema = v.pipe(
  v.object({
    id,
    // As in parameter files: beyond this no NMR parameter is physical, and matrices overflow.
    value: v.pipe(finite, v.minValue(-1e12), v.maxValue(1e12)),
    min: nullableFinite,
    max: nullableFinite,
    vary: v.boolean(),
    expr: v.pipe(v.string(), v.maxLength(REQUEST_LIMITS.text)),
  }),
  v.forward(
    v.check(
      (p) => p.min === null || p.max === null || p.min <= p.max,
      "a bound not below min",
    ),
    ["max"],
  ),
);

const REFERENCE = /\[([^[\]]+)\]/g;

/** Fields every request has, with the cross-checks between chunk and params. */
const base = {
  version: v.literal(PAYLOAD_VERSION, `payload version ${PAYLOAD_VERSION}`),
  id,
  chunk: ChunkSchema,
  params: boundedArray(ParamSchema, REQUEST_LIMITS.params),
};

type BaseShape = {
  params: { id: string; expr: string }[];
  chunk: { profiles: { paramIds: string[] }[] };
};

function paramsProblem(o: BaseShape): Problem | null {
  const ids = new Set<string>();
  for (const [k, p] of o.params.entries()) {
    if (ids.has(p.id)) return problem(`params[${k}].id`, "an id not listed before", p.id);
    ids.add(p.id);
  }
  for (const [k, p] of o.params.entries()) {
    for (const m of p.expr.matchAll(REFERENCE)) {
      if (!ids.has(m[1].trim())) {
        return problem(`params[${k}].expr`, "references to ids listed in params", p.expr);
      }
    }
  }
  for (const [k, p] of o.chunk.profiles.entries()) {
    for (const [i, pid] of p.paramIds.entries()) {
      if (!ids.has(pid)) {
        return problem(`chunk.profiles[${k}].paramIds[${i}]`, "an id listed in params", pid);
      }
    }
  }
  return null;
}

function crossCheck<T extends BaseShape>(extra?: (o: T) => Problem | null) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const found = paramsProblem(dataset.value) ?? extra?.(dataset.value) ?? null;
    if (found) addIssue({ message: MARK + JSON.stringify(found) });
  });
}

/** A refit's evaluation budget (`--max-evaluations`); absent: the solver's default. */
const maxNfev = v.optional(
  v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
);

/** `evaluate`: residuals at the given values, and optionally Jacobian blocks. */
export const EvaluatePayloadSchema = v.pipe(
  v.object({ ...base, jacobian: v.optional(v.boolean()) }),
  crossCheck(),
);

/** `fit`: fit the chunk's free parameters; fixed (vary=false) values are held as given. */
export const FitPayloadSchema = v.pipe(
  v.object({
    ...base,
    /** Variable scaling of the TRF (`src/fit/group_solve.ts`); default "jac". */
    xScale: v.optional(v.picklist(["jac", "start"])),
    /** Evaluation budget (a basin-search start's); default the full one. */
    maxNfev,
  }),
  crossCheck(),
);

/**
 * `grid`: chi-square at points of a grid over `axes` (parameter ids of the chunk), each point
 * refitting the chunk's other free parameters. Points are flat row-major indices into the product
 * of `values` (last axis fastest); all points when `indices` is absent.
 */
export const GridPayloadSchema = v.pipe(
  v.object({
    ...base,
    axes: v.pipe(v.array(id), v.minLength(1), v.maxLength(16)),
    values: v.array(
      v.pipe(v.array(finite), v.minLength(1), v.maxLength(REQUEST_LIMITS.gridValues)),
    ),
    indices: v.optional(boundedArray(index, REQUEST_LIMITS.gridPoints)),
    /** Evaluation budget of each point's refit. */
    maxNfev,
  }),
  crossCheck((o) => {
    const ids = new Set(o.params.map((p) => p.id));
    const bad = o.axes.findIndex((a) => !ids.has(a));
    if (bad >= 0) return problem(`axes[${bad}]`, "an id listed in params", o.axes[bad]);
    if (o.values.length !== o.axes.length) {
      return problem("values", `one list of values per axis (${o.axes.length})`, o.values);
    }
    const size = o.values.reduce((n, vs) => n * vs.length, 1);
    if (o.indices === undefined && size > REQUEST_LIMITS.gridPoints) {
      return problem(
        "indices",
        `the points to evaluate (the grid has ${size} points; at most ` +
          `${REQUEST_LIMITS.gridPoints} per request)`,
        undefined,
      );
    }
    const i = o.indices?.findIndex((k) => k >= size) ?? -1;
    return i >= 0 ? problem(`indices[${i}]`, `an index below ${size}`, o.indices![i]) : null;
  }),
);

/**
 * `simulate`: the chunk's profiles at the given values, scaled like the data (`exfit simulate`;
 * every point of a simulated profile is retained).
 */
export const SimulatePayloadSchema = v.pipe(v.object({ ...base }), crossCheck());

/**
 * `replicate`: Monte-Carlo ("mc") or bootstrap ("bs", "bsn") replicates of a fitted step, each
 * fully determined by (rootSeed, kind, index).
 */
export const ReplicatePayloadSchema = v.pipe(
  v.object({
    ...base,
    kind: v.picklist(["mc", "bs", "bsn"]),
    /** Unsigned 64-bit root seed as a decimal string. */
    rootSeed: v.pipe(
      v.string(),
      v.regex(/^\d{1,20}$/),
      v.check((s) => BigInt(s) <= 0xffffffffffffffffn, "an unsigned 64-bit integer"),
    ),
    /** Best-fit calculated (scaled) intensities of each chunk profile at all its points. */
    calculated: v.array(v.array(finite)),
    /** Free parameters reported, in report order. */
    outputIds: v.array(id),
    /** Replicate indices to run. */
    indices: boundedArray(index, REQUEST_LIMITS.replicates),
    /** Evaluation budget of each group refit of a replicate. */
    maxNfev,
  }),
  crossCheck((o) => {
    if (o.calculated.length !== o.chunk.profiles.length) {
      return problem("calculated", "one list per chunk profile", o.calculated);
    }
    const k = o.calculated.findIndex((c, j) => c.length !== o.chunk.profiles[j].x.length);
    if (k >= 0) {
      return problem(`calculated[${k}]`, "one value per point of the profile", o.calculated[k]);
    }
    const ids = new Set(o.params.map((p) => p.id));
    const bad = o.outputIds.findIndex((a) => !ids.has(a));
    return bad >= 0
      ? problem(`outputIds[${bad}]`, "an id listed in params", o.outputIds[bad])
      : null;
  }),
);

const nums = v.array(v.nullable(v.number()));
const replyBase = {
  version: v.literal(PAYLOAD_VERSION, `payload version ${PAYLOAD_VERSION}`),
  id: v.string(),
};

/** Reply of `evaluate`. */
export const EvaluateResultSchema = v.object({
  ...replyBase,
  freeIds: v.array(v.string()),
  residuals: v.array(nums),
  scales: nums,
  jacobian: v.optional(
    v.array(v.object({ cols: v.array(index), values: nums })),
  ),
  evaluations: index,
});

/** Reply of `fit`. */
export const FitResultSchema = v.object({
  ...replyBase,
  freeIds: v.array(v.string()),
  params: v.array(
    v.object({
      id: v.string(),
      value: v.nullable(v.number()),
      stderr: v.nullable(v.number()),
      /** Why the error means nothing or what it needs (`Param.errorNote`); absent when plain. */
      errorNote: v.optional(v.string()),
    }),
  ),
  residuals: nums,
  scales: nums,
  evaluations: index,
  /** Why the answer may not be the best minimum (`src/fit/diagnostics.ts`); absent: no reason. */
  triggers: v.optional(v.array(v.string())),
});

/**
 * Reply of `grid`: chi-square per requested index (null: the refit failed), the objective
 * evaluations of each point's refit (absent from older workers) and the points whose refit
 * stopped at its evaluation budget.
 */
export const GridResultSchema = v.object({
  ...replyBase,
  indices: v.array(index),
  chisqr: nums,
  evaluations: v.optional(v.array(v.pipe(v.number(), v.integer(), v.minValue(0)))),
  /** Requested indices whose refit stopped at its evaluation budget (absent: none). */
  budgetHits: v.optional(v.array(index)),
});

/** Reply of `replicate`. */
export const ReplicateResultSchema = v.object({
  ...replyBase,
  replicates: v.array(v.object({
    index,
    values: nums,
    chisqr: v.nullable(v.number()),
    error: v.optional(v.string()),
    /** A group refit stopped at its evaluation budget (values are the last iterate). */
    budgetHit: v.optional(v.boolean()),
  })),
});

/** Reply of `simulate`: per profile, the scaled intensities at its points and the scale. */
export const SimulateResultSchema = v.object({
  ...replyBase,
  calc: v.array(nums),
  scales: nums,
});

/** The schema of each request kind. */
export const PAYLOAD_SCHEMAS = {
  evaluate: EvaluatePayloadSchema,
  fit: FitPayloadSchema,
  grid: GridPayloadSchema,
  replicate: ReplicatePayloadSchema,
  simulate: SimulatePayloadSchema,
} as const;

/** The schema of each reply kind. */
export const RESULT_SCHEMAS = {
  evaluate: EvaluateResultSchema,
  fit: FitResultSchema,
  grid: GridResultSchema,
  replicate: ReplicateResultSchema,
  simulate: SimulateResultSchema,
} as const;

/** Dotted path of an issue with array indices in brackets: `chunk.profiles[3].x[2]`. */
function issuePath(issue: v.BaseIssue<unknown>): string {
  let out = "";
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * Parse untrusted JSON with a schema; the first issue becomes a {@link PayloadError} naming the
 * field, what was expected and what came.
 *
 * @example
 * ```ts
 * const payload = parsePayloadWith(FitPayloadSchema, JSON.parse(text));
 * ```
 */
export function parsePayloadWith<S extends v.GenericSchema>(
  schema: S,
  body: unknown,
): v.InferOutput<S> {
  const result = v.safeParse(schema, body, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issuePath(issue);
  if (issue.message.startsWith(MARK)) {
    const found = JSON.parse(issue.message.slice(MARK.length)) as Problem;
    const field = [path, found.field].filter((s) => s).join(".").replace(/\.\[/g, "[");
    return fail(field, found.expected, found.received);
  }
  return fail(path, expectation(issue), issue.input);
}

/** What an issue expected, in words (valibot's own messages start with "Invalid"). */
function expectation(issue: v.BaseIssue<unknown>): string {
  if (!issue.message.startsWith("Invalid ")) return issue.message;
  const req = (issue as { requirement?: unknown }).requirement;
  const unit = typeof issue.input === "string" ? "characters" : "elements";
  switch (issue.type) {
    case "number":
    case "finite":
      return "a finite number";
    case "integer":
      return "an integer";
    case "min_value":
      return `a number >= ${req}`;
    case "max_value":
      return `a number <= ${req}`;
    case "gt_value":
      return `a number > ${req}`;
    case "string":
      return "a string";
    case "boolean":
      return "true or false";
    case "array":
      return "an array";
    case "object":
    case "loose_object":
      return "an object";
    case "picklist":
      return `one of ${issue.expected}`;
    case "min_length":
      return `at least ${req} ${unit}`;
    case "max_length":
      return `at most ${req} ${unit}`;
    case "regex":
      return "a decimal integer string";
    default:
      return issue.expected ?? issue.message;
  }
}

function fail(field: string, expected: string, received: unknown): never {
  throw new PayloadError(field, expected, received);
}
