/**
 * The text files of one step's output folder, as a map of relative paths to contents: the
 * parameter files, one data file per experiment and the statistics. Pure: writing them is
 * `atomic.ts`'s job.
 *
 * @module
 */
import { formatErrorComment, formatParametersToml, type ParameterLine } from "./parameters_toml.ts";
import { type DataBlock, formatDataDat, formatExsyDat, formatShiftDat } from "./data_dat.ts";
import { type FitStatistics, formatStatisticsToml } from "./statistics_toml.ts";
import { sectionAndKey } from "../params/name.ts";
import { compareSpinSystems, parseSpinSystem } from "../params/spin_system.ts";
import { exprRefs, type Param, type ParamStore } from "../params/store.ts";
import type { ProfileCalc, StudySpec } from "../fit/study.ts";
import { EXPERIMENTS } from "../experiments/registry.ts";

/** Parameters used by the given profiles, with everything their definitions reference. */
export function usedParams(store: ParamStore, study: StudySpec, profiles: number[]): Param[] {
  const need = new Set<string>();
  const stack = profiles.flatMap((k) => study.profiles[k].paramIds);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (need.has(id)) continue;
    need.add(id);
    stack.push(...exprRefs(store.get(id)!.expr));
  }
  return [...store.values()].filter((p) => need.has(p.id));
}

function sortLines(lines: (ParameterLine & { param: Param })[]): ParameterLine[] {
  return lines
    .sort((a, b) => {
      if (a.section !== b.section) {
        if (a.section === "GLOBAL") return -1;
        if (b.section === "GLOBAL") return 1;
        return a.section < b.section ? -1 : 1;
      }
      if (a.section === "GLOBAL") return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      return compareSpinSystems(a.param.pname.spin, b.param.pname.spin);
    })
    .map(({ section, key, value, comment }) => ({ section, key, value, comment }));
}

/**
 * `fitted.toml`, `fixed.toml` and `constrained.toml` contents (empty strings are omitted by
 * the caller). In a simulation nothing is fitted: independent parameters are all "fixed".
 *
 * @example
 * ```ts
 * const { fitted, fixed, constrained } = parameterFiles(params, false);
 * ```
 */
export function parameterFiles(
  params: Param[],
  simulate: boolean,
): { fitted: string; fixed: string; constrained: string } {
  const fitted: (ParameterLine & { param: Param })[] = [];
  const fixed: (ParameterLine & { param: Param })[] = [];
  const constrained: (ParameterLine & { param: Param })[] = [];
  for (const p of params) {
    const { section, key } = sectionAndKey(p.pname);
    if (p.expr) {
      const err = p.stderr !== null && !simulate
        ? `±${formatErrorComment(p.stderr).slice(1)} `
        : "";
      constrained.push({ section, key, value: p.value, comment: `${err}(${p.expr})`, param: p });
    } else if (p.vary && !simulate) {
      fitted.push({
        section,
        key,
        value: p.value,
        comment: formatErrorComment(
          p.stderr,
          p.stderr === null ? p.errorNote : undefined,
          p.stderr === null ? undefined : p.errorNote,
        ),
        param: p,
      });
    } else {
      fixed.push({ section, key, value: p.value, comment: "(fixed)", param: p });
    }
  }
  return {
    fitted: formatParametersToml(sortLines(fitted)),
    fixed: formatParametersToml(sortLines(fixed)),
    constrained: formatParametersToml(sortLines(constrained)),
  };
}

/**
 * `Data/<stem>.dat` per experiment for the given profiles.
 *
 * @example
 * ```ts
 * dataFiles(study, calcs, false); // Map { "Data/800mhz.dat" => "[15N]\n..." }
 * ```
 */
export function dataFiles(
  study: StudySpec,
  calcs: ProfileCalc[],
  simulate: boolean,
): Map<string, string> {
  const out = new Map<string, string>();
  study.experiments.forEach((exp, e) => {
    const mine = calcs.filter((c) => study.profiles[c.profile].experiment === e);
    if (mine.length === 0) return;
    const blocks: (DataBlock & { order: number })[] = mine.map((c, order) => {
      const p = study.profiles[c.profile];
      return {
        name: p.name,
        order,
        rows: p.x.map((x, i) => ({
          x,
          exp: simulate ? undefined : p.exp[i],
          err: simulate ? undefined : p.err[i],
          calc: c.calc[i],
          used: p.mask[i],
          ...(p.labels ? { states: p.labels[i] } : {}),
        })),
      };
    });
    blocks.sort((a, b) =>
      compareSpinSystems(parseSpinSystem(a.name), parseSpinSystem(b.name)) || a.order - b.order
    );
    const family = EXPERIMENTS[exp.name].schema.family;
    if (family === "shift") {
      // One single-point profile per spin system; ChemEx keeps σ (and exp := calc) in simulations.
      const rows = blocks.map((b) => {
        const p = study.profiles[mine[b.order].profile];
        return { name: b.name, exp: b.rows[0].exp, err: p.err[0], calc: b.rows[0].calc };
      });
      out.set(`Data/${exp.stem}.dat`, formatShiftDat(rows, simulate));
      return;
    }
    out.set(
      `Data/${exp.stem}.dat`,
      family === "exsy"
        ? formatExsyDat(blocks, simulate)
        : formatDataDat(blocks, EXPERIMENTS[exp.name].xKind, simulate),
    );
  });
  return out;
}

/**
 * Every text file of a step (relative to the step folder).
 *
 * @example
 * ```ts
 * const files = stepFiles({ study, store, profiles, calcs, stats });
 * ```
 */
export function stepFiles(args: {
  study: StudySpec;
  store: ParamStore;
  profiles: number[];
  calcs: ProfileCalc[];
  stats?: FitStatistics;
  /** Groups that stopped at their evaluation budget (`src/fit/budget.ts#budgetEntries`). */
  notConverged?: string[];
}): Map<string, string> {
  const simulate = args.stats === undefined;
  const files = new Map<string, string>();
  const params = parameterFiles(usedParams(args.store, args.study, args.profiles), simulate);
  for (const kind of ["fitted", "fixed", "constrained"] as const) {
    if (params[kind]) files.set(`Parameters/${kind}.toml`, params[kind]);
  }
  for (const [path, text] of dataFiles(args.study, args.calcs, simulate)) files.set(path, text);
  if (args.stats) {
    const undetermined = usedParams(args.store, args.study, args.profiles)
      .filter((p) => p.vary && !p.expr && p.stderr === null && p.errorNote !== undefined)
      .map((p) => p.id);
    files.set(
      "statistics.toml",
      formatStatisticsToml(args.stats, undetermined, args.notConverged),
    );
  }
  return files;
}
