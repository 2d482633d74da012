/**
 * Method files (`-m`, compatibility spec §7): every top-level table is a fitting step.
 *
 * @module
 */

import { didYouMean } from "./errors.ts";
import { checkStepLimits } from "./method_limits.ts";
import {
  describeValue,
  isTable,
  KeyContext,
  lowerCaseKeys,
  readTomlFile,
  type TomlTable,
} from "./toml.ts";

/** MCMC settings of a step's `STATISTICS`. */
export interface McmcSettings {
  /** Sampler steps (> 0). */
  steps: number;
  /** Burn-in: `"auto"` or a number of steps (< steps). */
  burn: "auto" | number;
  /** Thinning (> 0, default 1). */
  thin: number;
  /** Number of walkers (> 0); unset = max(32, 2·free parameters). */
  walkers?: number;
  /** Unsigned 64-bit seed (`bigint` when it does not fit a double exactly). */
  seed?: bigint | number;
  /** Worker count (> 0). */
  workers?: number;
}

/** `STATISTICS` of a step. */
export interface StepStatistics {
  /** v2 `SEED` of MC, BS, BSN (v1: none, i.e. the run's root seed). */
  seeds?: { mc?: bigint | number; bs?: bigint | number; bsn?: bigint | number };
  /** Monte-Carlo replicates. */
  mc?: number;
  /** Bootstrap replicates. */
  bs?: number;
  /** Nucleus-specific bootstrap replicates. */
  bsn?: number;
  mcmc?: McmcSettings;
}

/** One fitting step. */
export interface MethodStep {
  /** Table name as written (e.g. `STEP1`); used for output sub-directories. */
  name: string;
  /** The solver that runs: always `"trf"` (legacy names are mapped; see `fitmethodWarning`). */
  fitmethod: string;
  /** Set when the file asked for a legacy lmfit method that is mapped to `trf`. */
  fitmethodWarning?: string;
  /** Spin systems / residue numbers (as strings), or `"all"`; unset = keep previous selection. */
  include?: string[] | "all";
  /** Same form as `include`. */
  exclude?: string[] | "all";
  /** Selectors to free. */
  fit: string[];
  /** Selectors to fix. */
  fix: string[];
  /** Constraint strings `"[LHS] = EXPR"`. */
  constraints: string[];
  /** Grid strings `"[SELECTOR] = SPEC"`. */
  grid: string[];
  statistics?: StepStatistics;
  /** `MULTISTART`: basin-search starts after each group's fit (0: none; see src/fit/basins.ts). */
  multistart?: number;
  /** File the step was read from. */
  file: string;
}

const STEP_KEYS = [
  "fitmethod",
  "include",
  "exclude",
  "fit",
  "fix",
  "constraints",
  "grid",
  "statistics",
  "multistart",
];
const STATISTICS_KEYS = ["mc", "bs", "bsn", "mcmc"];
const MCMC_KEYS = ["steps", "burn", "thin", "walkers", "seed", "workers", "update_parameters"];
const CURRENT_METHODS = ["trf", "least_squares"];
/** Method names accepted by lmfit's `minimize` (legacy ChemEx passed FITMETHOD to it). */
const LEGACY_METHODS = [
  "leastsq",
  "differential_evolution",
  "brute",
  "basinhopping",
  "ampgo",
  "nelder",
  "nelder-mead",
  "lbfgsb",
  "l-bfgs-b",
  "powell",
  "cg",
  "newton",
  "newton-cg",
  "cobyla",
  "bfgs",
  "tnc",
  "trust-ncg",
  "trust-exact",
  "trust-krylov",
  "trust-constr",
  "dogleg",
  "slsqp",
  "emcee",
  "shgo",
  "dual_annealing",
];
const SOLVER = "bounded trust-region reflective least squares (trf)";
const UINT64_LIMIT = 1n << 64n;

/**
 * Read method files. Top-level tables are steps in file order; files are concatenated. A step
 * name that appears again (in a later file, compared exactly as ChemEx does) replaces the earlier
 * definition at the earlier step's position. Keys are case-insensitive; unknown keys, bad values
 * and malformed TOML give a {@link ConfigError} naming file, line and key. An empty result means
 * "no method": the caller runs one default step.
 *
 * @example
 * ```ts
 * const steps = readMethodFiles(["Methods/method.toml"]);
 * steps[0]; // { name: "STEP1", fitmethod: "trf", include: ["15", "31"], fit: [], ... }
 * steps[1].fix; // ["PB", "KEX_AB"]
 * ```
 */
