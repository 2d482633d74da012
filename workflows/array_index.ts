/**
 * The index of one task of an array job, whichever engine started it: Slurm job arrays
 * (`SLURM_ARRAY_TASK_ID`), Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX`), AWS Batch array
 * jobs (`AWS_BATCH_JOB_ARRAY_INDEX`) and Cloud Run jobs (`CLOUD_RUN_TASK_INDEX`). An explicit
 * `--index` wins over all of them.
 *
 * @module
 */

/** Environment variables that carry an array task's index, in the order they are looked at. */
export const ARRAY_INDEX_VARIABLES = [
  "SLURM_ARRAY_TASK_ID",
  "JOB_COMPLETION_INDEX",
  "AWS_BATCH_JOB_ARRAY_INDEX",
  "CLOUD_RUN_TASK_INDEX",
] as const;

function parseIndex(text: string, source: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t))) {
    throw new Error(`${source}: expected a task index (a whole number ≥ 0), got "${text}"`);
  }
  return Number(t);
}

/**
 * The task index from `--index` (when given) or else from the first array-engine variable set
 * in `env`; an error listing the variables when there is none.
 *
 * @example
 * ```ts
 * arrayIndex(undefined, (k) => ({ SLURM_ARRAY_TASK_ID: "3" } as Record<string, string>)[k]); // 3
 * arrayIndex("7", () => undefined); // 7
 * ```
 */
export function arrayIndex(
  flag: string | undefined,
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): { index: number; source: string } {
  if (flag !== undefined) return { index: parseIndex(flag, "--index"), source: "--index" };
  for (const name of ARRAY_INDEX_VARIABLES) {
    const value = env(name);
    if (value !== undefined && value !== "") {
      return { index: parseIndex(value, name), source: name };
    }
  }
  throw new Error(
    `no task index: give --index I, or run as an array task (${ARRAY_INDEX_VARIABLES.join(", ")})`,
  );
}
