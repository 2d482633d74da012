/**
 * Method-file features, whole process: the grid example (`CPMG_15N_IP_grid2`: a 10×10 grid over
 * KEX_AB and PB on five residues, then a refit and a 108-profile step) and the statistics example
 * (`CPMG_15N_IP_stat`: MC, BS and BSN with 10 replicates each, then a 108-profile step). Prints the
 * median wall time of 3 runs next to ChemEx's on the same machine kind (refdata `time.txt`).
 *
 * Run: `deno run -A benchmarks/methods_bench.ts`
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";

const REPO = fromFileUrl(new URL("..", import.meta.url));
const REFDATA = fromFileUrl(new URL("../../shared/refdata", import.meta.url));

const CASES = [
  {
    folder: "CPMG_15N_IP_grid2",
    method: "Methods/method_grid.toml",
    label: "grid example (10×10 KEX_AB × PB grid, refit, 108-profile step)",
    chemex: { "2025.10": 44.0, "2026.06": 124 },
  },
  {
    folder: "CPMG_15N_IP_stat",
    method: "Methods/method_stat.toml",
    label: "statistics example (MC, BS, BSN × 10, 108-profile step)",
    chemex: { "2026.06": 128 },
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

async function wallTimes(folder: string, method: string): Promise<number[]> {
  const out = Deno.makeTempDirSync({ prefix: "exfit_methods_bench_" });
  const args = [
    "run",
    "-A",
    `${REPO}benchmarks/_fit_process.ts`,
    "fit",
    "-e",
    "Experiments/500mhz.toml",
    "Experiments/800mhz.toml",
    "-p",
    "Parameters/parameters.toml",
    "-m",
    method,
    "-o",
    out,
    "--plot",
    "nothing",
  ];
  const walls: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const res = await new Deno.Command(Deno.execPath(), {
        args,
        cwd: `${REFDATA}/fit/${folder}`,
        stdout: "null",
        stderr: "piped",
      }).output();
      walls.push((performance.now() - t0) / 1000);
      if (!res.success) throw new Error(new TextDecoder().decode(res.stderr));
    }
  } finally {
    Deno.removeSync(out, { recursive: true });
  }
  return walls;
}

try {
  Deno.statSync(`${REFDATA}/fit`);
} catch {
  console.log("notice: ../shared/refdata is absent; skipping the method-file benchmarks");
  Deno.exit(0);
}
for (const c of CASES) {
  const walls = await wallTimes(c.folder, c.method);
  const wall = median(walls);
  console.log(`== ${c.folder}: ${c.label}, whole process ==`);
  console.log(
    `exfit wall time: median ${wall.toFixed(2)} s of [${walls.map((w) => w.toFixed(2))}]`,
  );
  for (const [version, s] of Object.entries(c.chemex)) {
    console.log(`vs ChemEx ${version} (${s} s): ${(s / wall).toFixed(1)}x faster`);
  }
}
