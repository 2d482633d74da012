/**
 * Versioned payloads of the stateless functions (`evaluate`, `fit`, `grid`, `replicate`): their
 * types, validation of untrusted JSON into those types, and the number encodings JSON needs
 * (no infinities, no NaN: unbounded limits and failed values travel as `null`).
 *
 * Every request carries `version` and a work-item `id`; every reply echoes both, so a client can
 * drop a reply that belongs to another request (a duplicate or stale delivery).
 *
 * @module
 */
import { CHUNK_VERSION } from "../src/fit/chunk.ts";
import type { Chunk } from "../src/fit/chunk.ts";
import type { ExperimentSpec, ProfileSpec } from "../src/fit/study.ts";
import type { ModelSpec } from "../src/models/model.ts";
import { parseParamName } from "../src/params/name.ts";
import type { Param, ParamStore } from "../src/params/store.ts";
import { EXPERIMENTS } from "../src/experiments/registry.ts";
import {
  arrayOf,
  boolean,
  type Check,
  field,
  fieldPath,
  finite,
  finiteOrNull,
  id,
  index,
  numberOrNull,
  oneOf,
  optional,
  PayloadError,
  record,
  string,
} from "./validate.ts";

/** Version of every function payload; a request of another version is refused with 400. */
export const PAYLOAD_VERSION = 1;

/** The work-item kinds, one route each. */
export const WORK_KINDS = ["evaluate", "fit", "grid", "replicate"] as const;
/** A work-item kind. */
export type WorkKind = typeof WORK_KINDS[number];

/** One parameter of a chunk's sub-store. `min`/`max` null = unbounded. */
export interface ParamPayload {
  id: string;
  value: number;
  min: number | null;
  max: number | null;
  vary: boolean;
  /** Definition over other ids of the same list (`"[KEX_AB] * [PB]"`), "" when independent. */
  expr: string;
}

/** What every request has. */
export interface BasePayload {
  version: number;
  /** Work-item id: the same work always has the same id (retries are idempotent). */
  id: string;
  chunk: Chunk;
  /** The chunk's parameter sub-store: every id its profiles use and everything those refer to. */
  params: ParamPayload[];
}

/** `evaluate`: residuals at the given values, and optionally Jacobian blocks. */
export interface EvaluatePayload extends BasePayload {
  /** Also difference the Jacobian with respect to the free parameters the chunk touches. */
  jacobian?: boolean;
}

/** `fit`: fit the chunk's free parameters; fixed (vary=false) values are held as given. */
export interface FitPayload extends BasePayload {
  /** Variable scaling of the TRF (`src/fit/group_solve.ts`); default "jac". */
  xScale?: "jac" | "start";
  /** Evaluation budget (a basin-search start's, `src/fit/group_solve.ts`); default the full one. */
  maxNfev?: number;
}

/**
 * `grid`: chi-square at points of a grid over `axes` (parameter ids of the chunk), each point
 * refitting the chunk's other free parameters from the payload's starting values
 * (`src/fit/grid.ts#evaluateGridTask`). Points are flat row-major indices into the product of
 * `values` (last axis fastest); all points when `indices` is absent.
 */
export interface GridPayload extends BasePayload {
  axes: string[];
  values: number[][];
  indices?: number[];
}

/**
 * `replicate`: Monte-Carlo ("mc") or bootstrap ("bs", "bsn") replicates of a fitted step
 * (`src/stats/resampling.ts#runReplicate`), each fully determined by (rootSeed, kind, index).
 */
export interface ReplicatePayload extends BasePayload {
  kind: "mc" | "bs" | "bsn";
  /** Unsigned 64-bit root seed as a decimal string. */
  rootSeed: string;
  /** Best-fit calculated (scaled) intensities of each chunk profile at all its points. */
  calculated: number[][];
  /** Free parameters reported, in report order. */
  outputIds: string[];
  /** Replicate indices to run. */
  indices: number[];
}

/** Jacobian block of one profile: rows = its retained points, columns = `cols` (into freeIds). */
export interface ProfileJacobian {
  cols: number[];
  /** Row-major rows × cols.length; null = not finite. */
  values: (number | null)[];
}

/** Reply of `evaluate`. */
export interface EvaluateResult {
  version: number;
  id: string;
  /** Free parameters the chunk touches, in sub-store order. */
  freeIds: string[];
  /** Per profile, residuals of the retained points (null = not finite). */
  residuals: (number | null)[][];
  scales: (number | null)[];
  jacobian?: ProfileJacobian[];
  /** Profile evaluations performed. */
  evaluations: number;
}

