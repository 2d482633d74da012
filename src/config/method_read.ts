/**
 * Reading method files of either format (ChemEx 2026.09 spec §1.1, §1.11): a file with a
 * top-level `FORMAT_VERSION` is v2, every other file v1; mixing them in one invocation is an
 * error. Both give the same canonical plan (`method_plan.ts`); v1 adds one deprecation notice.
 *
 * @module
 */
import { ConfigError } from "./errors.ts";
import { readMethodFiles } from "./method.ts";
import { type MethodPlan, normaliseV1, V1_DEPRECATION } from "./method_plan.ts";
import { formatVersionKey, parseV2Documents } from "./method_v2.ts";
import { readTomlFile } from "./toml.ts";

/**
 * Read method files into the canonical plan. Errors are {@link ConfigError}s naming file, line
 * and key.
 *
 * @example
 * ```ts
 * const plan = readMethodPlan(["Methods/method.toml"]);
 * plan.format; // 2
 * plan.steps.map((s) => s.name); // ["STEP1", "STEP2"]
 * ```
 */
export function readMethodPlan(paths: readonly string[]): MethodPlan {
  const docs = paths.map((p) => readTomlFile(p, { bigIntegers: true }));
  const v2 = docs.map((d) => formatVersionKey(d) !== undefined);
  if (v2.some((x) => x) && !v2.every((x) => x)) {
    const legacy = docs[v2.indexOf(false)].file;
    const modern = docs[v2.indexOf(true)].file;
    throw new ConfigError(
      legacy,
      `mixing method formats in one invocation: this file is v1 (no FORMAT_VERSION) but ` +
        `${modern} is v2; convert it (add FORMAT_VERSION = 2) or run them separately`,
    );
  }
  if (docs.length > 0 && v2.every((x) => x)) {
    return { format: 2, steps: parseV2Documents(docs), notices: [] };
  }
  const steps = normaliseV1(readMethodFiles([...paths]));
  return { format: 1, steps, notices: paths.length > 0 ? [V1_DEPRECATION] : [] };
}
