/**
 * AWS Lambda adapter for HTTP events: API Gateway HTTP API (payload 2.0), Lambda function URLs,
 * and API Gateway REST (payload 1.0). The event becomes a web Request for the core handler, the
 * Response becomes the `{ statusCode, headers, body }` Lambda expects.
 *
 * @module
 */
import { createHandler } from "./handler.ts";

/** The fields of an HTTP Lambda event this adapter reads. */
export interface LambdaHttpEvent {
  /** Payload 2.0. */
  rawPath?: string;
  requestContext?: { http?: { method?: string }; domainName?: string };
  /** Payload 1.0. */
  path?: string;
  httpMethod?: string;
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** What Lambda expects back. */
export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Turn an event into a Request.
 *
 * @example
 * ```ts
 * const req = eventToRequest({ rawPath: "/health", requestContext: { http: { method: "GET" } } });
 * ```
 */
export function eventToRequest(event: LambdaHttpEvent): Request {
  const method = event.requestContext?.http?.method ?? event.httpMethod ?? "GET";
  const path = event.rawPath ?? event.path ?? "/";
  const headers = new Headers();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers.set(k, v);
  const host = event.requestContext?.domainName ?? "lambda.local";
  const hasBody = method !== "GET" && method !== "HEAD" && event.body != null;
  const body = hasBody
    ? (event.isBase64Encoded ? decodeBase64(event.body!) : event.body!)
    : undefined;
  return new Request(`https://${host}${path}`, { method, headers, body });
}

const core = createHandler();

/**
 * The Lambda entry point (`handler`).
 *
 * @example
 * ```ts
 * const out = await handler({ rawPath: "/health", requestContext: { http: { method: "GET" } } });
 * // out.statusCode === 200
 * ```
 */
export async function handler(event: LambdaHttpEvent): Promise<LambdaHttpResult> {
  const res = await core(eventToRequest(event));
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => headers[k] = v);
  return { statusCode: res.status, headers, body: await res.text(), isBase64Encoded: false };
}
