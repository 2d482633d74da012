/**
 * R1ρ studies end to end: `exfit simulate` and `exfit fit` (GRID, STATISTICS, plots, worker
 * pool) on a synthetic study with rate and decay experiments, and the same fit in-process, on
 * workers and on `exfit serve` instances.
 */
import { strict as assert } from "node:assert";
import { inProcessExecutor } from "../workflows/executor.ts";
import { workerPool } from "../workflows/worker_pool.ts";
import { refdataTest, REPO, runR1rhoExample } from "./_refdata.ts";
import { runHttpChild, runStudy, startServers, type StudyConfig } from "./_workflows.ts";

const TRUTH = { PB: 0.05, KEX_AB: 500 };
const SPINS: Record<string, { cs: number; dw: number }> = {
  "1N": { cs: 120, dw: 3 },
  "2N": { cs: 115, dw: -2 },
};

/** Experiment files and placeholder data (x values); parameters at the truth. */
function writeStudy(dir: string): { experiments: string[]; truth: string } {
  const offsets = Array.from({ length: 17 }, (_, k) => -400 + 50 * k);
  const experiments: string[] = [];
  Deno.mkdirSync(`${dir}/Experiments`, { recursive: true });
  const profiles = (ext: string) =>
    Object.keys(SPINS).map((s) => `"${s}" = "${s}.${ext}"`).join("\n");
  for (const b1 of [100, 300]) {
    Deno.mkdirSync(`${dir}/Data/rates_${b1}`, { recursive: true });
    for (const s of Object.keys(SPINS)) {
      const x = offsets.map((o) => o + (SPINS[s].cs - 120) * 60.8);
      Deno.writeTextFileSync(
        `${dir}/Data/rates_${b1}/${s}.out`,
        x.map((v) => `${v} 1 0.1\n`).join(""),
      );
    }
    const path = `${dir}/Experiments/rates_${b1}hz.toml`;
    Deno.writeTextFileSync(
      path,
      `[experiment]\nname = "r1rho_15n_rates"\ncarrier = 120.0\nb1_frq = ${b1}.0\n\n` +
        `[conditions]\nh_larmor_frq = 600.0\n\n[data]\npath = "../Data/rates_${b1}/"\n` +
        `error = "file"\n\n[data.profiles]\n${profiles("out")}\n`,
    );
    experiments.push(path);
  }
  Deno.mkdirSync(`${dir}/Data/decay`, { recursive: true });
  for (const s of Object.keys(SPINS)) {
    Deno.writeTextFileSync(
      `${dir}/Data/decay/${s}.out`,
      [0, 0.01, 0.03, 0.06, 0.1].map((t) => `${t} 1 0.01\n`).join(""),
    );
  }
  const decay = `${dir}/Experiments/decay_500hz.toml`;
  Deno.writeTextFileSync(
    decay,
    `[experiment]\nname = "r1rho_15n"\ncarrier = 118.0\nb1_frq = 500.0\n\n` +
      `[conditions]\nh_larmor_frq = 600.0\n\n[data]\npath = "../Data/decay/"\nerror = "file"\n\n` +
      `[data.profiles]\n${profiles("out")}\n`,
  );
  experiments.push(decay);
  const section = (name: string, f: (s: string) => number) =>
    `[${name}]\n` + Object.keys(SPINS).map((s) => `"${s}" = ${f(s)}`).join("\n") + "\n\n";
  const truth = `${dir}/truth.toml`;
  Deno.writeTextFileSync(
    truth,
    `[GLOBAL]\nPB = ${TRUTH.PB}\nKEX_AB = ${TRUTH.KEX_AB}\n\n` +
      section("CS_A", (s) => SPINS[s].cs) + section("DW_AB", (s) => SPINS[s].dw) +
      section("R2_A", () => 10) + section("R2_B", () => 10) + section("R1_A", () => 1.5) +
      section("R1_B", () => 1.5),
  );
  return { experiments, truth };
}

