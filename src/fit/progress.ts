/**
 * Progress reporting for long, countable work (grid points, statistics replicates). The core
 * only calls this interface; the CLI supplies a terminal bar or plain lines
 * (`src/cli/progress.ts`), tests and library callers nothing.
 *
 * @module
 */

/** One running task: `tick` after each finished item, `done` once at the end. */
export interface ProgressTask {
  tick(count?: number): void;
  done(): void;
}

/** Starts a task with a label and a known number of items. */
export type ProgressReporter = (label: string, total: number) => ProgressTask;

/**
 * A reporter that reports nothing.
 *
 * @example
 * ```ts
 * const task = silentProgress("grid", 100);
 * task.tick();
 * task.done();
 * ```
 */
export const silentProgress: ProgressReporter = () => ({ tick() {}, done() {} });
