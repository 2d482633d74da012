/**
 * Method files format v2 (ChemEx 2026.09 spec §1.1–§1.10): a top-level integer
 * `FORMAT_VERSION = 2`, then step tables with the closed key set `INCLUDE`, `EXCLUDE`, `ROLES`,
 * `ROLES_FROM`, `SEARCH` (`GRID`, `PREPARE`, or 2026.09.0/.1's `DE`) and `STATISTICS`.
 * Everything is checked here that needs no loaded study; selectors against the parameters are
 * checked by `src/fit/roles.ts` before any step runs.
 *
 * @module
 */
import { describeValue, isTable, KeyContext, type TomlDocument, type TomlTable } from "./toml.ts";
import { type McmcSettings, parseSeed, readSelectionKey, type StepStatistics } from "./method.ts";
import type { PlanStep, RoleAction, SearchSpec } from "./method_plan.ts";
import { parseStrictConstraint, parseStrictSelector, SelectorError } from "./method_selector.ts";
import { parseSearchEntry } from "./method_search.ts";

const STEP_KEYS = ["include", "exclude", "roles", "roles_from", "search", "statistics"];

/**
 * The `FORMAT_VERSION` key of a document, if any (any case, at most once).
 *
 * @example
 * ```ts
 * formatVersionKey(readTomlFile("method.toml")); // "FORMAT_VERSION" or undefined
 * ```
 */
export function formatVersionKey(doc: TomlDocument): string | undefined {
  const keys = Object.keys(doc.data).filter((k) => k.toLowerCase() === "format_version");
  if (keys.length > 1) {
    new KeyContext(doc.file, doc.keys).fail(
      [keys[1]],
      `Duplicate key '${keys[1]}' (same as '${keys[0]}'; keys are case-insensitive)`,
    );
  }
  return keys[0];
}

/** Check that the file's FORMAT_VERSION is the TOML integer 2 (not `2.0`, not `"2"`). */
function checkVersion(doc: TomlDocument, key: string): void {
  const value = doc.data[key];
  const line = doc.keys.find([key])?.line;
  const raw = line === undefined ? "" : doc.source.split("\n")[line - 1] ?? "";
  const text = /=\s*([^#\s]+)/.exec(raw)?.[1] ?? "";
  const isInteger = (typeof value === "number" || typeof value === "bigint") &&
    /^\+?[0-9_]+$/.test(text);
  if (!isInteger || Number(value) !== 2) {
    new KeyContext(doc.file, doc.keys).fail(
      [key],
      `FORMAT_VERSION supports only version 2; omit it for legacy v1 (got ${describeValue(value)})`,
    );
  }
}

/** Keys of a table, lower-cased, with "Duplicate key" for keys differing only by case. */
function keysOf(ctx: KeyContext, table: TomlTable, path: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(table)) {
    const lower = key.toLowerCase();
    if (out.has(lower)) {
      ctx.fail(
        [...path, key],
        `Duplicate key '${key}' in [${path.join(".")}] (same as '${out.get(lower)}'; keys are ` +
          `case-insensitive)`,
      );
    }
    out.set(lower, key);
  }
  return out;
}

/**
 * Read the steps of v2 documents (already parsed), in file then declaration order. A repeated
 * step name (across files too), a name that is an absolute path or contains `..`, an unknown
 * key and any malformed value are {@link ConfigError}s naming the file, line and key.
 *
 * @example
 * ```ts
 * const steps = parseV2Documents([readTomlFile("method.toml", { bigIntegers: true })]);
 * steps[1].rolesFrom; // "STEP1"
 * ```
 */
export function parseV2Documents(docs: readonly TomlDocument[]): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const doc of docs) {
    const ctx: KeyContext = new KeyContext(doc.file, doc.keys);
    const version = formatVersionKey(doc);
    if (version === undefined) {
      ctx.fail([], "mixing method formats: this file has no FORMAT_VERSION but another has 2");
    }
    checkVersion(doc, version);
    for (const [name, content] of Object.entries(doc.data)) {
      if (name === version) continue;
      if (!isTable(content)) {
        ctx.fail([name], `'${name}' must be a step table, got ${describeValue(content)}`);
      }
      if (name.startsWith("/") || /^[A-Za-z]:[\\/]/.test(name) || name.includes("..")) {
        ctx.fail([name], `step name '${name}' must not be an absolute path or contain '..'`);
      }
      const twin = steps.find((s) => s.name === name);
      if (twin) {
        ctx.fail([name], `step [${name}] is defined again (first in ${twin.file})`);
      }
      steps.push(parseStep(ctx, name, content, steps));
    }
  }
  return steps;
}

