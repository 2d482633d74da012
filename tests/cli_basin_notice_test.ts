/**
 * The console line of a group whose basin search moved it shows two different χ² values: the
 * winning basin may be lower by little more than the tie tolerance (1e-6), which six significant
 * digits hid ("chi2 26.9186 instead of 26.9186" on CPMG_15N_IP's 54N).
 */
import { strict as assert } from "node:assert";
import { cpmg15nIpFitArgs, exfitCli, refdataTest } from "./_refdata.ts";

refdataTest("a moved basin's console line shows two different chi-square values", async (r) => {
  const tmp = Deno.makeTempDirSync({ prefix: "exfit_notice_" });
  try {
    const res = await new Deno.Command(Deno.execPath(), {
      args: cpmg15nIpFitArgs(`${tmp}/Output`, ["--workers", "0", "--multistart", "20"]),
      cwd: `${r}/fit/CPMG_15N_IP`,
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(res.code, 0);
    const lines = new TextDecoder().decode(res.stderr).split("\n")
      .filter((l) => l.includes("a basin search found a better minimum"));
    assert.ok(lines.length > 0, "some group moved");
    for (const line of lines) {
      const m = /\(chi2 (\S+) instead of (\S+);/.exec(line);
      assert.ok(m, line);
      assert.notEqual(m[1], m[2], line);
      assert.ok(Number(m[1]) < Number(m[2]), line);
    }
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

/** `exfit fit` on an example's own experiment and parameter files, in a child process. */
function fitExample(dir: string, args: string[]) {
  const experiments = [...Deno.readDirSync(`${dir}/Experiments`)].map((e) => e.name).sort();
  return exfitCli([
    "fit",
    "-e",
    ...experiments.map((e) => `Experiments/${e}`),
    "-p",
    "Parameters/parameters.toml",
    "--plot",
    "nothing",
    ...args,
  ], dir);
}

// Model-free relaxation has two branches (τc on either side of the R1 peak): CEST_15N_TR's D35
// fits to τc 2.4 ns, S² 0.71 from the file's start, and to τc 0.92 ns, S² 1 with a lower χ².
// The search reaches the lower one only if its starts vary τc and S² (src/fit/basins.ts).
refdataTest("--multistart finds CEST_15N_TR D35's model-free basin at S2 = 1", async (r) => {
  const tmp = Deno.makeTempDirSync({ prefix: "exfit_mf_basin_" });
  try {
    const res = await fitExample(`${r}/inputs/chemex-examples/Experiments/CEST_15N_TR`, [
      ...["-m", "Methods/method.toml", "-d", "2st.mf", "--include", "D35"],
      ...["--workers", "0", "--multistart", "6", "-o", `${tmp}/Output`],
    ]);
    assert.equal(res.code, 0, res.err);
    const fitted = Deno.readTextFileSync(`${tmp}/Output/Parameters/fitted.toml`);
    const value = (section: string) =>
      Number(new RegExp(`\\[${section}\\]\\s*\\nD35\\s*=\\s*(\\S+)`).exec(fitted)![1]);
    assert.equal(value("S2_A"), 1);
    assert.ok(Math.abs(value("TAUC_A") - 0.92) < 0.05, `TAUC_A ${value("TAUC_A")}`);
    assert.match(Deno.readTextFileSync(`${tmp}/Output/Basins/basins.toml`), /moved = true/);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

// CPMG_HN_DQ_ZQ's STEP1: 9 residues, 36 profiles sharing KEX_AB and PB, reduced χ² 11. A chunked
// global fit by default (--chunk-size 32), one fit item with --chunk-size 64: either way the poor
// fit is reported and not searched unasked (a search of this group costs 41 s after a 6 s fit).
refdataTest(
  "a poor fit of a group over 32 profiles is reported, not searched unasked",
  async (r) => {
    const tmp = Deno.makeTempDirSync({ prefix: "exfit_unsearched_" });
    Deno.writeTextFileSync(
      `${tmp}/method.toml`,
      '[STEP1]\nINCLUDE = ["Y10", "K25", "Q27", "E33", "W36", "S41", "E46", "S52", "A56"]\n',
    );
    try {
      for (const [k, extra] of [[], ["--chunk-size", "64"]].entries()) {
        const { code, out, err } = await fitExample(
          `${r}/inputs/chemex-examples/Experiments/CPMG_HN_DQ_ZQ`,
          ["-m", `${tmp}/method.toml`, "-o", `${tmp}/Output${k}`, ...extra],
        );
        assert.equal(code, 0, err);
        assert.match(
          err,
          /A56N-H: the fit may not be at the best minimum \(poor-fit\), but a group of more than 32 profiles is searched only when asked/,
        );
        assert.doesNotMatch(err, /a basin search found/);
        const basins = Deno.readTextFileSync(`${tmp}/Output${k}/Basins/basins.toml`);
        assert.match(basins, /triggers = \["poor-fit"\]\nstarts = 0\nmoved = false/);
        // One fit item (SciPy's TRF) ends lower than the block LM over two chunks.
        const chi2 = k === 0
          ? /fit: 56 free parameters, chi2 = 10762\.6/
          : /fit: 56 free parameters, chi2 = 10593\.8/;
        assert.match(out, chi2);
      }
    } finally {
      Deno.removeSync(tmp, { recursive: true });
    }
  },
);
