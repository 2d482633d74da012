/**
 * The `[data]` table of an experiment file: where the profiles are, how their errors are
 * estimated, which planes and offsets are filtered out, and one entry per spin system with its
 * data files (which must exist; they are read later, by `data.ts`).
 *
 * @module
 */

import { resolve } from "./paths.ts";
import { didYouMean } from "./errors.ts";
import { checkNameLength } from "./limits.ts";
import { describeValue, type KeyContext, type TomlTable } from "./toml.ts";
import type { ExperimentSchema } from "../experiments/schema.ts";

/** Error source of an experiment's data (section 4.6 of the compatibility spec). */
export type ErrorMode = "file" | "duplicates" | "scatter";

/** `[data]` of an experiment file, with paths made absolute. */
export interface ExperimentData {
  /** Directory of the profile files; for `shift` experiments the shift file itself. */
  path: string;
  error: ErrorMode;
  globalError: boolean;
  scaled: boolean;
  /** 0-based row indices (file order) excluded from the fit; out-of-range indices are kept. */
  filterPlanes: number[];
  /** `[offset_Hz, width_Hz]` pairs (CEST family only; empty otherwise). */
  filterOffsets: [number, number][];
  filterRefPlanes: boolean;
  /** One entry per spin system (key upper-cased, as written otherwise), in file order. */
  profiles: { key: string; files: string[] }[];
}

const DATA_KEYS = [
  "path",
  "error",
  "global_error",
  "scaled",
  "filter_planes",
  "filter_offsets",
  "filter_ref_planes",
  "profiles",
];
const ERROR_MODES: ErrorMode[] = ["file", "duplicates", "scatter"];

/** `[data]` keys that only some families read, by key: true where `family` ignores it. */
type IgnoredKeys = Record<string, boolean>;

/**
 * Validate the `[data]` table of an experiment of `schema`'s family; relative paths are resolved
 * against `baseDir` (the experiment file's folder). Keys the family ignores add a notice.
 *
 * @example
 * ```ts
 * const data = parseData(ctx, { path: "Data/800MHz", profiles: { G23N: "g23.out" } }, schema,
 *   "/study", notices);
 * data.profiles; // [{ key: "G23N", files: ["/study/Data/800MHz/g23.out"] }]
 * ```
 */
export function parseData(
  ctx: KeyContext,
  table: TomlTable,
  schema: ExperimentSchema,
  baseDir: string,
  notices: string[],
): ExperimentData {
  const family = schema.family;
  const p = (k: string) => ["data", k];
  const notFor: IgnoredKeys = {
    filter_offsets: family !== "cest",
    filter_ref_planes: family !== "cest",
    filter_planes: family === "shift",
    profiles: family === "shift",
  };
  checkDataKeys(ctx, table, schema, notFor, notices);

  const pathText = "path" in table ? ctx.string(table.path, p("path")) : "./";
  const dataPath = resolve(baseDir, pathText);
  const error = parseErrorMode(ctx, table);
  const globalError = "global_error" in table
    ? ctx.boolean(table.global_error, p("global_error"))
    : true;
  // Shifts and R1ρ rates are values, not intensities: no scale factor unless asked.
  const scaled = "scaled" in table
    ? ctx.boolean(table.scaled, p("scaled"))
    : family !== "shift" && family !== "r1rho";
  const filters = parseFilters(ctx, table, schema, notFor);

  let profiles: { key: string; files: string[] }[] = [];
  if (family === "shift") {
    requireFile(ctx, p("path"), dataPath, "shift data file");
  } else if ("profiles" in table) {
    profiles = parseProfiles(ctx, table, dataPath, notices);
  }
  return { path: dataPath, error, globalError, scaled, ...filters, profiles };
}

/** Unknown `[data]` keys are errors; keys this family ignores are notices. */
function checkDataKeys(
  ctx: KeyContext,
  table: TomlTable,
  schema: ExperimentSchema,
  notFor: IgnoredKeys,
  notices: string[],
): void {
  for (const key of Object.keys(table)) {
    if (!DATA_KEYS.includes(key)) {
      ctx.fail(["data", key], `unknown key '${key}' in [data]${didYouMean(key, DATA_KEYS)}`);
    }
    if (notFor[key]) {
      notices.push(
        `${ctx.file}: '${key}' in [data] is ignored by ${schema.family} experiments ` +
          `such as '${schema.name}'`,
      );
    }
  }
}

/** `error`: how the profiles' errors are estimated (default "file"). */
function parseErrorMode(ctx: KeyContext, table: TomlTable): ErrorMode {
  if (!("error" in table)) return "file";
  const path = ["data", "error"];
  const text = ctx.string(table.error, path).trim().toLowerCase();
  if (!(ERROR_MODES as string[]).includes(text)) {
    ctx.fail(
      path,
      `${ctx.label(path)}: unknown error mode ${describeValue(table.error)}; expected ` +
        `"file", "duplicates" or "scatter"${didYouMean(text, ERROR_MODES)}`,
    );
  }
  return text as ErrorMode;
}