/** A parameter after a fit. */
export interface FittedParam {
  id: string;
  value: number | null;
  stderr: number | null;
  /** Why the error means nothing or what it needs (`Param.errorNote`); absent when plain. */
  errorNote?: string;
}

/** Reply of `fit`. */
export interface FitResult {
  version: number;
  id: string;
  freeIds: string[];
  /** Every parameter of the sub-store, fitted, derived or held. */
  params: FittedParam[];
  /** Residuals of all retained points, profiles in chunk order (null = not finite). */
  residuals: (number | null)[];
  scales: (number | null)[];
  evaluations: number;
  /** Why the answer may not be the best minimum (`src/fit/diagnostics.ts`); absent: no reason. */
  triggers?: string[];
}

/** Reply of `grid`: chi-square per requested index (null: the refit failed). */
export interface GridResult {
  version: number;
  id: string;
  indices: number[];
  chisqr: (number | null)[];
}

/** Reply of `replicate`. */
export interface ReplicateResult {
  version: number;
  id: string;
  replicates: {
    index: number;
    /** In `outputIds` order; null where the replicate does not determine a value. */
    values: (number | null)[];
    chisqr: number | null;
    error?: string;
  }[];
}

/** Payload type of each kind. */
export interface PayloadOf {
  evaluate: EvaluatePayload;
  fit: FitPayload;
  grid: GridPayload;
  replicate: ReplicatePayload;
}

/** Result type of each kind. */
export interface ResultOf {
  evaluate: EvaluateResult;
  fit: FitResult;
  grid: GridResult;
  replicate: ReplicateResult;
}

/** JSON-safe number: non-finite values become null. */
export const enc = (v: number): number | null => Number.isFinite(v) ? v : null;
/** Back from {@link enc}: null becomes NaN. */
export const dec = (v: number | null): number => v === null ? NaN : v;

/**
 * The payload form of a (sub-)store, in store order.
 *
 * @example
 * ```ts
 * const params = storeToPayload(subStore(store, chunk.profiles.flatMap((p) => p.paramIds)));
 * ```
 */
export function storeToPayload(store: ParamStore): ParamPayload[] {
  return [...store.values()].map((p) => ({
    id: p.id,
    value: p.value,
    min: Number.isFinite(p.min) ? p.min : null,
    max: Number.isFinite(p.max) ? p.max : null,
    vary: p.vary,
    expr: p.expr,
  }));
}

/**
 * A fresh store from its payload form (errors reset: only what a fit estimates is reported).
 *
 * @example
 * ```ts
 * const store = storeFromPayload(payload.params);
 * ```
 */
export function storeFromPayload(params: readonly ParamPayload[]): ParamStore {
  const store: ParamStore = new Map();
  params.forEach((p, k) => {
    let pname;
    try {
      pname = parseParamName(p.id);
    } catch (e) {
      throw new PayloadError(
        `params[${k}].id`,
        "a parameter id",
        `${p.id} (${(e as Error).message})`,
      );
    }
    const param: Param = {
      id: p.id,
      pname,
      value: p.value,
      min: p.min ?? -Infinity,
      max: p.max ?? Infinity,
      vary: p.vary,
      expr: p.expr,
      stderr: null,
    };
    store.set(p.id, param);
  });
  return store;
}

const MODEL_PATH = "chunk.model";

function checkModel(v: unknown): ModelSpec {
  const o = record(v, MODEL_PATH);
  field(o, MODEL_PATH, "name", string);
  field(o, MODEL_PATH, "states", arrayOf(string));
  field(o, MODEL_PATH, "modelFree", boolean);
  field(o, MODEL_PATH, "residueSpecific", boolean);
  field(o, MODEL_PATH, "tempCoef", boolean);
  return o as unknown as ModelSpec;
}

function checkExperiment(v: unknown, path: string): ExperimentSpec {
  const o = record(v, path);
  field(o, path, "stem", string);
  field(o, path, "file", string);
  const name = field(o, path, "name", string);
  if (!(name in EXPERIMENTS)) {
    throw new PayloadError(fieldPath(path, "name"), "a known experiment name", name);
  }
  field(o, path, "settings", record);
  const cond = field(o, path, "conditions", record);
  field(cond, fieldPath(path, "conditions"), "label", arrayOf(string));
  field(o, path, "observed", arrayOf(string));
  if (o.start !== null) field(o, path, "start", arrayOf(string));
  field(o, path, "scaled", boolean);
  return o as unknown as ExperimentSpec;
}

