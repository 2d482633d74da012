/**
 * Parameter files (`-p`, compatibility spec §6): `[GLOBAL]` holds complete selectors as keys;
 * any other section names a parameter (with optional qualifiers) and its keys are spin systems.
 * Several files are merged in command-line order. ChemEx's own outputs (`Parameters/*.toml`,
 * `run_info/parameters_used.toml`, `pick_cest` files) are valid inputs.
 *
 * @module
 */

import { checkNameLength } from "./limits.ts";
import { describeValue, isTable, KeyContext, parseFloatText, readTomlFile } from "./toml.ts";

/** One parameter setting, in application order. */
export interface ParameterEntry {
  /**
   * Selector text: for `[GLOBAL]` the key itself (e.g. `"KEX_AB, T->25.0C"`); otherwise
   * `"<SECTION>, NUC-><KEY>"` (e.g. `"CS_A, NUC->G23N"`), with the text as written.
   */
  selector: string;
  /** Starting value. */
  value: number;
  /** Lower bound, when given (`-inf` allowed). */
  min?: number;
  /** Upper bound, when given (`inf` allowed). */
  max?: number;
  /** File the entry was read from (the last file that set it). */
  file: string;
  /** 1-based line of the key in that file, when found. */
  line?: number;
}

/**
 * Read and merge parameter files. Files are merged in the order given, as ChemEx does: a key of a
 * later file replaces the same key (same section, same key, compared case-insensitively) of an
 * earlier file but keeps the earlier position; entries come out with sections in first-seen
 * order and keys in first-seen order within each section. Values: `x`, `[x]`, `[x, min]`,
 * `[x, min, max]`, `[x, min, max, step]` (step ignored); `inf`/`nan` allowed. Anything else is a
 * {@link ConfigError} naming the file, line and key.
 *
 * @example
 * ```ts
 * const entries = readParameterFiles(["Parameters/parameters.toml"]);
 * entries[0]; // { selector: "PB", value: 0.07, file: "Parameters/parameters.toml", line: 2 }
 * entries.find((e) => e.selector === "CS_A, NUC->1N")?.value; // 126.886
 * ```
 */
export function readParameterFiles(paths: string[]): ParameterEntry[] {
  const sections = new Map<string, Map<string, ParameterEntry>>();
  for (const path of paths) {
    const doc = readTomlFile(path);
    const ctx: KeyContext = new KeyContext(path, doc.keys);
    for (const [section, content] of Object.entries(doc.data)) {
      if (!isTable(content)) {
        ctx.fail(
          [section],
          `'${section}' must be inside a section: put it under [GLOBAL] ` +
            `(e.g. "[GLOBAL]\\n${section} = ${describeValue(content)}")`,
        );
      }
      const isGlobal = section.trim().toLowerCase() === "global";
      const sectionId = section.trim().toLowerCase();
      let entries = sections.get(sectionId);
      if (entries === undefined) {
        entries = new Map();
        sections.set(sectionId, entries);
      }
      checkNameLength(section, path, "section name", doc.keys.locate([section]));
      for (const [key, raw] of Object.entries(content)) {
        const keyPath = [section, key];
        checkNameLength(key, path, "parameter key", doc.keys.locate(keyPath));
        const values = parseValues(ctx, raw, keyPath);
        const entry: ParameterEntry = {
          selector: isGlobal ? key : `${section}, NUC->${key}`,
          value: values[0],
          file: path,
        };
        if (values.length > 1) entry.min = values[1];
        if (values.length > 2) entry.max = values[2];
        const line = doc.keys.find(keyPath)?.line;
        if (line !== undefined) entry.line = line;
        entries.set(key.trim().toLowerCase(), entry);
      }
    }
  }
  const out: ParameterEntry[] = [];
  // One push per entry: spreading a huge section into push() overflows the call stack.
  for (const entries of sections.values()) for (const e of entries.values()) out.push(e);
  return out;
}

function parseValues(ctx: KeyContext, raw: unknown, path: string[]): number[] {
  const expected = "a number or a list [value], [value, min, max] or [value, min, max, step]";
  const where = `parameter '${path[path.length - 1]}' in [${path[0]}]`;
  if (isTable(raw)) {
    ctx.fail(
      path,
      `${where} must be ${expected}, got a table ${describeValue(raw)}`,
    );
  }
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || list.length > 4) {
    ctx.fail(
      path,
      `${where} must be ${expected}, got ${describeValue(raw)} (${list.length} items)`,
    );
  }
  const values = list.map((item) => {
    let v: number | undefined;
    if (typeof item === "number") v = item;
    else if (typeof item === "bigint") v = Number(item);
    else if (typeof item === "string") v = parseFloatText(item);
    if (v === undefined) {
      ctx.fail(path, `${where} must be ${expected}, got ${describeValue(raw)}`);
    }
    return v;
  });
  checkDomain(ctx, path, where, values);
  return values;
}

/** Largest magnitude of a starting value: beyond it no NMR parameter is physical. */
export const MAX_PARAMETER_MAGNITUDE = 1e12;

/** Value finite and not absurd, bounds not NaN and ordered, value inside the bounds. */
function checkDomain(ctx: KeyContext, path: string[], where: string, values: number[]): void {
  const [value, min, max] = values;
  if (!Number.isFinite(value) || Math.abs(value) > MAX_PARAMETER_MAGNITUDE) {
    ctx.fail(
      path,
      `${where}: the value must be a finite number of magnitude at most ` +
        `${MAX_PARAMETER_MAGNITUDE}, got ${describeValue(value)}`,
    );
  }
  if (Number.isNaN(min) || Number.isNaN(max)) {
    ctx.fail(path, `${where}: bounds must be numbers (-inf and inf allowed), got nan`);
  }
  if (min !== undefined && max !== undefined && min > max) {
    ctx.fail(
      path,
      `${where}: the bounds are in the wrong order: [value, min, max] needs min <= max, got ` +
        `min = ${describeValue(min)} and max = ${describeValue(max)}`,
    );
  }
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    ctx.fail(
      path,
      `${where}: the value ${describeValue(value)} is outside its bounds ` +
        `[${describeValue(min ?? -Infinity)}, ${describeValue(max ?? Infinity)}]`,
    );
  }
}
