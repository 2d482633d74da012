/**
 * Located validation of the B1 keys of CEST-type experiments: the `[experiment.b1_distribution]`
 * table and the legacy `b1_inh_scale`/`b1_inh_res` keys (chemex-compat 4.4), with errors that
 * name the file, line and key. The distributions and their grids are physics
 * (`src/nmr/b1.ts`); this module only checks what the user wrote and hands the validated
 * settings over. exfit's `multiplet_weights` key of the same experiments is checked here too.
 *
 * @module
 */
import { didYouMean } from "./errors.ts";
import { describeValue, KeyContext, TomlKeyIndex } from "./toml.ts";
import {
  B1_DISTRIBUTION_TYPES,
  type B1Distribution,
  b1DistributionOf,
  type B1Grid,
  b1Grid,
  b1NominalHzOf,
} from "../nmr/b1.ts";
import { MULTIPLET_WEIGHTS_KEY } from "../experiments/schema.ts";
import type { ExperimentFile } from "./experiment.ts";

/** Where B1 settings came from, for error messages: a located context or a file name. */
export type B1Source = KeyContext | string;

function contextOf(source: B1Source): KeyContext {
  if (typeof source !== "string") return source;
  return new KeyContext(source, new TomlKeyIndex([]));
}

interface KeyRule {
  kind: "number" | "integer" | "list";
  range?: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean };
}

// Keys and ranges of each type (ChemEx's pydantic models; chemex-compat 4.4).
const RULES: Record<string, Record<string, KeyRule>> = {
  gaussian: {
    scale: { kind: "number", range: { min: 0, max: 1 } },
    res: { kind: "integer", range: { min: 1, max: 51 } },
  },
  hermite: {
    scale: { kind: "number", range: { min: 0, max: 1 } },
    res: { kind: "integer", range: { min: 1, max: 51 } },
  },
  skewed: {
    scale: { kind: "number", range: { min: 0, max: 1 } },
    res: { kind: "integer", range: { min: 1, max: 51 } },
    skewness: { kind: "number", range: { min: -2, max: 2 } },
  },
  truncated_skewed: {
    scale: { kind: "number", range: { min: 0, max: 1 } },
    skewness: { kind: "number", range: { min: -10, max: 10 } },
    res: { kind: "integer", range: { min: 1, max: 101 } },
    lower_bound: { kind: "number", range: { min: 0, max: 1 } },
  },
  beta: {
    scale: { kind: "number", range: { min: 0.01, max: 0.5 } },
    res: { kind: "integer", range: { min: 1, max: 51 } },
    mean_frac: { kind: "number", range: { min: 0.5, max: 1, exclusiveMax: true } },
  },
  custom: { scales: { kind: "list" }, weights: { kind: "list" } },
  dephasing: {},
};

/**
 * Read the B1 distribution of an experiment's validated `[experiment]` settings (lower-case keys,
 * as produced by the experiment-file reader). `legacyDefault` gives gaussian(0.1, 11) when no B1
 * key is present (ChemEx's `cest_15n_test`, and every CEST experiment before 2026.06).
 *
 * Throws {@link ConfigError} naming the file and key when the table is invalid or combined with
 * the legacy keys.
 *
 * @example
 * ```ts
 * parseB1Distribution({ b1_distribution: { type: "hermite", res: 5 } }, "exp.toml");
 * // { type: "hermite", scale: 0.1, res: 5 }
 * parseB1Distribution({ b1_inh_scale: Infinity }, "exp.toml"); // { type: "dephasing" }
 * ```
 */
export function parseB1Distribution(
  settings: Readonly<Record<string, unknown>>,
  source: B1Source,
  opts: { legacyDefault?: boolean } = {},
): B1Distribution {
  const ctx = contextOf(source);
  const table = settings.b1_distribution;
  const hasLegacy = settings.b1_inh_scale !== undefined || settings.b1_inh_res !== undefined;
  if (table !== undefined && table !== null) {
    if (hasLegacy) {
      const key = settings.b1_inh_scale !== undefined ? "b1_inh_scale" : "b1_inh_res";
      ctx.fail(
        ["experiment", key],
        "use either 'b1_distribution' or the legacy 'b1_inh_scale'/'b1_inh_res' keys, not both",
      );
    }
    checkTable(ctx, table);
    return b1DistributionOf(settings, opts);
  }
  if (settings.b1_inh_scale !== undefined) {
    ctx.number(settings.b1_inh_scale, ["experiment", "b1_inh_scale"], {
      min: 0,
      allowInfinity: true, // inf: fully dephasing field inhomogeneity
    });
  }
  if (settings.b1_inh_res !== undefined) {
    ctx.integer(settings.b1_inh_res, ["experiment", "b1_inh_res"], { min: 1 });
  }
  return b1DistributionOf(settings, opts);
}