async function exfit(args: string[]): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO}src/cli/main.ts`, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const td = new TextDecoder();
  return { code: r.code, out: td.decode(r.stdout) + td.decode(r.stderr) };
}

/** Calculated values of a simulated `.dat`, per profile name. */
function simulated(path: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let current: number[] = [];
  for (const line of Deno.readTextFileSync(path).split("\n")) {
    const head = line.match(/^\[(.+)\]$/);
    if (head) out.set(head[1], current = []);
    else if (line.trim() && !line.startsWith("#")) {
      current.push(Number(line.trim().split(/\s+/).at(-1)));
    }
  }
  return out;
}

Deno.test("R1ρ study: simulate, then fit with GRID, STATISTICS and plots on 2 workers", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_r1rho_" });
  try {
    const { experiments, truth } = writeStudy(dir);
    const sim = await exfit(["simulate", "-e", ...experiments, "-p", truth, "-o", `${dir}/Sim`]);
    assert.equal(sim.code, 0, sim.out);
    // Replace the placeholder data by the simulated values with a deterministic ±1 σ pattern.
    for (
      const [stem, folder, sigma] of [
        ["rates_100hz", "rates_100", 0.1],
        ["rates_300hz", "rates_300", 0.1],
        ["decay_500hz", "decay", 0.01],
      ] as const
    ) {
      const calc = simulated(`${dir}/Sim/Data/${stem}.dat`);
      assert.equal(calc.size, 2);
      for (const [name, values] of calc) {
        const file = `${dir}/Data/${folder}/${name}.out`;
        const rows = Deno.readTextFileSync(file).trim().split("\n");
        assert.equal(rows.length, values.length);
        Deno.writeTextFileSync(
          file,
          rows.map((r, k) =>
            `${r.split(" ")[0]} ${values[k] + sigma * Math.sin(7 * k + name.length)} ${sigma}\n`
          ).join(""),
        );
      }
    }
    const start = `${dir}/start.toml`;
    Deno.writeTextFileSync(start, "[GLOBAL]\nPB = 0.1\nKEX_AB = 2000.0\n");
    const method = `${dir}/method.toml`;
    Deno.writeTextFileSync(
      method,
      '[STEP1]\nFIX = ["CS_A"]\nCONSTRAINTS = ["[R2_B] = [R2_A]", "[R1_B] = [R1_A]"]\n' +
        'GRID = ["[KEX_AB] = log(200.0, 2000.0, 4)"]\n\n[STEP2]\nFIT = ["KEX_AB"]\nSTATISTICS = { MC = 3 }\n',
    );
    const fit = await exfit([
      "fit",
      "-e",
      ...experiments,
      "-p",
      truth,
      start,
      "-m",
      method,
      "-o",
      `${dir}/Out`,
      "--workers",
      "2",
    ]);
    assert.equal(fit.code, 0, fit.out);
    const fitted = Deno.readTextFileSync(`${dir}/Out/STEP2/Parameters/fitted.toml`);
    const value = (key: string) => {
      const m = fitted.match(new RegExp(`^"?${key}\\b[^=]*=\\s*(\\S+) # ±(\\S+)`, "m"));
      assert.ok(m, `${key} in fitted.toml:\n${fitted}`);
      return { v: Number(m[1]), e: Number(m[2]) };
    };
    for (const [key, want] of Object.entries(TRUTH)) {
      const { v, e } = value(key);
      assert.ok(Math.abs(v - want) < 4 * e + 1e-3 * want, `${key}: ${v} ± ${e}, truth ${want}`);
    }
    for (const f of ["STEP1/Grid", "STEP2/Statistics", "STEP2/Plots/rates_100hz.svg"]) {
      assert.ok(Deno.statSync(`${dir}/Out/${f}`), f);
    }
    assert.match(
      Deno.readTextFileSync(`${dir}/Out/STEP2/Plots/rates_100hz.svg`),
      /effective field/,
    );
    assert.ok(Deno.statSync(`${dir}/Out/STEP2/Plots/decay_500hz.svg`).isFile);
    assert.ok(Deno.statSync(`${dir}/Sim/Plots/rates_300hz.svg`).isFile);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("R1ρ study: same fit in-process, on 2 workers and on an exfit serve instance", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_r1rho_exec_" });
  const servers = await startServers(1);
  try {
    const { experiments, truth } = writeStudy(dir);
    // Placeholder data (R1ρ = 1, intensities 1): a fit all the same, identical everywhere.
    const method = `${dir}/method.toml`;
    Deno.writeTextFileSync(
      method,
      '[STEP1]\nFIT = ["R2_A", "R1_A"]\nFIX = ["CS_A", "DW_AB", "PB", "KEX_AB", "R1_B", "R2_B"]\n',
    );
    const config: StudyConfig = {
      experiments,
      parameters: [truth],
      method: [method],
      chunkProfiles: 2,
    };
    const ref = await runStudy(config, inProcessExecutor());
    const pool = workerPool(2);
    try {
      const onWorkers = await runStudy(config, pool);
      assert.deepEqual(onWorkers.steps, ref.steps);
    } finally {
      await pool.close();
    }
    const http = await runHttpChild(config, { endpoints: servers.endpoints });
    assert.deepEqual(http.steps, ref.steps);
  } finally {
    await servers.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

refdataTest(
  "example RELAX_SYNTH_TP02_OFFRES: TP02 recovers relax's generator values",
  async (refdata) => {
    const dir = await runR1rhoExample(refdata, "RELAX_SYNTH_TP02_OFFRES");
    try {
      const fitted = Deno.readTextFileSync(`${dir}/Output/Parameters/fitted.toml`);
      const get = (section: string, key: string) => {
        const body = fitted.split(/^\[/m).find((b) => b.startsWith(`${section}]`))!;
        return Number(body.match(new RegExp(`^${key} =\\s*(\\S+)`, "m"))![1]);
      };
      // The generator's values (relax's r1rho_off_res_tp02): kex 1234.56, pA 0.765432, Δϖ 7 / 9.
      for (const spin of ["W1", "K2"]) {
        assert.ok(Math.abs(get("KEX_AB", spin) - 1234.56) < 0.2, `${spin} kex`);
        assert.ok(Math.abs(get("PB", spin) - 0.234568) < 5e-5, `${spin} pB`);
      }
      assert.ok(Math.abs(get("DW_AB", "W1N") - 7) < 1e-3);
      assert.ok(Math.abs(get("DW_AB", "K2N") - 9) < 1e-3);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

refdataTest(
  "example KORZHNEV_2005_FYN_SH3_R1RHO fits (two-point rates, 2 fields)",
  async (refdata) => {
    const dir = await runR1rhoExample(refdata, "KORZHNEV_2005_FYN_SH3_R1RHO");
    try {
      const stats = Deno.readTextFileSync(`${dir}/Output/statistics.toml`);
      const redchi = Number(stats.match(/"reduced-chi-square"\s*=\s*(\S+)/)![1]);
      assert.ok(redchi < 1.5, `reduced χ² ${redchi}`);
      assert.match(
        Deno.readTextFileSync(`${dir}/Output/Parameters/fitted.toml`),
        /KEX_AB.*= +3\.\d+e\+02/,
      );
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
);
