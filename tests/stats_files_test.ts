/**
 * The `Statistics/<Kind>/` file set of spec §5.5: a complete resampling run writes samples,
 * summary, correlations and diagnostics; an incomplete one writes the successful samples, the
 * failures and the counts, and no summary or correlations.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { runFit } from "../src/run/run.ts";
import { runReplicates } from "../src/stats/resampling.ts";
import { runStatisticsWith, type StatisticsInput } from "../src/stats/step.ts";
import { scaledCalcs } from "./_stats.ts";
import { MINI, writeMiniStudy } from "./_mini_study.ts";

/** The mini study fitted (one step over all profiles), ready for statistics. */
function fittedMini(): StatisticsInput {
  const dir = writeMiniStudy();
  const loaded = loadStudy({
    experiments: MINI.experiments.map((e) => join(dir, e)),
    parameters: [join(dir, MINI.parameters)],
    model: parseModel("2st"),
  });
  const step = { name: "", fit: [], fix: ["PB", "KEX_AB"], constraints: [] };
  [...runFit(loaded.study, loaded.store, [step], { plot: false, seed: 0 })];
  const profiles = loaded.study.profiles.map((_, k) => k);
  const calcs = scaledCalcs(loaded.study, loaded.store, profiles);
  return {
    study: loaded.study,
    store: loaded.store,
    profiles,
    calcs,
    statistics: { mc: 4 },
    seed: 7,
    plot: true,
  };
}

Deno.test("Statistics files (spec §5.5): complete and incomplete resampling runs", async () => {
  const input = fittedMini();
  const all = await runStatisticsWith(
    input,
    (task, indices) => Promise.resolve(runReplicates(task, indices)),
  );
  const dir = "Statistics/MonteCarlo";
  assert.deepEqual([...all.files.keys()].sort(), [
    `${dir}/correlations.tsv`,
    `${dir}/diagnostics.toml`,
    `${dir}/samples.tsv`,
    `${dir}/summary.toml`,
  ]);
  assert.deepEqual([...all.figures.keys()], [`${dir}/plots.svg`]);
  const diag = parseToml(all.files.get(`${dir}/diagnostics.toml`)!);
  assert.deepEqual(Object.keys(diag), [
    "method",
    "fitmethod",
    "requested_samples",
    "completed_samples",
    "workers",
    "parameters",
    "samples_file",
    "summary_file",
    "correlations_file",
    "plots_file",
    "engine",
    "root_seed",
    "status",
  ]);
  assert.deepEqual([diag.method, diag.completed_samples, diag.status], [
    "Monte Carlo",
    4,
    "complete",
  ]);
  const samples = all.files.get(`${dir}/samples.tsv`)!.trimEnd().split("\n");
  assert.equal(samples.length, 5);
  assert.match(samples[0], /^\[DW_AB, NUC->10N\]\t.*\tchisqr$/);
  const summary = all.files.get(`${dir}/summary.toml`)!;
  assert.match(
    summary,
    /^\["DW_AB, NUC->10N"\]\ninterval = "95% percentile"\nsample_count = 4\nmean = .*\nstandard_deviation = .*\nmedian = .*\npercentile_95_lower = .*\npercentile_95_upper = .*\npercentile_68_lower = .*\npercentile_68_upper = .*\nhalf_percentile_68_width = /,
  );
  assert.match(all.files.get(`${dir}/correlations.tsv`)!, /^parameter\t\[DW_AB, NUC->10N\]\t/);

  // Replicate 2 (ordinal 3) fails: the successes, the failures and the counts only.
  const part = await runStatisticsWith(input, (task, indices) =>
    Promise.resolve(
      runReplicates(task, indices).map((r) =>
        r.index === 2
          ? { ...r, values: r.values.map(() => NaN), chisqr: NaN, error: "refit diverged" }
          : r
      ),
    ));
  assert.deepEqual([...part.files.keys()].sort(), [
    `${dir}/diagnostics.toml`,
    `${dir}/failures.tsv`,
    `${dir}/samples.tsv`,
  ]);
  assert.equal(part.figures.size, 0);
  const pd = parseToml(part.files.get(`${dir}/diagnostics.toml`)!);
  assert.deepEqual(
    [
      pd.status,
      pd.terminal,
      pd.requested_samples,
      pd.completed_samples,
      pd.failed_samples,
      pd.cancelled_samples,
      pd.interrupted_samples,
      pd.unstarted_samples,
      pd.samples_file,
      pd.failures_file,
    ],
    ["incomplete", "replicate_failed", 4, 3, 1, 0, 0, 0, "samples.tsv", "failures.tsv"],
  );
  assert.ok(!("summary_file" in pd) && !("correlations_file" in pd) && !("plots_file" in pd));
  const rows = part.files.get(`${dir}/samples.tsv`)!.trimEnd().split("\n");
  assert.equal(rows.length, 4);
  assert.deepEqual(rows.slice(1), samples.slice(1).filter((_, i) => i !== 2));
  assert.ok(!rows.join("\n").includes("nan"));
  assert.equal(
    part.files.get(`${dir}/failures.tsv`),
    "ordinal\tdisposition\tcategory\tmessage\n3\tfailed\tfit\trefit diverged\n",
  );
  assert.match(part.warnings.join("\n"), /1 of 4 replicates failed/);
});
