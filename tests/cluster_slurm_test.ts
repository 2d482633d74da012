/**
 * `exfit fit --executor slurm` and `--executor srun` on a real Slurm (the one-node loopback
 * cluster of `.ci/setup.d/20-slurm.sh`): Output folders identical to local runs, a cancelled
 * array task submitted again, failed tasks named once the retries are spent. Skipped, with a
 * notice, when `sinfo` finds no cluster.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { exfitCommand, slurmFit } from "../workflows/slurm.ts";
import { gridMcStudy, readTree } from "./_cluster.ts";
import { cpmg15nIpInputs, REFDATA, serviceTest } from "./_refdata.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { stepsOf } from "./_workflows.ts";

/** Whether a Slurm cluster answers with a usable node. */
function slurmUp(): boolean {
  try {
    const out = new Deno.Command("sinfo", {
      args: ["-h", "-o", "%t"],
      stdout: "piped",
      stderr: "null",
    })
      .outputSync();
    return out.success && /^(idle|mix|alloc)/m.test(new TextDecoder().decode(out.stdout));
  } catch {
    return false;
  }
}

const SLURM = slurmUp();
const TAG = `exfit-test-${Deno.pid}`;

function slurmTest(name: string, fn: () => Promise<void>, needsRefdata = false): void {
  const missing = SLURM ? null : "no Slurm cluster answers (sinfo; see .ci/setup.d/20-slurm.sh)";
  serviceTest(name, fn, missing, needsRefdata);
}

/** Cancel every job these tests submitted (they carry the test's job name). */
function cancelOurs(): void {
  try {
    new Deno.Command("scancel", { args: [`--name=${TAG}`], stdout: "null", stderr: "null" })
      .outputSync();
  } catch { /* no Slurm */ }
}

const EXFIT = exfitCommand(() => undefined);

