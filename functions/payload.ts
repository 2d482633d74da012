/**
 * Versioned payloads of the stateless functions (`evaluate`, `fit`, `grid`, `replicate`,
 * `simulate`): their
 * types (inferred from the valibot schemas of `schema.ts`, the one source of types and checks),
 * validation of untrusted JSON into those types, and the number encodings JSON needs (no
 * infinities, no NaN: unbounded limits and failed values travel as `null`).
 *
 * Every request carries `version` and a work-item `id`; every reply echoes both, so a client can
 * drop a reply that belongs to another request (a duplicate or stale delivery).
 *
 * @module
 */
import type * as v from "valibot";
import type { Chunk } from "../src/fit/chunk.ts";
import { parseParamName } from "../src/params/name.ts";
import type { Param, ParamStore } from "../src/params/store.ts";
import type {
  EvaluatePayloadSchema,
  EvaluateResultSchema,
  FitPayloadSchema,
  FitResultSchema,
  GridPayloadSchema,
  GridResultSchema,
  ReplicatePayloadSchema,
  ReplicateResultSchema,
  SimulatePayloadSchema,
  SimulateResultSchema,
} from "./schema.ts";
import { PayloadError } from "./validate.ts";

/**
 * The payload format's version: every request and reply carries it (`schema.ts` checks it). Kept
 * here, not with the schemas, so that building payloads does not load valibot (a local fit never
 * validates one).
 */
export const PAYLOAD_VERSION = 1;

/** The work-item kinds, one route each. */
export const WORK_KINDS = ["evaluate", "fit", "grid", "replicate", "simulate"] as const;
/** A work-item kind. */
export type WorkKind = typeof WORK_KINDS[number];

/** A request as the schema checks it, with the chunk typed as the core's {@link Chunk}. */
type WithChunk<S extends v.GenericSchema> = Omit<v.InferOutput<S>, "chunk" | "version"> & {
  version: number;
  chunk: Chunk;
};

/** `evaluate`: residuals at the given values, and optionally Jacobian blocks. */
export type EvaluatePayload = WithChunk<typeof EvaluatePayloadSchema>;
/** `fit`: fit the chunk's free parameters; fixed (vary=false) values are held as given. */
export type FitPayload = WithChunk<typeof FitPayloadSchema>;
/** `grid`: chi-square at (some of) the points of a grid (see `schema.ts`). */
export type GridPayload = WithChunk<typeof GridPayloadSchema>;
/** `replicate`: Monte-Carlo or bootstrap replicates of a fitted step (see `schema.ts`). */
export type ReplicatePayload = WithChunk<typeof ReplicatePayloadSchema>;
/** `simulate`: the chunk's profiles at the given values, scaled like the data. */
export type SimulatePayload = WithChunk<typeof SimulatePayloadSchema>;
/** What every request has. */
export type BasePayload = FitPayload;
/** One parameter of a chunk's sub-store. `min`/`max` null = unbounded. */
export type ParamPayload = FitPayload["params"][number];

/** Reply of `evaluate`. */
export type EvaluateResult = v.InferOutput<typeof EvaluateResultSchema>;
/** Jacobian block of one profile: rows = its retained points, columns = `cols` (into freeIds). */
export type ProfileJacobian = NonNullable<EvaluateResult["jacobian"]>[number];
/** Reply of `fit`. */
export type FitResult = v.InferOutput<typeof FitResultSchema>;
/** A parameter after a fit. */
export type FittedParam = FitResult["params"][number];
/** Reply of `grid`: chi-square per requested index (null: the refit failed). */
export type GridResult = v.InferOutput<typeof GridResultSchema>;
/** Reply of `replicate`. */
export type ReplicateResult = v.InferOutput<typeof ReplicateResultSchema>;
/** Reply of `simulate`. */
export type SimulateResult = v.InferOutput<typeof SimulateResultSchema>;

/** Payload type of each kind. */
export interface PayloadOf {
  evaluate: EvaluatePayload;
  fit: FitPayload;
  grid: GridPayload;
  replicate: ReplicatePayload;
  simulate: SimulatePayload;
}

/** Result type of each kind. */
export interface ResultOf {
  evaluate: EvaluateResult;
  fit: FitResult;
  grid: GridResult;
  replicate: ReplicateResult;
  simulate: SimulateResult;
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