function checkTable(ctx: KeyContext, raw: unknown): void {
  const base = ["experiment", "b1_distribution"];
  const table = ctx.table(raw, base);
  let type = "gaussian";
  if (table.type !== undefined) {
    type = ctx.string(table.type, [...base, "type"]).trim().toLowerCase();
    if (!(type in RULES)) {
      ctx.fail(
        [...base, "type"],
        `unknown B1 distribution type ${describeValue(table.type)}; expected one of ` +
          B1_DISTRIBUTION_TYPES.map((t) => `"${t}"`).join(", ") +
          didYouMean(type, B1_DISTRIBUTION_TYPES),
      );
    }
  }
  const rules = RULES[type];
  const lists: Record<string, number[]> = {};
  for (const [key, value] of Object.entries(table)) {
    if (key === "type") continue;
    const path = [...base, key];
    const rule = rules[key];
    if (!rule) {
      const known = Object.keys(rules);
      ctx.fail(
        path,
        `unknown key '${key}' for B1 distribution type "${type}"` +
          (known.length ? ` (expected ${known.map((k) => `'${k}'`).join(", ")})` : " (no keys)") +
          didYouMean(key, known),
      );
    }
    if (rule.kind === "number") ctx.number(value, path, rule.range);
    else if (rule.kind === "integer") ctx.integer(value, path, rule.range);
    else {
      if (!Array.isArray(value) || value.length === 0) {
        ctx.fail(
          path,
          `${ctx.label(path)} must be a non-empty list of positive numbers, got ${
            describeValue(value)
          }`,
        );
      }
      lists[key] = (value as unknown[]).map((v) =>
        ctx.number(v, path, { min: 0, exclusiveMin: true })
      );
    }
  }
  if (type === "custom") {
    for (const key of ["scales", "weights"]) {
      if (!lists[key]) {
        ctx.fail(base, `B1 distribution type "custom" needs '${key}' (a list of positive numbers)`);
      }
    }
    if (lists.scales.length !== lists.weights.length) {
      ctx.fail(
        [...base, "weights"],
        `'scales' and 'weights' of the custom B1 distribution must have the same length ` +
          `(got ${lists.scales.length} and ${lists.weights.length})`,
      );
    }
  }
}

/**
 * Nominal B1 field of an experiment: `b1_frq`, else 1/(4·`pw90`).
 *
 * @example
 * ```ts
 * b1NominalHz({ pw90: 10e-3 }, "exp.toml"); // 25
 * ```
 */
export function b1NominalHz(settings: Readonly<Record<string, unknown>>, source: B1Source): number {
  const hz = b1NominalHzOf(settings);
  if (!Number.isNaN(hz)) return hz;
  return contextOf(source).fail(
    ["experiment"],
    "either 'b1_frq' (B1 field, Hz) or 'pw90' (90° pulse width, s) must be given in [experiment]",
  );
}

/**
 * Distribution and grid of an experiment in one call (nominal from `b1_frq`/`pw90`).
 *
 * @example
 * ```ts
 * const grid = b1GridFromSettings({ b1_frq: 25, b1_distribution: { type: "dephasing" } }, "e.toml");
 * grid.dephasing; // true
 * ```
 */
export function b1GridFromSettings(
  settings: Readonly<Record<string, unknown>>,
  source: B1Source,
  opts: { legacyDefault?: boolean } = {},
): B1Grid {
  return b1Grid(parseB1Distribution(settings, source, opts), b1NominalHz(settings, source));
}

/**
 * Validate the B1 keys (and exfit's `multiplet_weights`) of an experiment file whose schema has
 * them, with errors located in the file (from the key positions the reader kept: the file is not
 * read again). No-op for other experiments.
 *
 * @example
 * ```ts
 * checkCestKeys(readExperimentFile(path, schemaFor, EXPERIMENT_NAMES));
 * ```
 */
export function checkCestKeys(file: ExperimentFile): void {
  const { schema, settings } = file;
  const ctx = new KeyContext(file.file, file.keys);
  if ("b1_distribution" in schema.keys) {
    parseB1Distribution(settings, ctx);
    b1NominalHz(settings, ctx);
  }
  if (!(MULTIPLET_WEIGHTS_KEY in schema.keys)) return;
  const w = settings[MULTIPLET_WEIGHTS_KEY];
  if (w !== undefined && w !== "normalized" && w !== "raw") {
    ctx.fail(
      ["experiment", MULTIPLET_WEIGHTS_KEY],
      `'${MULTIPLET_WEIGHTS_KEY}' in [experiment] must be "normalized" (default: 13C multiplet ` +
        `lines summing to one) or "raw" (ChemEx's multiplicities), got "${w}"`,
    );
  }
}
