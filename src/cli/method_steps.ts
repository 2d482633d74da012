/**
 * Method files (either format) as the steps the fit loop runs.
 *
 * @module
 */
import { readMethodPlan } from "../config/method_read.ts";
import type { MethodPlan } from "../config/method_plan.ts";
import type { StepSpec } from "../fit/step.ts";

/**
 * The plan's steps as {@link StepSpec}s (one unnamed default step without method files), with
 * the notices to print (legacy FITMETHOD) and the v1 deprecation notice.
 *
 * @example
 * ```ts
 * const { steps, notices } = planToSteps(["Methods/method.toml"]);
 * ```
 */
export function planToSteps(
  paths: readonly string[] | undefined,
): { steps: StepSpec[]; notices: string[]; deprecation?: string; plan?: MethodPlan } {
  if (!paths || paths.length === 0) {
    return { steps: [{ name: "", fit: [], fix: [], constraints: [] }], notices: [] };
  }
  const plan = readMethodPlan(paths);
  const notices: string[] = [];
  for (const s of plan.steps) if (s.fitmethodWarning) notices.push(s.fitmethodWarning);
  const steps = plan.steps.map((s): StepSpec => {
    const of = (kind: string) => s.roles.filter((r) => r.kind === kind).flatMap((r) => r.items);
    const step: StepSpec = {
      name: plan.steps.length === 1 ? "" : s.name,
      include: s.include,
      exclude: s.exclude,
      fit: of("fit"),
      fix: of("fix"),
      constraints: of("constrain"),
      statistics: s.statistics,
      origin: { file: s.file, step: s.name },
      plan: { format: s.format, rolesFrom: s.rolesFrom, roles: s.roles },
    };
    if (s.search) step.search = s.search;
    if (s.multistart !== undefined) step.multistart = s.multistart;
    if (s.search?.kind === "grid") step.grid = s.search.axes;
    return step;
  });
  return { steps, notices, deprecation: plan.notices[0], plan };
}
