/**
 * Overhead of the Slurm path: a 400-point grid (KEX_AB 20 × PB 20, each point refitting the
 * residues' DW_AB and R2_A; then the step's fit) through `exfit fit --executor slurm` (job
 * arrays, dependent merge jobs, one Deno process per array task) against the local worker pool
 * (`--workers 2`), whole process, runs alternated. Needs a Slurm cluster that answers `sinfo`
 * (the loopback one of `.ci/setup.d/20-slurm.sh`); prints a notice and nothing else without.
 *
 * @module
 */
import { writeSyntheticStudy } from "../workflows/synthetic.ts";
import { median } from "./_timing.ts";
import { exfitCommand } from "../workflows/slurm.ts";

function slurmUp(): boolean {
  try {
    const out = new Deno.Command("sinfo", { args: ["-h", "-o", "%t"], stdout: "piped" })
      .outputSync();
    return out.success && /^(idle|mix|alloc)/m.test(new TextDecoder().decode(out.stdout));
  } catch {
    return false;
  }
}

async function timeFit(args: string[], cwd: string): Promise<number> {
  const t0 = performance.now();
  const [cmd, ...base] = exfitCommand(() => undefined);
  const res = await new Deno.Command(cmd, {
    args: [...base, ...args],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!res.success) throw new Error(new TextDecoder().decode(res.stderr));
  return (performance.now() - t0) / 1000;
}

/** Whether two folders hold the same files with the same bytes. */
function sameTree(a: string, b: string): boolean {
  const list = (dir: string, rel = ""): string[] =>
    [...Deno.readDirSync(`${dir}/${rel}`)].flatMap((e) =>
      e.isDirectory ? list(dir, `${rel}${e.name}/`) : [`${rel}${e.name}`]
    ).sort();
  const files = list(a);
  return JSON.stringify(files) === JSON.stringify(list(b)) &&
    files.every((f) => Deno.readTextFileSync(`${a}/${f}`) === Deno.readTextFileSync(`${b}/${f}`));
}

if (!slurmUp()) {
  console.log("notice: no Slurm cluster answers sinfo; skipping the Slurm overhead benchmark");
} else {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_bench_slurm_" });
  try {
    const s = writeSyntheticStudy(dir, { residues: 2, seed: 5 });
    Deno.writeTextFileSync(
      s.method,
      `[STEP1]\nGRID = ["[KEX_AB] = lin(200.0, 580.0, 20)", "[PB] = lin(0.03, 0.125, 20)"]\n`,
    );
    const fit = ["fit", "-e", ...s.experiments, "-p", s.parameters, "-m", s.method];
    fit.push("--plot", "nothing");
    const reps = Number(Deno.args[0] ?? 2);
    const local: number[] = [];
    const slurm: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      local.push(await timeFit([...fit, "--workers", "2", "-o", `${dir}/local${rep}`], dir));
      slurm.push(
        await timeFit([...fit, "--executor", "slurm", "-o", `${dir}/slurm${rep}`], dir),
      );
    }
    const same = sameTree(`${dir}/local0`, `${dir}/slurm0`);
    const a = median(local);
    const b = median(slurm);
    console.log(
      "== 400-point grid (2 residues x 2 fields) through Slurm job arrays vs the local pool ==",
    );
    console.log(
      `local worker pool (--workers 2): median ${a.toFixed(2)} s of [${
        local.map((t) => t.toFixed(2))
      }]`,
    );
    console.log(
      `--executor slurm (loopback):     median ${b.toFixed(2)} s of [${
        slurm.map((t) => t.toFixed(2))
      }]`,
    );
    console.log(
      `overhead: ${(b - a).toFixed(2)} s, ratio ${(b / a).toFixed(2)}x (whole process, ${reps} ` +
        `alternated runs; output folders identical: ${same})`,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