export function readMethodFiles(paths: string[]): MethodStep[] {
  const steps = new Map<string, MethodStep>();
  for (const path of paths) {
    const doc = readTomlFile(path, { bigIntegers: true });
    const ctx: KeyContext = new KeyContext(path, doc.keys);
    for (const [name, content] of Object.entries(doc.data)) {
      if (!isTable(content)) {
        ctx.fail(
          [name],
          `'${name}' must be a step table such as [STEP1] holding the step's settings, got ` +
            `${describeValue(content)}`,
        );
      }
      const step = parseStep(ctx, name, content);
      checkStepLimits(ctx, step);
      steps.set(name, step);
    }
  }
  return [...steps.values()];
}

function parseStep(ctx: KeyContext, name: string, raw: TomlTable): MethodStep {
  const table = lowerCaseKeys(raw, { file: ctx.file, keys: ctx.keys, path: [name] });
  const step: MethodStep = {
    name,
    fitmethod: "trf",
    fit: [],
    fix: [],
    constraints: [],
    grid: [],
    file: ctx.file,
  };
  for (const [key, value] of Object.entries(table)) {
    const path = [name, key];
    if (readSelectionKey(ctx, key, value, path, step)) continue;
    switch (key) {
      case "fitmethod":
        parseFitmethod(ctx, value, path, step);
        break;
      case "fit":
      case "fix":
      case "constraints":
      case "grid":
        step[key] = parseStrings(ctx, value, path);
        break;
      case "statistics":
        step.statistics = parseStatistics(ctx, value, path);
        break;
      case "multistart":
        step.multistart = ctx.integer(value, path, { min: 0 });
        break;
      default:
        ctx.fail(path, `unknown key '${key}' in step [${name}]${didYouMean(key, STEP_KEYS)}`);
    }
  }
  return step;
}

function parseFitmethod(ctx: KeyContext, value: unknown, path: string[], step: MethodStep): void {
  const text = ctx.string(value, path).trim().toLowerCase();
  if (CURRENT_METHODS.includes(text)) return;
  if (LEGACY_METHODS.includes(text)) {
    step.fitmethodWarning =
      `${ctx.file}: step [${step.name}] asks for FITMETHOD "${text}" (a legacy lmfit method); ` +
      `using ${SOLVER} instead`;
    return;
  }
  ctx.fail(
    path,
    `${ctx.label(path)}: unknown fit method ${describeValue(value)}; expected "trf" ` +
      `("least_squares" and legacy lmfit names such as "leastsq" are accepted)` +
      didYouMean(text, [...CURRENT_METHODS, ...LEGACY_METHODS]),
  );
}

/**
 * Read a key that both method formats read alike: INCLUDE or EXCLUDE (`key` lower-cased), a
 * spin-system selection, into `step`. False when `key` is another key.
 *
 * @example
 * ```ts
 * readSelectionKey(ctx, "include", [15], ["STEP1", "INCLUDE"], step); // true; step.include = ["15"]
 * ```
 */
export function readSelectionKey(
  ctx: KeyContext,
  key: string,
  value: unknown,
  path: string[],
  step: { include?: string[] | "all"; exclude?: string[] | "all" },
): boolean {
  if (key === "include") step.include = parseSelection(ctx, value, path);
  else if (key === "exclude") step.exclude = parseSelection(ctx, value, path);
  else return false;
  return true;
}

/**
 * `INCLUDE`/`EXCLUDE`: "ALL"/"*" (any case, alone or in a list) or spin systems and residues.
 *
 * @example
 * ```ts
 * parseSelection(ctx, [15, "G23N"], ["STEP1", "include"]); // ["15", "G23N"]
 * ```
 */
export function parseSelection(ctx: KeyContext, value: unknown, path: string[]): string[] | "all" {
  const isAll = (v: unknown) =>
    typeof v === "string" && ["all", "*"].includes(v.trim().toLowerCase());
  const list = Array.isArray(value) ? value : [value];
  if (list.some(isAll)) return "all";
  return list.map((item) => {
    if (typeof item === "string") return item.trim();
    if (typeof item === "bigint") return item.toString();
    if (typeof item === "number" && Number.isInteger(item)) return String(item);
    ctx.fail(
      path,
      `${ctx.label(path)} must be "ALL", "*" or a list of spin systems (strings) and residue ` +
        `numbers (integers), got ${describeValue(value)}`,
    );
  });
}

