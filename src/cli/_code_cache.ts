/**
 * The V8 code cache of the command line's classic-script bundle (`_classic_bundle.ts`) on disk:
 * one file beside the script per Deno version, V8 version and set of V8 flags (V8 refuses a
 * cache made under other flags), holding a small header — the workload of the run that wrote it,
 * the SHA-256 of the script it was made from, the data's length and SHA-256 — and V8's data.
 * V8 checks a cache against its own version and flags, but against the source only by its
 * length and, in release builds, not against a checksum: a cache of another script of the same
 * length would run that script's code. So both are checked here, and a cache of another script
 * or a damaged file is not given to V8. Writes go through a temporary file renamed into place;
 * any problem reading or writing only means running without the cache. Kept apart from the
 * loader so that the reading starts before `node:vm` is imported.
 *
 * @example
 * ```ts
 * const script = "/opt/exfit/dist/cli/exfit_cli.js";
 * const stored = await readCodeCache(codeCachePath(script), Deno.readFile(script)); // or null
 * ```
 *
 * @module
 */
import { sha256Hex } from "../io/digest.ts";

const MAGIC = "exfit-v8-code-cache/2";

interface Header {
  magic: string;
  /** The workload of the run that wrote the cache ("fit+plots", "fit", "simulate", …). */
  workload: string;
  /** SHA-256 of the script's bytes. */
  source: string;
  bytes: number;
  sha256: string;
}

/** A cache read back: the workload of the run that wrote it and V8's data. */
export interface StoredCodeCache {
  workload: string;
  data: Uint8Array<ArrayBuffer>;
}

/**
 * The cache file's key: FNV-1a (32 bits, hex) of what V8 checks a cache against besides the
 * source, which it checks itself.
 *
 * @example
 * ```ts
 * codeCacheKey("2.9.6", "15.0.245.2", "--v8-flags=--max-semi-space-size=8|"); // 8 hex digits
 * ```
 */