function parseStep(
  ctx: KeyContext,
  name: string,
  table: TomlTable,
  earlier: readonly PlanStep[],
): PlanStep {
  const step: PlanStep = {
    name,
    file: ctx.file,
    format: 2,
    include: "all",
    rolesFrom: null,
    roles: [],
  };
  for (const [lower, key] of keysOf(ctx, table, [name])) {
    const value = table[key];
    const path = [name, key];
    if (readSelectionKey(ctx, lower, value, path, step)) continue;
    switch (lower) {
      case "roles":
        step.roles = parseRoles(ctx, value, path);
        break;
      case "roles_from": {
        const from = ctx.string(value, path);
        if (!earlier.some((s) => s.name === from)) {
          ctx.fail(
            path,
            `ROLES_FROM = "${from}" must name an earlier step (exactly as written); earlier: ` +
              (earlier.map((s) => s.name).join(", ") || "none"),
          );
        }
        step.rolesFrom = from;
        break;
      }
      case "search":
        step.search = parseSearch(ctx, value, path);
        break;
      case "statistics":
        step.statistics = parseStatistics(ctx, value, path);
        break;
      case "fitmethod":
        ctx.fail(path, "V2 has no FITMETHOD; omit it because TRF is implicit");
        break;
      default:
        ctx.fail(
          path,
          `Unsupported v2 field ${key} in step [${name}]; expected one of ` +
            STEP_KEYS.map((k) => k.toUpperCase()).join(", "),
        );
    }
  }
  return step;
}

function strings(ctx: KeyContext, value: unknown, path: string[], nonEmpty: boolean): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    ctx.fail(path, `${ctx.label(path)} must be an array of strings, got ${describeValue(value)}`);
  }
  if (nonEmpty && value.length === 0) ctx.fail(path, `${ctx.label(path)} must not be empty`);
  return value as string[];
}

function selector(ctx: KeyContext, text: string, path: string[]): string {
  try {
    return parseStrictSelector(text.trim().replace(/^\[(.*)\]$/, "$1")).canonical;
  } catch (e) {
    if (e instanceof SelectorError) ctx.fail(path, `${ctx.label(path)}: ${e.message}`);
    throw e;
  }
}

function parseRoles(ctx: KeyContext, value: unknown, path: string[]): RoleAction[] {
  if (!Array.isArray(value) || value.length === 0) {
    ctx.fail(
      path,
      `ROLES must be a non-empty array of inline tables such as [{ FIX = ["PB"] }], got ` +
        describeValue(value),
    );
  }
  return value.map((item, k) => {
    const at = [...path, String(k + 1)];
    if (!isTable(item) || Object.keys(item).length !== 1) {
      ctx.fail(
        path,
        `ROLES entry ${k + 1} must be an inline table with exactly one key FIT, FIX or ` +
          `CONSTRAIN, got ${describeValue(item)}`,
      );
    }
    const [key, list] = Object.entries(item)[0];
    const kind = key.toLowerCase();
    if (kind !== "fit" && kind !== "fix" && kind !== "constrain") {
      ctx.fail(
        path,
        `ROLES entry ${k + 1}: unknown action '${key}'; expected FIT, FIX or CONSTRAIN`,
      );
    }
    const items = strings(ctx, list, [...path, key], true).map((text) => {
      if (kind !== "constrain") return selector(ctx, text, path);
      try {
        return parseStrictConstraint(text);
      } catch (e) {
        if (e instanceof SelectorError) ctx.fail(at.slice(0, -1), `ROLES CONSTRAIN: ${e.message}`);
        throw e;
      }
    });
    return { kind, items };
  });
}

