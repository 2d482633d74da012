/**
 * The speed goals of the fits issue (issue 10) as whole processes, each printed beside ChemEx's
 * side-by-side figure (`_chemex.ts`): the CPMG_15N_IP example fit (wall time and peak memory,
 * median of `runs`), the methyl example CPMG_CH3_1H_SQ (3 steps, median of `runs`), and —
 * unless `skipSlow` — the grid and statistics variants of CPMG_15N_IP and ChemEx's CPMG_HN_DQ_ZQ
 * `run.sh` once each (about two minutes for the last). Every run is a child process in a temp copy of its folder
 * (`_e2e.ts#runExample`), with the `chemex` command standing for exfit; the studies timed more
 * than once are run once untimed first, as a user's second run is timed.
 *
 * @module
 */
import { chemexShim, type Example, listExamples, runExample } from "./_e2e.ts";
import { CHEMEX, versusChemex } from "./_chemex.ts";
import { childCpuS, median } from "./_timing.ts";
import type { Result } from "./_results.ts";

/** The goal studies (`_chemex.ts`), with their runs (0: `runs`) and whether they are slow. */
const GOALS: readonly { name: string; runs: number; slow?: boolean }[] = [
  { name: "whole CPMG_15N_IP", runs: 0 },
  { name: "whole CPMG_CH3_1H_SQ", runs: 0 },
  { name: "whole CPMG_15N_IP_grid2", runs: 1, slow: true },
  { name: "whole CPMG_15N_IP_stat", runs: 1, slow: true },
  { name: "whole CPMG_HN_DQ_ZQ", runs: 1, slow: true },
];

/**
 * Run the goal studies and print one line each; returns wall times (s) and peak memory (MiB),
 * with the last step's χ² as the note.
 *
 * @example
 * ```ts
 * const results = await goalBenchmarks("../shared/refdata", { runs: 3, skipSlow: true });
 * ```
 */
export async function goalBenchmarks(
  refdata: string,
  opts: { runs: number; skipSlow: boolean; timeoutS: number },
): Promise<Result[]> {
  const examples = new Map<string, Example>(listExamples(refdata).map((e) => [e.name, e]));
  const shim = chemexShim();
  const results: Result[] = [];
  console.log(
    "== issue 10 goals: whole processes beside ChemEx (side by side, same machine kind) ==",
  );
  try {
    for (const goal of GOALS) {
      const ex = examples.get(CHEMEX[goal.name].example);
      if (!ex || (goal.slow && opts.skipSlow)) {
        console.log(`${goal.name}: skipped (${ex ? "slow; --goals runs it" : "absent"})`);
        continue;
      }
      const walls: number[] = [];
      const cpus: number[] = [];
      const rss: number[] = [];
      let chi2: string | undefined;
      const runs = goal.runs || opts.runs;
      // As a user's second run (ChemEx's figures are too: Python's bytecode cache written by
      // its first): the run after a build writes exfit's code cache (`src/cli/_code_cache.ts`).
      const first = runs > 1 ? (await runExample(ex, shim, opts.timeoutS)).seconds : undefined;
      for (let i = 0; i < runs; i++) {
        const c0 = childCpuS();
        const r = await runExample(ex, shim, opts.timeoutS);
        if (c0 !== undefined) cpus.push(childCpuS()! - c0);
        if (r.timedOut || r.code !== 0) {
          throw new Error(`${ex.name}: ${r.timedOut ? "timed out" : r.stderrTail}`);
        }
        walls.push(r.seconds);
        if (r.peakMiB !== undefined) rss.push(r.peakMiB);
        chi2 = r.lastChi2;
      }
      const [wall, mem] = [median(walls), rss.length ? median(rss) : undefined];
      console.log(
        `${goal.name}: ${wall.toFixed(3)} s (median of [${walls.map((w) => w.toFixed(3))}])` +
          `${cpus.length ? `, CPU ${median(cpus).toFixed(2)} s` : ""}` +
          `${mem === undefined ? "" : `, peak ${mem.toFixed(0)} MiB`}` +
          `${chi2 ? `, ${chi2}` : ""}${versusChemex(goal.name, wall, mem)}` +
          `${first === undefined ? "" : `; the untimed first run: ${first.toFixed(3)} s`}`,
      );
      results.push({ name: goal.name, unit: "s", samples: walls, note: chi2 });
      if (cpus.length) results.push({ name: `${goal.name} CPU`, unit: "s", samples: cpus });
      if (rss.length) results.push({ name: `${goal.name} peak RSS`, unit: "MiB", samples: rss });
    }
  } finally {
    Deno.removeSync(shim, { recursive: true });
  }
  return results;
}
