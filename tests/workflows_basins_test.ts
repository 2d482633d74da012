/**
 * Basin search fanned out (issue 10): the same seeds give the same `Basins/` and parameters in
 * this process, on 2 workers and on 2 `exfit serve` endpoints.
 */
import { strict as assert } from "node:assert";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { runExfit } from "./_refdata.ts";
import { startServers } from "./_workflows.ts";

function read(dir: string, path: string): string {
  return Deno.readTextFileSync(`${dir}/${path}`);
}

Deno.test("Basins/ output is identical in-process, on 2 workers and on 2 HTTP endpoints", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_basins_" });
  const servers = await startServers(2);
  const outs: string[] = [];
  try {
    const s = writeSyntheticStudy(dir, { residues: 5, seed: 3, noise: 0.02 });
    const args = ["fit", "-e", ...s.experiments, "-p", s.parameters, "--plot", "nothing"];
    const extra = ["--multistart", "3", "--seed", "7"];
    outs.push(await runExfit(dir, args, [...extra, "--workers", "0"]));
    outs.push(await runExfit(dir, args, [...extra, "--workers", "2"]));
    outs.push(await runExfit(dir, args, [...extra, "--endpoints", servers.endpoints.join(",")]));
    const basins = outs.map((o) => read(o, "Basins/basins.toml"));
    assert.match(basins[0], /\[\[group\]\]/);
    assert.match(basins[0], /triggers = \["asked"/);
    assert.match(basins[0], /starts = 3/);
    assert.equal(basins[1], basins[0], "2 workers vs in-process");
    assert.equal(basins[2], basins[0], "2 HTTP endpoints vs in-process");
    const fitted = outs.map((o) => read(o, "Parameters/fitted.toml"));
    assert.equal(fitted[1], fitted[0]);
    assert.equal(fitted[2], fitted[0]);
  } finally {
    await servers.stop();
    for (const o of outs) Deno.removeSync(o, { recursive: true });
    Deno.removeSync(dir, { recursive: true });
  }
});