function checkProfile(v: unknown, path: string, nExp: number): ProfileSpec {
  const o = record(v, path);
  const e = field(o, path, "experiment", index);
  if (e >= nExp) {
    throw new PayloadError(fieldPath(path, "experiment"), `an index below ${nExp}`, e);
  }
  field(o, path, "name", string);
  const x = field(o, path, "x", arrayOf(finite));
  const n = x.length;
  field(o, path, "exp", arrayOf(finite, { length: n }));
  const err = field(o, path, "err", arrayOf(finite, { length: n }));
  err.forEach((s, k) => {
    if (!(s > 0)) throw new PayloadError(`${fieldPath(path, "err")}[${k}]`, "a positive number", s);
  });
  field(o, path, "mask", arrayOf(boolean, { length: n }));
  const names = field(o, path, "localNames", arrayOf(string));
  field(o, path, "paramIds", arrayOf(id, { length: names.length }));
  optional(o, path, "labels", arrayOf(string, { length: n }));
  return o as unknown as ProfileSpec;
}

/**
 * Check an untrusted chunk.
 *
 * @example
 * ```ts
 * const chunk = checkChunk(JSON.parse(text).chunk, "chunk");
 * ```
 */
export function checkChunk(v: unknown, path = "chunk"): Chunk {
  const o = record(v, path);
  const version = field(o, path, "version", finite);
  if (version !== CHUNK_VERSION) {
    throw new PayloadError(fieldPath(path, "version"), `chunk version ${CHUNK_VERSION}`, version);
  }
  checkModel(o.model);
  const exps = field(o, path, "experiments", arrayOf(record));
  exps.forEach((e, k) => checkExperiment(e, `${path}.experiments[${k}]`));
  const profiles = field(o, path, "profiles", arrayOf(record));
  if (profiles.length === 0) {
    throw new PayloadError(fieldPath(path, "profiles"), "at least one profile", profiles);
  }
  profiles.forEach((p, k) => checkProfile(p, `${path}.profiles[${k}]`, exps.length));
  field(o, path, "source", arrayOf(index, { length: profiles.length }));
  return o as unknown as Chunk;
}

function checkParams(v: unknown, chunk: Chunk): ParamPayload[] {
  const list = arrayOf(record)(v, "params");
  const ids = new Set<string>();
  list.forEach((p, k) => {
    const path = `params[${k}]`;
    const pid = field(p, path, "id", id);
    if (ids.has(pid)) throw new PayloadError(`${path}.id`, "an id not listed before", pid);
    ids.add(pid);
    field(p, path, "value", finite);
    const lo = field(p, path, "min", finiteOrNull);
    const hi = field(p, path, "max", finiteOrNull);
    if (lo !== null && hi !== null && !(lo <= hi)) {
      throw new PayloadError(`${path}.max`, `a bound not below min (${lo})`, hi);
    }
    field(p, path, "vary", boolean);
    const expr = field(p, path, "expr", string);
    for (const m of expr.matchAll(/\[([^[\]]+)\]/g)) {
      // Definitions may refer to parameters listed later; checked once all ids are known.
      if (m[1].trim() === "") throw new PayloadError(`${path}.expr`, "[id] references", expr);
    }
  });
  list.forEach((p, k) => {
    for (const m of (p.expr as string).matchAll(/\[([^[\]]+)\]/g)) {
      if (!ids.has(m[1].trim())) {
        throw new PayloadError(`params[${k}].expr`, `references to listed ids`, `[${m[1].trim()}]`);
      }
    }
  });
  chunk.profiles.forEach((p, k) =>
    p.paramIds.forEach((pid, i) => {
      if (!ids.has(pid)) {
        throw new PayloadError(
          `chunk.profiles[${k}].paramIds[${i}]`,
          "an id listed in params",
          pid,
        );
      }
    })
  );
  return list as unknown as ParamPayload[];
}

/**
 * Validate a request body (parsed JSON) of the given kind.
 *
 * @example
 * ```ts
 * const payload = checkPayload("evaluate", JSON.parse(body));
 * ```
 */
