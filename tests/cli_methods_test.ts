import { strict as assert } from "node:assert";
import { cpmg15nIpFitArgs, refdataTest } from "./_refdata.ts";

/** Run `exfit fit` on one residue of the CPMG_15N_IP example with a method file. */
async function fitWith(refdata: string, method: string, extra: string[] = []) {
  const dir = `${refdata}/fit/CPMG_15N_IP`;
  const tmp = Deno.makeTempDirSync({ prefix: "exfit_methods_" });
  Deno.writeTextFileSync(`${tmp}/method.toml`, method);
  const res = await new Deno.Command(Deno.execPath(), {
    args: cpmg15nIpFitArgs(`${tmp}/Output`, extra, { dir, method: `${tmp}/method.toml` }),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const td = new TextDecoder();
  return { tmp, code: res.code, stdout: td.decode(res.stdout), stderr: td.decode(res.stderr) };
}

refdataTest("legacy FITMETHOD runs with one warning naming the file and step", async (refdata) => {
  const r = await fitWith(refdata, '[STEP1]\nFITMETHOD = "leastsq"\nINCLUDE = [15]\n');
  try {
    assert.equal(r.code, 0, r.stderr);
    const warnings = r.stderr.split("\n").filter((l) => l.includes("warning"));
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^exfit: warning: \S*method\.toml: step \[STEP1\] asks for FITMETHOD "leastsq".*using bounded trust-region/,
    );
    assert.ok(Deno.statSync(`${r.tmp}/Output/Parameters/fitted.toml`).isFile);
  } finally {
    Deno.removeSync(r.tmp, { recursive: true });
  }
});

refdataTest(
  "GRID and STATISTICS in one step: statistics skipped with a warning",
  async (refdata) => {
    const r = await fitWith(
      refdata,
      '[STEP1]\nINCLUDE = [15]\nGRID = ["[PB] = (0.06, 0.07)"]\nSTATISTICS = { MC = 2 }\n' +
        '[STEP2]\nFIT = ["PB"]\nSTATISTICS = { MC = 3, BS = 2 }\n',
    );
    try {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /warning: STEP1: STATISTICS are skipped in a step with GRID/);
      const out = `${r.tmp}/Output`;
      assert.ok(Deno.statSync(`${out}/STEP1/Grid/grid.out`).isFile);
      assert.throws(() => Deno.statSync(`${out}/STEP1/Statistics`));
      const samples = Deno.readTextFileSync(`${out}/STEP2/Statistics/MonteCarlo/samples.tsv`);
      assert.equal(samples.trim().split("\n").length, 4);
      assert.ok(Deno.statSync(`${out}/STEP2/Statistics/Bootstrap/summary.toml`).isFile);
      assert.match(r.stderr, /MC: 3\/3 done/);
    } finally {
      Deno.removeSync(r.tmp, { recursive: true });
    }
  },
);