function parseSearch(ctx: KeyContext, value: unknown, path: string[]): SearchSpec {
  const table = ctx.table(value, path);
  const keys = [...keysOf(ctx, table, path)];
  if (keys.length !== 1) {
    ctx.fail(
      path,
      `SEARCH must hold exactly one of GRID, PREPARE (or DE), found ${keys.length}: ` +
        keys.map(([, k]) => k).join(", "),
    );
  }
  const [lower, key] = keys[0];
  const at = [...path, key];
  const body = ctx.table(table[key], at);
  const fields = keysOf(ctx, body, at);
  const allow = (names: string[]) => {
    for (const [l, k] of fields) {
      if (!names.includes(l)) {
        ctx.fail([...at, k], `Unsupported v2 field ${k} in SEARCH.${lower.toUpperCase()}`);
      }
    }
  };
  const get = (l: string) => fields.has(l) ? body[fields.get(l)!] : undefined;
  const entries = (l: string, grammar: "v2" | "de") => {
    const p = [...at, fields.get(l) ?? l.toUpperCase()];
    if (!fields.has(l)) ctx.fail(at, `SEARCH.${lower.toUpperCase()} needs ${l.toUpperCase()}`);
    return strings(ctx, get(l), p, true).map((text) => {
      try {
        const e = parseSearchEntry(text, grammar);
        return `[${e.selector}] = ${text.slice(text.indexOf("=") + 1).trim()}`;
      } catch (err) {
        ctx.fail(p, `${ctx.label(p)}: "${text}": ${(err as Error).message}`);
      }
    });
  };
  if (lower === "grid") {
    allow(["axes"]);
    return { kind: "grid", axes: entries("axes", "v2"), grammar: "v2" };
  }
  if (lower === "prepare") {
    allow(["hold", "try_dw_signs"]);
    const list = (l: string) => {
      const v = get(l);
      if (v === undefined) return [];
      const p = [...at, fields.get(l)!];
      return strings(ctx, v, p, false).map((t) => selector(ctx, t, p));
    };
    const hold = list("hold");
    const tryDwSigns = list("try_dw_signs");
    if (hold.length + tryDwSigns.length === 0) {
      ctx.fail(at, "SEARCH.PREPARE needs a non-empty HOLD or TRY_DW_SIGNS");
    }
    const both = hold.filter((h) => tryDwSigns.includes(h));
    if (both.length) {
      ctx.fail(at, `SEARCH.PREPARE: ${both.join(", ")} in both HOLD and TRY_DW_SIGNS`);
    }
    return { kind: "prepare", hold, tryDwSigns };
  }
  if (lower === "de") {
    allow(["seed", "coordinates"]);
    if (!fields.has("seed")) ctx.fail(at, "SEARCH.DE needs SEED (an integer, 0 ≤ SEED < 2^64)");
    const seed = String(parseSeed(ctx, get("seed"), [...at, fields.get("seed")!]));
    const coordinates = entries("coordinates", "de");
    const sels = coordinates.map((c) => c.slice(0, c.indexOf("=")).trim());
    const dup = sels.find((s, k) => sels.indexOf(s) !== k);
    if (dup) ctx.fail(at, `SEARCH.DE: coordinate ${dup} is listed twice`);
    return { kind: "de", seed, coordinates };
  }
  return ctx.fail(at, `Unsupported v2 field ${key} in SEARCH; expected GRID or PREPARE (or DE)`);
}

const RETIRED_STATISTICS: Record<string, string> = {
  thin: "THIN",
  walkers: "WALKERS",
  workers: "WORKERS",
  update_parameters: "UPDATE_PARAMETERS",
};

function parseStatistics(ctx: KeyContext, value: unknown, path: string[]): StepStatistics {
  const table = ctx.table(value, path);
  const out: StepStatistics = {};
  for (const [lower, key] of keysOf(ctx, table, path)) {
    const at = [...path, key];
    const item = table[key];
    if (lower === "mc" || lower === "bs" || lower === "bsn") {
      if (!isTable(item)) {
        out[lower] = ctx.integer(item, at, { min: 1 });
        continue;
      }
      const f = keysOf(ctx, item, at);
      for (const [l, k] of f) {
        if (l !== "replicates" && l !== "seed") {
          ctx.fail([...at, k], `Unsupported v2 field ${k} in STATISTICS.${key}`);
        }
      }
      if (!f.has("replicates")) ctx.fail(at, `STATISTICS.${key} needs REPLICATES`);
      out[lower] = ctx.integer(item[f.get("replicates")!], [...at, f.get("replicates")!], {
        min: 1,
      });
      if (f.has("seed")) {
        out.seeds = { ...out.seeds, [lower]: parseSeed(ctx, item[f.get("seed")!], at) };
      }
    } else if (lower === "mcmc") {
      out.mcmc = parseMcmcV2(ctx, item, at);
    } else {
      ctx.fail(at, `Unsupported v2 field ${key} in STATISTICS; expected MC, BS, BSN or MCMC`);
    }
  }
  return out;
}

function parseMcmcV2(ctx: KeyContext, value: unknown, path: string[]): McmcSettings {
  if (!isTable(value)) {
    return { steps: ctx.integer(value, path, { min: 1 }), burn: "auto", thin: 1 };
  }
  const f = keysOf(ctx, value, path);
  for (const [l, k] of f) {
    if (l in RETIRED_STATISTICS) {
      ctx.fail([...path, k], `${RETIRED_STATISTICS[l]} is not a v2 STATISTICS.MCMC field`);
    }
    if (!["steps", "burn", "seed"].includes(l)) {
      ctx.fail([...path, k], `Unsupported v2 field ${k} in STATISTICS.MCMC`);
    }
  }
  if (!f.has("steps")) ctx.fail(path, "STATISTICS.MCMC needs STEPS");
  const steps = ctx.integer(value[f.get("steps")!], [...path, f.get("steps")!], { min: 1 });
  let burn: "auto" | number = "auto";
  if (f.has("burn")) {
    const at = [...path, f.get("burn")!];
    const b = value[f.get("burn")!];
    if (typeof b === "string") {
      ctx.fail(at, `BURN must be an integer (0 ≤ BURN < STEPS); "AUTO" is not a v2 value`);
    }
    burn = ctx.integer(b, at, { min: 0 });
    if (burn >= steps) ctx.fail(at, `BURN (${burn}) must be smaller than STEPS (${steps})`);
  }
  const out: McmcSettings = { steps, burn, thin: 1 };
  if (f.has("seed")) out.seed = parseSeed(ctx, value[f.get("seed")!], [...path, f.get("seed")!]);
  return out;
}
