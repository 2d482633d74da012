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
import { median, timeFitProcess } from "./_timing.ts";

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

try {
  Deno.statSync(`${REFDATA}/fit`);
} catch {
  console.log("notice: ../shared/refdata is absent; skipping the method-file benchmarks");
  Deno.exit(0);
}
for (const c of CASES) {
  const { walls } = await timeFitProcess(`${REFDATA}/fit/${c.folder}`, c.method);
  const wall = median(walls);
  console.log(`== ${c.folder}: ${c.label}, whole process ==`);
  console.log(
    `exfit wall time: median ${wall.toFixed(2)} s of [${walls.map((w) => w.toFixed(2))}]`,
  );
  for (const [version, s] of Object.entries(c.chemex)) {
    console.log(`vs ChemEx ${version} (${s} s): ${(s / wall).toFixed(1)}x faster`);
  }
}
