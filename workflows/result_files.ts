/**
 * Work-item results on disk, one file per work-item id: written atomically (temporary file +
 * rename, so a reader sees a whole result or none) and idempotently (the same id always has the
 * same payload, so a second write of an id writes the same numbers). Each file carries a SHA-256
 * of its result: a file damaged on disk is detected on reading, not merged.
 *
 * @module
 */
import { sha256Hex } from "../src/io/digest.ts";
import type { ResultOf, WorkKind } from "../functions/payload.ts";
import { checkResult } from "../functions/check.ts";

/** Version of a result file. */
export const RESULT_FILE_VERSION = 1;

/** A result file's content. */
interface ResultFile {
  version: number;
  id: string;
  kind: WorkKind;
  sha256: string;
  result: unknown;
}

/** Why a result cannot be used. */
export type ResultProblem = { id: string; path: string; problem: "missing" | string };

/**
 * File name of a work-item id (ids are `[0-9a-z:]`; `:` becomes `_`).
 *
 * @example
 * ```ts
 * resultPath("run/results", "ab12:s0:g3"); // "run/results/ab12_s0_g3.json"
 * ```
 */
export function resultPath(dir: string, id: string): string {
  if (!/^[0-9A-Za-z:_.-]{1,200}$/.test(id)) throw new Error(`unexpected work-item id "${id}"`);
  return `${dir}/${id.replaceAll(":", "_")}.json`;
}

/**
 * A result as stored (a file, a key-value entry): JSON with the id, kind and a checksum.
 *
 * @example
 * ```ts
 * const text = await encodeResult("fit", result);
 * ```
 */
export async function encodeResult<K extends WorkKind>(
  kind: K,
  result: ResultOf[K],
): Promise<string> {
  const file: ResultFile = {
    version: RESULT_FILE_VERSION,
    id: result.id,
    kind,
    sha256: await sha256Hex(JSON.stringify(result)),
    result,
  };
  return JSON.stringify(file);
}

/**
 * Check a stored result (see {@link encodeResult}) of work item `id`; throws saying why it cannot
 * be used (unreadable JSON, another id or kind, a checksum mismatch, a malformed reply).
 *
 * @example
 * ```ts
 * const result = await decodeResult("fit", "ab12:s0:g3", text);
 * ```
 */
export async function decodeResult<K extends WorkKind>(
  kind: K,
  id: string,
  text: string,
): Promise<ResultOf[K]> {
  const file = JSON.parse(text) as ResultFile;
  if (file?.version !== RESULT_FILE_VERSION) throw new Error("not a result of this version");
  if (file.id !== id) throw new Error(`holds the result of "${file.id}"`);
  if (file.kind !== kind) throw new Error(`holds a ${file.kind} result, expected ${kind}`);
  if (file.sha256 !== await sha256Hex(JSON.stringify(file.result))) {
    throw new Error("its checksum does not match its content");
  }
  return checkResult(kind, file.result, id);
}

/**
 * Store a result atomically under its id.
 *
 * @example
 * ```ts
 * await writeResult("run/results", "fit", result);
 * ```
 */
export async function writeResult<K extends WorkKind>(
  dir: string,
  kind: K,
  result: ResultOf[K],
): Promise<string> {
  const path = resultPath(dir, result.id);
  const text = await encodeResult(kind, result);
  Deno.mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, path);
  return path;
}

/**
 * Read and check the result of work item `id`: `{ result }`, or `{ problem }` saying that it is
 * missing or why it is corrupt (unreadable JSON, another id or kind, a checksum mismatch, a
 * malformed reply).
 *
 * @example
 * ```ts
 * const r = await readResult("run/results", "fit", "ab12:s0:g3");
 * if ("problem" in r) console.error(`${r.path}: ${r.problem}`);
 * ```
 */
export async function readResult<K extends WorkKind>(
  dir: string,
  kind: K,
  id: string,
): Promise<{ result: ResultOf[K] } | ResultProblem> {
  const path = resultPath(dir, id);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { id, path, problem: "missing" };
    return { id, path, problem: `unreadable (${(e as Error).message})` };
  }
  try {
    return { result: await decodeResult(kind, id, text) };
  } catch (e) {
    return { id, path, problem: `corrupt: ${(e as Error).message}` };
  }
}
