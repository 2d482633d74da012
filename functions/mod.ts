/**
 * Entry point of the deployable bundle `dist/functions.js`: one file for every runtime.
 * - Deno (`deno serve dist/functions.js`, Deno Deploy) and Cloudflare Workers use the default
 *   export `{ fetch }`;
 * - AWS Lambda uses the named export `handler`;
 * - anything else can call `handle(request)` or build its own with `createHandler(options)`.
 *
 * @module
 */
export { createHandler, handle } from "./handler.ts";
export { handler } from "./aws_lambda.ts";
export { default } from "./cloudflare.ts";
export { PAYLOAD_VERSION } from "./payload.ts";
