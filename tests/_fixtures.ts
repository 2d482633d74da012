/**
 * Small fixture helpers shared by the config and output tests: refdata presence, temp-file
 * writers, ConfigError expectations and a recursive file walk. The reference-data root and
 * the visible skip come from `./_refdata.ts` (one helper).
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { ConfigError } from "../src/config/errors.ts";

/** Absolute path where the reference data are expected (see `./_refdata.ts`). */
export { REFDATA_PATH as REFDATA_DIR, refdataTest } from "./_refdata.ts";

/** A writer that puts `text` into `name` inside a fresh temp dir (prefixed `prefix`). */
export function tempWriter(prefix: string): (name: string, text: string) => string {
  return (name, text) => {
    const dir = Deno.makeTempDirSync({ prefix });
    const file = join(dir, name);
    Deno.writeTextFileSync(file, text);
    return file;
  };
}

/** Run `fn`, expect it to throw a ConfigError, and return that error. */
export function expectError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    return error;
  }
  assert.fail("expected a ConfigError");
}

/** Every file under `dir`, recursively. */
export function* walk(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}