export function codeCacheKey(deno: string, v8: string, v8Flags: string): string {
  let h = 0x811c9dc5;
  for (const ch of `${deno}\u0000${v8}\u0000${v8Flags}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** This process's V8 flags: `--v8-flags=` of its command line and `DENO_V8_FLAGS`. */
function processV8Flags(): string {
  let args: string[] = [];
  try {
    args = Deno.readTextFileSync("/proc/self/cmdline").split("\u0000");
  } catch { /* not Linux, or not allowed: the environment's flags only */ }
  let fromEnv = "";
  try {
    fromEnv = Deno.env.get("DENO_V8_FLAGS") ?? "";
  } catch { /* not allowed */ }
  return `${args.filter((a) => a.startsWith("--v8-flags=")).join(" ")}|${fromEnv}`;
}

/**
 * The cache file of `script` for this process (its Deno, V8 and V8 flags).
 *
 * @example
 * ```ts
 * codeCachePath("/opt/exfit/dist/cli/exfit_cli.js"); // "/opt/…/exfit_cli.js.1a2b3c4d.v8cache"
 * ```
 */
export function codeCachePath(script: string): string {
  return `${script}.${codeCacheKey(Deno.version.deno, Deno.version.v8, processV8Flags())}.v8cache`;
}

/** Whether the code cache is used: `EXFIT_CODE_CACHE=0` turns it off. */
export function codeCacheEnabled(): boolean {
  try {
    return Deno.env.get("EXFIT_CODE_CACHE") !== "0";
  } catch {
    return true;
  }
}

/**
 * Whether this process can use a cache at `path`: there is one to read, or one could be written
 * there (a file is created and removed to find out: a read-only installation cannot keep one).
 *
 * @example
 * ```ts
 * canKeepCodeCache("/opt/exfit/dist/cli/exfit_cli.js.1a2b3c4d.v8cache"); // true if writable
 * ```
 */
export function canKeepCodeCache(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch { /* none yet */ }
  const probe = `${path}.${Deno.pid}.tmp`;
  try {
    Deno.writeFileSync(probe, new Uint8Array(0));
    Deno.removeSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** How much of the program a workload compiles: the larger, the more a cache of it holds. */
const COVERAGE: Record<string, number> = { "fit+plots": 2, fit: 1 };

/**
 * Whether a cache of workload `a` would hold more of the program than one of `b`.
 *
 * @example
 * ```ts
 * coversMore("fit+plots", "fit"); // true
 * coversMore("simulate", "fit"); // false
 * ```
 */
export function coversMore(a: string, b: string): boolean {
  return (COVERAGE[a] ?? 0) > (COVERAGE[b] ?? 0);
}

/**
 * The workload of a command line, as a cache records it: `fit+plots`, `fit` (`--plot nothing`),
 * another command's name, or undefined for help and version.
 *
 * @example
 * ```ts
 * workloadOf(["fit", "-e", "a.toml", "--plot", "nothing"]); // "fit"
 * workloadOf(["fit", "--help"]); // undefined
 * ```
 */
export function workloadOf(args: readonly string[]): string | undefined {
  if (args.some((a) => ["--help", "-h", "--version", "-V", "help"].includes(a))) return undefined;
  const command = args.find((a) => !a.startsWith("-"));
  if (command !== "fit") return command;
  const plot = args.indexOf("--plot");
  const none = args.includes("--plot=nothing") || (plot >= 0 && args[plot + 1] === "nothing");
  return none ? "fit" : "fit+plots";
}

/**
 * Encode a cache file: a 4-byte little-endian header length, the header as JSON, the data.
 * `source` is the script's SHA-256 ({@link sha256Hex}).
 *
 * @example
 * ```ts
 * const bytes = await encodeCodeCache("fit", "ba7816bf…", new Uint8Array([1, 2, 3]));
 * ```
 */
export async function encodeCodeCache(
  workload: string,
  source: string,
  data: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const header: Header = {
    magic: MAGIC,
    workload,
    source,
    bytes: data.length,
    sha256: await sha256Hex(data),
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(4 + head.length + data.length);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  out.set(data, 4 + head.length);
  return out;
}

/**
 * Decode a cache file; null unless it is whole, was made from the script whose SHA-256 is
 * `source`, and its data has the recorded length and SHA-256.
 *
 * @example
 * ```ts
 * const stored = await decodeCodeCache(Deno.readFileSync(path), sourceSha); // or null
 * ```
 */
export async function decodeCodeCache(
  bytes: Uint8Array<ArrayBuffer>,
  source: string,
): Promise<StoredCodeCache | null> {
  if (bytes.length < 4) return null;
  const headLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  if (4 + headLength > bytes.length) return null;
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headLength)));
  } catch {
    return null;
  }
  const data = bytes.slice(4 + headLength);
  if (header?.magic !== MAGIC || header.bytes !== data.length) return null;
  if (header.source !== source) return null;
  if (typeof header.workload !== "string") return null;
  if (await sha256Hex(data) !== header.sha256) return null;
  return { workload: header.workload, data };
}

/**
 * Read and check a cache file against the script's bytes; null when absent, unreadable,
 * damaged or made from another script.
 *
 * @example
 * ```ts
 * const script = Deno.readFile("/opt/exfit/dist/cli/exfit_cli.js");
 * const stored = await readCodeCache("/opt/exfit/dist/cli/exfit_cli.js.1a2b3c4d.v8cache", script);
 * ```
 */
export async function readCodeCache(
  path: string,
  script: Promise<Uint8Array<ArrayBuffer>>,
): Promise<StoredCodeCache | null> {
  try {
    const [bytes, source] = await Promise.all([
      Deno.readFile(path),
      script.then(sha256Hex),
    ]);
    return await decodeCodeCache(bytes, source);
  } catch {
    return null;
  }
}

/**
 * Write a cache file of the script with bytes `script` in place of any other (a temporary file
 * renamed); returns whether it was written.
 *
 * @example
 * ```ts
 * await writeCodeCache(path, "fit", scriptBytes, new Uint8Array(vmScript.createCachedData()));
 * ```
 */
export async function writeCodeCache(
  path: string,
  workload: string,
  script: Uint8Array<ArrayBuffer>,
  data: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  const tmp = `${path}.${Deno.pid}.tmp`;
  try {
    await Deno.writeFile(tmp, await encodeCodeCache(workload, await sha256Hex(script), data));
    await Deno.rename(tmp, path);
    return true;
  } catch {
    try {
      await Deno.remove(tmp);
    } catch { /* never written */ }
    return false;
  }
}
