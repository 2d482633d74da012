/**
 * The console line of a group whose basin search moved it shows two different χ² values: the
 * winning basin may be lower by little more than the tie tolerance (1e-6), which six significant
 * digits hid ("chi2 26.9186 instead of 26.9186" on CPMG_15N_IP's 54N).
 */
import { strict as assert } from "node:assert";
import { cpmg15nIpFitArgs, refdataTest } from "./_refdata.ts";

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
