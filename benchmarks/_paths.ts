/** Path helpers for benchmark scripts. @module */
export { fileURLToPath as fromFileUrl } from "node:url";