export function checkPayload<K extends WorkKind>(kind: K, body: unknown): PayloadOf[K] {
  const o = record(body, "");
  const version = field(o, "", "version", finite);
  if (version !== PAYLOAD_VERSION) {
    throw new PayloadError("version", `payload version ${PAYLOAD_VERSION}`, version);
  }
  field(o, "", "id", id);
  const chunk = checkChunk(o.chunk);
  checkParams(o.params, chunk);
  if (kind === "evaluate") optional(o, "", "jacobian", boolean);
  if (kind === "fit") {
    optional(o, "", "xScale", oneOf(["jac", "start"] as const));
    const budget = optional(o, "", "maxNfev", index);
    if (budget === 0) throw new PayloadError("maxNfev", "a positive number of evaluations", 0);
  }
  const known = new Set((o.params as ParamPayload[]).map((p) => p.id));
  const listed: Check<string> = (v, p) => {
    const s = id(v, p);
    if (!known.has(s)) throw new PayloadError(p, "an id listed in params", s);
    return s;
  };
  if (kind === "grid") {
    const axes = field(o, "", "axes", arrayOf(listed));
    const values = field(o, "", "values", arrayOf(arrayOf(finite), { length: axes.length }));
    const size = values.reduce((n, v) => n * v.length, 1);
    const idx = optional(o, "", "indices", arrayOf(index));
    idx?.forEach((k, i) => {
      if (k >= size) throw new PayloadError(`indices[${i}]`, `an index below ${size}`, k);
    });
  }
  if (kind === "replicate") {
    field(o, "", "kind", oneOf(["mc", "bs", "bsn"] as const));
    const seed = field(o, "", "rootSeed", string);
    if (!/^\d{1,20}$/.test(seed) || BigInt(seed) > 0xffffffffffffffffn) {
      throw new PayloadError("rootSeed", "an unsigned 64-bit integer as a decimal string", seed);
    }
    const chunk = o.chunk as Chunk;
    const calc = field(
      o,
      "",
      "calculated",
      arrayOf(arrayOf(finite), { length: chunk.profiles.length }),
    );
    calc.forEach((c, k) => {
      if (c.length !== chunk.profiles[k].x.length) {
        throw new PayloadError(
          `calculated[${k}]`,
          `${chunk.profiles[k].x.length} values (one per point)`,
          c,
        );
      }
    });
    field(o, "", "outputIds", arrayOf(listed));
    field(o, "", "indices", arrayOf(index));
  }
  return o as unknown as PayloadOf[K];
}

/**
 * Validate a reply (untrusted when it came over the network) of the given kind, for the
 * request `expectedId`. Throws a PayloadError on any mismatch.
 *
 * @example
 * ```ts
 * const result = checkResult("fit", await res.json(), payload.id);
 * ```
 */
export function checkResult<K extends WorkKind>(
  kind: K,
  body: unknown,
  expectedId: string,
): ResultOf[K] {
  const o = record(body, "");
  const version = field(o, "", "version", finite);
  if (version !== PAYLOAD_VERSION) {
    throw new PayloadError("version", `payload version ${PAYLOAD_VERSION}`, version);
  }
  const rid = field(o, "", "id", string);
  if (rid !== expectedId) throw new PayloadError("id", `the request id "${expectedId}"`, rid);
  const nums = arrayOf(numberOrNull);
  if (kind === "evaluate") {
    field(o, "", "freeIds", arrayOf(string));
    field(o, "", "residuals", arrayOf(nums));
    field(o, "", "scales", nums);
    field(o, "", "evaluations", index);
    optional(o, "", "jacobian", arrayOf(record));
  } else if (kind === "fit") {
    field(o, "", "freeIds", arrayOf(string));
    field(o, "", "params", arrayOf(record));
    field(o, "", "residuals", nums);
    field(o, "", "scales", nums);
    field(o, "", "evaluations", index);
    optional(o, "", "triggers", arrayOf(string));
  } else if (kind === "grid") {
    field(o, "", "indices", arrayOf(index));
    field(o, "", "chisqr", nums);
  } else {
    // Every replicate checked: a malformed one is a bad reply (retried), not a failed merge.
    field(o, "", "replicates", arrayOf(record)).forEach((r, i) => {
      const p = fieldPath("replicates", i);
      field(r, p, "index", index);
      field(r, p, "values", nums);
      field(r, p, "chisqr", numberOrNull);
      optional(r, p, "error", string);
    });
  }
  return o as unknown as ResultOf[K];
}
