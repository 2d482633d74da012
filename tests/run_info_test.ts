/** run_info/ (ChemEx 2026.09 schema 2, spec §5.2) and its restart.toml fed back with -p. */
import { strict as assert } from "node:assert";
import { parse } from "smol-toml";
import { cpmg15nIpFitArgs, readFitted, refdataTest } from "./_refdata.ts";

async function fit(dir: string, out: string, parameters: string, method: string) {
  const res = await new Deno.Command(Deno.execPath(), {
    args: cpmg15nIpFitArgs(out, [], { parameters, method }),
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(res.code, 0, new TextDecoder().decode(res.stderr));
}

/** fitted.toml values that have a ± error, by "SECTION/KEY". */
function fitted(path: string): Map<string, { value: number; error: number }> {
  const out = new Map<string, { value: number; error: number }>();
  for (const [k, v] of readFitted(path)) {
    if (v.err !== null) out.set(k, { value: v.value, error: v.err });
  }
  return out;
}

refdataTest(
  "run_info: schema 2 files, and restart.toml fed back with -p reproduces the fit",
  async (r) => {
    const dir = `${r}/fit/CPMG_15N_IP`;
    const tmp = Deno.makeTempDirSync({ prefix: "exfit_runinfo_" });
    try {
      Deno.writeTextFileSync(
        `${tmp}/method.toml`,
        "FORMAT_VERSION = 2\n[STEP1]\nINCLUDE = [15, 31, 33]\n[STEP1.STATISTICS.MC]\nREPLICATES = 2\nSEED = 42\n",
      );
      await fit(dir, `${tmp}/a`, "Parameters/parameters.toml", `${tmp}/method.toml`);
      const info = `${tmp}/a/run_info`;
      // deno-lint-ignore no-explicit-any
      const run = parse(Deno.readTextFileSync(`${info}/run.toml`)) as Record<string, any>;
      assert.equal(run.schema_version, 2);
      assert.equal(run.run.kind, "fit");
      assert.deepEqual(run.command.arguments.slice(0, 2), ["exfit", "fit"]);
      assert.equal(run.inputs.experiments.length, 2);
      assert.match(run.inputs.methods[0].sha256, /^[0-9a-f]{64}$/);
      assert.deepEqual(JSON.parse(JSON.stringify(run.stochastic_operations)), [{
        step: "STEP1",
        kind: "mc",
        seed: "42",
      }]);
      for (
        const i of [...run.inputs.experiments, ...run.inputs.parameters, ...run.inputs.methods]
      ) {
        assert.equal(
          Deno.readTextFileSync(`${tmp}/a/${i.copied_path}`),
          Deno.readTextFileSync(i.resolved_path),
          "verbatim copy",
        );
      }
      const outcome = JSON.parse(
        JSON.stringify(parse(Deno.readTextFileSync(`${info}/outcome.toml`))),
      );
      assert.deepEqual(outcome, {
        schema_version: 2,
        status: "complete",
        latest_committed_revision: 1,
        restart_revision: 1,
      });
      const used = Deno.readTextFileSync(`${info}/parameters_used.toml`);
      assert.match(used, /^# Original invocation start used by exfit\./);
      // ChemEx 2026.09 finite default bounds (#751): KEX in [0, 1e6].
      assert.match(used, /\["GLOBAL"\]\n"KEX_AB" = \[\d+\.\d+, 0\.0, 1000000\.0\]/);
      const restart = Deno.readTextFileSync(`${info}/restart.toml`);
      assert.match(restart, /^# Latest committed continuation state/);
      assert.doesNotMatch(restart, /"PA"|"KAB"|nan/i, "derived parameters are left out");
      // Fed back with -p and the same method: the same parameters.
      await fit(dir, `${tmp}/b`, `${info}/restart.toml`, `${tmp}/method.toml`);
      const [a, b] = [
        fitted(`${tmp}/a/Parameters/fitted.toml`),
        fitted(`${tmp}/b/Parameters/fitted.toml`),
      ];
      assert.ok(a.size > 5);
      assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
      for (const [k, v] of a) {
        const w = b.get(k)!;
        assert.ok(
          Math.abs(w.value - v.value) <= 1e-3 * v.error,
          `${k}: ${w.value} vs ${v.value} ± ${v.error}`,
        );
      }
    } finally {
      Deno.removeSync(tmp, { recursive: true });
    }
  },
);