/** `exfit args…` in a child process (killed after `limitS`); its output. */
async function exfit(
  args: string[],
  opts: { cwd?: string; limitS?: number; onStderr?: (line: string) => void } = {},
): Promise<{ code: number; out: string; err: string }> {
  const child = new Deno.Command(EXFIT[0], {
    args: [...EXFIT.slice(1), ...args],
    cwd: opts.cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGTERM"), (opts.limitS ?? 240) * 1000);
  const read = async (stream: ReadableStream<Uint8Array>, each?: (l: string) => void) => {
    let text = "";
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      for (const l of lines) each?.(l);
    }
    return text;
  };
  const [out, err, status] = await Promise.all([
    read(child.stdout),
    read(child.stderr, opts.onStderr),
    child.status,
  ]);
  clearTimeout(timer);
  return { code: status.code, out, err };
}

slurmTest(
  "--executor slurm: independent fits, GRID and MC give the local Output folder byte for byte",
  async () => {
    const dir = Deno.makeTempDirSync({ prefix: "exfit_slurm_" });
    try {
      const args = gridMcStudy(`${dir}/study`, 4);
      const local = await exfit(["fit", ...args, "--workers", "0", "-o", `${dir}/local`]);
      assert.equal(local.code, 0, local.err);
      const res = await exfit([
        "fit",
        ...args,
        "-o",
        `${dir}/slurm`,
        "--executor",
        "slurm",
        "--max-tasks",
        "2",
        "--slurm-opts",
        `--job-name=${TAG} --time=10`,
      ]);
      assert.equal(res.code, 0, res.err);
      assert.match(
        res.err,
        /round 2 \(step 2 of 3, STEP2\): 3 work items \(3 grid\) in 2 array tasks/,
      );
      assert.match(res.err, /round 5 \(step 3 of 3, STEP3\): 4 work items \(4 replicate\)/);
      assert.match(res.out, /STEP3: 6 free parameters[^]*run complete/);
      assert.deepEqual(readTree(`${dir}/slurm`), readTree(`${dir}/local`));
    } finally {
      cancelOurs();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

slurmTest(
  "--executor slurm: a cancelled array task (scancel of one index) is submitted again and the run finishes identically",
  async () => {
    const dir = Deno.makeTempDirSync({ prefix: "exfit_slurm_" });
    try {
      const args = gridMcStudy(`${dir}/study`).slice(0, -2);
      Deno.writeTextFileSync(`${dir}/method.toml`, `[STEP1]\nFIX = ["KEX_AB", "PB"]\n`);
      args.push("-m", `${dir}/method.toml`);
      const local = await exfit(["fit", ...args, "--workers", "0", "-o", `${dir}/local`]);
      assert.equal(local.code, 0, local.err);
      let cancelled = "";
      const res = await exfit(
        [
          "fit",
          ...args,
          "-o",
          `${dir}/slurm`,
          "--executor",
          "slurm",
          "--slurm-opts",
          `--job-name=${TAG}`,
        ],
        {
          onStderr: (line) => {
            const m = /submitted array job (\d+) \(tasks 0-2\)/.exec(line);
            if (m && !cancelled) {
              cancelled = `${m[1]}_2`;
              new Deno.Command("scancel", { args: [cancelled] }).outputSync();
            }
          },
        },
      );
      assert.equal(res.code, 0, res.err);
      assert.ok(cancelled, res.err);
      assert.match(res.err, /1 task\(s\) without valid results, submitting them again \(1 of 2\)/);
      assert.match(res.err, /submitted array job \d+ \(tasks 2\)/);
      assert.deepEqual(readTree(`${dir}/slurm`), readTree(`${dir}/local`));
    } finally {
      cancelOurs();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

slurmTest(
  "--executor slurm: a task that keeps failing is named once the resubmissions are spent",
  async () => {
    const dir = Deno.makeTempDirSync({ prefix: "exfit_slurm_" });
    try {
      const args = gridMcStudy(`${dir}/study`);
      Deno.writeTextFileSync(`${dir}/method.toml`, `[STEP1]\nFIX = ["KEX_AB", "PB"]\n`);
      // Task 1 of every array dies before it runs anything (a broken node, say).
      const wrapper = `${dir}/flaky.sh`;
      Deno.writeTextFileSync(
        wrapper,
        `if [ "$1" = work ] && [ "\${SLURM_ARRAY_TASK_ID:-}" = 1 ]; then echo "node on fire" >&2; exit 3; fi\n` +
          `exec ${EXFIT.map((a) => `'${a}'`).join(" ")} "$@"\n`,
      );
      const loaded = loadStudy({
        experiments: args.slice(1, args.indexOf("-p")),
        parameters: [args[args.indexOf("-p") + 1]],
        model: parseModel("2st"),
      });
      const steps = stepsOf({ experiments: [], parameters: [], method: [`${dir}/method.toml`] });
      const logs: string[] = [];
      const err = await slurmFit({
        runDir: `${dir}/run`,
        outDir: `${dir}/out`,
        load: () => ({
          ...loaded,
          store: structuredClone(loaded.store),
          steps,
          plot: false,
          seed: 0,
          chunkProfiles: 32,
        }),
        sbatchArgs: [`--job-name=${TAG}`],
        retries: 1,
        pollMs: 300,
        command: ["bash", wrapper],
        log: (m) => logs.push(m),
      }).then(() => null, (e: Error) => e);
      assert.ok(err, logs.join("\n"));
      assert.match(err.message, /round 1: 1 array task\(s\) failed 2 times; stopping/);
      assert.match(
        err.message,
        new RegExp(
          `task 1 \\(${dir}/run/rounds/r0001/task-0001.json\\): .*: no result; log ${dir}/run/logs/r1-a1-1.out`,
        ),
      );
      assert.match(Deno.readTextFileSync(`${dir}/run/logs/r1-a1-1.out`), /node on fire/);
      assert.throws(() => Deno.statSync(`${dir}/out`), Deno.errors.NotFound);
    } finally {
      cancelOurs();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

slurmTest(
  "--executor srun inside sbatch: CPMG_15N_IP on exfit serve steps gives the local Output folder byte for byte",
  async () => {
    const folder = `${REFDATA}/fit/CPMG_15N_IP`;
    const dir = Deno.makeTempDirSync({ prefix: "exfit_srun_" });
    try {
      const fit = ["fit", ...cpmg15nIpInputs()];
      const local = await exfit([...fit, "--workers", "0", "-o", `${dir}/local`], { cwd: folder });
      assert.equal(local.code, 0, local.err);
      const wrap = [...EXFIT, ...fit, "-o", `${dir}/srun`, "--executor", "srun"].map((a) =>
        `'${a}'`
      ).join(" ");
      const job = await new Deno.Command("sbatch", {
        args: [
          "--wait",
          "-n",
          "2",
          `--job-name=${TAG}`,
          `--output=${dir}/job.log`,
          "--time=10",
          `--wrap=${wrap}`,
        ],
        cwd: folder,
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(300_000),
      }).output();
      const log = Deno.readTextFileSync(`${dir}/job.log`);
      assert.ok(job.success, log);
      assert.match(log, /srun: 2 exfit serve in job \d+: http:\/\/\S+, http:\/\/\S+/);
      assert.match(log, /http\(2 endpoints\) via srun: \d+ work items/);
      assert.deepEqual(readTree(`${dir}/srun`), readTree(`${dir}/local`));
      // The servers stopped with the run: no job step is left (Slurm may take a moment to purge
      // the finished steps from squeue).
      let left = "";
      for (let i = 0; i < 40; i++) {
        const out = new Deno.Command("squeue", {
          args: ["-h", "-s", `--name=${TAG}`],
          stdout: "piped",
        }).outputSync();
        left = new TextDecoder().decode(out.stdout).trim();
        if (left === "") break;
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(left, "");
    } finally {
      cancelOurs();
      Deno.removeSync(dir, { recursive: true });
    }
  },
  true,
);
