/**
 * Reprocessing catalogues: a TOML file listing studies to refit when their inputs change.
 *
 * ```toml
 * [defaults]                          # optional, for every study
 * model = "2st"
 * executor = "local"                  # or "queue" (with queue = "nats://HOST:PORT")
 *
 * [[study]]
 * name = "protein_a"                  # unique; default: the folder's name
 * folder = "studies/a"                # relative to the catalogue
 * experiments = ["Experiments/*.toml"] # relative to the folder; * in file names
 * parameters = ["Parameters/parameters.toml"]
 * method = ["Methods/method.toml"]    # optional
 * key_parameters = ["KEX_AB", "PB"]   # optional; default: the fitted parameters of no residue
 * ```
 *
 * @module
 */
import { dirname, join, resolve } from "../src/config/paths.ts";
import { isTable, readTomlFile, type TomlTable } from "../src/config/toml.ts";

/** One study of a catalogue (paths absolute). */
export interface CatalogStudy {
  name: string;
  folder: string;
  experiments: string[];
  parameters: string[];
  method: string[];
  model: string;
  executor: "local" | "queue";
  queue?: string;
  keyParameters?: string[];
  /** Where the study's entry starts in the catalogue (for messages). */
  where: string;
}

/** A parsed catalogue. */
export interface Catalog {
  file: string;
  studies: CatalogStudy[];
}

const STUDY_KEYS = [
  "name",
  "folder",
  "experiments",
  "parameters",
  "method",
  "model",
  "executor",
  "queue",
  "key_parameters",
];

/**
 * Expand `*` in the last segment of a path (the experiment globs of ChemEx's commands), sorted.
 *
 * @example
 * ```ts
 * expandGlob("/s/a", "Experiments/*.toml"); // ["/s/a/Experiments/500mhz.toml", ...]
 * ```
 */
export function expandGlob(folder: string, pattern: string): string[] {
  const full = resolve(folder, pattern);
  const base = full.slice(full.lastIndexOf("/") + 1);
  if (!base.includes("*")) return [full];
  const dir = dirname(full);
  const re = new RegExp(`^${base.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)].filter((e) => e.isFile && re.test(e.name)).map((e) =>
      e.name
    );
  } catch {
    names = [];
  }
  return names.sort().map((n) => join(dir, n));
}

/**
 * Read a catalogue; an error names the file, line and key of anything malformed. Per-study
 * problems found later (missing files, bad inputs) are reported per study, not here.
 *
 * @example
 * ```ts
 * const catalog = readCatalog("catalog.toml");
 * ```
 */
export function readCatalog(file: string): Catalog {
  const doc = readTomlFile(file);
  const root = dirname(resolve(file));
  const at = (path: (string | number)[]) => {
    const pos = doc.keys.find(path.map(String));
    return pos ? `${file}:${pos.line}:${pos.column}` : file;
  };
  const fail = (path: (string | number)[], message: string): never => {
    throw new Error(`${at(path)}: ${path.join(".")}: ${message}`);
  };
  for (const key of Object.keys(doc.data)) {
    if (key !== "study" && key !== "defaults") {
      fail([key], "unknown key (expected [defaults] and [[study]] tables)");
    }
  }
  const defaults = doc.data.defaults ?? {};
  if (!isTable(defaults)) fail(["defaults"], "expected a table");
  const list = doc.data.study;
  if (!Array.isArray(list) || list.length === 0 || !list.every(isTable)) {
    fail(["study"], "expected one or more [[study]] tables");
  }
  const names = new Set<string>();
  const studies = (list as TomlTable[]).map((raw, i): CatalogStudy => {
    const entry = { ...(defaults as TomlTable), ...raw };
    for (const key of Object.keys(raw)) {
      if (!STUDY_KEYS.includes(key)) {
        fail(["study", i, key], `unknown key (expected ${STUDY_KEYS.join(", ")})`);
      }
    }
    const str = (key: string, fallback?: string): string => {
      const v = entry[key] ?? fallback;
      if (typeof v !== "string" || v === "") fail(["study", i, key], "expected a non-empty string");
      return v as string;
    };
    const list = (key: string, required: boolean): string[] => {
      const v = entry[key];
      if (v === undefined && !required) return [];
      const arr = typeof v === "string" ? [v] : v;
      if (!Array.isArray(arr) || arr.length === 0 || !arr.every((x) => typeof x === "string")) {
        fail(["study", i, key], "expected a list of file names");
      }
      return arr as string[];
    };
    const folder = resolve(root, str("folder"));
    const name = str("name", folder.slice(folder.lastIndexOf("/") + 1));
    if (names.has(name)) fail(["study", i, "name"], `"${name}" names another study too`);
    names.add(name);
    const executor = str("executor", "local");
    if (executor !== "local" && executor !== "queue") {
      fail(["study", i, "executor"], `expected "local" or "queue", got "${executor}"`);
    }
    return {
      name,
      folder,
      experiments: list("experiments", true).flatMap((p) => expandGlob(folder, p)),
      parameters: list("parameters", true).map((p) => resolve(folder, p)),
      method: list("method", false).map((p) => resolve(folder, p)),
      model: str("model", "2st"),
      executor: executor as "local" | "queue",
      ...(executor === "queue" ? { queue: str("queue") } : {}),
      ...(entry.key_parameters !== undefined
        ? { keyParameters: list("key_parameters", true) }
        : {}),
      where: at(["study", i]),
    };
  });
  return { file, studies };
}
