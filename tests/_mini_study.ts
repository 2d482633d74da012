/**
 * A small CPMG study written into a temp folder, for the reliability and fuzz tests: two
 * `cpmg_15n_ip` experiments, three profiles each, a parameter file and a 3-step method. Built
 * from scratch (no refdata needed), so the tests that mutate it never skip.
 *
 * @module
 */
import { join } from "node:path";

/** Names of the files of a mini study, relative to its folder. */
export const MINI = {
  experiments: ["Experiments/500mhz.toml", "Experiments/800mhz.toml"],
  parameters: "Parameters/parameters.toml",
  method: "Methods/method.toml",
} as const;

const NCYC = [0, 1, 2, 4, 6, 8, 10, 14, 20, 30, 0, 4];

function profile(seed: number): string {
  const rows = ["# ncyc_cp  Intensity  Esd(Int.)"];
  for (const [k, n] of NCYC.entries()) {
    // A smooth, decaying dispersion-like curve with a small deterministic wiggle.
    const intensity = 5e4 * Math.exp(-0.03 * (20 - 8 * (1 - Math.exp(-n / 6)))) +
      150 * Math.sin(seed * 7 + k * 3);
    rows.push(`${n.toFixed(1)}  ${intensity.toFixed(3)}  200.0`);
  }
  return rows.join("\n") + "\n";
}

function experiment(mhz: number, carrier: number): string {
  return `[experiment]
name = "cpmg_15n_ip"
carrier = ${carrier}
pw90 = 40.0e-6
time_equil = 2.0e-3
time_t2 = 30.0e-3

[conditions]
h_larmor_frq = ${mhz}.0
label = ["2H"]

[data]
error = "file"
path = "../Data/${mhz}MHz/"

[data.profiles]
10N = "10N-HN.out"
11N = "11N-HN.out"
12N = "12N-HN.out"
`;
}

/** The text of every file of the mini study, by relative path. */
export function miniStudyFiles(): Record<string, string> {
  const files: Record<string, string> = {
    [MINI.experiments[0]]: experiment(500, 118.5),
    [MINI.experiments[1]]: experiment(800, 119.0),
    [MINI.parameters]: `[GLOBAL]
PB = 0.07
KEX_AB = 400.0
DW_AB = 2.0
TAUC_A = 3.0

[CS_A]
10N = 120.0
11N = 121.0
12N = 122.0
`,
    [MINI.method]: `[STEP1]
INCLUDE = [10, 11]

[STEP2]
INCLUDE = "ALL"
FIX = ["PB", "KEX_AB"]

[STEP3]
FIT = ["PB"]
`,
  };
  for (const mhz of [500, 800]) {
    for (const [k, n] of ["10N", "11N", "12N"].entries()) {
      files[`Data/${mhz}MHz/${n}-HN.out`] = profile(k + mhz);
    }
  }
  return files;
}

/**
 * Write the mini study (with `changes` applied: text replacing a file) into a fresh temp folder
 * and return the folder.
 *
 * @example
 * ```ts
 * const dir = writeMiniStudy({ "Parameters/parameters.toml": "[GLOBAL]\nPB = inf\n" });
 * ```
 */
export function writeMiniStudy(changes: Record<string, string> = {}): string {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_mini_" });
  for (const [path, text] of Object.entries({ ...miniStudyFiles(), ...changes })) {
    const full = join(dir, path);
    Deno.mkdirSync(join(full, ".."), { recursive: true });
    Deno.writeTextFileSync(full, text);
  }
  return dir;
}

/** Command-line arguments of `exfit fit` on a mini study in `dir`, writing into `out`. */
export function miniFitArgs(dir: string, out: string, method = true): string[] {
  return [
    "fit",
    "-e",
    ...MINI.experiments.map((e) => join(dir, e)),
    "-p",
    join(dir, MINI.parameters),
    ...(method ? ["-m", join(dir, MINI.method)] : []),
    "-o",
    out,
    "--plot",
    "nothing",
    "--workers",
    "0",
  ];
}
