/**
 * Small fixture helpers shared by the config and output tests: refdata presence, temp-file
 * writers, ConfigError expectations and a recursive file walk.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { ConfigError } from "../src/config/errors.ts";
import { REFDATA, REFDATA_PATH } from "./_refdata.ts";

/** Absolute path where `../shared/refdata` is expected (check {@link hasRefdata} first). */
export const REFDATA_DIR: string = REFDATA_PATH;

/** Whether `../shared/refdata` is present. */
export const hasRefdata: boolean = REFDATA !== null;

/** Whether refdata is present; prints a notice that reference comparisons are skipped if not. */
export function refdataAvailable(): boolean {
  if (hasRefdata) return true;
  console.log(`refdata not found at ${REFDATA_DIR}; reference comparisons skipped`);
  return false;
}

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