function parseStrings(ctx: KeyContext, value: unknown, path: string[]): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === "string") return item;
    ctx.fail(path, `${ctx.label(path)} must be a list of strings, got ${describeValue(value)}`);
  });
}

function parseStatistics(ctx: KeyContext, value: unknown, path: string[]): StepStatistics {
  const table = lowerCaseKeys(ctx.table(value, path), {
    file: ctx.file,
    keys: ctx.keys,
    path,
  });
  const out: StepStatistics = {};
  for (const [key, item] of Object.entries(table)) {
    const sub = [...path, key];
    switch (key) {
      case "mc":
      case "bs":
      case "bsn":
        out[key] = ctx.integer(item, sub, { min: 1 });
        break;
      case "mcmc":
        out.mcmc = parseMcmc(ctx, item, sub);
        break;
      default:
        ctx.fail(
          sub,
          `unknown key '${key}' in ${path.join(".")}; expected MC, BS, BSN or MCMC` +
            didYouMean(key, STATISTICS_KEYS),
        );
    }
  }
  return out;
}

function parseMcmc(ctx: KeyContext, value: unknown, path: string[]): McmcSettings {
  if (!isTable(value)) {
    return { steps: ctx.integer(value, path, { min: 1 }), burn: "auto", thin: 1 };
  }
  const table = lowerCaseKeys(value, { file: ctx.file, keys: ctx.keys, path });
  for (const key of Object.keys(table)) {
    if (!MCMC_KEYS.includes(key)) {
      ctx.fail(
        [...path, key],
        `unknown key '${key}' in ${path.join(".")}${didYouMean(key, MCMC_KEYS)}`,
      );
    }
  }
  const at = (k: string) => [...path, k];
  if (!("steps" in table)) {
    ctx.fail(path, `missing required key 'steps' in ${path.join(".")} (a positive integer)`);
  }
  const steps = ctx.integer(table.steps, at("steps"), { min: 1 });
  let burn: "auto" | number = "auto";
  if ("burn" in table) {
    const b = table.burn;
    if (typeof b === "string" && b.trim().toLowerCase() === "auto") burn = "auto";
    else if (typeof b === "string" && !/^\s*[+-]?\d+\s*$/.test(b)) {
      ctx.fail(at("burn"), `${ctx.label(at("burn"))} must be "auto" or an integer >= 0`);
    } else burn = ctx.integer(b, at("burn"), { min: 0 });
  }
  const thin = "thin" in table ? ctx.integer(table.thin, at("thin"), { min: 1 }) : 1;
  const out: McmcSettings = { steps, burn, thin };
  if ("walkers" in table) out.walkers = ctx.integer(table.walkers, at("walkers"), { min: 1 });
  if ("workers" in table) out.workers = ctx.integer(table.workers, at("workers"), { min: 1 });
  if ("seed" in table) out.seed = parseSeed(ctx, table.seed, at("seed"));
  if ("update_parameters" in table) {
    if (ctx.boolean(table.update_parameters, at("update_parameters"))) {
      ctx.fail(
        at("update_parameters"),
        "MCMC cannot update the fitted parameters: 'update_parameters' must be false",
      );
    }
  }
  const burnSteps = burn === "auto" ? 0 : burn;
  if (burnSteps >= steps) {
    ctx.fail(at("burn"), `MCMC burn (${burnSteps}) must be smaller than steps (${steps})`);
  }
  if (Math.floor((steps - burnSteps) / thin) < 1) {
    ctx.fail(
      at("thin"),
      `MCMC settings keep no sample: (steps - burn) / thin = (${steps} - ${burnSteps}) / ` +
        `${thin} < 1`,
    );
  }
  return out;
}

/**
 * An unsigned 64-bit seed (`bigint` when it does not fit a double exactly).
 *
 * @example
 * ```ts
 * parseSeed(ctx, 597, ["DE", "search", "de", "seed"]); // 597
 * ```
 */
export function parseSeed(ctx: KeyContext, value: unknown, path: string[]): bigint | number {
  let big: bigint | undefined;
  if (typeof value === "bigint") big = value;
  else if (typeof value === "number" && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) big = BigInt(value.trim());
  if (big === undefined || big < 0n || big >= UINT64_LIMIT) {
    ctx.fail(
      path,
      `${ctx.label(path)} must be an unsigned 64-bit integer, got ${describeValue(value)}`,
    );
  }
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}
