/**
 * Checks of untrusted payloads and replies against the valibot schemas of `schema.ts`: what the
 * HTTP handler, the queue worker and the HTTP and run-folder executors apply to what crosses a
 * process boundary. Its own module so that a local fit, which builds payloads but never parses
 * one, does not load valibot.
 *
 * @module
 */
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import { parsePayloadWith, PAYLOAD_SCHEMAS, RESULT_SCHEMAS } from "./schema.ts";
import {
  type ParamPayload,
  type PayloadOf,
  type ResultOf,
  storeFromPayload,
  type WorkKind,
} from "./payload.ts";
import { PayloadError } from "./validate.ts";

/**
 * Validate a request body (parsed JSON) of the given kind against its schema; also checks that
 * the parameter definitions give finite values at the sent values (a `1/0` would make every
 * residual NaN). Throws a {@link PayloadError} naming the field.
 *
 * @example
 * ```ts
 * const payload = checkPayload("evaluate", JSON.parse(body));
 * ```
 */
export function checkPayload<K extends WorkKind>(kind: K, body: unknown): PayloadOf[K] {
  const payload = parsePayloadWith(PAYLOAD_SCHEMAS[kind], body) as unknown as PayloadOf[K];
  checkDefinitions(payload.params);
  return payload;
}

function checkDefinitions(params: readonly ParamPayload[]): void {
  if (!params.some((p) => p.expr !== "")) return;
  const store = storeFromPayload(params);
  let pv;
  try {
    pv = compileStore(store);
  } catch (e) {
    const k = params.findIndex((p) => p.expr !== "");
    throw new PayloadError(`params[${k}].expr`, "valid definitions", (e as Error).message);
  }
  evaluateDefinitions(pv);
  params.forEach((p, k) => {
    const value = pv.values[pv.index.get(p.id)!];
    if (p.expr !== "" && !Number.isFinite(value)) {
      throw new PayloadError(
        `params[${k}].expr`,
        "a definition with a finite value at the given values",
        `${p.expr} = ${value}`,
      );
    }
  });
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
  const result = parsePayloadWith(RESULT_SCHEMAS[kind], body) as ResultOf[K];
  if (result.id !== expectedId) {
    throw new PayloadError("id", `the request id "${expectedId}"`, result.id);
  }
  return result;
}