/** `filter_planes`, `filter_offsets` (CEST) and `filter_ref_planes` (CEST; schema default). */
function parseFilters(
  ctx: KeyContext,
  table: TomlTable,
  schema: ExperimentSchema,
  notFor: IgnoredKeys,
): Pick<ExperimentData, "filterPlanes" | "filterOffsets" | "filterRefPlanes"> {
  const p = (k: string) => ["data", k];
  const filterPlanes: number[] = [];
  if ("filter_planes" in table && !notFor.filter_planes) {
    const raw = table.filter_planes;
    if (!Array.isArray(raw)) {
      ctx.fail(
        p("filter_planes"),
        `${ctx.label(p("filter_planes"))} must be a list of row indices, got ${describeValue(raw)}`,
      );
    }
    for (const item of raw) filterPlanes.push(ctx.integer(item, p("filter_planes")));
  }

  const filterOffsets: [number, number][] = [];
  if ("filter_offsets" in table && !notFor.filter_offsets) {
    const raw = table.filter_offsets;
    const bad = () =>
      ctx.fail(
        p("filter_offsets"),
        `${ctx.label(p("filter_offsets"))} must be a list of [offset_Hz, width_Hz] pairs ` +
          `such as [[0.0, 13.0]], got ${describeValue(raw)}`,
      );
    if (!Array.isArray(raw)) bad();
    for (const pair of raw as unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2) bad();
      const [offset, width] = pair as unknown[];
      filterOffsets.push([
        ctx.number(offset, p("filter_offsets")),
        ctx.number(width, p("filter_offsets")),
      ]);
    }
  }

  const refDefault = Object.entries(schema.keys).find(([k]) =>
    k.toLowerCase() === "filter_ref_planes"
  )?.[1].default;
  let filterRefPlanes = typeof refDefault === "boolean" ? refDefault : false;
  if ("filter_ref_planes" in table && !notFor.filter_ref_planes) {
    filterRefPlanes = ctx.boolean(table.filter_ref_planes, p("filter_ref_planes"));
  }
  return { filterPlanes, filterOffsets, filterRefPlanes };
}

/**
 * `[data.profiles]`: one entry per spin system (key upper-cased) with its existing data files,
 * resolved against `dataPath`. A repeated key keeps its first position and takes the last
 * value, as ChemEx does, with a notice.
 */
function parseProfiles(
  ctx: KeyContext,
  table: TomlTable,
  dataPath: string,
  notices: string[],
): { key: string; files: string[] }[] {
  const profiles: { key: string; files: string[] }[] = [];
  const raw = ctx.table(table.profiles, ["data", "profiles"]);
  const index = new Map<string, number>();
  for (const [key, value] of Object.entries(raw)) {
    const path = ["data", "profiles", key];
    checkNameLength(key, ctx.file, "profile key", ctx.keys.locate(path));
    if (key.trim() === "") {
      ctx.fail(path, "empty profile key in [data.profiles]; expected a spin system such as G23N");
    }
    const names = Array.isArray(value) ? value : [value];
    const files: string[] = [];
    for (const name of names) {
      if (typeof name !== "string") {
        ctx.fail(
          path,
          `profile '${key}' in [data.profiles] must be a file name or a list of file names, ` +
            `got ${describeValue(value)}`,
        );
      }
      const full = resolve(dataPath, name);
      requireFile(ctx, path, full, `data file of profile '${key}'`);
      files.push(full);
    }
    const upper = key.toUpperCase();
    const seen = index.get(upper);
    if (seen !== undefined) {
      // ChemEx keys profiles by spin system: a repeated key keeps its first position and
      // takes the last value.
      notices.push(
        `${ctx.file}: profile '${key}' is listed more than once in [data.profiles]; ` +
          "the last entry is used",
      );
      profiles[seen].files = files;
      continue;
    }
    index.set(upper, profiles.length);
    profiles.push({ key: upper, files });
  }
  return profiles;
}

/** The file at `file` exists and is a regular file, or an error at `path` names `what`. */
function requireFile(ctx: KeyContext, path: string[], file: string, what: string): void {
  let info: Deno.FileInfo | undefined;
  try {
    info = Deno.statSync(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      const why = error instanceof Error ? error.name : String(error);
      ctx.fail(path, `${what} cannot be read (${why}): ${file}`);
    }
  }
  if (info === undefined) ctx.fail(path, `${what} not found: ${file}`);
  if (!info.isFile) ctx.fail(path, `${what} is not a file: ${file}`);
}
