/**
 * Basin search of a chunked global fit (issue 10): `--multistart N` refits the whole global fit
 * from N seeded starts, keeps the best end point and writes every basin to `Basins/`, with the
 * same answer in this process and on 2 workers. Without it the option was silently ignored for
 * a coupled group larger than `--chunk-size`.
 */
import { strict as assert } from "node:assert";
import { parse } from "smol-toml";
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { runExfit } from "./_refdata.ts";

function read(dir: string, path: string): string {
  return Deno.readTextFileSync(`${dir}/${path}`);
}

Deno.test("--multistart on a chunked global fit: Basins/, best basin kept, same on 2 workers", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_gbasins_" });
  const outs: string[] = [];
  try {
    const s = writeSyntheticStudy(dir, { residues: 5, seed: 3, noise: 0.02 });
    const args = ["fit", "-e", ...s.experiments, "-p", s.parameters, "--plot", "nothing"];
    // 5 residues × 2 fields in chunks of at most 4 profiles: one global fit over 3 chunks.
    const extra = ["--multistart", "3", "--seed", "7", "--chunk-size", "4"];
    outs.push(await runExfit(dir, args, [...extra, "--workers", "0"]));
    outs.push(await runExfit(dir, args, [...extra, "--workers", "2"]));
    const basins = outs.map((o) => read(o, "Basins/basins.toml"));
    assert.match(basins[0], /triggers = \["asked"\]/);
    assert.match(basins[0], /starts = 3/);
    assert.equal(basins[1], basins[0], "2 workers vs in-process");
    assert.equal(read(outs[1], "Parameters/fitted.toml"), read(outs[0], "Parameters/fitted.toml"));
    // The step's χ² is the best basin's, which is listed first.
    const table = parse(basins[0]) as { group: { basin: { chi_square: number }[] }[] };
    const best = table.group[0].basin[0].chi_square;
    for (const b of table.group[0].basin) assert.ok(b.chi_square >= best);
    const stats = parse(read(outs[0], "statistics.toml")) as Record<string, number>;
    assert.ok(
      Math.abs(stats["chi-square"] - best) <= 1e-6 * best,
      `${stats["chi-square"]} vs ${best}`,
    );
  } finally {
    for (const o of outs) Deno.removeSync(o, { recursive: true });
    Deno.removeSync(dir, { recursive: true });
  }
});
