/**
 * `deno task demo`: a self-contained tour. Simulates a realistic two-field (500 and 800 MHz) ¹⁵N
 * CPMG study of 20 residues with exfit's own forward model and seeded noise, writes it as ChemEx
 * input files, fits it in two steps (global KEX_AB/PB on a subset, then every residue with them
 * fixed), prints true against recovered values and leaves everything in `./ExfitDemo`.
 *
 * @module
 */
import { restoreTaskCwd } from "./_cwd.ts";
import { join } from "../config/paths.ts";
import { syntheticStudyFiles } from "../fit/synthetic.ts";
import { createRng, uniform } from "../math/random.ts";
import { writeStudyFiles } from "../../workflows/synthetic.ts";
import { main } from "./main.ts";

const SEED = 20261124;
const NCYC = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 0, 1, 10];
const FIELDS = [
  // r2Scale: exchange-free R2 grows with the field through the CSA term.
  { name: "500mhz", hz: 500.0, carrier: 118.5, pw90: 40e-6, r2Scale: 1 },
  { name: "800mhz", hz: 800.0, carrier: 118.5, pw90: 42e-6, r2Scale: 1.3 },
];
const TIME_T2_S = 0.04;
const TRUE_KEX = 350.0;
const TRUE_PB = 0.06;

interface Residue {
  name: string;
  csA: number;
  dw: number;
  r2: number;
}

function residues(): Residue[] {
  const rng = createRng(SEED);
  return Array.from({ length: 20 }, (_, k) => {
    const moving = k % 4 !== 3; // every fourth residue does not exchange
    return {
      name: `${k + 2}N`,
      csA: 108 + 22 * uniform(rng),
      dw: moving ? (uniform(rng) < 0.5 ? -1 : 1) * (0.6 + 3.4 * uniform(rng)) : 0,
      r2: 4 + 4 * uniform(rng),
    };
  });
}

function readFitted(path: string): Map<string, string> {
  const out = new Map<string, string>();
  let section = "";
  for (const line of Deno.readTextFileSync(path).split("\n")) {
    const s = /^\[(.*)\]$/.exec(line.trim());
    if (s) section = s[1].replace(/"/g, "");
    const m = /^"?([^"=]+?)"?\s*=\s*(\S+)\s*#\s*(.*)$/.exec(line);
    if (m) out.set(`${section}/${m[1].trim()}`, `${Number(m[2]).toPrecision(4)} ${m[3]}`);
  }
  return out;
}

/** Write the demo study, fit it and print the comparison; returns the exit code. */
export async function runDemo(dir: string): Promise<number> {
  const res = residues();
  const subset = [...res].sort((a, b) => Math.abs(b.dw) - Math.abs(a.dw)).slice(0, 6);
  const files = syntheticStudyFiles({
    fields: FIELDS.map((f) => ({ ...f, stem: f.name })),
    residues: res,
    ncyc: NCYC,
    timeT2: TIME_T2_S,
    kex: TRUE_KEX,
    pb: TRUE_PB,
    // Peak heights of ~1e5 with 1 % noise, as in a good 15N CPMG data set.
    noise: 0.01,
    noiseSeed: SEED + 1,
    intensityDigits: 7,
    error: "duplicates",
    csDecimals: 3,
    dwStart: 2.0,
    method: [
      "[STEP1]",
      `INCLUDE = [${subset.map((r) => `"${r.name}"`).join(", ")}]`,
      "",
      "[STEP2]",
      'INCLUDE = "ALL"',
      'FIX = ["PB", "KEX_AB"]',
      "",
    ].join("\n"),
  });
  writeStudyFiles(dir, files);
  console.log(`Demo study written to ${dir} (seed ${SEED}); fitting it:`);
  const code = await main([
    "fit",
    "-e",
    join(dir, "Experiments", "500mhz.toml"),
    join(dir, "Experiments", "800mhz.toml"),
    "-p",
    join(dir, "Parameters", "parameters.toml"),
    "-m",
    join(dir, "Methods", "method.toml"),
    "-o",
    join(dir, "Output"),
  ]);
  if (code !== 0) return code;
  const step1 = readFitted(join(dir, "Output", "STEP1", "Parameters", "fitted.toml"));
  const step2 = readFitted(join(dir, "Output", "STEP2", "Parameters", "fitted.toml"));
  console.log("\nparameter        true        fitted (± error)");
  console.log(`KEX_AB (s-1)     ${TRUE_KEX.toFixed(4).padEnd(11)} ${step1.get("GLOBAL/KEX_AB")}`);
  console.log(`PB               ${TRUE_PB.toFixed(4).padEnd(11)} ${step1.get("GLOBAL/PB")}`);
  for (const r of res) {
    const fitted = step2.get(`DW_AB/${r.name}`) ?? "(not fitted)";
    console.log(`DW_AB ${r.name.padEnd(10)} ${r.dw.toFixed(4).padEnd(11)} ${fitted}`);
  }
  console.log(
    `\nOutput: ${
      join(dir, "Output")
    } (STEP1, STEP2: Parameters/, Data/, Plots/*.svg and *.pdf, statistics.toml)`,
  );
  console.log(
    "Note: the sign of DW is not determined by CPMG data; compare magnitudes.",
  );
  console.log(`Report (open in a browser): ${join(dir, "Output", "report.html")}`);
  return 0;
}

if (import.meta.main) {
  restoreTaskCwd();
  Deno.exit(await runDemo(Deno.args[0] ?? "ExfitDemo"));
}
