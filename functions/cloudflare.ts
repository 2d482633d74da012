/**
 * Cloudflare Workers adapter (module syntax): `export default { fetch }`. Deploy the bundle
 * `dist/functions.js`, whose default export is this object (see docs/workflows.md).
 *
 * @module
 */
import { createHandler } from "./handler.ts";

// One handler per isolate: a warm isolate keeps its evaluator cache between requests.
const handler = createHandler();

/** The Workers entry point. */
export default {
  fetch(request: Request, _env?: unknown, _ctx?: unknown): Promise<Response> {
    return handler(request);
  },
};
