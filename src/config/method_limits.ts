/**
 * Limits of a method step (`STATISTICS` counts, `GRID` values), kept apart from the method
 * reader so that the reader's format can change without touching them. A step that asks for
 * `MC = 1000000000` or `lin(1e308, -1e308, 3)` is refused at load time with the key and the
 * limit (raise with `EXFIT_LIMIT_<NAME>`, see {@link LIMITS}) instead of running for days.
 *
 * @module
 */

import { limit, type LimitName } from "./limits.ts";
import type { KeyContext } from "./toml.ts";

/** Largest magnitude of a grid value: the same as for parameter values. */
const MAX_GRID_MAGNITUDE = 1e12;

/** The parts of a step these limits look at. */
export interface LimitedStep {
  name: string;
  grid: string[];
  statistics?: {
    mc?: number;
    bs?: number;
    bsn?: number;
    mcmc?: { steps: number; walkers?: number };
  };
}

/**
 * Check a parsed step against the limits; throws a {@link ConfigError} (through `ctx`) naming
 * the key and the limit.
 *
 * @example
 * ```ts
 * checkStepLimits(ctx, { name: "STEP1", grid: [], statistics: { mc: 100 } }); // ok
 * ```
 */
export function checkStepLimits(ctx: KeyContext, step: LimitedStep): void {
  const stats = step.statistics;
  const over = (n: number, name: LimitName, key: string[], what: string) => {
    const max = limit(name);
    if (n > max) {
      ctx.fail(
        key,
        `${what} = ${n} exceeds the limit of ${max} (raise with EXFIT_LIMIT_${name})`,
      );
    }
  };
  const at = (...k: string[]) => [step.name, "statistics", ...k];
  for (const key of ["mc", "bs", "bsn"] as const) {
    const n = stats?.[key];
    if (n !== undefined) over(n, "STATISTICS_COUNT", at(key), `STATISTICS ${key.toUpperCase()}`);
  }
  if (stats?.mcmc) {
    const samples = stats.mcmc.steps * (stats.mcmc.walkers ?? 32);
    over(samples, "MCMC_SAMPLES", at("mcmc"), "MCMC steps × walkers");
  }
  for (const text of step.grid) checkGridLimits(ctx, [step.name, "grid"], text);
}

function checkGridLimits(ctx: KeyContext, path: string[], text: string): void {
  const eq = text.indexOf("=");
  if (eq < 0) return; // malformed: the grid reader names what is expected
  const spec = text.slice(eq + 1).replace(/\s+/g, "");
  const call = /^(lin|log)\((.*)\)$/i.exec(spec);
  const list = /^\((.*)\)$/.exec(spec);
  const args = call ? call[2].split(",") : list ? list[1].split(",") : [];
  const bounds = call ? args.slice(0, 2) : args;
  for (const a of bounds) {
    const v = Number(a);
    if (a !== "" && (!Number.isFinite(v) || Math.abs(v) > MAX_GRID_MAGNITUDE)) {
      ctx.fail(
        path,
        `GRID "${text.trim()}": value ${a} must be a finite number of magnitude at most ` +
          `${MAX_GRID_MAGNITUDE}`,
      );
    }
  }
  const count = call ? Number(args[2]) : args.length;
  const max = limit("GRID_VALUES");
  if (Number.isFinite(count) && count > max) {
    ctx.fail(
      path,
      `GRID "${text.trim().slice(0, 80)}": ${count} values exceed the limit of ${max} per ` +
        "parameter (raise with EXFIT_LIMIT_GRID_VALUES)",
    );
  }
}
